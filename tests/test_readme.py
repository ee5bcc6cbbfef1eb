"""The README documents every setting and opens with the two commands."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _env_names_read_by_code() -> set[str]:
    names: set[str] = set()
    for path in (ROOT / "jtlcloud").rglob("*.py"):
        names |= set(
            re.findall(r"env_(?:str|bool|int|list)\(\s*\"([A-Z0-9_]+)\"", path.read_text())
        )
    return names


def test_every_environment_variable_has_a_row_in_the_readme_configuration_table():
    readme = (ROOT / "README.md").read_text()
    documented = set(re.findall(r"^\| `([A-Z0-9_]+)` \|", readme, flags=re.MULTILINE))
    missing = _env_names_read_by_code() - documented
    assert not missing, f"add these to the README's configuration table: {sorted(missing)}"


def test_the_readme_opens_with_the_demo_and_the_test_command():
    readme = (ROOT / "README.md").read_text()
    first_block = readme.split("```")[1]
    assert "bash scripts/demo" in first_block
    assert "bash scripts/test" in first_block


def test_every_test_the_readme_points_at_exists():
    readme = (ROOT / "README.md").read_text()
    missing = []
    for path, name in re.findall(r"`(tests/[\w/]+\.py)(?:::(\w+))?", readme):
        source = ROOT / path
        if not source.exists() or (name and f"def {name}(" not in source.read_text()):
            missing.append(f"{path}::{name}" if name else path)
    assert not missing, f"the README points at tests that do not exist: {missing}"
