"""Participation metrics of a process: who attended, spoke, objected, took stances and voted."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from projections.participation_report import participation_report
from projections.runner import fresh_read_models
from service.app.access import Principal
from service.http.auth import optional_principal
from service.http.current import current_mufakat

blp = Blueprint("participation", __name__, description="Participation metrics by group and gender")


def sees_exact_counts(caller: Principal, process_id: UUID) -> bool:
    """Admins, auditors and the facilitators of the process see exact counts; others see "<3" for 1 or 2."""
    return caller.role in ("admin", "auditor") or (caller.role == "facilitator" and process_id in caller.processes)


class ParticipationSchema(Schema):
    """Counts by group and gender (strings "<3" where small counts are hidden), and time to decision."""

    process_id = fields.String()
    exact = fields.Boolean(metadata={"description": 'false when counts of 1 or 2 are shown as "<3"'})
    registered = fields.Dict()
    attendance = fields.Dict()
    contributions = fields.Dict()
    amendments = fields.Dict()
    objections = fields.Dict()
    stances = fields.Dict()
    ballots = fields.Dict()
    speakers = fields.Dict(metadata={"description": "who spoke (submitted, contributed, amended, objected)"})
    time_to_decision = fields.Dict()


@blp.route("/processes/<uuid:process_id>/participation")
class ProcessParticipation(MethodView):
    """How inclusive a process was."""

    @blp.response(200, ParticipationSchema)
    def get(self, process_id: UUID) -> dict[str, Any]:
        """Attendance, contributions, objections, stances and ballots by group and by gender."""
        caller = optional_principal()
        mufakat = current_mufakat()
        mufakat.readable_process(process_id, caller)
        models = fresh_read_models(mufakat)
        return participation_report(models.database, str(process_id), exact=sees_exact_counts(caller, process_id))
