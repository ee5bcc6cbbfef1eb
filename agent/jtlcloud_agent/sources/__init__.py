"""Sources read local data and put it into the spool; each runs in its own thread.

Every source class takes its `[source.NAME]` options through `from_options`, which raises
ConfigError with the offending key named, so a bad configuration fails at start-up.
"""

from __future__ import annotations

import threading
from typing import Any, Protocol

from jtlcloud_agent.spool import Spool


class Source(Protocol):
    name: str
    finite: bool  # True when the source ends by itself (stdin reaching end of input)

    def run(self, spool: Spool, stop: threading.Event) -> None: ...


def build_source(name: str, options: dict[str, Any], base_dir: str) -> Source:
    from jtlcloud_agent.config import ConfigError
    from jtlcloud_agent.sources.command import CommandSource
    from jtlcloud_agent.sources.csv_tail import CsvTailSource
    from jtlcloud_agent.sources.simulator import SimulatorSource
    from jtlcloud_agent.sources.stdin_lines import StdinSource

    kinds: dict[str, Any] = {
        "csv": CsvTailSource,
        "stdin": StdinSource,
        "command": CommandSource,
        "simulator": SimulatorSource,
    }
    kind = options.get("type")
    if kind not in kinds:
        raise ConfigError(f"[source.{name}] type: must be one of {', '.join(kinds)}, got {kind!r}")
    rest = {key: value for key, value in options.items() if key != "type"}
    source: Source = kinds[kind].from_options(name, rest, base_dir)
    return source
