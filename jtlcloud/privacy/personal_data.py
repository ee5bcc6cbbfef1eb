"""Everything JTL Cloud holds about one person, gathered section by section (policy 10).

Each area registers the sections it owns, so "Your data" and the JSON
download grow with the product instead of drifting from it:

    from jtlcloud.privacy.personal_data import register_section

    @register_section("grants", "Access grants", order=40)
    def grants(user):
        return [{"installation": ..., "granted_at": ...}, ...]

A section function takes the user and returns a list of flat dicts (rows) or
one dict; values must be JSON-serialisable (str, int, bool, None, datetimes
and dates are turned into ISO strings). Register at import time of a module
that is imported when Django starts (e.g. from the app's ``AppConfig.ready``).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from jtlcloud.accounts.models import User

Rows = list[dict[str, Any]] | dict[str, Any]
SectionFunction = Callable[[User], Rows]


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    description: str
    order: int
    collect: SectionFunction


_SECTIONS: dict[str, Section] = {}


def register_section(
    key: str, title: str, *, description: str = "", order: int = 100
) -> Callable[[SectionFunction], SectionFunction]:
    def decorator(function: SectionFunction) -> SectionFunction:
        _SECTIONS[key] = Section(key, title, description, order, function)
        return function

    return decorator


def sections() -> list[Section]:
    return sorted(_SECTIONS.values(), key=lambda s: (s.order, s.key))


@dataclass(frozen=True)
class CollectedSection:
    key: str
    title: str
    description: str
    rows: list[dict[str, Any]]
    single: bool


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def collect(user: User) -> list[CollectedSection]:
    """Every registered section for ``user``, values as the sections gave them."""
    collected = []
    for section in sections():
        result = section.collect(user)
        single = isinstance(result, dict)
        rows = [result] if isinstance(result, dict) else list(result)
        collected.append(
            CollectedSection(
                key=section.key,
                title=section.title,
                description=section.description,
                rows=rows,
                single=single,
            )
        )
    return collected


def as_json_document(user: User) -> dict[str, Any]:
    from django.utils import timezone

    return {
        "generated_at": timezone.now().isoformat(),
        "about": str(user.code),
        "sections": {s.key: (s.rows[0] if s.single and s.rows else s.rows) for s in collect(user)},
    }
