"""The Musrenbang chain: an adopted proposal forwarded up to the parent process, duplicates merged, and each
proposal's journey from dusun to kabupaten."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask.views import MethodView
from flask_smorest import Blueprint

from service.app.chain import journey
from service.http.api.answers import Answer, Beside, location, step_command, written
from service.http.auth import principal, require_token
from service.http.current import current_mufakat
from service.http.schemas.chain import ForwardedSchema, ForwardRequestSchema, JourneySchema, MergeRequestSchema
from service.http.schemas.proposals import ProposalSchema

blp = Blueprint("chain", __name__, description="The Musrenbang chain: forwarding, merging, journeys")
blp.before_request(require_token)


@blp.route("/proposals/<uuid:proposal_id>/forward")
class Forward(MethodView):
    """Up the Musrenbang chain."""

    @blp.arguments(ForwardRequestSchema())
    @blp.response(201, ForwardedSchema)
    def post(self, forward: dict[str, Any], proposal_id: UUID) -> Answer:
        """Forwards an adopted proposal, once, to the parent of its process, where it arrives as a new proposal
        carrying its origin (409 `not_adopted`, `already_forwarded`; 422 `not_the_parent`)."""
        receipt = current_mufakat().chain.forward(step_command(forward), proposal_id, **forward)
        arrived, headers = written(receipt)
        headers["Location"] = location("proposal", receipt.id)
        return Beside(arrived, proposal_id=receipt.id, origin_id=receipt.part_id), headers


@blp.route("/proposals/<uuid:proposal_id>/merge")
class Merge(MethodView):
    """Duplicates become one."""

    @blp.arguments(MergeRequestSchema())
    @blp.response(200, ProposalSchema)
    def post(self, merge: dict[str, Any], proposal_id: UUID) -> Answer:
        """Merges an undecided proposal into another of the same process, with the reason; its status becomes
        `merged` (422 `merge_target_not_allowed`; 409 when it is already decided, withdrawn or merged)."""
        return written(current_mufakat().chain.merge(step_command(merge), proposal_id, **merge))


@blp.route("/proposals/<uuid:proposal_id>/journey")
class Journey(MethodView):
    """Where a proposal went."""

    @blp.response(200, JourneySchema)
    def get(self, proposal_id: UUID) -> dict[str, Any]:
        """The proposal's way up the chain, from its first origin to the furthest step, the same from any
        proposal on the way; its fate at each (adopted, rejected, deferred, merged)."""
        return {"items": journey(current_mufakat().uow, principal(), proposal_id)}
