"""The use cases of ranking rounds, and the reads of rankings and of the daftar prioritas (priority list).

A ranking is opened at an open meeting over proposals of its process; ballots come from the meeting's attendees;
it closes with ballots from the process's quorum of them. Its process finds it through the process's ranking log
(`service.app.ranking_index`), which leaves the `Process` aggregate unchanged.

Outsiders (the public, partners, facilitators of other processes) read a ranking's proposals, rule, ceiling and,
once closed, its result and how many ballots it was counted from: never who ranked what, and while it is open not
even how many ballots are in (a count that moves with each tap would tell who just handed theirs in).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol
from uuid import UUID, uuid4

from eventsourcing.application import EventSourcedLog

from domain.meeting import Meeting
from domain.process import Process
from domain.proposal import Proposal
from domain.ranking import Ranked, Ranking
from domain.sectors import sector_name
from service.app.access import Principal
from service.app.errors import NotFound
from service.app.ranking_index import RankingListed, ranking_listed, ranking_log_id
from service.app.readable import ensure_expected, meeting_of_process, readable_process, writable_process
from service.app.receipts import CommandContext, Receipt
from service.app.unit_of_work import UnitOfWork, command


class ProposalsOfAnotherProcess(Exception):
    """Proposal ids that are no proposal of the ranking's process (422, naming the ids)."""

    code = "validation_failed"

    def __init__(self, proposal_ids: Sequence[UUID]) -> None:
        super().__init__("not a proposal of this process: " + ", ".join(map(str, proposal_ids)))
        self.proposal_ids = [str(proposal_id) for proposal_id in proposal_ids]


class Rankings:
    """Opening ranking rounds, recording their ballots and closing them with their result."""

    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow

    def _open_ranking(self, ranking_id: UUID, context: CommandContext) -> tuple[Ranking, Process]:
        """A ranking to change (a copy) and its open process, at the version expected."""
        ranking: Ranking = self.uow.get(Ranking, ranking_id, "ranking")
        try:
            process = writable_process(self.uow, ranking.process_id, context, copy=False)
        except NotFound:
            raise NotFound("ranking", ranking_id) from None
        process.ensure_open()
        ensure_expected(ranking, context)
        return ranking, process

    def _proposals(self, process: Process, proposal_ids: Sequence[UUID]) -> list[Proposal]:
        found: list[Proposal] = []
        strangers: list[UUID] = []
        for proposal_id in proposal_ids:
            try:
                proposal = self.uow.get(Proposal, proposal_id, "proposal", copy=False)
            except NotFound:
                strangers.append(proposal_id)
                continue
            if proposal.process_id != process.id:
                strangers.append(proposal_id)
            found.append(proposal)
        if strangers:
            raise ProposalsOfAnotherProcess(strangers)
        return found

    @command
    def open(
        self,
        context: CommandContext,
        process_id: UUID,
        meeting_id: UUID,
        proposals: Sequence[UUID],
        method: str,
        budget_ceiling: str | None = None,
        criteria: Sequence[Mapping[str, Any]] | None = None,
    ) -> Receipt:
        """Opens a ranking round at an open meeting of the process over two or more of its proposals."""
        process = writable_process(self.uow, process_id, context, copy=False)
        process.ensure_open()
        meeting = meeting_of_process(self.uow, meeting_id, process)
        meeting.ensure_open()
        opened_at = context.when(self.uow.clock)
        meeting.ensure_during(opened_at, "a ranking")
        ranked = []
        for proposal in self._proposals(process, proposals):
            proposal.ensure_not_withdrawn()
            ranked.append(
                Ranked(
                    proposal_id=str(proposal.id),
                    text_version=proposal.text_version,
                    estimated_cost=proposal.planning.get("estimated_cost"),
                    submitted_at=proposal.submitted_at.isoformat(),
                )
            )
        ranking_id = uuid4()
        ranking = Ranking.open(
            ranking_id,
            process_id,
            meeting_id,
            method,
            ranked,
            budget_ceiling,
            criteria,
            context.actor,
            occurred_at=opened_at,
        )
        self.uow.stage(ranking, ranking_listed(process_id, ranking_id))
        return Receipt("ranking", ranking_id, ranking.version, created=True)

    @command
    def cast_ballot(
        self,
        context: CommandContext,
        ranking_id: UUID,
        participant_id: UUID,
        order: Sequence[UUID] | None = None,
        scores: Mapping[str, Any] | None = None,
    ) -> Receipt:
        """Records the ballot of an attendee of the ranking's meeting; a later one replaces the earlier."""
        ranking, process = self._open_ranking(ranking_id, context)
        ranking.ensure_open()
        process.ensure_may_act(participant_id)
        meeting = self.uow.get(Meeting, ranking.meeting_id, "meeting", copy=False)
        meeting.ensure_attending(participant_id)
        meeting.ensure_open()
        ranking.cast_ballot(
            participant_id, context.actor, occurred_at=context.when(self.uow.clock), order=order, scores=scores
        )
        self.uow.stage(ranking)
        return Receipt("ranking", ranking_id, ranking.version)

    @command
    def close(self, context: CommandContext, ranking_id: UUID) -> Receipt:
        """Closes the ranking with its result, once ballots from the process's quorum of attendees are in."""
        ranking, process = self._open_ranking(ranking_id, context)
        meeting = self.uow.get(Meeting, ranking.meeting_id, "meeting", copy=False)
        versions = {
            proposal_id: self.uow.get(Proposal, UUID(proposal_id), "proposal", copy=False).text_version
            for proposal_id in ranking.proposal_ids
        }
        ranking.close(
            meeting.attendee_count,
            process.rules.quorum,
            versions,
            context.actor,
            occurred_at=context.when(self.uow.clock),
        )
        self.uow.stage(ranking)
        return Receipt("ranking", ranking_id, ranking.version)


