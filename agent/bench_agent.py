"""Benchmark: readings per second delivered end to end by one agent, and the agent's peak memory.

    python bench_agent.py                          # against the test stub, 1,000,000 readings
    python bench_agent.py --server URL --key KEY   # against a real server
    python bench_agent.py --backfill-days 365      # the simulator's year of history

"Delivered" means acknowledged by the server with a 200 (the agent's own counter, read from
its spool through `jtlcloud-agent status --json`), so it works against any server.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CHANNELS = ["flow_temp", "return_temp", "pressure", "heat_energy", "room_temp"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--server", help="server URL (default: start the test ingest stub)")
    parser.add_argument("--key", default="bench-key")
    parser.add_argument("--readings", type=int, default=1_000_000)
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--backfill-days", type=float, help="measure the simulator's history")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="jtlcloud-agent-bench-"))
    stub = None
    if not args.server:
        stub_script = HERE / "tests" / "ingest_stub.py"
        stub = subprocess.Popen(
            [sys.executable, str(stub_script), "--db", str(work / "server.db"), "--key", args.key],
            stdout=subprocess.PIPE,
            text=True,
        )
        args.server = f"http://127.0.0.1:{int(stub.stdout.readline())}"  # type: ignore[union-attr]
    try:
        expected = bench_backfill(args, work) if args.backfill_days else bench_csv(args, work)
        print(f"server:            {args.server}{' (test stub)' if stub else ''}")
        print(f"batch size:        {args.batch_size}")
        print(f"readings:          {expected['readings']:,}")
        print(f"seconds:           {expected['seconds']:.1f}")
        print(f"readings/second:   {expected['readings'] / expected['seconds']:,.0f}")
        print(f"agent peak RSS:    {expected['peak_rss_kb'] / 1024:.1f} MiB")
    finally:
        if stub:
            stub.kill()
            stub.wait()
        shutil.rmtree(work, ignore_errors=True)


def bench_csv(args: argparse.Namespace, work: Path) -> dict[str, float]:
    rows = args.readings // len(CHANNELS)
    rng = random.Random(1)
    with (work / "plant.csv").open("w") as handle:
        handle.write("ts," + ",".join(CHANNELS) + "\n")
        for row in range(rows):
            values = ",".join(f"{rng.uniform(0, 100):.3f}" for _ in CHANNELS)
            handle.write(f"{1_700_000_000 + row},{values}\n")
    config = write_config(work, args, f"[source.plant]\ntype = csv\npath = {work / 'plant.csv'}\n")
    return measure(config, [], rows * len(CHANNELS), lambda report: report["delivered_readings"])


def bench_backfill(args: argparse.Namespace, work: Path) -> dict[str, float]:
    config = write_config(work, args, "")
    extra = ["--simulate", "--backfill-days", str(args.backfill_days), "--simulate-interval", "60"]
    minutes = int(args.backfill_days * 1440)
    return measure(config, extra, minutes * 9, lambda report: report["delivered_readings"])


def write_config(work: Path, args: argparse.Namespace, sources: str) -> Path:
    config = work / "agent.ini"
    config.write_text(
        f"[agent]\nserver = {args.server}\nkey = {args.key}\nspool = {work / 'spool.db'}\n"
        f"batch_size = {args.batch_size}\nsend_interval = 0.5\nlog_level = WARNING\n\n{sources}"
    )
    return config


def measure(config: Path, extra: list[str], expected: int, delivered) -> dict[str, float]:
    env = dict(os.environ, PYTHONPATH=str(HERE))
    command = [sys.executable, "-m", "jtlcloud_agent"]
    started = time.monotonic()
    agent = subprocess.Popen([*command, "run", "-c", str(config), *extra], env=env)
    peak = 0
    done = 0
    while done < expected:
        time.sleep(0.5)
        peak = max(peak, rss_kb(agent.pid))
        status = subprocess.run(
            [*command, "status", "-c", str(config), "--json"],
            env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip
        if status.returncode == 0:
            done = delivered(json.loads(status.stdout))
        if agent.poll() is not None:
            raise SystemExit(f"agent exited early with {agent.returncode}")
    seconds = time.monotonic() - started
    peak = max(peak, rss_kb(agent.pid, "VmHWM"))
    agent.send_signal(signal.SIGTERM)
    agent.wait(30)
    return {"readings": done, "seconds": seconds, "peak_rss_kb": peak}


def rss_kb(pid: int, field: str = "VmRSS") -> int:
    """Linux only; elsewhere the figure stays 0."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


if __name__ == "__main__":
    main()
