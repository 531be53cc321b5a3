"""How every endpoint answers: the resource itself (its schema dumps it), its `ETag`, and `Location` when created.

A write answers from its `Receipt`, with the resource at the version the
command left it, so a replayed request (same Idempotency-Key) gets the same
body as the first answer even after later writes.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.assessment import Assessment
from domain.commitment import Commitment
from domain.dispute import Dispute
from domain.meeting import Meeting
from domain.participant import Participant
from domain.process import Process
from domain.proposal import Proposal
from service.app import queries
from service.app.application import CommandContext, Receipt
from service.http.auth import command, principal
from service.http.current import current_mufakat

Answer = tuple[Any, dict[str, str]]

_COLLECTIONS = {
    "process": "processes",
    "participant": "participants",
    "meeting": "meetings",
    "proposal": "proposals",
    "commitment": "commitments",
    "assessment": "assessments",
    "dispute": "disputes",
    "token": "tokens",
}
_KINDS: dict[str, type[Aggregate]] = {
    "process": Process,
    "participant": Participant,
    "meeting": Meeting,
    "proposal": Proposal,
    "commitment": Commitment,
    "assessment": Assessment,
    "dispute": Dispute,
}


class Beside:
    """A resource with a few more values beside it, read by its schema as one object."""

    def __init__(self, resource: object, **more: object) -> None:
        self._resource = resource
        vars(self).update(more)

    def __getattr__(self, attribute: str) -> Any:
        return getattr(self._resource, attribute)


def step_command(body: dict[str, Any]) -> CommandContext:
    """The context of a write that records a step: `command()`, when the step happened in the room and
    whether the names in its statements are public, taken out of the parsed body (its `occurred_at`,
    absent: now; its `names_are_public`, absent: no)."""
    return replace(
        command(), occurred_at=body.pop("occurred_at", None), names_are_public=body.pop("names_are_public", False)
    )


def location(kind: str, resource_id: UUID) -> str:
    """The URL of a resource."""
    return f"/api/v1/{_COLLECTIONS[kind]}/{resource_id}"


def shown(resource: Any) -> Answer:
    """A resource with its ETag."""
    return resource, {"ETag": f'"{resource.version}"'}


def _left(receipt: Receipt) -> Any:
    """The aggregate as the command left it: the written aggregate itself, or read back at that version."""
    aggregate = receipt.aggregate
    if aggregate is None or aggregate.version != receipt.version:
        aggregate = queries.at_version(current_mufakat(), _KINDS[receipt.kind], receipt.id, receipt.version)
    return aggregate


def _answer(receipt: Receipt, resource: Any) -> Answer:
    body, headers = shown(resource)
    if receipt.created:
        headers["Location"] = location(receipt.kind, receipt.id)
    return body, headers


def written(receipt: Receipt) -> Answer:
    """The answer to a write: the resource at the version it left."""
    return _answer(receipt, _left(receipt))


def written_participant(receipt: Receipt) -> Answer:
    """The answer to a write on a participant: as the caller may see them."""
    return _answer(receipt, queries.as_seen(current_mufakat(), _left(receipt), principal()))


def written_step(receipt: Receipt, part: str, with_result: bool = False) -> Answer:
    """The answer to a step of a proposal: the proposal, the id of the part the step made or touched
    (`objection_id`, `check_id`, `vote_id`) and, for a close, the part's result and tally."""
    proposal = _left(receipt)
    if receipt.part_id is None:
        return _answer(receipt, proposal)
    more: dict[str, Any] = {part: receipt.part_id}
    if with_result:
        closed = (proposal.checks if part == "check_id" else proposal.votes)[str(receipt.part_id)]
        more.update(result=closed.result, tally=closed.tally)
    return _answer(receipt, Beside(proposal, **more))
