"""How every endpoint answers: the resource, its `ETag`, and `Location` when it was created.

A write answers from its `Receipt`, rendering the resource at the version the
command left it, so a replayed request (same Idempotency-Key) gets the same
body as the first answer even after later writes.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.commitment import Commitment
from domain.meeting import Meeting
from domain.participant import Participant
from domain.process import Process
from domain.proposal import Proposal
from service.app.access import Principal
from service.app.application import CommandContext, Receipt
from service.http.api.representations import (
    commitment_representation,
    meeting_representation,
    participant_representation,
    process_representation,
    proposal_representation,
)
from service.http.auth import command, principal
from service.http.current import current_mufakat

Answer = tuple[dict[str, Any], dict[str, str]]

_COLLECTIONS = {
    "process": "processes",
    "participant": "participants",
    "meeting": "meetings",
    "proposal": "proposals",
    "commitment": "commitments",
    "token": "tokens",
}


def step_command(body: dict[str, Any]) -> CommandContext:
    """The context of a write that records a step: `command()` and when the step happened in the room,
    taken out of the parsed body (its `occurred_at`; None: now)."""
    return replace(command(), occurred_at=body.pop("occurred_at", None))


def location(kind: str, resource_id: UUID) -> str:
    """The URL of a resource."""
    return f"/api/v1/{_COLLECTIONS[kind]}/{resource_id}"


def shown(body: dict[str, Any]) -> Answer:
    """A resource with its ETag."""
    return body, {"ETag": f'"{body["version"]}"'}


def show_participant(participant: Participant, caller: Principal) -> dict[str, Any]:
    """A participant as this caller may see them (personal data for those who run or review)."""
    may_see = caller.may_see_personal_data(participant.process_id)
    personal = current_mufakat().personal_data(participant) if may_see else None
    return participant_representation(participant, personal)


_KINDS: dict[str, type[Aggregate]] = {
    "process": Process,
    "participant": Participant,
    "meeting": Meeting,
    "proposal": Proposal,
    "commitment": Commitment,
}


def _represent(receipt: Receipt) -> dict[str, Any]:
    """The resource as the command left it: the written aggregate itself, or read back at that version."""
    aggregate = receipt.aggregate
    if aggregate is None or aggregate.version != receipt.version:
        aggregate = current_mufakat().at_version(_KINDS[receipt.kind], receipt.id, receipt.version)
    if isinstance(aggregate, Process):
        return process_representation(aggregate)
    if isinstance(aggregate, Participant):
        return show_participant(aggregate, principal())
    if isinstance(aggregate, Meeting):
        return meeting_representation(aggregate)
    if isinstance(aggregate, Proposal):
        return proposal_representation(aggregate)
    if isinstance(aggregate, Commitment):
        return commitment_representation(aggregate)
    raise ValueError(f"no representation of {receipt.kind}")


def written(receipt: Receipt, part: str | None = None, with_result: bool = False) -> Answer:
    """The answer to a write: the resource at the version it left, the created part's id, a close's result."""
    body = _represent(receipt)
    if part is not None and receipt.part_id is not None:
        body[part] = receipt.part_id
        if with_result:
            collection = "consensus_checks" if part == "check_id" else "votes"
            closed = next(item for item in body[collection] if item[part] == str(receipt.part_id))
            body["result"] = closed["result"]
            body["tally"] = closed["tally"]
    body, headers = shown(body)
    if receipt.created:
        headers["Location"] = location(receipt.kind, receipt.id)
    return body, headers
