"""The web app as the reliability tests drive it: the real application, with observability on.

The tests speak the contract of API.md (`POST /api/v1/processes`,
`GET /api/v1/processes/{id}`, `POST /api/v1/processes/{id}/close`) with a bearer
token, so the outage, the 503s and the recovery are those of the real endpoints
and error handlers.
"""

from __future__ import annotations

from flask import Flask

from service.http.app_factory import create_app
from service.http.observability import init_app

PROCESSES = "/api/v1/processes"


def build_app(ledger_env: dict[str, str] | None = None) -> Flask:
    """The Mufakat app on the given ledger settings (None: from `MUFAKAT_DATABASE_URL`)."""
    app = create_app({"MUFAKAT_LEDGER_ENV": ledger_env} if ledger_env is not None else None)
    # A no-op once create_app wires observability itself.
    init_app(app)
    return app


def gunicorn_app() -> Flask:
    """Entry point for gunicorn: `reliability_harness:gunicorn_app()` (with tests/reliability on the path)."""
    return build_app()
