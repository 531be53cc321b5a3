"""How every endpoint answers: the resource, its `ETag`, and `Location` when it was created.

A write answers from its `Receipt`, rendering the resource at the version the
command left it, so a replayed request (same Idempotency-Key) gets the same
body as the first answer even after later writes.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from domain.commitment import Commitment
from domain.meeting import Meeting
from domain.participant import Participant
from domain.process import Process
from domain.proposal import Proposal
from service.access import Principal
from service.api.representations import (
    commitment_representation,
    meeting_representation,
    participant_representation,
    process_representation,
    proposal_representation,
)
from service.application import Receipt
from service.auth import principal
from service.web import ledger

Answer = tuple[dict[str, Any], dict[str, str]]

_COLLECTIONS = {
    "process": "processes",
    "participant": "participants",
    "meeting": "meetings",
    "proposal": "proposals",
    "commitment": "commitments",
    "token": "tokens",
}


def location(kind: str, resource_id: UUID) -> str:
    """The URL of a resource."""
    return f"/api/v1/{_COLLECTIONS[kind]}/{resource_id}"


def shown(body: dict[str, Any]) -> Answer:
    """A resource with its ETag."""
    return body, {"ETag": f'"{body["version"]}"'}


def show_participant(participant: Participant, caller: Principal) -> dict[str, Any]:
    """A participant as this caller may see them (personal data for those who run or review)."""
    personal = ledger().personal_data(participant) if caller.may_see_personal_data() else None
    return participant_representation(participant, personal)


def _represent(kind: str, resource_id: UUID, version: int) -> dict[str, Any]:
    mufakat = ledger()
    if kind == "process":
        return process_representation(mufakat.at_version(Process, resource_id, version))
    if kind == "participant":
        return show_participant(mufakat.at_version(Participant, resource_id, version), principal())
    if kind == "meeting":
        return meeting_representation(mufakat.at_version(Meeting, resource_id, version))
    if kind == "proposal":
        return proposal_representation(mufakat.at_version(Proposal, resource_id, version))
    if kind == "commitment":
        return commitment_representation(mufakat.at_version(Commitment, resource_id, version))
    raise ValueError(f"no representation of {kind}")


def written(receipt: Receipt, part: str | None = None, with_result: bool = False) -> Answer:
    """The answer to a write: the resource at the version it left, the created part's id, a close's result."""
    body = _represent(receipt.kind, receipt.id, receipt.version)
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
