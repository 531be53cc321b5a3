"""One bad command never takes down the other commands committed in the same group."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from uuid import UUID

import pytest

from domain.proposal import Proposal
from domain.rules import DecisionRules
from service.adapters.group_commit import copy_for_change
from service.adapters.storage import persistence_settings
from service.adapters.writer_token import writer_token_for
from service.app.application import CommandContext, Mufakat


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def ledger(request: pytest.FixtureRequest) -> Iterator[Mufakat]:
    """A ledger on a fresh SQLite file or a fresh PostgreSQL database."""
    url = request.getfixturevalue("sqlite_database_url" if request.param == "sqlite" else "postgres_database_url")
    opened = Mufakat(env=persistence_settings(str(url)))
    yield opened
    opened.close()


def test_a_contribution_that_cannot_be_stored_fails_alone_while_its_batch_mates_are_recorded(ledger: Mufakat) -> None:
    token, _ = ledger.tokens.issue("admin", "Admin Uji", [])
    context = CommandContext(token.principal())
    process = ledger.processes.open(context, "Musdes", "", "33.02.10.2001", "Sukamaju", "public", DecisionRules()).id
    speaker = ledger.participants.register(context, process, "Warga", "resident", None, None, None).id
    proposal = ledger.proposals.submit(context, process, "Sumur", "Sumur bor", speaker, None).id
    starting_gun = threading.Barrier(13)
    outcomes: dict[int, str] = {}

    def speak(number: int) -> None:
        # Number 6 sends a lone surrogate: valid in Python, impossible in the UTF-8 the store writes.
        text = "rusak \ud800" if number == 6 else f"Pendapat warga ke-{number}"
        starting_gun.wait()
        try:
            ledger.proposals.contribute(context, proposal, speaker, "information", text)
            outcomes[number] = "recorded"
        except UnicodeEncodeError:
            outcomes[number] = "refused"

    speakers = [threading.Thread(target=speak, args=(number,)) for number in range(13)]
    for thread in speakers:
        thread.start()
    for thread in speakers:
        thread.join(timeout=60)

    assert outcomes == {number: ("refused" if number == 6 else "recorded") for number in range(13)}
    stored = ledger.repository.get(proposal)
    assert isinstance(stored, Proposal)
    assert stored.contribution_count == 12


@pytest.mark.parametrize("store", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_a_worker_holding_the_writer_token_keeps_the_other_workers_waiting_until_it_gives_it_back(
    store: str, request: pytest.FixtureRequest
) -> None:
    url = request.getfixturevalue("sqlite_database_url" if store == "sqlite" else "postgres_database_url")
    settings = persistence_settings(str(url))
    first, second = writer_token_for(settings), writer_token_for(settings)
    taken = threading.Event()
    assert first.acquire()
    waiting = threading.Thread(target=lambda: second.acquire() and taken.set())
    waiting.start()
    try:
        assert not taken.wait(0.3)
        first.release()
        assert taken.wait(10)
    finally:
        waiting.join(timeout=10)
        first.close()
        second.close()


def test_a_change_alters_its_own_copy_of_a_proposal_never_the_one_readers_share(ledger: Mufakat) -> None:
    token, _ = ledger.tokens.issue("admin", "Admin Uji", [])
    context = CommandContext(token.principal())
    process = ledger.processes.open(context, "Musdes", "", "33.02.10.2001", "Sukamaju", "public", DecisionRules()).id
    speaker = ledger.participants.register(context, process, "Warga", "resident", None, None, None).id
    proposal_id = ledger.proposals.submit(context, process, "Sumur", "Sumur bor", speaker, None).id
    ledger.proposals.raise_objection(context, proposal_id, speaker, "Lokasi rawan banjir", True)
    shared = ledger.repository.get(proposal_id)
    assert isinstance(shared, Proposal)
    before = (shared.version, shared.contribution_count, [o.state for o in shared.objections.values()])

    copy = copy_for_change(shared)
    objection_id = next(iter(copy.objections))
    copy.contribute(speaker, "support", "Setuju", token.principal().actor, occurred_at=ledger.clock())
    copy.resolve_objection(
        UUID(objection_id), "withdrawn", "Dicabut", DecisionRules(), token.principal().actor, occurred_at=ledger.clock()
    )

    assert (copy.version, copy.contribution_count, copy.objection(UUID(objection_id)).state) == (
        before[0] + 2,
        1,
        "withdrawn",
    )
    assert (shared.version, shared.contribution_count, [o.state for o in shared.objections.values()]) == before
