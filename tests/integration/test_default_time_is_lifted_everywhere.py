"""Every refusal of a time names the time a default is lifted to, and every use case taking the default time runs
where it is lifted: guards derived from the code, so that a new step or use case cannot forget either.

A step given no time is recorded at the later of the clock and the steps it depends on (`at_default_time` in
`service/app/receipts.py`): that holds only while the domain refuses a time through `ensure_not_before` (whose
refusal names the time to lift to) and while every use case that takes `context.when(...)` runs under `@command`
or `at_default_time`.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _parsed(package: str) -> Iterator[tuple[Path, ast.Module]]:
    for path in sorted((ROOT / package).rglob("*.py")):
        yield path, ast.parse(path.read_text(encoding="utf-8"))


def test_only_the_guards_of_order_refuse_a_time_so_every_refusal_names_the_time_a_default_is_lifted_to() -> None:
    builders = {
        (path.name, function.name)
        for package in ("domain", "service")
        for path, tree in _parsed(package)
        for function in ast.walk(tree)
        if isinstance(function, ast.FunctionDef)
        for call in ast.walk(function)
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "OccurredOutOfOrder"
    }

    assert builders == {("errors.py", "ensure_not_before"), ("errors.py", "ensure_not_after")}


def test_every_use_case_that_takes_the_default_time_runs_where_it_is_lifted() -> None:
    unlifted = []
    for path, tree in _parsed("service/app"):
        lifted = {
            called.func.attr
            for call in ast.walk(tree)
            if isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "at_default_time"
            for called in ast.walk(call)
            if isinstance(called, ast.Call) and isinstance(called.func, ast.Attribute)
        }
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef):
                continue
            takes_the_time = any(
                isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr == "when"
                for call in ast.walk(function)
            )
            decorators = {ast.unparse(decorator) for decorator in function.decorator_list}
            if takes_the_time and "command" not in decorators and function.name not in lifted:
                unlifted.append(f"{path.name}:{function.name}")

    assert unlifted == []
