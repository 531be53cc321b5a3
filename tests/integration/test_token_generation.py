"""The token generation counter beside an SQLite ledger: odd while a token is written, even once the write is
over (committed or failed), settled by the next ledger to open after a writer died mid-write."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from eventsourcing.persistence import StoredEvent

from domain.rules import DecisionRules
from service.adapters.storage import persistence_settings
from service.adapters.token_generation import FileTokenGeneration, LocalTokenGeneration, token_generation_for
from service.app.access import AccessToken
from service.app.application import CommandContext, Mufakat


@pytest.fixture
def mufakat(sqlite_ledger_url: str) -> Iterator[Mufakat]:
    opened = Mufakat(env=persistence_settings(sqlite_ledger_url))
    yield opened
    opened.close()


def generations_seen_while_inserting(mufakat: Mufakat) -> list[int | None]:
    """Records the generation as each insert of the ledger runs (after the counter's first move)."""
    seen: list[int | None] = []
    inner = mufakat.ledger._insert_events_unwatched
    generation = mufakat.tokens.generation
    assert generation is not None

    def insert(stored_events: Sequence[StoredEvent], **kwargs: Any) -> Any:
        seen.append(generation.current())
        return inner(stored_events, **kwargs)

    mufakat.ledger._insert_events_unwatched = insert  # type: ignore[method-assign]
    return seen


def test_a_token_written_by_a_command_moves_the_generation_and_hides_it_while_inserting(mufakat: Mufakat) -> None:
    generation = mufakat.tokens.generation
    assert generation is not None
    token, _ = mufakat.tokens.issue("admin", "Admin", [])
    before = generation.current()
    seen = generations_seen_while_inserting(mufakat)

    mufakat.tokens.revoke(CommandContext(principal=token.principal()), token.id)

    assert seen == [None]
    after = generation.current()
    assert before is not None and after is not None and after > before


def test_a_token_saved_outside_any_command_moves_the_generation_too(mufakat: Mufakat) -> None:
    generation = mufakat.tokens.generation
    assert generation is not None
    before = generation.current()
    token, _ = AccessToken.issue(role="partner", name="Mitra", processes=[])

    mufakat.save(token)

    assert generation.current() not in (before, None)


def test_a_write_of_no_token_leaves_the_generation_as_it_was(mufakat: Mufakat) -> None:
    generation = mufakat.tokens.generation
    assert generation is not None
    token, _ = mufakat.tokens.issue("admin", "Admin", [])
    before = generation.current()
    seen = generations_seen_while_inserting(mufakat)

    opened = mufakat.processes.open(
        CommandContext(principal=token.principal()), "Musdes", "", "33.02", "Desa", "public", DecisionRules()
    )

    assert opened.version >= 1 and seen == [before]
    assert generation.current() == before


def test_a_token_write_that_fails_leaves_the_generation_even_and_moved(mufakat: Mufakat) -> None:
    generation = mufakat.tokens.generation
    assert generation is not None
    before = generation.current()

    def failing(stored_events: Sequence[StoredEvent], **kwargs: Any) -> Any:
        raise OSError("disk full")

    mufakat.ledger._insert_events_unwatched = failing  # type: ignore[method-assign]
    token, _ = AccessToken.issue(role="partner", name="Mitra", processes=[])
    with pytest.raises(OSError):
        mufakat.save(token)

    after = generation.current()
    assert after is not None and before is not None and after > before


def test_an_odd_generation_a_dead_writer_left_is_settled_when_a_ledger_opens(tmp_path: Path) -> None:
    path = str(tmp_path / "mufakat.db.tokens-generation")
    worker = FileTokenGeneration(path)
    with open(path, "r+b") as counter:  # as a writer killed between its two moves leaves it
        counter.write((7).to_bytes(8, "little"))
    assert worker.current() is None

    FileTokenGeneration(path).close()

    assert worker.current() is not None
    worker.close()


def test_a_writer_after_a_dead_one_leaves_a_generation_no_reader_saw_before(tmp_path: Path) -> None:
    path = str(tmp_path / "mufakat.db.tokens-generation")
    worker = FileTokenGeneration(path)
    seen_before = worker.current()
    with open(path, "r+b") as counter:
        counter.write((int(seen_before or 0) + 1).to_bytes(8, "little"))

    with worker.changing():
        assert worker.current() is None

    assert worker.current() not in (seen_before, None)
    worker.close()


def test_the_counter_is_kept_beside_a_database_file_only() -> None:
    shareable = token_generation_for(
        {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": "file:ledger?mode=memory&cache=shared"}
    )
    postgres = token_generation_for(
        {"PERSISTENCE_MODULE": "eventsourcing.postgres", "SQLITE_DBNAME": "left-over-from-defaults.db"}
    )
    popo = token_generation_for({})

    assert shareable.current() is None and postgres.current() is None
    assert isinstance(popo, LocalTokenGeneration) and popo.current() == 0
    assert not Path("left-over-from-defaults.db.tokens-generation").exists()
