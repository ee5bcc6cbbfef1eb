"""How much Argon2 costs a login: production parameters against cheap ones, in the same run.

    .venv/bin/python bench/login_argon2.py [--rounds 21]

Runs on a throw-away in-memory SQLite database. Measures, each as the median of
``--rounds`` runs:

* ``verify``: ``check_password`` alone with the production Argon2id parameters
  (``JTL_ARGON2_*``, defaults t=2, m=100 MiB, p=8);
* ``login``: a whole ``POST /login`` (form, throttle check, Argon2, session,
  audit record) through Django's test client with those parameters;
* baseline ``login (cheap hash)``: the same POST with Argon2id at t=1, m=512 KiB,
  p=1 (the test suite's parameters), so the difference is the hash;
* baseline ``page``: a ``GET /login``.

It prints each figure and the ratios of the production login to the baselines.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jtlcloud.settings")
os.environ["DATABASE_URL"] = "sqlite://:memory:"
os.environ.pop("REDIS_URL", None)

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings, setup_test_environment  # noqa: E402

from jtlcloud.accounts.models import User  # noqa: E402

PIN = "bench-kettle-sings"
CHEAP = {"JTL_ARGON2_TIME_COST": 1, "JTL_ARGON2_MEMORY_KIB": 512, "JTL_ARGON2_PARALLELISM": 1}


def timed_ms(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1000


def log_in(email: str) -> None:
    response = Client().post("/login", {"email": email, "pin": PIN}, REMOTE_ADDR="192.0.2.1")
    if response.status_code != 302:
        raise SystemExit(f"login failed with {response.status_code}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=21)
    rounds = parser.parse_args().rounds

    setup_test_environment()
    call_command("migrate", verbosity=0)
    # Enough failures for the throttle never to matter: every login here succeeds anyway.
    settings.JTL_LOGIN_FAILURES_PER_IP = 10**6

    prod = (
        settings.JTL_ARGON2_TIME_COST,
        settings.JTL_ARGON2_MEMORY_KIB,
        settings.JTL_ARGON2_PARALLELISM,
    )
    now = django.utils.timezone.now()
    strong = User.objects.create_user("strong@bench.example", PIN, email_verified_at=now)
    with override_settings(**CHEAP):
        cheap = User.objects.create_user("cheap@bench.example", PIN, email_verified_at=now)

    cheap_settings = override_settings(**CHEAP)
    cases: dict[str, Callable[[], object]] = {
        "verify": lambda: strong.check_password(PIN),
        "login": lambda: log_in(strong.email),
        "login_cheap": lambda: (
            cheap_settings.enable(),
            log_in(cheap.email),
            cheap_settings.disable(),
        ),
        "page": lambda: Client().get("/login"),
    }
    for action in cases.values():
        action()  # warm-up: first-use imports and template loading are not part of a login
    # Interleaved rounds, so a noisy neighbour slows every case alike rather than one.
    samples: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(rounds):
        for name, action in cases.items():
            samples[name].append(timed_ms(action))
    verify, login, login_cheap, page = (statistics.median(samples[n]) for n in cases)

    print(f"JTL Cloud login benchmark: {rounds} rounds, median of each")
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    )
    print(f"production Argon2id: t={prod[0]}, m={prod[1]} KiB, p={prod[2]}")
    print(f"  verify (check_password)          {verify:8.1f} ms")
    print(f"  POST /login, production hash     {login:8.1f} ms")
    print(f"  POST /login, cheap hash          {login_cheap:8.1f} ms   (baseline)")
    print(f"  GET /login                       {page:8.1f} ms   (baseline)")
    print(f"ratio login / login with cheap hash: {login / login_cheap:6.1f}x")
    print(f"ratio login / page:                  {login / page:6.1f}x")
    print(f"share of a login spent on the hash:  {100 * (1 - login_cheap / login):6.1f} %")


if __name__ == "__main__":
    main()
