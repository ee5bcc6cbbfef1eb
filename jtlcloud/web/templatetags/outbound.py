"""One helper for links that leave JTL Cloud (policy 9).

``{% outbound "https://ico.org.uk/make-a-complaint/" "the ICO's complaint page" %}`` gives
a link with ``rel="noopener noreferrer"`` (the other site learns neither our page
nor gets a handle on our window), a visible ↗ marker and a short note that the
reader is leaving JTL Cloud. Only http(s) addresses are accepted.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString

register = template.Library()

LEAVING_NOTE = "you are leaving JTL Cloud"


@register.simple_tag
def outbound(url: str, text: str = "") -> SafeString:
    parts = urlsplit(str(url))
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise template.TemplateSyntaxError(f"outbound links must be http(s) URLs, not {url!r}")
    return format_html(
        '<a href="{}" class="outbound" rel="noopener noreferrer" data-outbound '
        'title="Opens {} — {}">{}<span class="outbound-mark" aria-hidden="true">↗</span></a>'
        ' <small class="outbound-note">({})</small>',
        # escape(), not format_html's own escaping: template literals arrive marked safe.
        escape(str(url)),
        escape(parts.netloc),
        LEAVING_NOTE,
        escape(str(text or parts.netloc)),
        LEAVING_NOTE,
    )
