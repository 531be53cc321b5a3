"""An SQLite ledger keeps its keys in a file of its own; a ledger from before moves them there when first opened.

`samples/release-0.1.0.db` (written by release 0.1's `mufakat demo`) holds its participants' keys in its own
`participant_keys` table, where a reader of the ledger keeps a deleted key on disk. Opened today, the keys move
into `release-0.1.0.keys.db`, the old rows are deleted and purged from the ledger's files, and every name reads
as before.
"""

from __future__ import annotations

import base64
import shutil
import sqlite3
import time
from contextlib import closing
from pathlib import Path
from uuid import UUID

import pytest

from domain.participant import Participant
from service.adapters.key_file import key_file_path
from service.adapters.personal_data import FORGOTTEN_PLACEHOLDER
from service.adapters.storage import persistence_settings
from service.app.application import Mufakat
from service.app import queries

SAMPLES = Path(__file__).parent / "samples"


@pytest.fixture
def old_ledger(tmp_path: Path) -> Path:
    """A copy of release 0.1's ledger, its keys still in its own table."""
    database = tmp_path / "release-0.1.0.db"
    shutil.copyfile(SAMPLES / "release-0.1.0.db", database)
    return database


def _old_keys(database: Path) -> dict[str, str]:
    with closing(sqlite3.connect(database)) as connection:
        return dict(connection.execute("SELECT participant_id, key_material FROM participant_keys").fetchall())


def _ledger_files(database: Path) -> bytes:
    return b"".join(path.read_bytes() for path in (database, Path(f"{database}-wal")) if path.exists())


def _names(ledger: Mufakat, participant_ids: list[str]) -> list[str | None]:
    names = []
    for participant_id in participant_ids:
        participant = ledger.repository.get(UUID(participant_id))
        assert isinstance(participant, Participant)
        names.append(queries.personal_data(ledger, participant)["name"])
    return names


def test_the_keys_of_a_ledger_from_before_move_into_the_key_file_and_leave_the_ledgers_files(
    old_ledger: Path,
) -> None:
    keys = _old_keys(old_ledger)
    assert keys and all(key.encode() in _ledger_files(old_ledger) for key in keys.values())

    ledger = Mufakat(env=persistence_settings(f"sqlite:///{old_ledger}"))
    try:
        names = _names(ledger, list(keys))
        assert ledger.vault.keys_possibly_on_disk() == 0
    finally:
        ledger.close()

    assert FORGOTTEN_PLACEHOLDER not in names and all(names)
    with closing(sqlite3.connect(key_file_path(str(old_ledger)))) as key_file:
        assert dict(key_file.execute("SELECT participant_id, key_material FROM participant_keys")) == keys
    with closing(sqlite3.connect(old_ledger)) as connection:
        tables = {name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "participant_keys" not in tables
    assert [key for key in keys.values() if key.encode() in _ledger_files(old_ledger)] == []
    # Opened again: nothing more to move, every name still reads.
    reopened = Mufakat(env=persistence_settings(f"sqlite:///{old_ledger}"))
    try:
        assert _names(reopened, list(keys)) == names
    finally:
        reopened.close()


def test_moved_keys_a_reader_keeps_in_the_old_ledger_are_reported_until_they_are_purged(old_ledger: Path) -> None:
    keys = _old_keys(old_ledger)
    reader = sqlite3.connect(old_ledger, isolation_level=None)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM stored_events").fetchone()
    ledger = Mufakat(env=persistence_settings(f"sqlite:///{old_ledger}"))
    try:
        # The rows are deleted, but the reader's snapshot keeps their pages: said so, not hidden.
        assert ledger.vault.keys_possibly_on_disk() == 1
        reader.execute("COMMIT")
        reader.close()
        deadline = time.monotonic() + 15
        while ledger.vault.keys_possibly_on_disk() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert ledger.vault.keys_possibly_on_disk() == 0
        assert [key for key in keys.values() if key.encode() in _ledger_files(old_ledger)] == []
        stored = {
            participant_id: base64.b64encode(ledger.vault.key(UUID(participant_id)) or b"").decode()
            for participant_id in keys
        }
        assert stored == keys
    finally:
        ledger.close()
