"""Seed the demo world (idempotent) and print the demo logins."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from jtlcloud.demo import seed_all
from jtlcloud.demo.accounts import DEMO_LOGINS


class Command(BaseCommand):
    help = "Create the demo organisations, people and installations, and print the demo logins."

    def handle(self, *args: Any, **options: Any) -> None:
        seed_all()
        self.stdout.write("\nJTL Cloud demo: open " + settings.JTL_SITE_URL + "\n")
        for login in DEMO_LOGINS:
            self.stdout.write(f"  {login.role:<34} {login.email:<28} PIN {login.pin}")
        self.stdout.write(
            "  (Staff always need a second factor: the officer sets up an authenticator app"
            " at first login.)"
        )
        if settings.EMAIL_BACKEND.endswith("filebased.EmailBackend"):
            self.stdout.write(
                f"\nEmails (verification links, PIN resets) go to {settings.EMAIL_FILE_PATH}"
            )
        self.stdout.write("")
