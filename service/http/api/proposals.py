"""Proposals (usulan): submit, read, and the deliberation: contributions, amendments, objections, decision."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask.views import MethodView
from flask_smorest import Blueprint

from service.app import queries
from service.http.api.answers import Answer, shown, step_command, written, written_step
from service.http.auth import principal, require_token
from service.http.current import current_mufakat
from service.http.schemas.common import SummaryPageSchema, listing_args
from service.http.schemas.proposals import (
    AmendmentSchema,
    AnnulmentRequestSchema,
    ContributionSchema,
    CorrectionRequestSchema,
    DecisionRequestSchema,
    ObjectionSchema,
    ProposalSchema,
    ProposalStepSchema,
    RedactionRequestSchema,
    ResolutionSchema,
    SubmissionSchema,
    WithdrawalSchema,
)

blp = Blueprint("proposals", __name__, description="Proposals and their deliberation")
blp.before_request(require_token)


@blp.route("/processes/<uuid:process_id>/proposals")
class Proposals(MethodView):
    """The proposals of a process."""

    @blp.arguments(listing_args(("open", "decided", "withdrawn"))(), location="query")
    @blp.response(200, SummaryPageSchema)
    def get(self, listing: dict[str, Any], process_id: UUID) -> dict[str, Any]:
        """Lists the proposals of a process in order of submission, with the outcome of those decided."""
        ledger = current_mufakat()
        process = queries.readable_process(ledger, process_id, principal(), copy=False)
        found, position = queries.proposals_of(ledger, process, listing["after"] or 0, listing["limit"], listing["status"])
        items = [
            {
                "id": p.id,
                "version": p.version,
                "title": p.title,
                "status": p.status,
                "outcome": p.decision.outcome if p.decision is not None else None,
            }
            for p in found
        ]
        return {"items": items, "next": str(position) if position is not None else None}

    @blp.arguments(SubmissionSchema())
    @blp.response(201, ProposalSchema)
    def post(self, submission: dict[str, Any], process_id: UUID) -> Answer:
        """Submits a proposal by a registered participant, optionally at a meeting of the process."""
        return written(current_mufakat().proposals.submit(step_command(submission), process_id, **submission))


@blp.route("/proposals/<uuid:proposal_id>")
class OneProposal(MethodView):
    """One proposal."""

    @blp.response(200, ProposalSchema)
    def get(self, proposal_id: UUID) -> Answer:
        """The proposal as it stands: current text, objections, checks and votes with tallies, decision."""
        return shown(queries.proposal(current_mufakat(), principal(), proposal_id))


@blp.route("/proposals/<uuid:proposal_id>/contributions")
class Contributions(MethodView):
    """What participants say."""

    @blp.arguments(ContributionSchema())
    @blp.response(200, ProposalStepSchema)
    def post(self, contribution: dict[str, Any], proposal_id: UUID) -> Answer:
        """Records support, a concern, a question or information from a registered participant."""
        return written(current_mufakat().proposals.contribute(step_command(contribution), proposal_id, **contribution))


@blp.route("/proposals/<uuid:proposal_id>/amendments")
class Amendments(MethodView):
    """New versions of the text."""

    @blp.arguments(AmendmentSchema())
    @blp.response(200, ProposalStepSchema)
    def post(self, amendment: dict[str, Any], proposal_id: UUID) -> Answer:
        """Replaces the text with a new version and its reason; the old text stays in history."""
        return written(current_mufakat().proposals.amend(step_command(amendment), proposal_id, **amendment))


@blp.route("/proposals/<uuid:proposal_id>/objections")
class Objections(MethodView):
    """Objections (keberatan)."""

    @blp.arguments(ObjectionSchema())
    @blp.response(201, ProposalStepSchema)
    def post(self, objection: dict[str, Any], proposal_id: UUID) -> Answer:
        """Raises an objection; a blocking one stands in the way of consensus until resolved."""
        return written_step(
            current_mufakat().proposals.raise_objection(step_command(objection), proposal_id, **objection), "objection_id"
        )


@blp.route("/proposals/<uuid:proposal_id>/objections/<uuid:objection_id>/resolve")
class ObjectionResolution(MethodView):
    """How an objection ends."""

    @blp.arguments(ResolutionSchema())
    @blp.response(200, ProposalStepSchema)
    def post(self, resolution: dict[str, Any], proposal_id: UUID, objection_id: UUID) -> Answer:
        """Ends an objection: addressed, withdrawn, or overruled (only where a vote fallback is allowed)."""
        receipt = current_mufakat().proposals.resolve_objection(step_command(resolution), proposal_id, objection_id, **resolution)
        return written_step(receipt, "objection_id")


@blp.route("/proposals/<uuid:proposal_id>/decision")
class Decision(MethodView):
    """The decision."""

    @blp.arguments(DecisionRequestSchema())
    @blp.response(200, ProposalStepSchema)
    def post(self, decision: dict[str, Any], proposal_id: UUID) -> Answer:
        """Records the decision with a copy of the rules; by consensus or vote it stands on a check or vote held
        on the current text whose result bears it out (adoption: reached or passed; rejection: a consensus to
        reject, or a vote that did not pass); `none` is never an adoption."""
        return written(current_mufakat().proposals.decide(step_command(decision), proposal_id, **decision))


@blp.route("/proposals/<uuid:proposal_id>/withdraw")
class Withdrawal(MethodView):
    """Withdrawing a proposal."""

    @blp.arguments(WithdrawalSchema())
    @blp.response(200, ProposalStepSchema)
    def post(self, withdrawal: dict[str, Any], proposal_id: UUID) -> Answer:
        """Withdraws an undecided proposal with the reason; its status becomes `withdrawn` and nothing more
        is recorded on it. The facilitator of the process (or an admin) may."""
        return written(current_mufakat().proposals.withdraw(step_command(withdrawal), proposal_id, **withdrawal))


@blp.route("/proposals/<uuid:proposal_id>/decision/annul")
class DecisionAnnulment(MethodView):
    """Annulling a decision."""

    @blp.arguments(AnnulmentRequestSchema())
    @blp.response(200, ProposalStepSchema)
    def post(self, annulment: dict[str, Any], proposal_id: UUID) -> Answer:
        """Annuls the decision by a later musyawarah (e.g. a Musdes khusus), with reason and legal basis: the
        decision stays on record in `annulled_decisions`, the proposal is `open` again and may be deliberated
        and decided anew; the feed publishes the annulment. The facilitator of the process or an admin may."""
        return written(current_mufakat().proposals.annul_decision(step_command(annulment), proposal_id, **annulment))


@blp.route("/proposals/<uuid:proposal_id>/corrections")
class Corrections(MethodView):
    """Errata of the free text."""

    @blp.arguments(CorrectionRequestSchema())
    @blp.response(200, ProposalStepSchema)
    def post(self, correction: dict[str, Any], proposal_id: UUID) -> Answer:
        """Corrects a free text (title, body, contribution, grounds, note, reason, rationale) of the step recorded
        at `version`: readers see the corrected text marked as corrected, the original stays in history."""
        return written(current_mufakat().proposals.correct(step_command(correction), proposal_id, **correction))


@blp.route("/proposals/<uuid:proposal_id>/redactions")
class Redactions(MethodView):
    """Redaction of what was said."""

    @blp.arguments(RedactionRequestSchema())
    @blp.response(200, ProposalStepSchema)
    def post(self, redaction: dict[str, Any], proposal_id: UUID) -> Answer:
        """(admin) Redacts a contribution's text, an objection's grounds or resolution note, a stance's reason or a
        decision's rationale recorded at `version` (a name typed into it, say): every reader sees
        "[teks disunting]" at once, the key that sealed the words is destroyed (they can never be read again from
        the database, its files or a backup taken later), and every hash of the log still verifies. The reason is
        recorded; the words are not."""
        return written(current_mufakat().redaction.redact(step_command(redaction), proposal_id, **redaction))
