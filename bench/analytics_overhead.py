"""How much the visit-analytics middleware costs per page, in the same run, with vs. without.

    .venv/bin/python bench/analytics_overhead.py [requests per round]

Builds a throwaway SQLite test database, then alternates rounds of requests
through the full middleware stack and through the same stack without the
analytics middleware. The "with" figure includes the amortised cost of the
batched writes (they run from ``request_finished``, as in a server worker;
a real server writes after the response has gone, so users wait even less).
Target: at most 1 ms or 10 % per page.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jtlcloud.settings")
os.environ.setdefault("JTL_TEST_SQLITE", "")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

ANALYTICS = "jtlcloud.privacy.analytics.AnalyticsMiddleware"
AGENT = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
PAGES = ["/", "/privacy", "/contact", "/cookies"]


def _round(client: Client, count: int) -> float:
    start = time.perf_counter()
    for i in range(count):
        response = client.get(PAGES[i % len(PAGES)], REMOTE_ADDR=f"192.0.2.{i % 200}")
        assert response.status_code == 200
    return (time.perf_counter() - start) / count


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 400
    setup_test_environment()
    connection.creation.create_test_db(verbosity=0)
    from jtlcloud.privacy.analytics import recorder
    from jtlcloud.privacy.models import PageView

    without_stack = [m for m in settings.MIDDLEWARE if m != ANALYTICS]
    assert ANALYTICS in settings.MIDDLEWARE
    with_client = Client(HTTP_USER_AGENT=AGENT)
    with override_settings(MIDDLEWARE=without_stack):
        without_client = Client(HTTP_USER_AGENT=AGENT)
        _round(without_client, 50)  # warm up templates and the middleware chain
    _round(with_client, 50)
    results = []
    for mode in ("inline", "background"):
        # inline: the request that fills the batch writes it (tests, commands);
        # background: the writer thread a server process runs writes it.
        recorder.timer_allowed = mode == "background"
        with_times, without_times = [], []
        for _ in range(7):
            with override_settings(MIDDLEWARE=without_stack):
                without_times.append(_round(without_client, count))
            with_times.append(_round(with_client, count))
        with_ms = statistics.median(with_times) * 1000
        without_ms = statistics.median(without_times) * 1000
        overhead = with_ms - without_ms
        ok = overhead <= 1.0 or overhead / without_ms <= 0.10
        results.append(ok)
        print(f"[{mode} writes] {count} pages x 7 rounds, median per page:")
        print(f"  without analytics: {without_ms:.3f} ms")
        print(f"  with analytics:    {with_ms:.3f} ms")
        print(f"  overhead:          {overhead:.3f} ms ({overhead / without_ms * 100:.1f} %)")
        print("  target (<= 1 ms or <= 10 %):", "met" if ok else "NOT met")
    recorder.timer_allowed = False
    time.sleep(settings.JTL_ANALYTICS_FLUSH_SECONDS / 10)
    recorder.flush()
    print(f"page views stored: {PageView.objects.count()}")
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
