"""Configuration: a file (TOML on Python 3.11+, or INI anywhere) overlaid with command-line flags.

Both formats have the same shape: an `[agent]` section and one `[source.NAME]` section per
source. Every value is checked here so a mistake stops the agent at start-up with a message
naming the file, section and key, rather than surfacing later as a failed delivery.
"""

from __future__ import annotations

import configparser
import os
import sys
import urllib.parse
from dataclasses import dataclass, field
from typing import Any


class ConfigError(ValueError):
    """The configuration cannot work; the message says where and why."""


@dataclass
class AgentConfig:
    server: str = ""
    key: str = ""
    key_file: str = ""
    spool: str = ""
    spool_max_items: int = 1_000_000
    batch_size: int = 1000
    send_interval: float = 5.0
    ca_file: str = ""
    proxy: str = ""
    timeout: float = 30.0
    gzip: bool = True
    backoff_initial: float = 1.0
    backoff_max: float = 300.0
    unauthorized_retry: float = 60.0
    shutdown_grace: float = 10.0
    log_level: str = "INFO"
    sources: dict[str, dict[str, Any]] = field(default_factory=dict)
    base_dir: str = "."  # relative paths in the file are relative to the file

    def read_key(self) -> str:
        """The key, re-read from key_file on every call so a corrected key needs no restart."""
        if self.key:
            return self.key
        try:
            with open(self.key_file, encoding="utf-8") as handle:
                return handle.read().strip()
        except OSError as exc:
            raise ConfigError(f"key_file: cannot read {self.key_file}: {exc.strerror}") from None


INTEGERS = {"spool_max_items": (1, 10**9), "batch_size": (1, 5000)}
NUMBERS = {
    "send_interval": 0.0,
    "timeout": 0.1,
    "backoff_initial": 0.01,
    "backoff_max": 0.01,
    "unauthorized_retry": 0.1,
    "shutdown_grace": 0.0,
}
TEXTS = ("server", "key", "key_file", "spool", "ca_file", "proxy", "log_level")
PATHS = ("key_file", "spool", "ca_file")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


def default_spool_path() -> str:
    # systemd's StateDirectory= sets STATE_DIRECTORY; elsewhere use the XDG state directory.
    base = os.environ.get("STATE_DIRECTORY") or os.path.join(
        os.environ.get("XDG_STATE_HOME") or os.path.expanduser("~/.local/state"), "jtlcloud-agent"
    )
    return os.path.join(base.split(":")[0], "spool.db")


def load(path: str | None, overrides: dict[str, Any]) -> AgentConfig:
    """Read the file (if any), apply non-None overrides, then validate the result."""
    raw: dict[str, Any] = {}
    sources: dict[str, dict[str, Any]] = {}
    base_dir = os.getcwd()
    if path:
        raw, sources = _read_file(path)
        base_dir = os.path.dirname(os.path.abspath(path))
    where = path or "command line"
    config = AgentConfig(base_dir=base_dir)
    for key, value in raw.items():
        _assign(config, key, value, f"{where}: [agent] {key}", base_dir)
    for key, value in overrides.items():
        if key == "sources":
            sources.update(value)
        elif value is not None:
            _assign(config, key, value, f"--{key.replace('_', '-')}", os.getcwd())
            # A key given on the command line replaces the file's key_file, and vice versa.
            if key == "key":
                config.key_file = ""
            elif key == "key_file":
                config.key = ""
    config.sources = sources
    if not config.key and not config.key_file:
        config.key = os.environ.get("JTLCLOUD_AGENT_KEY", "")
    if not config.spool:
        config.spool = default_spool_path()
    return config


def validate_for_run(config: AgentConfig) -> None:
    url = urllib.parse.urlsplit(config.server)
    if url.scheme not in ("http", "https") or not url.hostname:
        raise ConfigError(
            f"server: expected an http:// or https:// URL such as https://cloud.example.com,"
            f" got {config.server!r}"
        )
    if config.key and config.key_file:
        raise ConfigError("key and key_file: give one, not both")
    if not config.key and not config.key_file:
        raise ConfigError("key: required (or key_file, or the JTLCLOUD_AGENT_KEY variable)")
    if config.key_file and not config.read_key():
        raise ConfigError(f"key_file: {config.key_file} is empty")
    if config.ca_file and not os.path.isfile(config.ca_file):
        raise ConfigError(f"ca_file: {config.ca_file} does not exist")
    if config.proxy and config.proxy.lower() not in ("none", "direct"):
        proxy = urllib.parse.urlsplit(config.proxy)
        if proxy.scheme != "http" or not proxy.hostname:
            raise ConfigError(f"proxy: expected http://host:port or none, got {config.proxy!r}")
    if not config.sources:
        raise ConfigError(
            "no sources: add a [source.NAME] section, --csv, --stdin, --command or --simulate"
        )


def _read_file(path: str) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    if not os.path.isfile(path):
        raise ConfigError(f"{path}: no such configuration file")
    if path.endswith(".toml"):
        return _read_toml(path)
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(path, encoding="utf-8")
    except configparser.Error as exc:
        raise ConfigError(f"{path}: {exc}") from None
    sources = {}
    for section in parser.sections():
        if section.startswith("source."):
            sources[section[len("source.") :]] = dict(parser[section])
        elif section != "agent":
            raise ConfigError(
                f"{path}: unknown section [{section}]; expected [agent] or [source.NAME]"
            )
    return (dict(parser["agent"]) if parser.has_section("agent") else {}), sources


def _read_toml(path: str) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:
        raise ConfigError(f"{path}: TOML needs Python 3.11 or later; use an INI file")
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from None
    unknown = set(data) - {"agent", "source"}
    if unknown:
        raise ConfigError(
            f"{path}: unknown section(s) {sorted(unknown)}; expected [agent], [source.NAME]"
        )
    return data.get("agent", {}), data.get("source", {})


def _assign(config: AgentConfig, key: str, value: Any, where: str, base_dir: str) -> None:
    if key in INTEGERS:
        low, high = INTEGERS[key]
        try:
            number = int(str(value).replace("_", ""))
        except ValueError:
            raise ConfigError(f"{where}: expected a whole number, got {value!r}") from None
        if not low <= number <= high:
            raise ConfigError(f"{where}: must be between {low} and {high}, got {number}")
        setattr(config, key, number)
    elif key in NUMBERS:
        try:
            seconds = float(value)
        except (TypeError, ValueError):
            raise ConfigError(f"{where}: expected a number of seconds, got {value!r}") from None
        if seconds < NUMBERS[key]:
            raise ConfigError(f"{where}: must be at least {NUMBERS[key]:g}, got {seconds:g}")
        setattr(config, key, seconds)
    elif key == "gzip":
        text = str(value).lower()
        if text not in ("true", "false", "yes", "no", "1", "0", "on", "off"):
            raise ConfigError(f"{where}: expected true or false, got {value!r}")
        config.gzip = text in ("true", "yes", "1", "on")
    elif key in TEXTS:
        text = str(value).strip()
        if key == "log_level":
            text = text.upper()
            if text not in LOG_LEVELS:
                raise ConfigError(f"{where}: must be one of {', '.join(LOG_LEVELS)}")
        if key in PATHS and text:
            text = os.path.join(base_dir, os.path.expanduser(text))
        setattr(config, key, text)
    else:
        raise ConfigError(f"{where}: unknown setting")
