"""Two workers, bursts of decisions and blocking objections on shared proposals: every answer is true of the log.

A refusal is only given once the state it was judged on is committed; when the
batch it was judged on fails, it is judged again. The batches of one worker
here fail now and then, as a concurrent write from another host makes them
fail, so that answers judged on a failed batch do happen.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.persistence import IntegrityError

from domain.errors import BlockingObjectionUnresolved, ProposalAlreadyDecided
from domain.rules import DecisionRules
from service.adapters.storage import persistence_settings
from service.app.application import CommandContext, Mufakat, Receipt

ROUNDS = 3
PROPOSALS = 3
#: Decisions and blocking objections each worker sends to each proposal in a burst.
EACH = 4


@dataclass
class Answer:
    """What one command got, and how far the log reached when it was answered."""

    kind: str
    proposal: UUID
    outcome: Receipt | Exception
    log_end: int


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def two_workers(request: pytest.FixtureRequest) -> Iterator[tuple[Mufakat, Mufakat]]:
    """Two ledgers on one fresh store, as two gunicorn workers (or two hosts) are."""
    url = request.getfixturevalue("sqlite_database_url" if request.param == "sqlite" else "postgres_database_url")
    workers = (Mufakat(env=persistence_settings(str(url))), Mufakat(env=persistence_settings(str(url))))
    yield workers
    for worker in workers:
        worker.close()


def fail_every_third_commit(worker: Mufakat) -> None:
    """Every third group commit of this worker fails as a concurrent write from elsewhere makes it fail."""
    insert = worker.recorder.insert_events
    commits = iter(range(1_000_000))

    def insert_or_conflict(stored_events: Any, **kwargs: Any) -> Any:
        if next(commits) % 3 == 2:
            raise IntegrityError("another host wrote first")
        return insert(stored_events, **kwargs)

    worker.recorder.insert_events = insert_or_conflict  # type: ignore[method-assign]


def proposal_ready_for_adoption(worker: Mufakat, context: CommandContext) -> tuple[UUID, UUID]:
    """A proposal whose consensus check was reached, and a participant who may object to it."""
    rules = DecisionRules()
    process = worker.processes.open(context, "Musdes", "", "33.02.10.2001", "Sukamaju", "public", rules).id
    people = [
        worker.participants.register(context, process, f"Warga {n}", "resident", None, None, None).id for n in range(3)
    ]
    when = datetime(2027, 2, 1, 2, 0, tzinfo=UTC)
    meeting = worker.meetings.schedule(context, process, "Musdes", when, "Balai Desa", None).id
    worker.meetings.open(context, meeting, people)
    proposal = worker.proposals.submit(context, process, "Sumur", "Sumur bor", people[0], meeting).id
    check = worker.proposals.open_consensus_check(context, proposal, meeting).part_id
    assert check is not None
    for person in people:
        worker.proposals.take_stance(context, proposal, check, person, "agree", None)
    worker.proposals.close_consensus_check(context, proposal, check)
    return proposal, people[1]


def burst(workers: tuple[Mufakat, Mufakat], context: CommandContext, targets: list[tuple[UUID, UUID]]) -> list[Answer]:
    """Decisions and blocking objections on every target through both workers, all released at once."""
    commands = [
        (worker, kind, proposal, objector)
        for worker in workers
        for proposal, objector in targets
        for kind in ("decide", "object")
        for _ in range(EACH)
    ]
    starting_gun = threading.Barrier(len(commands))
    answers: list[Answer] = []

    def send(worker: Mufakat, kind: str, proposal: UUID, objector: UUID) -> None:
        starting_gun.wait()
        outcome: Receipt | Exception
        try:
            if kind == "decide":
                outcome = worker.proposals.decide(context, proposal, "adopted", "consensus", "Mufakat tercapai")
            else:
                outcome = worker.proposals.raise_objection(context, proposal, objector, "Lokasi rawan banjir", True)
        except Exception as error:  # every answer is judged below
            outcome = error
        answers.append(Answer(kind, proposal, outcome, worker.recorder.max_notification_id() or 0))

    threads = [threading.Thread(target=send, args=command) for command in commands]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(answers) == len(commands)
    return answers


def logged(worker: Mufakat, proposal: UUID, event: str) -> dict[int, int]:
    """The events of this kind in the proposal's log: version -> position in the whole log."""
    top = worker.recorder.max_notification_id() or 0
    return {
        n.originator_version: n.id
        for n in worker.recorder.select_notifications(start=1, limit=top + 1)
        if n.originator_id == proposal and n.topic.endswith(f"Proposal.{event}")
    }


def test_every_refusal_is_true_of_the_committed_log_and_every_acknowledged_write_is_in_it(
    two_workers: tuple[Mufakat, Mufakat],
) -> None:
    first = two_workers[0]
    token, _ = first.tokens.issue("admin", "Admin Uji", [])
    context = CommandContext(token.principal())
    answers: list[Answer] = []
    for _ in range(ROUNDS):
        targets = [proposal_ready_for_adoption(first, context) for _ in range(PROPOSALS)]
        if not answers:
            fail_every_third_commit(first)
        answers += burst(two_workers, context, targets)

    false_refusals, missing, unexpected = [], [], []
    for proposal in {answer.proposal for answer in answers}:
        decisions = logged(first, proposal, "Decided")
        objections = logged(first, proposal, "ObjectionRaised")
        mine = [answer for answer in answers if answer.proposal == proposal]
        for answer in mine:
            if isinstance(answer.outcome, ProposalAlreadyDecided):
                if not any(position <= answer.log_end for position in decisions.values()):
                    false_refusals.append(answer)
            elif isinstance(answer.outcome, BlockingObjectionUnresolved):
                if not any(position <= answer.log_end for position in objections.values()):
                    false_refusals.append(answer)
            elif isinstance(answer.outcome, Exception):
                unexpected.append(answer)
        acknowledged = {
            kind: {a.outcome.version for a in mine if a.kind == kind and isinstance(a.outcome, Receipt)}
            for kind in ("decide", "object")
        }
        if acknowledged != {"decide": set(decisions), "object": set(objections)}:
            missing.append((proposal, acknowledged, set(decisions), set(objections)))

    assert unexpected == []  # no 503 too_much_contention, no other error
    assert false_refusals == []
    assert missing == []
    refused = sum(1 for answer in answers if isinstance(answer.outcome, Exception))
    assert 0 < refused < len(answers)  # the bursts did conflict
