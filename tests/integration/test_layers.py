"""The layers of the code point one way, and no module of ours imports itself back through others."""

from __future__ import annotations

import ast
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
