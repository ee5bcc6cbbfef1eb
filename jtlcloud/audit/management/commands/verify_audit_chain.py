"""Verify the audit trail's hash chain and name the first altered entry."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from jtlcloud.audit.chain import verify_chain


class Command(BaseCommand):
    help = "Check every audit entry against its hash and its link to the one before."

    def handle(self, *args: Any, **options: Any) -> None:
        checked, problem = verify_chain()
        if problem is not None:
            raise CommandError(
                f"audit chain broken at entry #{problem.event_id}: {problem.reason} "
                f"({checked} entries checked)"
            )
        self.stdout.write(f"audit chain intact: {checked} entries checked")
