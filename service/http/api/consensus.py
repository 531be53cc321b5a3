"""Consensus checks and the vote fallback of a proposal."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask.views import MethodView
from flask_smorest import Blueprint

from service.http.api.answers import Answer, step_command, written_step
from service.http.auth import require_token
from service.http.current import current_mufakat
from service.http.schemas.common import WhenSchema
from service.http.schemas.proposals import AtMeetingSchema, BallotSchema, ProposalStepSchema, StanceSchema

blp = Blueprint("consensus", __name__, description="Consensus checks (mufakat) and votes")
blp.before_request(require_token)


@blp.route("/proposals/<uuid:proposal_id>/consensus-checks")
class ConsensusChecks(MethodView):
    """Consensus checks."""

    @blp.arguments(AtMeetingSchema())
    @blp.response(201, ProposalStepSchema)
    def post(self, at: dict[str, Any], proposal_id: UUID) -> Answer:
        """Opens a consensus check at an open meeting whose quorum holds."""
        return written_step(current_mufakat().proposals.open_consensus_check(step_command(at), proposal_id, **at), "check_id")


@blp.route("/proposals/<uuid:proposal_id>/consensus-checks/<uuid:check_id>/stances")
class Stances(MethodView):
    """Stances in a consensus check."""

    @blp.arguments(StanceSchema())
    @blp.response(200, ProposalStepSchema)
    def post(self, stance: dict[str, Any], proposal_id: UUID, check_id: UUID) -> Answer:
        """Records the stance of a participant who attends the check's meeting (a later one supersedes)."""
        return written_step(
            current_mufakat().proposals.take_stance(step_command(stance), proposal_id, check_id, **stance), "check_id"
        )


@blp.route("/proposals/<uuid:proposal_id>/consensus-checks/<uuid:check_id>/close")
class ConsensusCheckClosing(MethodView):
    """Closing a consensus check."""

    @blp.arguments(WhenSchema(), required=False)
    @blp.response(200, ProposalStepSchema)
    def post(self, when: dict[str, Any], proposal_id: UUID, check_id: UUID) -> Answer:
        """Closes the check: `result` is reached or not_reached under the process's consensus rule, with its
        `tally` (the stances, the quorum, the `rule` and the `dissent` on record)."""
        receipt = current_mufakat().proposals.close_consensus_check(step_command(when), proposal_id, check_id)
        return written_step(receipt, "check_id", with_result=True)


@blp.route("/proposals/<uuid:proposal_id>/votes")
class Votes(MethodView):
    """Votes (the fallback when consensus fails)."""

    @blp.arguments(AtMeetingSchema())
    @blp.response(201, ProposalStepSchema)
    def post(self, at: dict[str, Any], proposal_id: UUID) -> Answer:
        """Opens a vote at an open meeting, where the rules allow a vote fallback: musyawarah first, so only
        after the latest consensus check on the current text closed without consensus, unless the rules
        say `vote_without_check`."""
        return written_step(current_mufakat().proposals.open_vote(step_command(at), proposal_id, **at), "vote_id")


@blp.route("/proposals/<uuid:proposal_id>/votes/<uuid:vote_id>/ballots")
class Ballots(MethodView):
    """Ballots in a vote."""

    @blp.arguments(BallotSchema())
    @blp.response(200, ProposalStepSchema)
    def post(self, ballot: dict[str, Any], proposal_id: UUID, vote_id: UUID) -> Answer:
        """Records the one ballot of a participant who attends the vote's meeting."""
        return written_step(
            current_mufakat().proposals.cast_ballot(step_command(ballot), proposal_id, vote_id, **ballot), "vote_id"
        )


@blp.route("/proposals/<uuid:proposal_id>/votes/<uuid:vote_id>/close")
class VoteClosing(MethodView):
    """Closing a vote."""

    @blp.arguments(WhenSchema(), required=False)
    @blp.response(200, ProposalStepSchema)
    def post(self, when: dict[str, Any], proposal_id: UUID, vote_id: UUID) -> Answer:
        """Closes the vote: `result` is passed or failed, with its `tally` against the threshold."""
        receipt = current_mufakat().proposals.close_vote(step_command(when), proposal_id, vote_id)
        return written_step(receipt, "vote_id", with_result=True)
