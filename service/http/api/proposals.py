"""Proposals (usulan): submit, read, and the deliberation: contributions, amendments, objections, decision."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask.views import MethodView
from flask_smorest import Blueprint

from domain.proposal import Proposal
from service.http.api.answers import Answer, shown, written, written_step
from service.http.auth import command, principal, require_token
from service.http.current import current_mufakat
from service.http.schemas.proposals import (
    AmendmentSchema,
    ContributionSchema,
    DecisionRequestSchema,
    ObjectionSchema,
    ProposalSchema,
    ProposalStepSchema,
    ResolutionSchema,
    SubmissionSchema,
)

blp = Blueprint("proposals", __name__, description="Proposals and their deliberation")
blp.before_request(require_token)


@blp.route("/processes/<uuid:process_id>/proposals")
class Proposals(MethodView):
    """The proposals of a process."""

    @blp.arguments(SubmissionSchema())
    @blp.response(201, ProposalSchema)
    def post(self, submission: dict[str, Any], process_id: UUID) -> Answer:
        """Submits a proposal by a registered participant, optionally at a meeting of the process."""
        return written(current_mufakat().submit_proposal(command(), process_id, **submission))


@blp.route("/proposals/<uuid:proposal_id>")
class OneProposal(MethodView):
    """One proposal."""

    @blp.response(200, ProposalSchema)
    def get(self, proposal_id: UUID) -> Answer:
        """The proposal as it stands: current text, objections, checks and votes with tallies, decision."""
        return shown(current_mufakat().readable(Proposal, proposal_id, principal()))


@blp.route("/proposals/<uuid:proposal_id>/contributions")
class Contributions(MethodView):
    """What participants say."""

    @blp.arguments(ContributionSchema())
    @blp.response(200, ProposalStepSchema)
    def post(self, contribution: dict[str, Any], proposal_id: UUID) -> Answer:
        """Records support, a concern, a question or information from a registered participant."""
        return written(current_mufakat().contribute(command(), proposal_id, **contribution))


@blp.route("/proposals/<uuid:proposal_id>/amendments")
class Amendments(MethodView):
    """New versions of the text."""

    @blp.arguments(AmendmentSchema())
    @blp.response(200, ProposalStepSchema)
    def post(self, amendment: dict[str, Any], proposal_id: UUID) -> Answer:
        """Replaces the text with a new version and its reason; the old text stays in history."""
        return written(current_mufakat().amend(command(), proposal_id, **amendment))


@blp.route("/proposals/<uuid:proposal_id>/objections")
class Objections(MethodView):
    """Objections (keberatan)."""

    @blp.arguments(ObjectionSchema())
    @blp.response(201, ProposalStepSchema)
    def post(self, objection: dict[str, Any], proposal_id: UUID) -> Answer:
        """Raises an objection; a blocking one stands in the way of consensus until resolved."""
        return written_step(current_mufakat().raise_objection(command(), proposal_id, **objection), "objection_id")


@blp.route("/proposals/<uuid:proposal_id>/objections/<uuid:objection_id>/resolve")
class ObjectionResolution(MethodView):
    """How an objection ends."""

    @blp.arguments(ResolutionSchema())
    @blp.response(200, ProposalStepSchema)
    def post(self, resolution: dict[str, Any], proposal_id: UUID, objection_id: UUID) -> Answer:
        """Ends an objection: addressed, withdrawn, or overruled (only where a vote fallback is allowed)."""
        receipt = current_mufakat().resolve_objection(command(), proposal_id, objection_id, **resolution)
        return written_step(receipt, "objection_id")


@blp.route("/proposals/<uuid:proposal_id>/decision")
class Decision(MethodView):
    """The decision."""

    @blp.arguments(DecisionRequestSchema())
    @blp.response(200, ProposalStepSchema)
    def post(self, decision: dict[str, Any], proposal_id: UUID) -> Answer:
        """Records the decision with a copy of the rules; adoption needs a reached check or a passed vote."""
        return written(current_mufakat().decide(command(), proposal_id, **decision))
