"""Shared set-up of the benchmarks: a fresh SQLite database in a temporary directory."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def fresh_django(name: str) -> Path:
    """Point Django at a new SQLite file, migrate it, and return its path."""
    directory = Path(tempfile.mkdtemp(prefix=f"jtl-bench-{name}-"))
    database = directory / "bench.sqlite3"
    os.environ["JTL_DATA_DIR"] = str(directory)
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jtlcloud.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return database


def make_installation(name: str = "Bench plant"):  # type: ignore[no-untyped-def]
    from jtlcloud.accounts.models import Organisation
    from jtlcloud.installations.models import Installation, InstallationKey
    from jtlcloud.lib.secrets import new_secret

    owner = Organisation.objects.create(name="Bench owner")
    installation = Installation.objects.create(owner=owner, name=name)
    secret = new_secret("jtlk")
    InstallationKey.objects.create(
        installation=installation, prefix=secret.prefix, key_hash=secret.hashed
    )
    return installation, secret.full


def median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
