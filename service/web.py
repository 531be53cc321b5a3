"""The Flask application factory: API blueprints, problem details, one ledger per worker process.

Nothing happens at import time. Every module of `service.api` that defines a
flask-smorest Blueprint named `blp` is registered, so a read model or an
audit endpoint adds its module without editing this one.
"""

from __future__ import annotations

import importlib
import pkgutil
import threading
from typing import Any

from flask import Flask, current_app

import service.api
from service.api.docs import SWAGGER_UI_ASSETS_URL, register_docs_assets
from service.application import Mufakat
from service.observability import init_app as init_observability
from service.problems import ProblemApi, ProblemResponses, register_problem_handlers

MAX_BODY_BYTES = 256 * 1024


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Builds the web application; the ledger is opened lazily, once per worker process."""
    app = Flask(__name__)
    app.config.update(
        API_TITLE="Mufakat",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api/v1",
        OPENAPI_JSON_PATH="openapi.json",
        MAX_CONTENT_LENGTH=MAX_BODY_BYTES,
        JSON_SORT_KEYS=False,
        OPENAPI_SWAGGER_UI_PATH="docs",
        OPENAPI_SWAGGER_UI_URL=SWAGGER_UI_ASSETS_URL,
        API_SPEC_OPTIONS={
            "info": {
                "description": "The record of how Indonesian communities reach decisions "
                "(musyawarah untuk mufakat). Errors are application/problem+json with a stable `code`. "
                "Every POST accepts `Idempotency-Key` and, on an existing resource, `If-Match`. Each worker "
                "remembers an authenticated token for up to 5 seconds: a revoked token may work that long."
            },
            "security": [{"bearerAuth": []}],
            "components": {
                "securitySchemes": {
                    "bearerAuth": {"type": "http", "scheme": "bearer", "description": "a token from POST /tokens"}
                }
            },
        },
        # Settings for the ledger itself (e.g. {"SQLITE_DBNAME": ...}); None: from the environment.
        MUFAKAT_LEDGER_ENV=None,
    )
    app.config.update(config or {})
    app.json.sort_keys = False  # type: ignore[attr-defined]
    api = ProblemApi(app, spec_kwargs={"extra_plugins": [ProblemResponses()]})
    register_problem_handlers(app)
    init_observability(app)
    register_docs_assets(app)
    for module_info in pkgutil.iter_modules(service.api.__path__):
        module = importlib.import_module(f"service.api.{module_info.name}")
        blueprint = getattr(module, "blp", None)
        if blueprint is not None:
            api.register_blueprint(blueprint, url_prefix=f"/api/v1{blueprint.url_prefix or ''}")
    app.extensions["mufakat_ledger_lock"] = threading.Lock()
    importlib.import_module("service.http.web").register_web(app)  # the portal at / and the console (issue 14)
    return app


def ledger() -> Mufakat:
    """The ledger of this worker process, opened on first use (never before gunicorn forks)."""
    app = current_app
    existing = app.extensions.get("mufakat_ledger")
    if existing is not None:
        return existing  # type: ignore[no-any-return]
    with app.extensions["mufakat_ledger_lock"]:
        if "mufakat_ledger" not in app.extensions:
            app.extensions["mufakat_ledger"] = Mufakat(env=app.config["MUFAKAT_LEDGER_ENV"])
        return app.extensions["mufakat_ledger"]  # type: ignore[no-any-return]
