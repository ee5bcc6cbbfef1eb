"""Delete raw readings and rollups past their retention; once, or every N seconds as a worker."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from jtlcloud.telemetry.retention import apply_retention


class Command(BaseCommand):
    help = "Apply data retention: raw readings per installation, rollups kept longer."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--every", type=int, default=0, help="run forever, every this many seconds"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            result = apply_retention()
            self.stdout.write(
                f"Deleted {result.readings_deleted} readings and {result.rollups_deleted} rollups."
            )
            if not options["every"]:
                return
            time.sleep(options["every"])
