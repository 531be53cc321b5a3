"""The use cases of processes, participants, meetings and proposals run alike on the in-memory store and on SQLite.

The same use-case objects (`service.app.application.use_cases`) are wired to a unit of work on
eventsourcing's POPO recorder (with an in-memory vault) and on the real ledger on SQLite; every test
runs on both. The in-memory runs need no database: use cases are tested without one.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import UUID

import pytest
from eventsourcing.application import EventSourcedLog
from eventsourcing.persistence import JSONTranscoder
from eventsourcing.utils import Environment

from domain.actor import Actor
from domain.errors import RuleBroken
from domain.meeting import Meeting
from domain.process import Process
from domain.proposal import Proposal
from domain.rules import DecisionRules
from service.adapters.group_commit import GroupCommitLedger
from service.adapters.storage import persistence_settings
from service.adapters.transcodings import register_domain_transcodings
from service.app.access import Principal
from service.app.application import Mufakat, UseCases, use_cases
from service.app.errors import Forbidden, IdempotencyKeyReused, NotFound, VersionMismatch
from service.app.idempotency import IdempotencyKey
from service.app.process_directory import PROCESS_DIRECTORY_ID, ProcessListed
from service.app.receipts import CommandContext
from service.app.statement_names import StatementNamesAParticipant
from service.app.unit_of_work import UnitOfWork

MOMENT = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
ADMIN = CommandContext(Principal(Actor(id="admin-1", role="admin", name="Admin Uji")))
PARTNER = CommandContext(Principal(Actor(id="partner-1", role="partner", name="Mitra")))


class InMemoryLedger(GroupCommitLedger):
    """The group commit on eventsourcing's POPO recorder: nothing leaves memory."""

    def construct_env(self, name: str, env: Mapping[str, str] | None = None) -> Environment:
        """Only the environment given (never the process's: no database is named)."""
        return Environment(name, {"PERSISTENCE_MODULE": "eventsourcing.popo", **(env or {})})

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        """The library's transcodings plus the domain's value types."""
        super().register_transcodings(transcoder)
        register_domain_transcodings(transcoder)


class InMemoryVault:
    """The personal-data vault's port, in memory: a key per participant, sealing by marking the text."""

    def __init__(self) -> None:
        self.keys: set[UUID] = set()

    def create_key(self, participant_id: UUID) -> None:
        self.keys.add(participant_id)

    def seal(self, participant_id: UUID, plaintext: str | None) -> str | None:
        assert participant_id in self.keys, "a participant's data is sealed only with their key"
        return None if plaintext is None else f"sealed:{plaintext}"

    def open(self, participant_id: UUID, sealed: str | None) -> str | None:
        if sealed is None:
            return None
        return sealed.removeprefix("sealed:") if participant_id in self.keys else "(forgotten)"

    def forget(self, participant_id: UUID) -> bool:
        known = participant_id in self.keys
        self.keys.discard(participant_id)
        return known


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[UseCases, UnitOfWork]]:
    """The use cases and their unit of work, on the in-memory store or on SQLite."""
    if request.param == "memory":
        ledger = InMemoryLedger()
        uow = UnitOfWork(ledger, clock=lambda: MOMENT)
        directory = EventSourcedLog(ledger.events, PROCESS_DIRECTORY_ID, ProcessListed)
        yield use_cases(uow, InMemoryVault(), directory), uow
        ledger.close()
    else:
        mufakat = Mufakat(env=persistence_settings(f"sqlite:///{tmp_path / 'desa.db'}"), clock=lambda: MOMENT)
        yield use_cases(mufakat.uow, mufakat.vault, mufakat.process_directory), mufakat.uow
        mufakat.close()


def _process(cases: UseCases) -> UUID:
    return cases.processes.open(ADMIN, "Musdes RKP 2028", "", "33.02.10.2001", "Sukamaju", "public", DecisionRules()).id


def _people(cases: UseCases, process_id: UUID, names: tuple[str, ...]) -> list[UUID]:
    return [cases.participants.register(ADMIN, process_id, n, "resident", None, None, None).id for n in names]


