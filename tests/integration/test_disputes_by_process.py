"""A worker lists a process's disputes from its own index of the directory, brought up to date on each read: what
another worker opened since is listed, what belongs to other processes is not, and the directory is not re-read."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from uuid import UUID

import pytest

from domain.rules import DecisionRules
from service.adapters.storage import persistence_settings
from service.app.application import CommandContext, Mufakat
from service.app.disputes import dispute_ids_of


@pytest.fixture
def two_workers(tmp_path: Path) -> Iterator[tuple[Mufakat, Mufakat, CommandContext]]:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    first, second = Mufakat(env=persistence_settings(url)), Mufakat(env=persistence_settings(url))
    token, _ = first.tokens.issue("admin", "Admin Sengketa", [])
    try:
        yield first, second, CommandContext(principal=token.principal())
    finally:
        first.close()
        second.close()


def _process(ledger: Mufakat, context: CommandContext, village: str) -> UUID:
    return ledger.processes.open(context, f"Musdes {village}", "", "33.01", village, "public", DecisionRules()).id


def _dispute(ledger: Mufakat, context: CommandContext, process_id: UUID, title: str) -> UUID:
    parties = [{"group": "women"}, {"organisation": "Kelompok Tani"}]
    return ledger.disputes.open(context, process_id, title, parties, None, "public").id


def test_disputes_opened_by_another_worker_are_listed_at_the_next_read_and_only_under_their_process(
    two_workers: tuple[Mufakat, Mufakat, CommandContext],
) -> None:
    reader, writer, context = two_workers
    sukamaju, karangsari = _process(writer, context, "Sukamaju"), _process(writer, context, "Karangsari")
    first = _dispute(writer, context, sukamaju, "Batas dusun")
    assert dispute_ids_of(reader, sukamaju) == [first]

    elsewhere = _dispute(writer, context, karangsari, "Saluran irigasi")
    second = _dispute(writer, context, sukamaju, "Tanah bengkok")

    assert dispute_ids_of(reader, sukamaju) == [first, second]
    assert dispute_ids_of(reader, karangsari) == [elsewhere]


def test_a_read_asks_the_directory_only_for_the_entries_after_those_it_has(
    two_workers: tuple[Mufakat, Mufakat, CommandContext], monkeypatch: pytest.MonkeyPatch
) -> None:
    reader, writer, context = two_workers
    sukamaju = _process(writer, context, "Sukamaju")
    for title in ("Batas dusun", "Tanah bengkok", "Saluran irigasi"):
        _dispute(writer, context, sukamaju, title)
    assert len(dispute_ids_of(reader, sukamaju)) == 3
    directory = reader.disputes.by_process.directory
    asked: list[int | None] = []
    read = directory.get

    def recording_get(**range_: int | None) -> object:
        asked.append(range_.get("gt"))
        return read(**range_)  # type: ignore[arg-type]

    monkeypatch.setattr(directory, "get", recording_get)
    _dispute(writer, context, sukamaju, "Jalan usaha tani")

    assert len(dispute_ids_of(reader, sukamaju)) == 4
    assert asked == [3]  # only what follows the three entries it had
