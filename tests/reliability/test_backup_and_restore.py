"""Backup and restore as docs/operations.md tells operators to do it: the log verifies and every name opens again."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import PG_BIN

from domain.actor import Actor
from service.adapters.personal_data import FORGOTTEN_PLACEHOLDER
from service.adapters.storage import persistence_settings
from service.app.access import Principal
from service.app.application import Mufakat
from service.app import queries

OPERATOR = Principal(actor=Actor(id="operator", role="admin", name="Operator Uji"))
MUFAKAT = str(Path(sys.executable).parent / "mufakat")


def mufakat(database_url: str, key_file: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    """Runs the `mufakat` command line on a database, as an operator would."""
    environment = {**os.environ, "MUFAKAT_DATABASE_URL": database_url, "MUFAKAT_SECRET_KEY_FILE": str(key_file)}
    return subprocess.run(
        [MUFAKAT, *arguments], env=environment, capture_output=True, text=True, timeout=120, check=False
    )


def names_and_contacts(database_url: str) -> dict[str, dict[str, str | None]]:
    """Every participant's personal data, opened with their keys, by participant id."""
    ledger = Mufakat(env=persistence_settings(database_url))
    try:
        processes, _ = queries.list_processes(ledger, OPERATOR, None, 100)
        return {
            str(participant.id): queries.personal_data(ledger, participant)
            for process in processes
            for participant in queries.participants_of(ledger, process)
        }
    finally:
        ledger.close()


def pg_tool(name: str) -> str:
    """A PostgreSQL client program of the server's major version."""
    path = PG_BIN / name
    return str(path) if path.exists() else (shutil.which(name) or name)


@pytest.fixture
def recorded(create_postgres_database: Callable[[], str], tmp_path: Path) -> tuple[str, Path]:
    """A database holding `mufakat demo` and a signed checkpoint, and its signing key file."""
    database_url = create_postgres_database()
    key_file = tmp_path / "signing.key"
    assert mufakat(database_url, key_file, "demo").returncode == 0
    assert mufakat(database_url, key_file, "checkpoint").returncode == 0
    return database_url, key_file


@pytest.mark.postgres
def test_a_pg_dump_restored_into_a_new_database_verifies_and_opens_every_name_again(
    recorded: tuple[str, Path], create_postgres_database: Callable[[], str], tmp_path: Path
) -> None:
    original, key_file = recorded
    dump = tmp_path / "mufakat.dump"
    restored = create_postgres_database()

    # The backup: one consistent snapshot of the whole database, keys and read models included.
    subprocess.run([pg_tool("pg_dump"), "-Fc", "-d", original, "-f", str(dump)], check=True, timeout=120)
    subprocess.run(
        [pg_tool("pg_restore"), "--no-owner", "--exit-on-error", "-d", restored, str(dump)], check=True, timeout=120
    )

    before = json.loads(mufakat(original, key_file, "verify").stdout)
    verified = mufakat(restored, key_file, "verify")
    after = json.loads(verified.stdout)
    assert verified.returncode == 0
    assert after["ok"] is True
    assert after["events_checked"] == before["events_checked"] > 100
    assert after["checkpoints_checked"] == before["checkpoints_checked"] == 1
    names = names_and_contacts(restored)
    assert names == names_and_contacts(original)
    assert names
    assert all(person["name"] not in (None, FORGOTTEN_PLACEHOLDER) for person in names.values())


@pytest.mark.postgres
def test_a_dump_without_the_participant_keys_restores_a_log_that_verifies_but_whose_names_are_lost(
    recorded: tuple[str, Path], create_postgres_database: Callable[[], str], tmp_path: Path
) -> None:
    original, key_file = recorded
    dump = tmp_path / "without-keys.dump"
    restored = create_postgres_database()

    subprocess.run(
        [pg_tool("pg_dump"), "-Fc", "--exclude-table-data=participant_keys", "-d", original, "-f", str(dump)],
        check=True,
        timeout=120,
    )
    subprocess.run(
        [pg_tool("pg_restore"), "--no-owner", "--exit-on-error", "-d", restored, str(dump)], check=True, timeout=120
    )

    assert mufakat(restored, key_file, "verify").returncode == 0
    names = names_and_contacts(restored)
    assert names
    assert {person["name"] for person in names.values()} == {FORGOTTEN_PLACEHOLDER}


def test_an_online_sqlite_backup_verifies_and_opens_every_name_again(tmp_path: Path) -> None:
    original = tmp_path / "mufakat.db"
    copy = tmp_path / "backup.db"
    key_file = tmp_path / "signing.key"
    assert mufakat(f"sqlite:///{original}", key_file, "demo").returncode == 0

    # What `sqlite3 mufakat.db ".backup backup.db"` then `sqlite3 mufakat.keys.db ".backup backup.keys.db"` do,
    # while the service may keep writing: the ledger first, then its key file (a key is stored before its event,
    # so a key file copied after the ledger holds every key the copied ledger needs).
    with sqlite3.connect(original) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    keys, keys_copy = tmp_path / "mufakat.keys.db", tmp_path / "backup.keys.db"
    with sqlite3.connect(keys) as source, sqlite3.connect(keys_copy) as target:
        source.backup(target)

    verified = mufakat(f"sqlite:///{copy}", key_file, "verify")
    assert verified.returncode == 0
    assert json.loads(verified.stdout)["ok"] is True
    names = names_and_contacts(f"sqlite:///{copy}")
    assert names == names_and_contacts(f"sqlite:///{original}")
    assert all(person["name"] not in (None, FORGOTTEN_PLACEHOLDER) for person in names.values())


def test_an_sqlite_backup_without_its_key_file_verifies_but_its_names_are_lost(tmp_path: Path) -> None:
    original = tmp_path / "mufakat.db"
    copy = tmp_path / "backup.db"
    key_file = tmp_path / "signing.key"
    assert mufakat(f"sqlite:///{original}", key_file, "demo").returncode == 0

    with sqlite3.connect(original) as source, sqlite3.connect(copy) as target:
        source.backup(target)  # and `mufakat.keys.db` forgotten

    verified = mufakat(f"sqlite:///{copy}", key_file, "verify")
    assert verified.returncode == 0
    assert json.loads(verified.stdout)["ok"] is True
    names = names_and_contacts(f"sqlite:///{copy}")
    assert names
    assert {person["name"] for person in names.values()} == {FORGOTTEN_PLACEHOLDER}
