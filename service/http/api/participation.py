"""Participation metrics of a process: who attended, spoke, objected, took stances and voted."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask.views import MethodView
from flask_smorest import Blueprint

from service.app import queries
from service.http.auth import optional_principal
from service.http.current import current_mufakat
from service.http.schemas.participation import ParticipationSchema

blp = Blueprint("participation", __name__, description="Participation metrics by group and gender")


@blp.route("/processes/<uuid:process_id>/participation")
class ProcessParticipation(MethodView):
    """How inclusive a process was."""

    @blp.response(200, ParticipationSchema)
    def get(self, process_id: UUID) -> dict[str, Any]:
        """Attendance, contributions, objections, stances and ballots by group and by gender."""
        return queries.participation(current_mufakat(), optional_principal(), process_id)
