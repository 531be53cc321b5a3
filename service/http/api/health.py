"""Liveness and readiness."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

blp = Blueprint("health", __name__, description="Liveness and readiness")


class HealthSchema(Schema):
    """A live process."""

    status = fields.String(metadata={"example": "ok"})


@blp.route("/health")
class Health(MethodView):
    """Whether the process answers at all."""

    @blp.response(200, HealthSchema)
    def get(self) -> dict[str, str]:
        """Liveness: the process answers."""
        return {"status": "ok"}
