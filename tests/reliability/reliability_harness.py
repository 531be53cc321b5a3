"""The web app as the reliability tests drive it: observability on, and the process endpoints.

The tests speak the contract of API.md: `POST /api/v1/processes`,
`GET /api/v1/processes/{id}`, `POST /api/v1/processes/{id}/close`, with a
bearer token. When the app already serves them, it is used as it is. While
it does not (the API is built in parallel), a stand-in with the same paths
calls the same use cases of `Mufakat`, so the outage, the 503s and the
recovery are those of the real application and its real error handlers.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Blueprint, Flask, abort, request

from domain.rules import DecisionRules
from service.application import CommandContext
from service.observability import init_app
from service.web import create_app, ledger

PROCESSES = "/api/v1/processes"


def build_app(ledger_env: dict[str, str] | None = None) -> Flask:
    """The Mufakat app on the given ledger settings (None: from `MUFAKAT_DATABASE_URL`)."""
    app = create_app({"MUFAKAT_LEDGER_ENV": ledger_env} if ledger_env is not None else None)
    # Both are no-ops once create_app wires observability and the API serves processes.
    init_app(app)
    if not _serves(app, PROCESSES, "POST"):
        app.register_blueprint(_stand_in)
    return app


def gunicorn_app() -> Flask:
    """Entry point for gunicorn: `reliability_harness:gunicorn_app()` (with tests/reliability on the path)."""
    return build_app()


def _serves(app: Flask, rule: str, method: str) -> bool:
    return any(r.rule == rule and method in (r.methods or ()) for r in app.url_map.iter_rules())


_stand_in = Blueprint("reliability_stand_in", __name__)


def _context() -> CommandContext:
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    principal = ledger().authenticate(secret) if scheme.lower() == "bearer" else None
    if principal is None:
        abort(401)
    return CommandContext(principal=principal)


def _process_body(process_id: UUID) -> dict[str, Any]:
    process = ledger().readable_process(process_id, _context().principal)
    return {"id": str(process.id), "version": process.version, "title": process.title, "status": process.status}


@_stand_in.post(PROCESSES)
def _open_process() -> tuple[dict[str, Any], int]:
    body = request.get_json()
    receipt = ledger().open_process(
        _context(),
        title=body["title"],
        description=body.get("description", ""),
        region_code=body["region_code"],
        region_name=body["region_name"],
        visibility=body["visibility"],
        rules=DecisionRules(),
    )
    return _process_body(receipt.id), 201


@_stand_in.get(f"{PROCESSES}/<uuid:process_id>")
def _get_process(process_id: UUID) -> dict[str, Any]:
    return _process_body(process_id)


@_stand_in.post(f"{PROCESSES}/<uuid:process_id>/close")
def _close_process(process_id: UUID) -> dict[str, Any]:
    ledger().close_process(_context(), process_id)
    return _process_body(process_id)