# --- reads ------------------------------------------------------------------------------------------------


class Ledger(Protocol):
    """What the reads need of the application: its unit of work and its event store."""

    @property
    def uow(self) -> UnitOfWork:
        """The unit of work (its `get`)."""

    @property
    def events(self) -> Any:
        """The event store the ranking logs are read from."""


def seen(ranking: Ranking, caller: Principal) -> dict[str, Any]:
    """A ranking as the caller may read it: its ballots (who ranked what) only for those who see personal data."""
    closed = ranking.result is not None
    shown: dict[str, Any] = {
        "id": ranking.id,
        "ranking_id": ranking.id,
        "version": ranking.version,
        "process_id": ranking.process_id,
        "meeting_id": ranking.meeting_id,
        "status": ranking.status,
        "method": ranking.method,
        "budget_ceiling": ranking.budget_ceiling,
        "criteria": ranking.criteria,
        "proposals": ranking.proposal_ids,
        "opened_at": ranking.opened_at,
        "closed_at": ranking.closed_at,
        "result": ranking.result,
        "ballot_count": len(ranking.ballots) if closed or caller.may_see_personal_data(ranking.process_id) else None,
    }
    if caller.may_see_personal_data(ranking.process_id):
        shown["ballots"] = [{"participant_id": who, **ballot} for who, ballot in ranking.ballots.items()]
    return shown


def ranking(ledger: Ledger, caller: Principal, ranking_id: UUID) -> dict[str, Any]:
    """One ranking, if the caller may read its process."""
    found: Ranking = ledger.uow.get(Ranking, ranking_id, "ranking", copy=False)
    try:
        readable_process(ledger.uow, found.process_id, caller, copy=False)
    except NotFound:
        raise NotFound("ranking", ranking_id) from None
    return seen(found, caller)


def rankings_of(ledger: Ledger, process_id: UUID) -> list[Ranking]:
    """A process's rankings in the order they were opened, with the position of each entry in its log."""
    log = EventSourcedLog(ledger.events, ranking_log_id(process_id), RankingListed)
    return [ledger.uow.get(Ranking, entry.ranking_id, "ranking", copy=False) for entry in log.get()]


class NoPriorityList(NotFound):
    """A process with no closed ranking has no priority list yet."""


def priorities(ledger: Ledger, caller: Principal, process_id: UUID, language: str = "id") -> dict[str, Any]:
    """The daftar prioritas: the latest closed ranking's result, each row with the planning fields of the proposal
    as it was ranked, the rule, the ceiling and the ledger position (the ranking's version) it was made from."""
    process = readable_process(ledger.uow, process_id, caller, copy=False)
    closed = [r for r in rankings_of(ledger, process.id) if r.result is not None]
    if not closed:
        raise NotFound("priority list of process", process_id)
    latest = max(closed, key=lambda r: (r.closed_at, r.version))
    ranked_version = {p["proposal_id"]: p["text_version"] for p in latest.proposals}
    items = []
    for row in latest.result or []:
        proposal_id = row["proposal_id"]
        current = ledger.uow.get(Proposal, UUID(proposal_id), "proposal", copy=False)
        as_ranked = _text_as_ranked(ledger, current, ranked_version[proposal_id])
        planning = as_ranked.planning
        items.append(
            {
                **row,
                "title": as_ranked.title,
                "status": current.status,
                "sector": planning.get("sector"),
                "sector_name": sector_name(planning.get("sector"), language),
                "location": planning.get("location"),
                "volume": planning.get("volume"),
                "unit": planning.get("unit"),
                "beneficiaries": planning.get("beneficiaries"),
                "funding_source": planning.get("funding_source"),
                "implementation_pattern": planning.get("implementation_pattern"),
                "amended_since_ranking": current.text_version != ranked_version[proposal_id],
            }
        )
    return {
        "process_id": process.id,
        "process_title": process.title,
        "ranking_id": latest.id,
        "ranking_version": latest.version,
        "method": latest.method,
        "budget_ceiling": latest.budget_ceiling,
        "criteria": latest.criteria,
        "ballot_count": len(latest.ballots),
        "closed_at": latest.closed_at,
        "items": items,
    }


def _text_as_ranked(ledger: Ledger, proposal: Proposal, text_version: int) -> Proposal:
    """The proposal as it read at the text version the ranking ranked (its title and planning fields then)."""
    if proposal.text_version == text_version:
        return proposal
    version = proposal.version
    while version > 1:
        earlier: Proposal = ledger.uow.get(Proposal, proposal.id, "proposal", version)
        if earlier.text_version == text_version:
            return earlier
        version -= 1
    return proposal
