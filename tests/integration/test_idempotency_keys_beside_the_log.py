"""The answers to Idempotency-Keys in their table beside the log, on SQLite and on PostgreSQL.

A key is answered once: the row and the events of its command commit together or not at all,
and a key another worker committed first sends the command back to be judged again, where it
finds that worker's answer instead of recording the step a second time.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from uuid import UUID, uuid4

import pytest
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError

from domain.proposal import Proposal
from domain.rules import DecisionRules
from service.adapters.idempotency_keys import IDEMPOTENCY_TABLE, KeptAnswer
from service.adapters.storage import persistence_settings
from service.app.application import CommandContext, Mufakat
from service.app.idempotency import IdempotencyKey, IdempotencyRecord


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def open_worker(request: pytest.FixtureRequest) -> Iterator[Callable[[], Mufakat]]:
    """Opens a worker's ledger on one fresh database (an SQLite file or a PostgreSQL database) per test."""
    url = str(request.getfixturevalue("sqlite_database_url" if request.param == "sqlite" else "postgres_database_url"))
    opened: list[Mufakat] = []

    def open_() -> Mufakat:
        opened.append(Mufakat(env=persistence_settings(url)))
        return opened[-1]

    yield open_
    for ledger in opened:
        ledger.close()


def _proposal(ledger: Mufakat) -> tuple[CommandContext, UUID, UUID]:
    """An admin's context, and a proposal with its speaker."""
    token, _ = ledger.tokens.issue("admin", "Admin Uji", [])
    context = CommandContext(token.principal())
    process = ledger.processes.open(context, "Musdes", "", "33.02.10.2001", "Sukamaju", "public", DecisionRules()).id
    speaker = ledger.participants.register(context, process, "Warga", "resident", None, None, None).id
    return context, ledger.proposals.submit(context, process, "Sumur", "Sumur bor", speaker, None).id, speaker


def _keyed(ledger: Mufakat, context: CommandContext, proposal: UUID, text: str) -> CommandContext:
    """The context of a contribution sent with the Idempotency-Key `kunci-1`."""
    body = {"text": text}
    key = IdempotencyKey.for_request(
        "admin", "kunci-1", "POST", f"/proposals/{proposal}", body, secret=ledger.vault.fingerprint_secret()
    )
    return CommandContext(context.principal, idempotency=key)


def test_a_second_answer_to_one_key_fails_its_whole_transaction(open_worker: Callable[[], Mufakat]) -> None:
    ledger = open_worker()
    answer = KeptAnswer(uuid4(), "sidik-jari", {"kind": "proposal"}, datetime.now(UTC))
    ledger.recorder.insert_events([], kept_answers=[answer])
    newcomer = Aggregate()
    events = [ledger.mapper.to_stored_event(event) for event in newcomer.collect_events()]
    log_end = ledger.recorder.max_notification_id()

    with pytest.raises(IntegrityError):
        ledger.recorder.insert_events(events, kept_answers=[answer])

    assert list(ledger.recorder.select_events(newcomer.id)) == []
    assert ledger.recorder.max_notification_id() == log_end
    assert ledger.ledger.kept_answer(answer.record_id) == answer


def test_a_key_another_worker_committed_first_is_answered_from_its_answer_not_recorded_again(
    open_worker: Callable[[], Mufakat], monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = open_worker(), open_worker()
    context, proposal, speaker = _proposal(first)
    keyed = _keyed(first, context, proposal, "Setuju")
    answered = first.proposals.contribute(keyed, proposal, speaker, "support", "Setuju")
    # The second worker looked the key up just before the first committed it: it found nothing, once.
    looked_up = second.ledger.kept_answer
    lookups: list[UUID] = []

    def blind_once(record_id: UUID) -> KeptAnswer | None:
        lookups.append(record_id)
        return None if len(lookups) == 1 else looked_up(record_id)

    monkeypatch.setattr(second.ledger, "kept_answer", blind_once)

    retried = second.proposals.contribute(keyed, proposal, speaker, "support", "Setuju")

    # Judged blind, its batch failed on the key at commit; judged again, it found the first worker's answer.
    assert len(lookups) == 2
    assert (retried.id, retried.version, retried.replayed) == (answered.id, answered.version, True)
    stored = second.repository.get(proposal)
    assert isinstance(stored, Proposal)
    assert stored.contribution_count == 1
    assert second.side_tables.fetch_one(f"SELECT count(*) FROM {IDEMPOTENCY_TABLE}") == (1,)


def test_workers_opening_an_upgraded_log_together_each_find_the_answers_it_kept_as_events(
    open_worker: Callable[[], Mufakat],
) -> None:
    # The log of a release before the table: two answers kept as IdempotencyRecord events, no table of answers.
    old = open_worker()
    records = [
        IdempotencyRecord(id=uuid4(), fingerprint=f"sidik-jari-{n}", receipt={"kind": "proposal", "n": n})
        for n in range(2)
    ]
    old.save(*records)
    old.side_tables.execute(f"DROP TABLE {IDEMPOTENCY_TABLE}")
    old.close()
    # Three workers of the new release start at once: one makes the table and copies, the others wait for it.
    starting_gun = threading.Barrier(3)
    found: dict[int, list[KeptAnswer | None]] = {}

    def start(number: int) -> None:
        starting_gun.wait()
        worker = open_worker()
        found[number] = [worker.ledger.kept_answer(record.id) for record in records]

    workers = [threading.Thread(target=start, args=(number,)) for number in range(3)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join(timeout=120)

    assert len(found) == 3
    for answers in found.values():
        assert [(a.fingerprint, a.receipt) if a else None for a in answers] == [
            (record.fingerprint, record.receipt) for record in records
        ]
    assert open_worker().side_tables.fetch_one(f"SELECT count(*) FROM {IDEMPOTENCY_TABLE}") == (2,)
