"""The ``jtlcloud`` command: ``demo``, ``serve``, and every Django management command."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request

from jtlcloud.lib.env import env_int, env_str


def _django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jtlcloud.settings")
    import django

    django.setup()


def _server_command(bind: str) -> list[str]:
    workers = env_int("JTL_WEB_WORKERS", 1, minimum=1)
    threads = env_int("JTL_WEB_THREADS", 8, minimum=1)
    return [
        sys.executable, "-m", "gunicorn", "jtlcloud.wsgi:application",
        "--bind", bind, "--workers", str(workers), "--threads", str(threads),
        "--access-logfile", "-", "--graceful-timeout", "10",
    ]  # fmt: skip


def serve(bind: str | None = None) -> int:
    """Run the web server in the foreground (gunicorn; threads share one process's cache)."""
    bind = bind or env_str("JTL_BIND", "127.0.0.1:8000")
    return subprocess.call(_server_command(bind))  # noqa: S603 - our own interpreter


def _wait_until_up(bind: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://{bind}/health", timeout=2):
                return
        except OSError:
            time.sleep(0.2)


def demo() -> int:
    """Set up the embedded database with demo data and run the server with live data."""
    _django_setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
    call_command("migrate", interactive=False, verbosity=0)
    call_command("seed_demo")
    from jtlcloud.demo.live import start_live_data

    bind = env_str("JTL_BIND", "127.0.0.1:8000")
    # Stopped by a service manager (SIGTERM), still stop the server and the simulator.
    signal.signal(signal.SIGTERM, lambda _signum, _frame: sys.exit(0))
    server = subprocess.Popen(_server_command(bind))  # noqa: S603 - our own interpreter
    # The simulated installation starts once the server answers, so its first send lands.
    _wait_until_up(bind)
    live = start_live_data()
    try:
        return server.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        for process in [*live, server]:
            process.terminate()
        for process in [*live, server]:
            process.wait(15)


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["demo"]:
        return demo()
    if args[:1] == ["serve"]:
        return serve(args[1] if len(args) > 1 else None)
    _django_setup()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["jtlcloud", *args])
    return 0


if __name__ == "__main__":
    sys.exit(main())
