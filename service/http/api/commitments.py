"""Commitments (tindak lanjut): the follow-up of adopted proposals, and its progress."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask.views import MethodView
from flask_smorest import Blueprint

from domain.commitment import Commitment
from service.http.api.answers import Answer, shown, step_command, written
from service.http.auth import principal, require_token
from service.http.current import current_mufakat
from service.http.schemas.commitments import CommitmentMakingSchema, CommitmentSchema, ProgressSchema
from service.http.schemas.common import SummaryPageSchema, listing_args
from service.app import queries

blp = Blueprint("commitments", __name__, description="Follow-up of adopted decisions")
blp.before_request(require_token)


@blp.route("/proposals/<uuid:proposal_id>/commitments")
class Commitments(MethodView):
    """The commitments made on a proposal."""

    @blp.arguments(CommitmentMakingSchema())
    @blp.response(201, CommitmentSchema)
    def post(self, commitment: dict[str, Any], proposal_id: UUID) -> Answer:
        """Records who will do what by when, on an adopted proposal."""
        return written(current_mufakat().commitments.make(step_command(commitment), proposal_id, **commitment))


@blp.route("/processes/<uuid:process_id>/commitments")
class CommitmentsOfProcess(MethodView):
    """The commitments of a process."""

    @blp.arguments(listing_args(("open", "completed"))(), location="query")
    @blp.response(200, SummaryPageSchema)
    def get(self, listing: dict[str, Any], process_id: UUID) -> dict[str, Any]:
        """Lists the commitments of a process in order of making; the title is what was promised."""
        ledger = current_mufakat()
        process = queries.readable_process(ledger, process_id, principal(), copy=False)
        found, position = queries.commitments_of(ledger, process, listing["after"], listing["limit"], listing["status"])
        items = [
            {
                "id": c.id,
                "version": c.version,
                "title": c.description,
                "status": "completed" if c.completed else "open",
            }
            for c in found
        ]
        return {"items": items, "next": str(position) if position is not None else None}


@blp.route("/commitments/<uuid:commitment_id>")
class OneCommitment(MethodView):
    """One commitment."""

    @blp.response(200, CommitmentSchema)
    def get(self, commitment_id: UUID) -> Answer:
        """The commitment and how far it got."""
        return shown(queries.readable(current_mufakat(), Commitment, commitment_id, principal()))


@blp.route("/commitments/<uuid:commitment_id>/progress")
class Progress(MethodView):
    """Progress reports."""

    @blp.arguments(ProgressSchema())
    @blp.response(200, CommitmentSchema)
    def post(self, progress: dict[str, Any], commitment_id: UUID) -> Answer:
        """Records a progress report; 100 percent completes the commitment."""
        return written(current_mufakat().commitments.report_progress(step_command(progress), commitment_id, **progress))
