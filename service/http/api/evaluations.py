"""Community evaluations (community score cards) of commitments.

Writes need a token of the process; reads follow what outsiders see: the tally with small counts suppressed,
never who scored what nor any comment.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask.views import MethodView
from flask_smorest import Blueprint

from service.app import evaluations as reads
from service.app.receipts import Receipt
from service.http.api.answers import Answer, step_command
from service.http.auth import optional_principal, principal
from service.http.current import current_mufakat
from service.http.schemas.common import WhenSchema
from service.http.schemas.evaluations import (
    EvaluationRequestSchema,
    EvaluationSchema,
    EvaluationScoreSchema,
    TrainingEvaluationRequestSchema,
)

blp = Blueprint("evaluations", __name__, description="Community evaluations (score cards) of commitments")


def _written(receipt: Receipt) -> Answer:
    """The answer to a write on an evaluation: as its writer reads it, at the version the command left."""
    body = reads.evaluation(current_mufakat(), principal(), receipt.id)
    headers = {"ETag": f'"{receipt.version}"'}
    if receipt.created:
        headers["Location"] = f"/api/v1/evaluations/{receipt.id}"
    return body, headers


@blp.route("/commitments/<uuid:commitment_id>/evaluations")
class CommitmentEvaluations(MethodView):
    """The community evaluations of a commitment."""

    @blp.arguments(EvaluationRequestSchema())
    @blp.response(201, EvaluationSchema)
    def post(self, opening: dict[str, Any], commitment_id: UUID) -> Answer:
        """Opens a community evaluation (score card) of the commitment at an open meeting of its process."""
        context = step_command(opening)
        return _written(current_mufakat().evaluations.open(context, commitment_id, **opening))


@blp.route("/meetings/<uuid:meeting_id>/evaluations")
class TrainingEvaluations(MethodView):
    """The evaluations of a training by its attendees."""

    @blp.arguments(TrainingEvaluationRequestSchema())
    @blp.response(201, EvaluationSchema)
    def post(self, opening: dict[str, Any], meeting_id: UUID) -> Answer:
        """Opens an evaluation (attendance and satisfaction) of a training at that training while it is open; its
        attendees score it through `/evaluations/{id}/scores`. A meeting of another kind is refused (409
        `meeting_not_a_training`)."""
        context = step_command(opening)
        return _written(current_mufakat().evaluations.open_about_training(context, meeting_id, **opening))


@blp.route("/evaluations/<uuid:evaluation_id>")
class OneEvaluation(MethodView):
    """One community evaluation."""

    @blp.response(200, EvaluationSchema)
    def get(self, evaluation_id: UUID) -> Answer:
        """The evaluation: its question, status and, once closed, its tally by group and gender."""
        found = reads.evaluation(current_mufakat(), optional_principal(), evaluation_id)
        return found, {"ETag": f'"{found["version"]}"'}


@blp.route("/evaluations/<uuid:evaluation_id>/scores")
class Scores(MethodView):
    """The scores of a community evaluation."""

    @blp.arguments(EvaluationScoreSchema())
    @blp.response(200, EvaluationSchema)
    def post(self, given: dict[str, Any], evaluation_id: UUID) -> Answer:
        """Records an attendee's score from 1 to 5 with an optional comment; a later score of the same participant
        replaces the earlier one."""
        context = step_command(given)
        return _written(current_mufakat().evaluations.score(context, evaluation_id, **given))


@blp.route("/evaluations/<uuid:evaluation_id>/close")
class EvaluationClosing(MethodView):
    """Closing a community evaluation."""

    @blp.arguments(WhenSchema(), required=False)
    @blp.response(200, EvaluationSchema)
    def post(self, when: dict[str, Any], evaluation_id: UUID) -> Answer:
        """Closes the evaluation with its tally: count, mean and distribution, by group and by gender."""
        return _written(current_mufakat().evaluations.close(step_command(when or {}), evaluation_id))
