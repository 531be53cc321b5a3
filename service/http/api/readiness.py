"""Readiness: whether this worker can reach its database, and how far behind each projection is."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from service.http.observability import database_unavailable_response, probe_database
from service.http.problems import ProblemSchema
from service.http.schemas.readiness import ReadinessSchema

blp = Blueprint("readiness", __name__, description="Readiness: the database answers; how far behind each projection is")


@blp.route("/ready")
class Readiness(MethodView):
    """Whether a load balancer should send this worker traffic."""

    @blp.response(200, ReadinessSchema)
    @blp.alt_response(
        503,
        schema=ProblemSchema,
        content_type="application/problem+json",
        description="database_unavailable: the database did not answer in time (Retry-After: 5)",
    )
    def get(self) -> dict[str, Any] | Response:
        """Readiness: the database answers a trivial query within a short timeout."""
        state = probe_database(current_app._get_current_object())  # type: ignore[attr-defined]
        if not state.reachable:
            return database_unavailable_response("The database did not answer the readiness probe in time.")
        return {
            "status": "ready",
            "database": "ok",
            "projections": state.projection_lags(),
            "forgotten_keys_on_disk": state.forgotten_keys_on_disk,
            "redacted_words_on_disk": state.redacted_words_on_disk,
        }
