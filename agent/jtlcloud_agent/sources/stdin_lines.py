"""JSON lines (or `channel value` lines) on standard input, e.g. `collector | jtlcloud-agent`.

Input that arrives while the spool is full follows the spool's drop-oldest policy: blocking
would stall the producer at the other end of the pipe.
"""

from __future__ import annotations

import logging
import queue
import sys
import threading
from datetime import datetime, timezone, tzinfo
from typing import IO, Any

from jtlcloud_agent.items import InvalidItem, Item
from jtlcloud_agent.sources.lines import FORMATS, describe, parse_line
from jtlcloud_agent.sources.options import Options
from jtlcloud_agent.spool import Spool

log = logging.getLogger(__name__)

_END = None
FLUSH_ITEMS = 1000
FLUSH_SECONDS = 0.2


class StdinSource:
    finite = True

    def __init__(self, name: str, fmt: str, zone: tzinfo, stream: IO[bytes] | None = None):
        self.name = name
        self.fmt = fmt
        self.zone = zone
        self.stream = stream
        self.rejected = 0

    @classmethod
    def from_options(cls, name: str, values: dict[str, Any], base_dir: str) -> StdinSource:
        options = Options(f"source.{name}", values, base_dir)
        source = cls(name, options.choice("format", "auto", FORMATS), options.zone("timezone"))
        options.done()
        return source

    def run(self, spool: Spool, stop: threading.Event) -> None:
        lines: queue.Queue[bytes | None] = queue.Queue(maxsize=10_000)
        stream = self.stream or sys.stdin.buffer
        # Reading blocks, so it happens in its own daemon thread; this one batches and commits.
        threading.Thread(target=_pump, args=(stream, lines), daemon=True).start()
        pending: list[Item] = []
        ended = False
        while not ended:
            try:
                line = lines.get(timeout=FLUSH_SECONDS)
            except queue.Empty:
                line = b""
            if line is _END:
                ended = True
            elif line:
                self._parse(line.decode("utf-8", "replace"), pending)
            if pending and (ended or len(pending) >= FLUSH_ITEMS or lines.empty()):
                spool.add(pending)
                pending = []
            if stop.is_set() and lines.empty():
                break
        if ended:
            log.info("standard input ended (%d lines rejected)", self.rejected)

    def _parse(self, line: str, pending: list[Item]) -> None:
        try:
            item = parse_line(line, self.fmt, datetime.now(timezone.utc), self.zone)
        except InvalidItem as exc:
            self.rejected += 1
            log.warning("stdin: skipped line (%s): %s", exc, describe(line))
            return
        if item is not None:
            pending.append(item)


def _pump(stream: IO[bytes], lines: queue.Queue[bytes | None]) -> None:
    try:
        for line in stream:
            lines.put(line)
    finally:
        lines.put(_END)
