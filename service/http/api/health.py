"""Liveness and readiness."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

blp = Blueprint("health", __name__, description="Liveness and readiness")


@blp.route("/health")
class Health(MethodView):
    """Whether the process answers at all."""

    def get(self) -> dict[str, str]:
        """Liveness: the process answers."""
        return {"status": "ok"}
