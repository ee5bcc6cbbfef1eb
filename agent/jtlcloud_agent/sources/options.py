"""Typed readers for a source's options that name the section and key when a value is wrong."""

from __future__ import annotations

import os
from datetime import timezone, tzinfo
from typing import Any

from jtlcloud_agent.config import ConfigError


class Options:
    def __init__(self, section: str, values: dict[str, Any], base_dir: str) -> None:
        self.section = section
        self.values = dict(values)
        self.base_dir = base_dir

    def _fail(self, key: str, problem: str) -> ConfigError:
        return ConfigError(f"[{self.section}] {key}: {problem}")

    def text(self, key: str, default: str | None = None) -> str:
        value = self.values.pop(key, default)
        if value is None:
            raise self._fail(key, "required")
        return str(value)

    def path(self, key: str) -> str:
        return os.path.join(self.base_dir, os.path.expanduser(self.text(key)))

    def number(self, key: str, default: float, minimum: float = 0.0) -> float:
        raw = self.values.pop(key, default)
        try:
            value = float(raw)
        except (TypeError, ValueError):
            raise self._fail(key, f"expected a number, got {raw!r}") from None
        if value < minimum:
            raise self._fail(key, f"must be at least {minimum:g}, got {value:g}")
        return value

    def flag(self, key: str, default: bool) -> bool:
        raw = self.values.pop(key, default)
        if isinstance(raw, bool):
            return raw
        if str(raw).lower() in ("1", "true", "yes", "on"):
            return True
        if str(raw).lower() in ("0", "false", "no", "off"):
            return False
        raise self._fail(key, f"expected true or false, got {raw!r}")

    def choice(self, key: str, default: str, choices: tuple[str, ...]) -> str:
        value = self.text(key, default)
        if value not in choices:
            raise self._fail(key, f"must be one of {', '.join(choices)}, got {value!r}")
        return value

    def mapping(self, key: str) -> dict[str, str]:
        """`a: x, b: y` text (INI) or a table (TOML)."""
        raw = self.values.pop(key, {})
        if isinstance(raw, dict):
            return {str(k): str(v) for k, v in raw.items()}
        pairs = {}
        for part in str(raw).split(","):
            if part.strip():
                name, sep, value = part.partition(":")
                if not sep:
                    raise self._fail(key, f"expected `name: value` pairs, got {part.strip()!r}")
                pairs[name.strip()] = value.strip()
        return pairs

    def zone(self, key: str) -> tzinfo:
        name = self.text(key, "UTC")
        if name.upper() == "UTC":
            return timezone.utc
        try:
            from zoneinfo import ZoneInfo

            return ZoneInfo(name)
        except Exception:
            raise self._fail(key, f"unknown time zone {name!r}") from None

    def done(self) -> None:
        """Refuse unknown keys: a typo would otherwise silently fall back to a default."""
        if self.values:
            raise self._fail(", ".join(sorted(self.values)), "unknown option")
