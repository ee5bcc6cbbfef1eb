"""Publish the operator's own privacy policy (a Markdown file) as the next version."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jtlcloud.privacy.policy import publish_policy


class Command(BaseCommand):
    help = "Publish a Markdown file as the next version of the privacy policy."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="the policy text in Markdown")
        parser.add_argument("--effective", required=True, help="effective date, YYYY-MM-DD")
        parser.add_argument("--summary", required=True, help="what changed, in a sentence or two")
        parser.add_argument(
            "--no-email", action="store_true", help="do not email users who asked to be told"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        try:
            text = path.read_text(encoding="utf-8")
            effective = dt.date.fromisoformat(options["effective"])
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"cannot read {path}: {error}") from error
        except ValueError as error:
            raise CommandError("--effective must be a date like 2026-12-01") from error
        if not text.strip():
            raise CommandError(f"{path} is empty")
        version = publish_policy(
            None,
            body_markdown=text,
            effective_date=effective,
            change_summary=options["summary"],
            notify=not options["no_email"],
        )
        self.stdout.write(f"published privacy policy version {version.number}")
