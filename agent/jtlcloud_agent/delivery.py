"""The sending loop: take the oldest items from the spool, post them, act on the answer.

Items leave the spool only after a 200. Every other outcome leaves them in place (or, for
items the server named as invalid, moves them to the set-aside table), so an answer lost to a
crash or a cut connection just means the batch is sent again; the server keeps it once.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import logging
import threading
import time
from typing import Callable

from jtlcloud_agent.backoff import Backoff, retry_after_seconds
from jtlcloud_agent.spool import Queued, Spool
from jtlcloud_agent.transport import Answer, Transport, TransportError

log = logging.getLogger(__name__)

INGEST_PATH = "/api/v1/ingest"
MAX_ITEMS = 5000  # the server's per-request limit
MAX_BODY_BYTES = 3_500_000  # below the server's 4 MB, leaving room for the JSON envelope
GZIP_ABOVE_BYTES = 1024


class Deliverer:
    def __init__(
        self,
        spool: Spool,
        transport: Transport,
        key: Callable[[], str],
        *,
        batch_size: int,
        send_interval: float,
        backoff: Backoff,
        unauthorized_retry: float,
        use_gzip: bool = True,
    ) -> None:
        self.spool = spool
        self.transport = transport
        self.key = key
        self.batch_size = min(batch_size, MAX_ITEMS)
        self.limit = self.batch_size  # shrinks after 413 or unexplained 400, grows back on 200
        self.send_interval = send_interval
        self.backoff = backoff
        self.unauthorized_retry = unauthorized_retry
        self.use_gzip = use_gzip
        self.in_flight = False
        self.last_status: int | None = None
        self.delivered_once = False
        self.delivered_since_report = 0
        self.last_report = time.monotonic()

    def run(self, stop: threading.Event) -> None:
        last_send = 0.0
        while not stop.is_set():
            self.spool.added.clear()
            depth = self.spool.depth()
            due = time.monotonic() - last_send >= self.send_interval
            if depth == 0 or (depth < self.limit and not due):
                wait = self.send_interval - (time.monotonic() - last_send)
                # Wake on new data so a full batch goes out at once; otherwise on the interval.
                self.spool.added.wait(max(0.05, min(wait, 1.0)))
                continue
            last_send = time.monotonic()
            try:
                delay = self.send_one_batch()
            except Exception as exc:  # the sender must outlive any one failure
                # e.g. an unreadable key file or a full disk: keep everything and try again.
                log.exception("sending failed")
                self.last_status = None
                delay = self.backoff.next_delay()
                with contextlib.suppress(Exception):
                    self.spool.record_error(f"sending failed: {exc}")
            self._report_progress()
            if self.last_status != 200:
                # Failures and set-asides retry the rest after `delay`, not after the interval.
                stop.wait(delay)
                last_send = 0.0

    def send_one_batch(self) -> float:
        """Send the oldest batch; return how long to wait before the next attempt."""
        batch = self.spool.next_batch(self.limit, MAX_BODY_BYTES)
        if not batch:
            return 0.0
        readings = [item for item in batch if item.kind == "reading"]
        events = [item for item in batch if item.kind == "event"]
        body = (
            '{"readings":['
            + ",".join(item.body for item in readings)
            + '],"events":['
            + ",".join(item.body for item in events)
            + "]}"
        ).encode()
        headers = {
            "Authorization": f"Bearer {self.key()}",
            "Content-Type": "application/json",
            "User-Agent": "jtlcloud-agent",
        }
        if self.use_gzip and len(body) > GZIP_ABOVE_BYTES:
            body = gzip.compress(body, compresslevel=5)
            headers["Content-Encoding"] = "gzip"
        self.in_flight = True
        self.last_status = None
        try:
            answer = self.transport.post(INGEST_PATH, body, headers)
            self.last_status = answer.status
        except TransportError as exc:
            return self._failed(f"cannot reach server: {exc}")
        finally:
            self.in_flight = False
        return self._handle(answer, batch, readings, events)

    def _handle(
        self, answer: Answer, batch: list[Queued], readings: list[Queued], events: list[Queued]
    ) -> float:
        status = answer.status
        if status == 200:
            self.spool.acknowledge([item.id for item in batch], len(readings), len(events))
            if self.backoff.failures or not self.delivered_once:
                log.info("delivering to the server (%d items waiting)", self.spool.depth())
            self.delivered_once = True
            self.backoff.reset()
            self.limit = min(self.batch_size, self.limit * 2)
            self.delivered_since_report += len(batch)
            log.debug("delivered %d readings and %d events", len(readings), len(events))
            return 0.0
        if status == 400:
            return self._rejected(answer, batch, readings, events)
        if status in (401, 403):
            message = (
                f"server refused the installation key (HTTP {status}): check `key` / `key_file`;"
                f" nothing is lost, retrying every {self.unauthorized_retry:.0f} s"
            )
            log.error("%s", message)
            self.spool.record_error(message)
            return self.unauthorized_retry
        if status == 413:
            if len(batch) == 1:
                self._set_aside([(batch[0], "server: request too large (413)")])
                return 0.0
            self.limit = max(1, len(batch) // 2)
            log.warning(
                "server said the batch is too large; sending %d items at a time", self.limit
            )
            return 0.0
        if status == 429:
            wait = retry_after_seconds(answer.headers.get("retry-after"))
            if wait is None:
                return self._failed("server is rate limiting (429)")
            message = f"server is rate limiting (429): waiting {wait:.0f} s as asked"
            log.warning("%s", message)
            self.spool.record_error(message)
            return wait
        return self._failed(f"server answered HTTP {status}: {_excerpt(answer.body)}")

    def _rejected(
        self, answer: Answer, batch: list[Queued], readings: list[Queued], events: list[Queued]
    ) -> float:
        by_kind = {"readings": readings, "events": events}
        named: dict[int, tuple[Queued, str]] = {}
        try:
            errors = json.loads(answer.body)["errors"]
            for error in errors:
                item = by_kind[error["kind"]][int(error["index"])]
                reason = f"{error.get('field', '?')}: {error.get('message', '')}"
                previous = named.get(item.id)
                named[item.id] = (item, f"{previous[1]}; {reason}" if previous else reason)
        except (ValueError, KeyError, IndexError, TypeError):
            named = {}
        if named:
            self._set_aside(list(named.values()))
            return 0.0
        # A 400 that names no item: halve the batch until the culprit is alone, then set it aside.
        if len(batch) == 1:
            self._set_aside([(batch[0], f"server: {_excerpt(answer.body)}")])
            return 0.0
        self.limit = max(1, len(batch) // 2)
        return self._failed(
            f"server refused the batch without naming items: {_excerpt(answer.body)}"
        )

    def _set_aside(self, rejected: list[tuple[Queued, str]]) -> None:
        self.spool.set_aside(rejected)
        for item, reason in rejected[:5]:
            log.error("set aside %s the server refused (%s): %s", item.kind, reason, item.body)
        if len(rejected) > 5:
            log.error(
                "set aside %d more refused items; see `jtlcloud-agent status`", len(rejected) - 5
            )

    def _failed(self, message: str) -> float:
        delay = self.backoff.next_delay()
        log.warning("%s; retrying in %.1f s", message, delay)
        self.spool.record_error(message)
        return delay

    def _report_progress(self) -> None:
        # A summary a minute keeps the log readable at thousands of readings per second.
        if time.monotonic() - self.last_report >= 60 and self.delivered_since_report:
            log.info(
                "delivered %d items in the last %.0f s; %d waiting in the spool",
                self.delivered_since_report,
                time.monotonic() - self.last_report,
                self.spool.depth(),
            )
            self.delivered_since_report = 0
            self.last_report = time.monotonic()


def _excerpt(body: bytes, limit: int = 200) -> str:
    text = body.decode("utf-8", "replace").strip().replace("\n", " ")
    return text if len(text) <= limit else text[:limit] + "..."
