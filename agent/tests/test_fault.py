"""The promise: across server crashes, agent crashes and log rotation, every reading arrives once.

A writer appends 100,000 readings to a CSV file (rotating it twice) while the server process
and the agent process are each SIGKILLed and restarted several times. Afterwards the server
must hold, per channel, exactly the readings written: same count, same exact sum of values.
"""

from __future__ import annotations

import math
import os
import random
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest
from conftest import run_agent, start_agent, wait_until, write_config
from fault_servers import configured_start_server

CHANNELS = ["flow_temp", "return_temp", "pressure", "heat_energy", "room_temp"]
ROWS = 20_000  # x 5 channels = 100,000 readings
ROTATE_AT = (7_000, 14_000)


class CsvWriter(threading.Thread):
    """Appends rows in small bursts, as a logger would, and records what it wrote."""

    def __init__(self, path: Path) -> None:
        super().__init__(daemon=True)
        self.path = path
        self.expected: dict[str, list[float]] = {channel: [] for channel in CHANNELS}
        self.rng = random.Random(5)

    def run(self) -> None:
        handle = self._new_file()
        for row in range(ROWS):
            if row in ROTATE_AT:
                handle.close()
                os.rename(self.path, f"{self.path}.{ROTATE_AT.index(row) + 1}")
                handle = self._new_file()
            values = [round(self.rng.uniform(-50, 150), 3) for _ in CHANNELS]
            for channel, value in zip(CHANNELS, values):
                self.expected[channel].append(value)
            stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(1_790_000_000 + row))
            handle.write(stamp + "," + ",".join(map(repr, values)) + "\n")
            if row % 250 == 0:
                handle.flush()
                time.sleep(0.05)  # about 15 s of writing in total
        handle.close()

    def _new_file(self):
        handle = self.path.open("w", encoding="utf-8")
        handle.write("ts," + ",".join(CHANNELS) + "\n")
        return handle

    def summary(self) -> dict[str, tuple[int, float]]:
        return {channel: (len(vs), math.fsum(vs)) for channel, vs in self.expected.items()}


@pytest.mark.slow
def test_every_reading_arrives_exactly_once_across_kills_and_rotations(tmp_path: Path) -> None:
    start_server = configured_start_server()
    server = start_server(tmp_path, 0)
    port = int(server.url.rsplit(":", 1)[1])
    config = write_config(
        tmp_path / "agent.ini",
        {
            "server": server.url,
            "key": server.key,
            "spool": tmp_path / "spool.db",
            "batch_size": 2000,
            "send_interval": 0.2,
            "backoff_initial": 0.1,
            "backoff_max": 1,
            "timeout": 10,
        },
        {"plant": {"type": "csv", "path": tmp_path / "plant.csv", "poll_interval": 0.05}},
    )
    writer = CsvWriter(tmp_path / "plant.csv")
    writer.start()
    agent = start_agent("run", "-c", str(config), stderr=subprocess.DEVNULL)
    chaos = random.Random(11)
    server_kills = agent_kills = 0
    try:
        # Alternate, so that both kinds of crash happen while data is still flowing.
        while writer.is_alive() or server_kills + agent_kills < 10:
            time.sleep(chaos.uniform(0.4, 1.2))
            if server_kills <= agent_kills:
                server.kill()
                server_kills += 1
                time.sleep(chaos.uniform(0.2, 1.0))
                server = start_server(tmp_path, port)
            else:
                agent.send_signal(signal.SIGKILL)
                agent.wait(10)
                agent_kills += 1
                time.sleep(chaos.uniform(0.1, 0.5))
                agent = start_agent("run", "-c", str(config), stderr=subprocess.DEVNULL)
        expected = writer.summary()
        try:
            wait_until(lambda: server.summary() == expected, timeout=60, message="all readings")
        except AssertionError:
            got = server.summary()
            raise AssertionError(f"expected {expected}\n     got {got}") from None
        # A freshly restarted agent may still be importing; SIGTERM it once it is running.
        wait_until(
            lambda: "agent:              running" in run_agent("status", "-c", str(config)).stdout
        )
        agent.send_signal(signal.SIGTERM)
        assert agent.wait(15) == 0
    finally:
        if agent.poll() is None:
            agent.kill()
        server.kill()
    assert sum(count for count, _ in expected.values()) == 100_000
    assert server_kills >= 5 and agent_kills >= 5
    status = run_agent("status", "-c", str(config)).stdout
    assert "waiting to send:    0" in status
    assert "dropped (spool full, oldest first): 0" in status
    assert "set aside (refused by the server):  0" in status
