"""Who may do what is decided in one place: the `Principal` of service/app/access.py.

The HTTP layer and the read models ask it named questions (`may_audit`, `sees_exact_counts(process)`, ...);
none of them compares a role itself, nor names a role except as an example in the API document or as a
word to translate for a page.
"""

from __future__ import annotations

import ast
from pathlib import Path

from service.app.access import ROLES

ROOT = Path(__file__).resolve().parents[2]
CHECKED = ("service/http", "projections", "service/app/queries.py")


def _files() -> list[Path]:
    found: list[Path] = []
    for place in CHECKED:
        path = ROOT / place
        found.extend(sorted(path.rglob("*.py")) if path.is_dir() else [path])
    return found


_TRANSLATIONS = {"_", "_l", "gettext", "lazy_gettext"}


def _translated(node: ast.expr | None) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _TRANSLATIONS


def _examples(tree: ast.AST) -> set[int]:
    """The ids of the strings that only name a role for people to read: examples in OpenAPI metadata
    (`{"example": "facilitator"}`), and words to translate (`{"admin": _l("admin")}`)."""
    shown: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if isinstance(key, ast.Constant) and key.value == "example":
                    shown.add(id(value))
                if _translated(value):
                    shown.add(id(key))
        if _translated(node) and isinstance(node, ast.Call):
            shown.update(id(argument) for argument in node.args)
    return shown


def _role_literals(path: Path) -> list[str]:
    tree = ast.parse(path.read_text())
    examples = _examples(tree)
    return [
        f"{path.relative_to(ROOT)}:{node.lineno} {node.value!r}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and node.value in ROLES and id(node) not in examples
    ]


def _role_comparisons(path: Path) -> list[str]:
    def reads_role(node: ast.expr) -> bool:
        return isinstance(node, ast.Attribute) and node.attr == "role"

    return [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Compare) and any(reads_role(side) for side in (node.left, *node.comparators))
    ]


def test_the_checks_read_the_code_they_guard() -> None:
    names = {str(path.relative_to(ROOT)) for path in _files()}

    assert {"service/http/api/audit.py", "service/http/api/feed.py", "service/app/queries.py"} <= names


def test_no_role_is_named_outside_the_access_policy() -> None:
    assert [literal for path in _files() for literal in _role_literals(path)] == []


def test_no_role_is_compared_outside_the_access_policy() -> None:
    assert [comparison for path in _files() for comparison in _role_comparisons(path)] == []
