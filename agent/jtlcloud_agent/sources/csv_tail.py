"""Follow a CSV file like `tail -F`: new lines as they are written, across rotation and truncation.

The first line of every file is its header. Two layouts are understood:
  wide  `ts,flow_temp,return_temp` - one column per channel;
  long  `ts,channel,value[,unit]` - one reading per line (chosen when the header has
        `channel` and `value` columns).
The position (file identity, byte offset, header) is committed together with the readings,
so after a crash or restart the agent continues exactly where it stopped. If the file was
rotated while the agent was down, the old file is found again by its inode in the same
directory and finished first.
"""

from __future__ import annotations

import csv
import hashlib
import logging
import os
import threading
from typing import IO, Any

from jtlcloud_agent.items import InvalidItem, Item, make_reading
from jtlcloud_agent.sources.options import Options
from jtlcloud_agent.spool import Spool

log = logging.getLogger(__name__)

TS_COLUMNS = ("ts", "time", "timestamp", "datetime", "date")
CHUNK_BYTES = 256 * 1024  # one transaction per chunk
FINGERPRINT_BYTES = 1024  # enough to tell a new file from an old one that reused the inode


class CsvTailSource:
    finite = False

    def __init__(self, name: str, path: str, units: dict[str, str], zone: Any, poll: float):
        self.name = name
        self.path = path
        self.units = units
        self.zone = zone
        self.poll = poll
        self.state_key = f"source:{name}"
        self.file: IO[bytes] | None = None
        self.state: dict[str, Any] = {}

    @classmethod
    def from_options(cls, name: str, values: dict[str, Any], base_dir: str) -> CsvTailSource:
        options = Options(f"source.{name}", values, base_dir)
        source = cls(
            name,
            options.path("path"),
            options.mapping("units"),
            options.zone("timezone"),
            options.number("poll_interval", 0.5, minimum=0.01),
        )
        options.done()
        return source

    def run(self, spool: Spool, stop: threading.Event) -> None:
        self._resume(spool.get_state(self.state_key))
        while not stop.is_set():
            if self.file is None and not self._open_current():
                stop.wait(self.poll)
                continue
            if self._read_chunk(spool, stop):
                continue  # more may be waiting: read again without sleeping
            if not self._switch_if_rotated_or_truncated(spool, stop):
                stop.wait(self.poll)
        if self.file is not None:
            self.file.close()

    # -- positions -----------------------------------------------------------------------

    def _resume(self, saved: dict[str, Any] | None) -> None:
        if not saved:
            return
        try:
            current = os.stat(self.path)
        except FileNotFoundError:
            current = None
        if current is not None and self._is_saved_file(self.path, current, saved):
            self._adopt(self.path, saved)
            return
        rotated = self._find_rotated(saved)
        if rotated:
            log.info(
                "source %s: finishing %s, rotated while the agent was stopped", self.name, rotated
            )
            self._adopt(rotated, saved)
        else:
            log.warning(
                "source %s: %s was replaced while the agent was stopped and the old file is"
                " gone; lines written to it after offset %d could not be read",
                self.name,
                self.path,
                saved["offset"],
            )

    def _is_saved_file(self, path: str, st: os.stat_result, saved: dict[str, Any]) -> bool:
        if (st.st_dev, st.st_ino) != (saved["dev"], saved["ino"]):
            return False
        return bool(_fingerprint(path, saved["offset"]) == saved["fingerprint"])

    def _find_rotated(self, saved: dict[str, Any]) -> str | None:
        directory = os.path.dirname(self.path) or "."
        try:
            entries = list(os.scandir(directory))
        except OSError:
            return None
        for entry in entries:
            same_inode = entry.is_file() and entry.inode() == saved["ino"]
            if same_inode and self._is_saved_file(entry.path, entry.stat(), saved):
                return entry.path
        return None

    def _adopt(self, path: str, saved: dict[str, Any]) -> None:
        self.file = open(path, "rb")  # noqa: SIM115 - kept open across polls to survive renames
        size = os.fstat(self.file.fileno()).st_size
        self.state = dict(saved)
        if size < saved["offset"]:
            log.warning(
                "source %s: %s shrank while stopped; reading it from the start", self.name, path
            )
            self.state.update(offset=0, header=None, fingerprint=_fingerprint(self.file, 0))
        self.file.seek(self.state["offset"])

    def _open_current(self) -> bool:
        try:
            self.file = open(self.path, "rb")  # noqa: SIM115 - see _adopt
        except FileNotFoundError:
            return False
        st = os.fstat(self.file.fileno())
        self.state = {
            "dev": st.st_dev, "ino": st.st_ino, "offset": 0, "header": None,
            "fingerprint": _fingerprint(self.file, 0),
        }  # fmt: skip
        return True

    def _switch_if_rotated_or_truncated(self, spool: Spool, stop: threading.Event) -> bool:
        assert self.file is not None  # noqa: S101 - run() opens before calling
        try:
            current = os.stat(self.path)
        except FileNotFoundError:
            return False  # rotated away and not yet recreated: keep the old file until it is
        if (current.st_dev, current.st_ino) != (self.state["dev"], self.state["ino"]):
            # Lines may have landed in the old file between our last read and the rename.
            while self._read_chunk(spool, stop):
                pass
            log.info("source %s: %s was rotated; following the new file", self.name, self.path)
            self.file.close()
            self.file = None
            return True
        if os.fstat(self.file.fileno()).st_size < self.state["offset"]:
            log.info("source %s: %s was truncated; reading from the start", self.name, self.path)
            self.state.update(offset=0, header=None, fingerprint=_fingerprint(self.file, 0))
            self.file.seek(0)
            spool.put_state(self.state_key, self.state)
            return True
        return False

    # -- reading -------------------------------------------------------------------------

    def _read_chunk(self, spool: Spool, stop: threading.Event) -> bool:
        """Read complete lines after the offset; commit readings and the new offset together.

        A full spool holds the file back (the offset does not move) instead of dropping
        readings: at most as many lines are taken as there is room for.
        """
        assert self.file is not None  # noqa: S101
        if not spool.wait_for_room(1, stop):
            return False
        room = spool.max_items - spool.depth()
        start = self.state["offset"]
        self.file.seek(start)
        data = self.file.read(CHUNK_BYTES)
        header = self.state["header"]
        items: list[Item] = []
        consumed = 0
        while True:
            end = data.find(b"\n", consumed)
            if end < 0:
                break  # the rest is a line still being written
            line = data[consumed:end].decode("utf-8", "replace")
            header, line_items = self._parse_line(line, header, start + consumed)
            if items and len(items) + len(line_items) > room:
                break
            items.extend(line_items)
            consumed = end + 1
        if not consumed:
            return False
        state = dict(self.state, offset=start + consumed, header=header)
        if start < FINGERPRINT_BYTES:
            state["fingerprint"] = _fingerprint(self.file, state["offset"])
        spool.add(items, {self.state_key: state})
        self.state = state
        return True

    def _parse_line(
        self, line: str, header: list[str] | None, offset: int
    ) -> tuple[list[str] | None, list[Item]]:
        """One physical line (quoted fields may not span lines); the first one is the header."""
        row = next(csv.reader([line]), [])
        if not any(cell.strip() for cell in row):
            return header, []
        if header is None:
            return [cell.strip().lstrip("\ufeff") for cell in row], []
        try:
            return header, self._row_items(header, row)
        except InvalidItem as exc:
            log.warning("source %s: skipped line at byte %d (%s): %s", self.name, offset, exc, line)
            return header, []

    def _row_items(self, header: list[str], row: list[str]) -> list[Item]:
        fields = dict(zip([name.lower() for name in header], row))
        if "channel" in fields and "value" in fields:
            channel = fields["channel"].strip()
            unit = fields.get("unit") or self.units.get(channel)
            return [make_reading(channel, _ts(fields), fields["value"], unit, self.zone)]
        ts = _ts(fields) if any(name in fields for name in TS_COLUMNS) else row[0]
        items = []
        for name, cell in zip(header, row):
            if name.lower() in TS_COLUMNS or not cell.strip():
                continue  # an empty cell means "no reading for this channel at this time"
            items.append(make_reading(name, ts, cell, self.units.get(name), self.zone))
        return items


def _ts(fields: dict[str, str]) -> str:
    for name in TS_COLUMNS:
        if fields.get(name, "").strip():
            return fields[name]
    raise InvalidItem("ts: missing")


def _fingerprint(source: str | IO[bytes], offset: int) -> str:
    """Hash of the file's first bytes, which never change while the file is only appended to."""
    if isinstance(source, str):
        with open(source, "rb") as handle:
            return _fingerprint(handle, offset)
    position = source.tell()
    source.seek(0)
    digest = hashlib.sha256(source.read(min(offset, FINGERPRINT_BYTES))).hexdigest()
    source.seek(position)
    return digest
