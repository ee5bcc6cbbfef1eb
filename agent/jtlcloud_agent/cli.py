"""Command line: `jtlcloud-agent run|status|check-config`, with flags that override the file."""

from __future__ import annotations

import argparse
import logging
import sys
from typing import Any

from jtlcloud_agent import __version__, config, status
from jtlcloud_agent.config import ConfigError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="jtlcloud-agent",
        description="Deliver an installation's readings and events to JTL Cloud, durably.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="read the sources and deliver until stopped")
    _common(run)
    _run_flags(run)

    show = commands.add_parser("status", help="show the spool and the last delivery outcome")
    _common(show)
    show.add_argument("--json", action="store_true", help="machine-readable output")

    check = commands.add_parser("check-config", help="validate the configuration and exit")
    _common(check)
    _run_flags(check)
    return parser


def _run_flags(run: argparse.ArgumentParser) -> None:
    run.add_argument("--server", help="JTL Cloud URL, e.g. https://cloud.example.com")
    run.add_argument("--key", help="installation key (prefer --key-file: flags show in `ps`)")
    run.add_argument("--key-file", help="file holding the installation key")
    run.add_argument("--spool-max-items", type=int, help="spool size limit (default 1000000)")
    run.add_argument("--batch-size", type=int, help="items per request, 1-5000 (default 1000)")
    run.add_argument("--send-interval", type=float, help="seconds to gather a batch (default 5)")
    run.add_argument("--ca-file", help="CA bundle to verify the server's certificate")
    run.add_argument("--proxy", help="http://host:port, or `none` to ignore *_proxy variables")
    run.add_argument("--timeout", type=float, help="seconds to wait for the server (default 30)")
    run.add_argument("--log-level", help="DEBUG, INFO, WARNING or ERROR")
    run.add_argument("--csv", action="append", default=[], metavar="PATH", help="follow a CSV file")
    run.add_argument("--stdin", action="store_true", help="read JSON lines from standard input")
    run.add_argument(
        "--command",
        dest="commands",
        action="append",
        default=[],
        metavar="CMD",
        help="run CMD every --command-interval seconds and read its output",
    )
    run.add_argument("--command-interval", type=float, default=60.0)
    run.add_argument("--simulate", action="store_true", help="add the simulated heating plant")
    run.add_argument("--simulate-interval", type=float, default=10.0, help="seconds per sample")
    run.add_argument(
        "--backfill-days",
        type=float,
        default=0.0,
        help="with --simulate: first generate N days of 1-minute history",
    )
    run.add_argument(
        "--drain-and-exit",
        action="store_true",
        help="exit once finite sources (stdin) ended and the spool is empty",
    )


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-c", "--config", help="configuration file (.toml or .ini)")
    parser.add_argument("--spool", help="spool file (SQLite)")


def overrides_from(args: argparse.Namespace) -> dict[str, Any]:
    names = ("server", "key", "key_file", "spool", "spool_max_items", "batch_size",
             "send_interval", "ca_file", "proxy", "timeout", "log_level")  # fmt: skip
    overrides = {name: getattr(args, name, None) for name in names}
    sources: dict[str, dict[str, Any]] = {}
    for number, path in enumerate(getattr(args, "csv", []), start=1):
        sources[f"csv{number}"] = {"type": "csv", "path": path}
    if getattr(args, "stdin", False):
        sources["stdin"] = {"type": "stdin"}
    for number, command in enumerate(getattr(args, "commands", []), start=1):
        sources[f"command{number}"] = {
            "type": "command", "command": command, "interval": args.command_interval
        }  # fmt: skip
    if getattr(args, "simulate", False):
        sources["simulator"] = {
            "type": "simulator",
            "interval": args.simulate_interval,
            "backfill_days": args.backfill_days,
        }
    elif getattr(args, "backfill_days", 0):
        raise ConfigError("--backfill-days needs --simulate")
    overrides["sources"] = sources
    return overrides


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = config.load(args.config, overrides_from(args))
        if args.command == "status":
            report = status.collect(settings.spool)
            print(status.as_json(report) if args.json else status.render(report))
            return 0
        _setup_logging(settings.log_level)
        config.validate_for_run(settings)
        from jtlcloud_agent.sources import build_source

        for name, options in settings.sources.items():
            build_source(name, options, settings.base_dir)  # validates the options
        if args.command == "check-config":
            print(f"configuration OK: {len(settings.sources)} source(s), spool {settings.spool}")
            return 0
        from jtlcloud_agent.runner import AlreadyRunning, run

        try:
            return run(settings, drain_and_exit=args.drain_and_exit)
        except AlreadyRunning as exc:
            print(f"jtlcloud-agent: {exc}", file=sys.stderr)
            return 1
    except ConfigError as exc:
        print(f"jtlcloud-agent: configuration error: {exc}", file=sys.stderr)
        return 2
    except FileNotFoundError as exc:
        print(f"jtlcloud-agent: {exc}", file=sys.stderr)
        return 1


def _setup_logging(level: str) -> None:
    logging.basicConfig(
        level=getattr(logging, level),
        format="%(asctime)s %(levelname)-7s %(name)s: %(message)s",
        datefmt="%Y-%m-%dT%H:%M:%S%z",
    )
