"""The agent as an operator runs it: configuration errors, sources end to end, status, shutdown."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from conftest import fast_agent_settings, run_agent, start_agent, wait_until, write_config


def test_it_explains_a_bad_setting_with_file_section_and_key(tmp_path: Path) -> None:
    config = write_config(tmp_path / "agent.ini", {"server": "http://x", "batch_size": "9000"}, {})
    result = run_agent("check-config", "-c", str(config))
    assert result.returncode == 2
    assert "agent.ini: [agent] batch_size: must be between 1 and 5000, got 9000" in result.stderr


def test_it_refuses_a_server_that_is_not_a_url(tmp_path: Path) -> None:
    result = run_agent(
        "check-config",
        "--spool",
        str(tmp_path / "s.db"),
        "--server",
        "cloud",
        "--key",
        "k",
        "--stdin",
    )
    assert result.returncode == 2
    assert "server: expected an http:// or https:// URL" in result.stderr


def test_it_names_an_unknown_source_option(tmp_path: Path) -> None:
    config = write_config(
        tmp_path / "agent.ini",
        {"server": "http://x", "key": "k", "spool": tmp_path / "s.db"},
        {"plant": {"type": "csv", "path": "a.csv", "pol_interval": "1"}},
    )
    result = run_agent("check-config", "-c", str(config))
    assert "[source.plant] pol_interval: unknown option" in result.stderr


def test_it_requires_a_key(tmp_path: Path) -> None:
    result = run_agent(
        "check-config", "--server", "http://x", "--stdin", "--spool", str(tmp_path / "s")
    )
    assert "key: required" in result.stderr


def test_it_reads_a_toml_configuration(tmp_path: Path) -> None:
    config = tmp_path / "agent.toml"
    config.write_text(
        '[agent]\nserver = "https://cloud.example.com"\nkey_file = "key"\nbatch_size = 500\n'
        '[source.boiler]\ntype = "csv"\npath = "boiler.csv"\nunits = { flow_temp = "°C" }\n'
    )
    (tmp_path / "key").write_text("secret\n")
    result = run_agent("check-config", "-c", str(config))
    if sys.version_info < (3, 11):  # no tomllib: the agent says so and points to INI
        assert "TOML needs Python 3.11 or later; use an INI file" in result.stderr
        return
    assert result.returncode == 0, result.stderr
    assert "configuration OK: 1 source(s)" in result.stdout


def test_it_delivers_json_lines_from_stdin_and_exits_when_drained(
    stub: Any, tmp_path: Path
) -> None:
    config = write_config(
        tmp_path / "agent.ini", fast_agent_settings(stub.url, tmp_path / "s.db"), {}
    )
    lines = [
        {"channel": "flow_temp", "ts": "2026-11-24T10:00:00Z", "value": 21.5, "unit": "°C"},
        {"channel": "bad channel!", "value": 1},
        {
            "id": "evt-1",
            "ts": 1795000000.5,
            "severity": "alarm",
            "code": "DOOR_OPEN",
            "message": "Door opened",
        },
    ]
    text = "\n".join(json.dumps(line) for line in lines) + "\npressure 1.8 bar\n"
    result = run_agent("run", "-c", str(config), "--stdin", "--drain-and-exit", input=text)
    assert result.returncode == 0, result.stderr
    assert [(row[0], row[2], row[3]) for row in stub.readings()] == [
        ("flow_temp", 21.5, "°C"),
        ("pressure", 1.8, "bar"),
    ]
    assert [event["id"] for event in stub.events()] == ["evt-1"]
    assert "skipped line" in result.stderr and "bad channel!" in result.stderr


def test_it_runs_a_command_at_an_interval(stub: Any, tmp_path: Path) -> None:
    script = tmp_path / "probe.py"
    script.write_text(
        'print("boiler.temp 64.5 °C")\nprint(\'{"channel": "boiler.on", "value": 1}\')\n'
    )
    settings = fast_agent_settings(stub.url, tmp_path / "s.db")
    sources = {
        "probe": {"type": "command", "command": f"{sys.executable} {script}", "interval": 0.3}
    }
    agent = start_agent("run", "-c", str(write_config(tmp_path / "a.ini", settings, sources)))
    try:
        wait_until(lambda: len(stub.readings()) >= 4, message="two runs of the command")
    finally:
        agent.send_signal(signal.SIGTERM)
        agent.wait(10)
    channels = {row[0] for row in stub.readings()}
    assert channels == {"boiler.temp", "boiler.on"}


def test_the_simulator_backfills_history_for_every_channel(stub: Any, tmp_path: Path) -> None:
    settings = fast_agent_settings(stub.url, tmp_path / "s.db")
    settings["batch_size"] = 5000
    config = write_config(tmp_path / "a.ini", settings, {})
    agent = start_agent(
        "run", "-c", str(config), "--simulate", "--backfill-days", "2", "--simulate-interval", "0.5"
    )
    try:
        wait_until(
            lambda: len(stub.readings()) >= 9 * 2 * 1440, timeout=60, message="two days of history"
        )
        time.sleep(1.5)  # live samples every 0.5 s after the history
    finally:
        agent.send_signal(signal.SIGTERM)
        assert agent.wait(10) == 0
    rows = stub.readings()
    by_channel: dict[str, list[tuple[int, float]]] = {}
    for channel, ts, value, _unit in rows:
        by_channel.setdefault(channel, []).append((ts, value))
    assert len(by_channel) == 9
    for series in by_channel.values():
        assert len(series) >= 2 * 1440
        steps = {b[0] - a[0] for a, b in zip(series, series[1:1440])}
        assert steps == {60_000_000}  # one-minute history
    for counter in ("heat_energy", "electric_energy"):
        counts = [value for _, value in by_channel[counter]]
        assert counts == sorted(counts) and counts[-1] > counts[0]
    outdoor = [value for _, value in by_channel["outdoor_temp"]]
    assert -25 < min(outdoor) < max(outdoor) < 40
    assert {event["code"] for event in stub.events()} >= {"DOOR_OPEN", "DOOR_CLOSED"}


def test_status_reports_the_spool_errors_and_set_aside_items(stub: Any, tmp_path: Path) -> None:
    settings = fast_agent_settings(stub.url, tmp_path / "s.db")
    config = write_config(tmp_path / "a.ini", settings, {})
    stub.answer_next(
        400,
        {"errors": [{"index": 0, "kind": "readings", "field": "value", "message": "out of range"}]},
    )
    text = "a 1\nb 2\n"
    assert (
        run_agent("run", "-c", str(config), "--stdin", "--drain-and-exit", input=text).returncode
        == 0
    )
    stub.keys.clear()  # the key is revoked: the next run cannot deliver
    agent = start_agent(
        "run", "-c", str(config), "--stdin", stdin=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert agent.stdin is not None
    agent.stdin.write(b"c 3\n")
    agent.stdin.flush()
    wait_until(lambda: any(r["status"] == 401 for r in stub.requests) or None, message="a 401")
    time.sleep(0.3)
    result = run_agent("status", "-c", str(config))
    agent.send_signal(signal.SIGTERM)
    _, stderr = agent.communicate(timeout=10)
    assert "server refused the installation key (HTTP 401)" in stderr.decode()
    assert result.returncode == 0
    out = result.stdout
    assert "agent:              running" in out
    assert "waiting to send:    1 (1 readings, 0 events)" in out
    assert "oldest unsent item: 20" in out
    assert "refused the installation key" in out
    assert "set aside (refused by the server):  1" in out
    assert "value: out of range" in out
    assert "dropped (spool full, oldest first): 0" in out
    report = json.loads(run_agent("status", "-c", str(config), "--json").stdout)
    assert (
        report["waiting"] == 1 and report["delivered_readings"] == 1 and not report["agent_running"]
    )


def test_status_says_when_there_is_no_spool(tmp_path: Path) -> None:
    result = run_agent("status", "--spool", str(tmp_path / "missing.db"))
    assert result.returncode == 1
    assert "no spool at" in result.stderr


def test_sigterm_abandons_a_stuck_request_without_losing_its_items(
    stub: Any, tmp_path: Path
) -> None:
    settings = fast_agent_settings(stub.url, tmp_path / "s.db")
    settings["shutdown_grace"] = 0.5
    config = write_config(tmp_path / "a.ini", settings, {})
    stub.delay = 30  # the server never answers in time
    agent = start_agent(
        "run", "-c", str(config), "--stdin", stdin=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert agent.stdin is not None
    agent.stdin.write(b"a 1\nb 2\n")
    agent.stdin.flush()
    wait_until(lambda: run_agent("status", "-c", str(config)).stdout.count("waiting to send:    2"))
    time.sleep(0.5)  # let the request go out
    started = time.monotonic()
    agent.send_signal(signal.SIGTERM)
    _, stderr = agent.communicate(timeout=15)
    assert agent.returncode == 0
    assert time.monotonic() - started < 5
    assert "abandoning the request in flight" in stderr.decode()
    stub.delay = 0
    assert (
        run_agent("run", "-c", str(config), "--stdin", "--drain-and-exit", input="").returncode == 0
    )
    assert [row[0] for row in stub.readings()] == ["a", "b"]


def test_a_second_agent_on_the_same_spool_is_refused(stub: Any, tmp_path: Path) -> None:
    config = write_config(tmp_path / "a.ini", fast_agent_settings(stub.url, tmp_path / "s.db"), {})
    first = start_agent("run", "-c", str(config), "--stdin", stdin=subprocess.PIPE)
    try:
        wait_until(lambda: (tmp_path / "s.db.lock").exists())
        time.sleep(0.3)
        second = run_agent("run", "-c", str(config), "--stdin", input="")
        assert second.returncode == 1
        assert "already using the spool" in second.stderr
    finally:
        first.send_signal(signal.SIGTERM)
        first.wait(10)