def test_a_proposal_goes_from_submission_to_a_decision_by_consensus(store: tuple[UseCases, UnitOfWork]) -> None:
    cases, uow = store
    process_id = _process(cases)
    people = _people(cases, process_id, ("Made Wirawan", "Ketut Sari", "Nyoman Adi"))
    meeting_id = cases.meetings.schedule(ADMIN, process_id, "Musdes", MOMENT + timedelta(days=1), "Balai Desa", None).id
    cases.meetings.open(ADMIN, meeting_id, people)
    proposal_id = cases.proposals.submit(ADMIN, process_id, "Sumur bor", "Sumur bor di RT 02", people[0], meeting_id).id
    cases.proposals.contribute(ADMIN, proposal_id, people[1], "support", "Air bersih untuk semua")
    check = cases.proposals.open_consensus_check(ADMIN, proposal_id, meeting_id)
    for person in people:
        cases.proposals.take_stance(ADMIN, proposal_id, check.part_id, person, "agree", None)
    cases.proposals.close_consensus_check(ADMIN, proposal_id, check.part_id)
    decided = cases.proposals.decide(ADMIN, proposal_id, "adopted", "consensus", "Mufakat tercapai")
    closed = cases.meetings.close(ADMIN, meeting_id, "Rapat selesai")

    proposal = uow.get(Proposal, proposal_id, "proposal")
    assert (proposal.status, proposal.decision.outcome if proposal.decision else None) == ("decided", "adopted")
    assert decided.version == proposal.version
    assert proposal.check(check.part_id).status == "closed"
    assert uow.get(Meeting, meeting_id, "meeting").status == "closed" and closed.version == 3
    process = uow.get(Process, process_id, "process")
    assert process.proposal_ids == [proposal_id] and process.participant_ids == people


def test_a_retried_contribution_is_answered_again_and_recorded_once(store: tuple[UseCases, UnitOfWork]) -> None:
    cases, uow = store
    process_id = _process(cases)
    people = _people(cases, process_id, ("Made Wirawan", "Ketut Sari"))
    proposal_id = cases.proposals.submit(ADMIN, process_id, "Jalan desa", "Perbaikan jalan", people[0], None).id
    keyed = replace(ADMIN, idempotency=IdempotencyKey("admin-1", "kunci-1", "a" * 64))
    first = cases.proposals.contribute(keyed, proposal_id, people[1], "support", "Setuju")

    again = cases.proposals.contribute(keyed, proposal_id, people[1], "support", "Setuju")

    assert (again.id, again.version, again.replayed) == (first.id, first.version, True)
    assert uow.get(Proposal, proposal_id, "proposal").contribution_count == 1
    with pytest.raises(IdempotencyKeyReused):
        other_body = replace(ADMIN, idempotency=IdempotencyKey("admin-1", "kunci-1", "b" * 64))
        cases.proposals.contribute(other_body, proposal_id, people[1], "concern", "Lain")


def test_a_public_statement_naming_a_participant_is_refused_and_nothing_is_written(
    store: tuple[UseCases, UnitOfWork],
) -> None:
    cases, uow = store
    process_id = _process(cases)
    people = _people(cases, process_id, ("Made Wirawan", "Ketut Sari"))
    proposal_id = cases.proposals.submit(ADMIN, process_id, "Jalan desa", "Perbaikan jalan", people[0], None).id
    before = uow.get(Proposal, proposal_id, "proposal").version

    with pytest.raises(StatementNamesAParticipant):
        cases.proposals.contribute(ADMIN, proposal_id, people[1], "concern", "Pak Made Wirawan menolak")

    assert uow.get(Proposal, proposal_id, "proposal").version == before


def test_refusals_of_the_use_cases_are_the_same_on_every_store(store: tuple[UseCases, UnitOfWork]) -> None:
    cases, uow = store
    process_id = _process(cases)
    (person,) = _people(cases, process_id, ("Wayan Putra",))

    with pytest.raises(Forbidden):
        cases.processes.open(PARTNER, "Lain", "", "33.02.10.2001", "Sukamaju", "public", DecisionRules())
    with pytest.raises(VersionMismatch):
        cases.processes.close(CommandContext(ADMIN.principal, expected_version=1), process_id)
    with pytest.raises(NotFound):
        cases.meetings.open(ADMIN, UUID(int=7), [person])
    meeting_id = cases.meetings.schedule(ADMIN, process_id, "Musdus", MOMENT, None, None).id
    with pytest.raises(RuleBroken):  # a meeting not yet open cannot close
        cases.meetings.close(ADMIN, meeting_id, None)
    cases.processes.close(ADMIN, process_id)
    with pytest.raises(RuleBroken):  # nothing more is recorded in a closed process
        cases.proposals.submit(ADMIN, process_id, "Terlambat", "Usulan", person, None)
    assert uow.get(Process, process_id, "process").status == "closed"
