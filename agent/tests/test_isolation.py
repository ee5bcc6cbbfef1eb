"""The agent is its own small distribution: standard library only, never Django or jtlcloud."""

from __future__ import annotations

import json
import re
import subprocess
import sys

from conftest import AGENT_DIR, agent_env

PACKAGE = AGENT_DIR / "jtlcloud_agent"


def module_names() -> list[str]:
    names = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(AGENT_DIR).with_suffix("").parts
        if parts[-1] != "__main__":
            names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def test_importing_every_module_loads_only_the_standard_library() -> None:
    probe = (
        "import importlib, json, sys\n"
        f"for name in {module_names()!r}: importlib.import_module(name)\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], env=agent_env(), capture_output=True, text=True, check=True
    )
    loaded = set(json.loads(result.stdout))
    assert not {"django", "jtlcloud"} & loaded
    if sys.version_info >= (3, 10):  # stdlib_module_names is new in 3.10
        stdlib = set(sys.stdlib_module_names)
        foreign = {name for name in loaded - stdlib if not name.startswith("_")}
        assert foreign == {"jtlcloud_agent"}


def test_no_source_file_imports_django_or_the_server_package() -> None:
    pattern = re.compile(r"^\s*(import|from)\s+(django|jtlcloud)\b(?!_)", re.MULTILINE)
    offenders = [p.name for p in PACKAGE.rglob("*.py") if pattern.search(p.read_text())]
    assert offenders == []


def test_the_distribution_declares_no_dependencies() -> None:
    text = (AGENT_DIR / "pyproject.toml").read_text()
    assert re.search(r"^dependencies = \[\]$", text, re.MULTILINE)
    assert 'requires-python = ">=3.9"' in text


def test_modules_stay_short() -> None:
    lengths = {p.name: len(p.read_text().splitlines()) for p in PACKAGE.rglob("*.py")}
    assert max(lengths.values()) < 400, lengths
