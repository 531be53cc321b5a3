"""The design lives in the repository, and what its pages name is there: files, tests, the order of the README."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ("docs/architecture.md", "docs/adding-a-step.md")
#: The folders whose files the pages name, by their path from the repository's root.
TOP_LEVEL = ("domain/", "service/", "projections/", "tests/", "bench/", "deploy/", "docs/")
#: A path in backticks or a link: `service/app/application.py`, `projections/registry/`.
PATH = re.compile(r"[`(]((?:" + "|".join(map(re.escape, TOP_LEVEL)) + r")[\w./-]*)(?:::(\w+))?[`)]")
#: A test named on its own: `test_every_event_has_an_entry_in_the_registry`.
TEST_NAME = re.compile(r"`(test_\w+)`")
#: Sources that may cite a document; a document outside the repository is no help to the next engineer.
SOURCES = ("domain", "service", "projections", "tests", "bench", "deploy")
#: The design and style documents that lived beside the repository before docs/architecture.md held them.
OUTSIDE = tuple(f"{name}.md" for name in ("DESIGN", "STYLE"))


def _tests_defined_in(path: Path) -> set[str]:
    return {
        node.name
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")
    }


def _every_test_name() -> set[str]:
    return {name for path in (ROOT / "tests").rglob("test_*.py") for name in _tests_defined_in(path)}


@pytest.mark.parametrize("page", DOCS)
def test_every_file_and_test_a_design_page_names_is_in_the_repository(page: str) -> None:
    text = (ROOT / page).read_text()
    named = PATH.findall(text)
    assert len(named) >= 10

    missing = [path for path, _ in named if not (ROOT / path.rstrip(".")).exists()]
    not_defined = [f"{path}::{test}" for path, test in named if test and test not in _tests_defined_in(ROOT / path)]

    assert missing == []
    assert not_defined == []


def test_every_guard_the_guide_to_adding_a_step_names_exists() -> None:
    named = set(TEST_NAME.findall((ROOT / "docs/adding-a-step.md").read_text()))
    assert len(named) >= 5

    assert sorted(named - _every_test_name()) == []


def test_no_source_cites_a_design_document_kept_outside_the_repository() -> None:
    citing = [
        f"{path.relative_to(ROOT)}: {document}"
        for folder in SOURCES
        for path in (ROOT / folder).rglob("*.py")
        for document in OUTSIDE
        if document in path.read_text()
    ]

    assert citing == []


def test_the_readme_shows_the_console_and_the_portal_before_the_api() -> None:
    readme = (ROOT / "README.md").read_text()
    headings = [line for line in readme.splitlines() if line.startswith("## ")]

    assert headings.index("## The console and the portal") < headings.index("## HTTP API")
    assert "docs/architecture.md" in readme and "docs/adding-a-step.md" in readme
