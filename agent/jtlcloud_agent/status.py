"""`jtlcloud-agent status`: what is waiting, what went wrong, read straight from the spool file."""

from __future__ import annotations

import json
import os
import time
from typing import Any

from jtlcloud_agent.spool import Spool

STALE_HEARTBEAT = 30.0


def collect(spool_path: str) -> dict[str, Any]:
    if not os.path.exists(spool_path):
        raise FileNotFoundError(
            f"no spool at {spool_path}: has the agent run with this configuration?"
        )
    spool = Spool(spool_path)
    try:
        oldest = spool.oldest()
        agent = spool.get_state("agent") or {}
        alive = (
            bool(agent.get("running")) and time.time() - agent.get("heartbeat", 0) < STALE_HEARTBEAT
        )
        return {
            "spool": spool_path,
            "agent_running": alive,
            "agent_pid": agent.get("pid"),
            "heartbeat_at": agent.get("heartbeat"),
            "waiting": spool.depth(),
            "waiting_by_kind": spool.counts_by_kind(),
            "oldest_queued_at": oldest[0] if oldest else None,
            "oldest_item_ts": oldest[1] if oldest else None,
            "last_success": spool.get_state("last_success"),
            "last_error": spool.get_state("last_error"),
            "delivered_readings": spool.get_state("delivered_readings", 0),
            "delivered_events": spool.get_state("delivered_events", 0),
            "dropped": spool.get_state("dropped", 0),
            "set_aside": spool.set_aside_count(),
            "recently_set_aside": spool.set_aside_items(5),
        }
    finally:
        spool.close()


def render(report: dict[str, Any]) -> str:
    now = time.time()
    lines = [f"spool:              {report['spool']}"]
    if report["agent_running"]:
        lines.append(f"agent:              running (pid {report['agent_pid']})")
    else:
        lines.append(
            f"agent:              not running (last seen {_ago(report['heartbeat_at'], now)})"
        )
    kinds = report["waiting_by_kind"]
    lines.append(
        f"waiting to send:    {report['waiting']} "
        f"({kinds.get('reading', 0)} readings, {kinds.get('event', 0)} events)"
    )
    if report["oldest_queued_at"] is not None:
        lines.append(
            f"oldest unsent item: {report['oldest_item_ts']} "
            f"(queued {_ago(report['oldest_queued_at'], now)})"
        )
    else:
        lines.append("oldest unsent item: none")
    success = report["last_success"]
    if success:
        lines.append(
            f"last success:       {_ago(success['at'], now)} "
            f"({success['readings']} readings, {success['events']} events)"
        )
    else:
        lines.append("last success:       never")
    error = report["last_error"]
    lines.append(
        "last error:         "
        + (f"{_ago(error['at'], now)}: {error['message']}" if error else "none")
    )
    lines.append(
        f"delivered in total: {report['delivered_readings']} readings, "
        f"{report['delivered_events']} events"
    )
    lines.append(f"dropped (spool full, oldest first): {report['dropped']}")
    lines.append(f"set aside (refused by the server):  {report['set_aside']}")
    for item in report["recently_set_aside"]:
        lines.append(f"  - {item['kind']} {item['body']}: {item['reason']}")
    return "\n".join(lines)


def as_json(report: dict[str, Any]) -> str:
    return json.dumps(report, indent=2, ensure_ascii=False)


def _ago(moment: float | None, now: float) -> str:
    if not moment:
        return "never"
    seconds = max(0, int(now - moment))
    stamp = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(moment))
    if seconds < 120:
        return f"{stamp}, {seconds} s ago"
    if seconds < 7200:
        return f"{stamp}, {seconds // 60} min ago"
    return f"{stamp}, {seconds // 3600} h ago"
