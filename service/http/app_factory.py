"""The Flask application factory: API blueprints, problem details, one ledger per worker process.

Nothing happens at import time. The blueprints of `service.http.api` are
registered explicitly, in `API_BLUEPRINTS`.
"""

from __future__ import annotations

import threading
from typing import Any

from flask import Flask

from service.http import checkpointing
from service.http.api import (
    assessments,
    audit,
    chain,
    commitments,
    complaints,
    consensus,
    disputes,
    evaluations,
    feed,
    health,
    history,
    meetings,
    minutes,
    participants,
    participation,
    processes,
    proposals,
    rankings,
    readiness,
    reports,
    tokens,
)
from service.http.api.docs import SWAGGER_UI_ASSETS_URL, register_docs_assets
from service.http.auth import require_token_before_writes
from service.http.current import SETTINGS_EXTENSION
from service.http.headers import init_app as init_headers
from service.http.observability import init_app as init_observability
from service.http.problems import ProblemApi, ProblemResponses, register_problem_handlers
from service.http.web import register_web
from service.settings import Settings

MAX_BODY_BYTES = 256 * 1024
#: The API's blueprints, registered in this order (the order of the OpenAPI document's tags).
API_BLUEPRINTS = [
    module.blp
    for module in (
        assessments,
        audit,
        chain,
        commitments,
        complaints,
        consensus,
        disputes,
        evaluations,
        feed,
        health,
        history,
        meetings,
        minutes,
        participants,
        participation,
        processes,
        proposals,
        rankings,
        readiness,
        reports,
        tokens,
    )
]


def create_app(config: dict[str, Any] | None = None, settings: Settings | None = None) -> Flask:
    """Builds the web application; Mufakat is opened lazily, once per worker process (`service.http.current`).

    `settings` default to the environment's (read here, once); a key of `config` named like a setting's
    environment variable (`MUFAKAT_SECRET_KEY_FILE`, ...) overrides it.
    """
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
                "Every POST accepts `Idempotency-Key` and, on an existing resource, `If-Match`. A token is "
                "checked on every request: a revoked or expired token gets 401 at once, on every worker."
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
    app.extensions[SETTINGS_EXTENSION] = (settings or Settings.from_environment()).overridden_by(app.config)
    app.json.sort_keys = False  # type: ignore[attr-defined]
    api = ProblemApi(app, spec_kwargs={"extra_plugins": [ProblemResponses()]})
    app.before_request(require_token_before_writes)  # before the body is looked at: 401 before 415 or 422
    register_problem_handlers(app)
    init_observability(app)
    init_headers(app)
    register_docs_assets(app)
    for blueprint in API_BLUEPRINTS:
        api.register_blueprint(blueprint, url_prefix=f"/api/v1{blueprint.url_prefix or ''}")
    app.extensions["mufakat_lock"] = threading.Lock()
    register_web(app)  # the public portal at / and the facilitators' console at /console
    checkpointing.init_app(app)  # each worker seals checkpoints by itself (MUFAKAT_CHECKPOINT_*)
    return app
