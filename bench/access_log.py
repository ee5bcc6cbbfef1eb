"""What writing the access log adds to a request: record_access against two baselines.

    .venv/bin/python bench/access_log.py            # SQLite in a temporary directory
    DATABASE_URL=postgres://... .venv/bin/python bench/access_log.py

Measured in the same run, on the same database:
- a plain INSERT of the same row through a cursor (the floor for any log write);
- a whole no-op request (GET /health through every middleware);
- record_access() as the data views call it.
The ratio record_access / request is what the log costs relative to the
cheapest request the site serves; real data pages cost several times more.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jtlcloud.settings")
_tmp = tempfile.mkdtemp(prefix="jtl-bench-")
os.environ.setdefault("JTL_DATA_DIR", _tmp)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, RequestFactory  # noqa: E402
from django.utils import timezone  # noqa: E402

from jtlcloud.accounts.models import Organisation, User  # noqa: E402
from jtlcloud.installations.access import Access  # noqa: E402
from jtlcloud.installations.access_log import record_access  # noqa: E402
from jtlcloud.installations.models import AccessLogEntry, Installation  # noqa: E402

ROUNDS = 5
PER_ROUND = 400


def per_call(fn: Callable[[], object]) -> float:
    """Median over ROUNDS of the mean time per call, in microseconds."""
    results = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        for _ in range(PER_ROUND):
            fn()
        results.append((time.perf_counter() - start) / PER_ROUND * 1e6)
    return statistics.median(results)


def main() -> None:
    call_command("migrate", verbosity=0)
    org = Organisation.objects.create(name="Bench Owner")
    installation = Installation.objects.create(owner=org, name="Bench Boiler")
    user = User.objects.create_user(f"bench-{time.time_ns()}@example.com", None, name="Bench")
    access = Access(installation, "grant", grant_id=1, role="viewer", organisation="Bench Co")
    request = RequestFactory().get("/installations", REMOTE_ADDR="192.0.2.1")
    client = Client()
    table = AccessLogEntry._meta.db_table
    sql = (
        f"INSERT INTO {table} (installation_id, user_id, user_label, organisation_label, kind,"
        " detail, via, grant_id, at, ip) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
    )
    now = timezone.now()

    def plain_insert() -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                sql,
                [
                    installation.pk,
                    user.pk,
                    "Bench <b@x>",
                    "Bench Co",
                    "chart",
                    "",
                    "grant",
                    1,
                    now,
                    "192.0.2.1",
                ],
            )

    for fn in (plain_insert, lambda: client.get("/health")):
        fn()  # warm up connections and caches
    insert_us = per_call(plain_insert)
    request_us = per_call(lambda: client.get("/health"))
    record_us = per_call(lambda: record_access(request, user, access, "chart", "flow_temp"))
    print(f"database: {connection.vendor}; {ROUNDS} rounds of {PER_ROUND} calls, median")
    print(f"  plain INSERT of the row          {insert_us:8.1f} µs")
    print(f"  no-op request (GET /health)      {request_us:8.1f} µs")
    print(f"  record_access()                  {record_us:8.1f} µs")
    print(f"  record_access / plain INSERT     {record_us / insert_us:8.2f}x")
    print(f"  record_access / no-op request    {record_us / request_us:8.2f}x")
    AccessLogEntry.objects.filter(installation=installation).delete()
    installation.delete()
    org.delete()
    user.delete()


if __name__ == "__main__":
    main()
