"""Use cases and the read of the Musrenbang chain: an adopted proposal forwarded up to the parent process,
duplicates merged, and each proposal's journey from dusun to kabupaten.

A forward writes three aggregates (the origin, the proposal it becomes in the parent, the parent's list of
proposals): they are staged together, so the unit of work commits all or none of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID, uuid4

from domain.process import Process
from domain.proposal import Proposal
from service.app.access import Principal
from service.app.errors import NotFound
from service.app.proposals import open_proposal
from service.app.readable import readable, readable_process
from service.app.receipts import CommandContext, Receipt
from service.app.statement_names import StatementNames
from service.app.unit_of_work import UnitOfWork, command

#: How far a journey is followed: far beyond dusun → desa → kecamatan → kabupaten, so a cycle cannot hang a read.
_LONGEST_JOURNEY = 16


class MusrenbangChain:
    """Forwards adopted proposals up the chain and merges duplicates where they arrive."""

    def __init__(self, uow: UnitOfWork, names: StatementNames) -> None:
        self.uow = uow
        self.names = names

    @command
    def forward(
        self,
        context: CommandContext,
        proposal_id: UUID,
        to_process_id: UUID,
        note: str | None = None,
        delegates: list[UUID] | None = None,
    ) -> Receipt:
        """Forwards an adopted proposal to the parent of its process, where it arrives as a new proposal carrying
        its origin; the delegates who carry it are registered participants of the process below."""
        origin, process = open_proposal(self.uow, proposal_id, context)
        chosen = list(delegates or [])
        process.ensure_all_registered(chosen)
        if note:
            self.names.ensure_unnamed(process, context.names_are_public, note=note)
        occurred_at = context.when(self.uow.clock)
        arrived_id = uuid4()
        origin.forward(
            to_process_id, process.parent_id, arrived_id, note, chosen, context.actor, occurred_at=occurred_at
        )
        # The parent is read as the caller may read it: a forward never reveals a restricted process.
        parent = readable_process(self.uow, to_process_id, context.principal)
        parent.receive_from_below(arrived_id, context.actor, occurred_at=occurred_at)
        arrived = Proposal.arrive_from_below(arrived_id, parent.id, origin, note, occurred_at, context.actor)
        self.uow.stage(origin, arrived, parent)
        return Receipt("proposal", arrived_id, arrived.version, created=True, part_id=origin.id)

    @command
    def merge(self, context: CommandContext, proposal_id: UUID, into: UUID, reason: str) -> Receipt:
        """Merges an undecided proposal into another of the same process, with the reason (duplicates from several
        villages become one); it goes on as that one."""
        merged, process = open_proposal(self.uow, proposal_id, context)
        target = self.uow.get(Proposal, into, "proposal", copy=False)
        self.names.ensure_unnamed(process, context.names_are_public, reason=reason)
        merged.merge_into(target, reason, context.actor, occurred_at=context.when(self.uow.clock))
        self.uow.stage(merged)
        return Receipt("proposal", proposal_id, merged.version)


@dataclass(frozen=True)
class Stop:
    """One step of a proposal's journey: the proposal in one process of the chain, and what became of it there."""

    proposal_id: UUID
    process_id: UUID
    process_title: str
    level: str
    region_code: str
    region_name: str
    status: str
    outcome: str | None
    #: When it was submitted there (or arrived from below).
    at: str
    decided_at: str | None
    forwarded_to: UUID | None
    merged_into: UUID | None
    merge_reason: str | None
    #: Who carried it up, only for those who may see the personal data of its process (else None).
    delegates: list[UUID] | None


def journey(uow: UnitOfWork, caller: Principal, proposal_id: UUID) -> list[Stop]:
    """A proposal's way up the Musrenbang chain, from its first origin to the furthest step (forwarded on, or
    merged into another), the same from any proposal on the way. A step in a process the caller may not read
    is left out; the proposal asked about must be readable."""
    readable(uow, Proposal, proposal_id, caller, copy=False)
    first = _first_origin(uow, proposal_id)
    stops: list[Stop] = []
    current: UUID | None = first
    while current is not None and len(stops) < _LONGEST_JOURNEY:
        proposal = uow.get(Proposal, current, "proposal", copy=False)
        process = uow.get(Process, proposal.process_id, "process", copy=False)
        if _may_read(uow, caller, process):
            stops.append(_stop(proposal, process, caller.may_see_personal_data(process.id)))
        current = _next(proposal)
    return stops


def _first_origin(uow: UnitOfWork, proposal_id: UUID) -> UUID:
    current = uow.get(Proposal, proposal_id, "proposal", copy=False)
    for _ in range(_LONGEST_JOURNEY):
        if current.origin is None:
            break
        current = uow.get(Proposal, UUID(current.origin["proposal_id"]), "proposal", copy=False)
    return current.id


def _next(proposal: Proposal) -> UUID | None:
    if proposal.merge is not None:
        return UUID(proposal.merge["into"])
    if proposal.forwarded is not None:
        return UUID(proposal.forwarded["proposal_id"])
    return None


def _may_read(uow: UnitOfWork, caller: Principal, process: Process) -> bool:
    try:
        readable_process(uow, process.id, caller, copy=False)
    except NotFound:
        return False
    return True


def _stop(proposal: Proposal, process: Process, names_delegates: bool) -> Stop:
    decision = proposal.decision
    delegates = None
    if names_delegates and proposal.forwarded is not None:
        delegates = [UUID(d) for d in proposal.forwarded["delegates"]]
    return Stop(
        proposal_id=proposal.id,
        process_id=process.id,
        process_title=process.title,
        level=process.level,
        region_code=process.region_code,
        region_name=process.region_name,
        status=proposal.status,
        outcome=decision.outcome if decision is not None else None,
        at=proposal.submitted_at.isoformat(),
        decided_at=decision.decided_at.isoformat() if decision is not None else None,
        forwarded_to=UUID(proposal.forwarded["to_process_id"]) if proposal.forwarded else None,
        merged_into=UUID(proposal.merge["into"]) if proposal.merge else None,
        merge_reason=proposal.merge["reason"] if proposal.merge else None,
        delegates=delegates,
    )
