"""The layers of the code point one way, no module of ours imports itself back through others, only the settings
module reads the environment and only the adapters speak SQL."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("domain", "service", "projections")

#: What each layer may not import (docs/architecture.md, "Layers and folders"): dependencies point inward.
FORBIDDEN = {
    "domain": ("service", "projections", "flask", "marshmallow", "flask_smorest", "psycopg", "sqlite3"),
    "projections": ("service.http", "service.cli", "flask", "marshmallow", "flask_smorest"),
    "service.adapters": ("service.app", "service.http", "service.cli"),
    "service.audit": ("service.app", "service.http", "service.cli"),
    "service.app": ("service.http", "service.cli", "flask", "marshmallow", "flask_smorest"),
    "service.http": ("service.cli",),
}

#: The use cases by aggregate receive their unit of work and their ports; only the composition root
#: (`service.app.application`) wires adapters to them (docs/architecture.md, "Layers and folders").
USE_CASE_MODULES = (
    "service.app.processes",
    "service.app.participants",
    "service.app.meetings",
    "service.app.proposals",
    "service.app.commitments",
    "service.app.commitment_evidence",
    "service.app.assessments",
    "service.app.rankings",
    "service.app.evaluations",
    "service.app.evaluation_index",
    "service.app.chain",
    "service.app.disputes",
    "service.app.complaints",
    "service.app.partners",
    "service.app.complaint_index",
    "service.app.readable",
    "service.app.ports",
)


def _module_files() -> dict[str, Path]:
    modules = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
            modules[name] = path
    return modules


def _imports_of(path: Path) -> set[str]:
    """Every module an import statement of this file names (also those inside functions)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


MODULES = _module_files()
GRAPH = {name: {d for d in _imports_of(path) if d in MODULES and d != name} for name, path in MODULES.items()}


def _cycles() -> list[list[str]]:
    found: list[list[str]] = []
    done: set[str] = set()

    def visit(module: str, trail: list[str]) -> None:
        if module in trail:
            found.append([*trail[trail.index(module) :], module])
            return
        if module in done:
            return
        for dependency in sorted(GRAPH[module]):
            visit(dependency, [*trail, module])
        done.add(module)

    for module in sorted(GRAPH):
        visit(module, [])
    return found


def test_no_module_imports_itself_back_through_others() -> None:
    assert _cycles() == []


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_each_layer_imports_only_what_lies_inward_of_it(layer: str) -> None:
    offending = {
        f"{module} imports {imported}"
        for module, path in MODULES.items()
        if module == layer or module.startswith(f"{layer}.")
        for imported in _imports_of(path)
        if any(imported == banned or imported.startswith(f"{banned}.") for banned in FORBIDDEN[layer])
    }

    assert sorted(offending) == []


@pytest.mark.parametrize("module", USE_CASE_MODULES)
def test_use_cases_receive_their_ports_and_never_import_an_adapter(module: str) -> None:
    offending = sorted(imported for imported in _imports_of(MODULES[module]) if imported.startswith("service.adapters"))

    assert offending == []


def test_the_use_case_guard_sees_an_adapter_imported(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("from service.adapters.ledger import EventLedger\n")

    assert "service.adapters.ledger" in _imports_of(sample)


#: The one module that reads the process environment (docs/architecture.md: one `Settings`, built once, passed down).
SETTINGS_MODULE = "service.settings"
#: Where SQL may be written: the adapters, the audit log's recorders and stores (the hash chain, the Merkle tree,
#: the export: adapters of docs/audit-format.md to the database), and the projections, which own their tables.
SQL_SPEAKERS = ("service.adapters", "service.audit", "projections")
SQL_STATEMENT = re.compile(r"\bSELECT\b[\s\S]*\bFROM\b|\bINSERT INTO\b|\bUPDATE \w+ SET\b|\bDELETE FROM\b|\bVACUUM\b")


def _reads_of_the_environment(path: Path) -> list[str]:
    """Each `os.environ`, `os.getenv`, `os.environb` or `from os import environ|getenv` of a file, by line."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "os"
            and node.attr in ("environ", "environb", "getenv", "getenvb")
        ):
            found.append(f"line {node.lineno}: os.{node.attr}")
        elif isinstance(node, ast.ImportFrom) and node.module == "os":
            found += [
                f"line {node.lineno}: from os import {alias.name}"
                for alias in node.names
                if alias.name in ("environ", "environb", "getenv", "getenvb")
            ]
    return found


def _docstrings(tree: ast.AST) -> set[int]:
    return {
        id(body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and (body := node.body)
        and isinstance(body[0], ast.Expr)
        and isinstance(body[0].value, ast.Constant)
    }


def _sql_of(path: Path) -> list[str]:
    """Each string of a file (f-strings too, docstrings not) that holds an SQL statement, by line."""
    tree = ast.parse(path.read_text())
    # Docstrings are prose; the pieces of an f-string are read with it, whole.
    skipped = _docstrings(tree) | {
        id(part) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr) for part in node.values
    }
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skipped:
            text = node.value
        elif isinstance(node, ast.JoinedStr):
            text = "{}".join(part.value for part in node.values if isinstance(part, ast.Constant))
        else:
            continue
        if SQL_STATEMENT.search(text):
            found.append(f"line {node.lineno}: {text[:60]!r}")
    return found


def test_only_the_settings_module_reads_the_environment() -> None:
    offending = {
        f"{module} {read}"
        for module, path in MODULES.items()
        if module != SETTINGS_MODULE
        for read in _reads_of_the_environment(path)
    }

    assert sorted(offending) == []


def test_sql_is_written_only_in_the_adapters_the_audit_stores_and_the_projections() -> None:
    offending = {
        f"{module} {statement}"
        for module, path in MODULES.items()
        if not any(module == layer or module.startswith(f"{layer}.") for layer in SQL_SPEAKERS)
        for statement in _sql_of(path)
    }

    assert sorted(offending) == []


def test_the_guards_see_what_they_forbid(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import os\n"
        "from os import getenv\n"
        "def f(cursor, table):\n"
        '    """SELECT the words FROM a docstring are prose."""\n'
        '    cursor.execute(f"DELETE FROM {table} WHERE id = ?")\n'
        "    return os.environ.get('X'), getenv('Y'), 'SELECT name, position FROM projection_tracking'\n"
    )

    assert _reads_of_the_environment(sample) == ["line 2: from os import getenv", "line 6: os.environ"]
    assert [finding.split(":")[0] for finding in _sql_of(sample)] == ["line 5", "line 6"]
