"""Run a command every `interval` seconds and read its output as JSON or `channel value` lines.

Lines without a timestamp get the time the command started, so one run is one instant.
"""

from __future__ import annotations

import logging
import shlex
import subprocess
import threading
import time
from datetime import datetime, timezone, tzinfo
from typing import Any

from jtlcloud_agent.items import InvalidItem, Item
from jtlcloud_agent.sources.lines import FORMATS, describe, parse_line
from jtlcloud_agent.sources.options import Options
from jtlcloud_agent.spool import Spool

log = logging.getLogger(__name__)


class CommandSource:
    finite = False

    def __init__(
        self,
        name: str,
        argv: list[str] | str,
        interval: float,
        timeout: float,
        fmt: str,
        zone: tzinfo,
    ) -> None:
        self.name = name
        self.argv = argv
        self.interval = interval
        self.timeout = timeout
        self.fmt = fmt
        self.zone = zone

    @classmethod
    def from_options(cls, name: str, values: dict[str, Any], base_dir: str) -> CommandSource:
        options = Options(f"source.{name}", values, base_dir)
        command = options.text("command")
        shell = options.flag("shell", False)
        interval = options.number("interval", 60.0, minimum=0.1)
        source = cls(
            name,
            command if shell else shlex.split(command),
            interval,
            options.number("timeout", interval, minimum=0.1),
            options.choice("format", "auto", FORMATS),
            options.zone("timezone"),
        )
        options.done()
        return source

    def run(self, spool: Spool, stop: threading.Event) -> None:
        next_run = time.monotonic()
        while not stop.is_set():
            items = self.run_once()
            if items:
                spool.add(items)
            next_run += self.interval
            # If a run overran, start the next one now rather than trying to catch up.
            next_run = max(next_run, time.monotonic())
            stop.wait(next_run - time.monotonic())

    def run_once(self) -> list[Item]:
        started = datetime.now(timezone.utc)
        try:
            done = subprocess.run(  # noqa: S603 - the command comes from the operator's config
                self.argv,
                shell=isinstance(self.argv, str),
                capture_output=True,
                timeout=self.timeout,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            log.error("source %s: command failed: %s", self.name, exc)
            return []
        if done.returncode != 0:
            log.warning(
                "source %s: command exited with %d: %s",
                self.name,
                done.returncode,
                describe(done.stderr.decode("utf-8", "replace")),
            )
        items = []
        for line in done.stdout.decode("utf-8", "replace").splitlines():
            try:
                item = parse_line(line, self.fmt, started, self.zone)
            except InvalidItem as exc:
                log.warning("source %s: skipped line (%s): %s", self.name, exc, describe(line))
                continue
            if item is not None:
                items.append(item)
        return items
