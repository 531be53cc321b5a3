"""The README promises what CI does."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_readme_test_command_is_exactly_the_one_ci_runs() -> None:
    ci_command = [
        line for line in (ROOT / ".ci" / "run").read_text().splitlines() if line.startswith("python3 -m venv")
    ]
    readme_commands = [line for line in (ROOT / "README.md").read_text().splitlines() if "pytest" in line]

    assert len(ci_command) == 1
    assert ci_command[0] in readme_commands
