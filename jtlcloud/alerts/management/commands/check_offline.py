"""Fire and clear the offline alert rules; once, or every N seconds as a worker."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from jtlcloud.alerts.evaluate import check_offline


class Command(BaseCommand):
    help = "Check the offline alert rules: notify when an installation goes silent or returns."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--every", type=int, default=0, help="run forever, every this many seconds"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            result = check_offline()
            self.stdout.write(f"Offline rules: {result.fired} fired, {result.cleared} cleared.")
            if not options["every"]:
                return
            time.sleep(options["every"])
