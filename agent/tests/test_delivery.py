"""The sender against the ingest stub: what the server ends up holding after each kind of answer."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import pytest

from jtlcloud_agent.backoff import Backoff
from jtlcloud_agent.delivery import Deliverer
from jtlcloud_agent.items import make_event, make_reading
from jtlcloud_agent.spool import Spool
from jtlcloud_agent.transport import Transport


def make_deliverer(spool: Spool, url: str, key: Any = "test-key", **options: Any) -> Deliverer:
    settings: dict[str, Any] = {
        "batch_size": 100,
        "send_interval": 0.0,
        "backoff": Backoff(0.01, 0.05),
        "unauthorized_retry": 0.2,
    }
    settings.update(options)
    return Deliverer(
        spool, Transport(url, None, "none", 5), key if callable(key) else lambda: key, **settings
    )


def readings(count: int, channel: str = "flow_temp", start: int = 1_795_000_000) -> list[Any]:
    return [make_reading(channel, start + i, 20 + i / 10, "°C") for i in range(count)]


@pytest.fixture
def spool(tmp_path: Any) -> Spool:
    return Spool(str(tmp_path / "spool.db"))


def test_it_deletes_a_batch_only_after_the_server_answered_200(stub: Any, spool: Spool) -> None:
    spool.add(readings(150))
    deliverer = make_deliverer(spool, stub.url)
    deliverer.send_one_batch()
    assert len(stub.readings()) == 100
    assert spool.depth() == 50
    deliverer.send_one_batch()
    assert len(stub.readings()) == 150
    assert spool.depth() == 0
    assert spool.get_state("delivered_readings") == 150


def test_it_sends_readings_and_events_in_the_contract_shape(stub: Any, spool: Spool) -> None:
    spool.add([*readings(2), make_event(1795000000.5, "alarm", "DOOR_OPEN", "Door opened")])
    make_deliverer(spool, stub.url).send_one_batch()
    payload = stub.requests[-1]["payload"]
    assert payload["readings"][0] == {
        "channel": "flow_temp", "ts": "2026-11-18T11:06:40Z", "value": 20.0, "unit": "°C"
    }  # fmt: skip
    assert payload["events"][0]["ts"] == "2026-11-18T11:06:40.500000Z"
    assert payload["events"][0]["code"] == "DOOR_OPEN"
    assert stub.requests[-1]["headers"]["Authorization"] == "Bearer test-key"


def test_it_compresses_large_bodies_with_gzip(stub: Any, spool: Spool) -> None:
    spool.add(readings(100))
    make_deliverer(spool, stub.url).send_one_batch()
    assert stub.requests[-1]["headers"]["Content-Encoding"] == "gzip"
    assert len(stub.readings()) == 100


def test_it_keeps_the_batch_and_backs_off_on_a_server_error(stub: Any, spool: Spool) -> None:
    spool.add(readings(10))
    stub.answer_next(500, {"detail": "boom"})
    deliverer = make_deliverer(spool, stub.url)
    delay = deliverer.send_one_batch()
    assert delay > 0
    assert spool.depth() == 10
    assert "HTTP 500" in spool.get_state("last_error")["message"]
    deliverer.send_one_batch()
    assert len(stub.readings()) == 10
    assert spool.depth() == 0


def test_backoff_grows_exponentially_with_jitter_up_to_the_maximum() -> None:
    backoff = Backoff(1, 8)
    delays = [backoff.next_delay() for _ in range(6)]
    for delay, nominal in zip(delays, [1, 2, 4, 8, 8, 8]):
        assert nominal / 2 <= delay <= nominal
    backoff.reset()
    assert backoff.next_delay() <= 1


def test_it_waits_as_long_as_retry_after_says(stub: Any, spool: Spool) -> None:
    spool.add(readings(5))
    stub.answer_next(429, {"detail": "slow down"}, {"Retry-After": "7"})
    delay = make_deliverer(spool, stub.url).send_one_batch()
    assert delay == 7
    assert spool.depth() == 5
    assert "429" in spool.get_state("last_error")["message"]


def test_it_sets_aside_only_the_items_the_server_named_and_resends_the_rest(
    stub: Any, spool: Spool
) -> None:
    spool.add(readings(3))
    # The agent validates before spooling, so inject a refusal the way a stricter server would.
    stub.answer_next(
        400,
        {"errors": [{"index": 1, "kind": "readings", "field": "ts", "message": "in the future"}]},
    )
    deliverer = make_deliverer(spool, stub.url)
    deliverer.send_one_batch()
    assert stub.readings() == []  # all or nothing at the server
    assert spool.depth() == 2
    assert spool.set_aside_count() == 1
    (aside,) = spool.set_aside_items()
    assert aside["reason"] == "ts: in the future"
    assert json.loads(aside["body"])["value"] == 20.1
    deliverer.send_one_batch()
    assert [row[2] for row in stub.readings()] == [20.0, 20.2]


def test_it_isolates_an_unexplained_400_by_halving_the_batch(stub: Any, spool: Spool) -> None:
    spool.add(readings(4))
    for _ in range(3):
        stub.answer_next(400, {"detail": "bad request"})
    deliverer = make_deliverer(spool, stub.url)
    for _ in range(6):
        deliverer.send_one_batch()
    assert spool.set_aside_count() == 1
    assert len(stub.readings()) == 3


def test_it_halves_the_batch_after_413(stub: Any, spool: Spool) -> None:
    spool.add(readings(80))
    stub.answer_next(413, {"detail": "too large"})
    deliverer = make_deliverer(spool, stub.url)
    deliverer.send_one_batch()
    assert deliverer.limit == 40
    deliverer.send_one_batch()
    assert len(stub.requests[-1]["payload"]["readings"]) == 40
    assert spool.set_aside_count() == 0


def test_it_retries_slowly_after_401_and_picks_up_a_corrected_key_file(
    stub: Any, spool: Spool, tmp_path: Any, caplog: Any
) -> None:
    key_file = tmp_path / "key"
    key_file.write_text("revoked-key\n")
    spool.add(readings(3))
    deliverer = make_deliverer(spool, stub.url, key=lambda: key_file.read_text().strip())
    delay = deliverer.send_one_batch()
    assert delay == 0.2  # unauthorized_retry, not the short backoff
    assert "refused the installation key" in caplog.text
    assert spool.depth() == 3
    key_file.write_text("test-key\n")
    deliverer.send_one_batch()
    assert len(stub.readings()) == 3


def test_a_dropped_connection_after_storing_leads_to_a_resend_that_is_stored_once(
    stub: Any, spool: Spool
) -> None:
    spool.add(readings(20))
    stub.die_next(after_storing=True)
    deliverer = make_deliverer(spool, stub.url)
    assert deliverer.send_one_batch() > 0
    assert spool.depth() == 20
    deliverer.send_one_batch()
    assert len(stub.readings()) == 20
    assert stub.requests[-1]["payload"]["readings"][0]["value"] == 20.0
    assert spool.depth() == 0


def test_the_loop_sends_a_partial_batch_after_the_send_interval(stub: Any, spool: Spool) -> None:
    deliverer = make_deliverer(spool, stub.url, batch_size=1000, send_interval=0.3)
    stop = threading.Event()
    thread = threading.Thread(target=deliverer.run, args=(stop,))
    thread.start()
    try:
        started = time.monotonic()
        spool.add(readings(5))
        while len(stub.readings()) < 5 and time.monotonic() - started < 5:
            time.sleep(0.02)
        assert len(stub.readings()) == 5
    finally:
        stop.set()
        thread.join()
