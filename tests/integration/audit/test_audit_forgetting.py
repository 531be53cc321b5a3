"""Forgetting a participant leaves no personal data anywhere, and the log still verifies.

Names and contacts are sealed before any event is made, so the plaintext
never reaches the database at all; forgetting deletes the participant's key,
and on SQLite the deleted key is overwritten (`secure_delete`) and the WAL
truncated, so not even the key's old bytes remain in the files. On PostgreSQL
the key table is rewritten (`VACUUM FULL`). While a reader keeps the old bytes
on disk the purge is retried and the count of such keys is reported.
"""

from __future__ import annotations

import io
import logging
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path
from uuid import UUID, uuid4

import psycopg
import pytest
from audit_support import ADMIN, RawLog

from domain.rules import DecisionRules
from service.adapters.key_file import key_file_path
from service.adapters.personal_data import FORGOTTEN_PLACEHOLDER
from service.app import queries
from service.app.application import Mufakat
from service.audit.checkpoints import seal_checkpoint
from service.audit.export import write_export
from service.audit.verify import verify_store


class Person:
    """A participant whose name, contact and organisation are unique to the test, so a byte search means something."""

    def __init__(self) -> None:
        tag = uuid4().hex[:10]
        self.name = f"Siti Rahmawati {tag}"
        self.contact = f"siti.{tag}@desa-sukamaju.id"
        self.organisation = f"Keluarga penerima PKH {tag}"


def register(ledger: Mufakat, person: Person) -> UUID:
    process_id = ledger.processes.open(
        ADMIN,
        title="Musyawarah Desa Sukamaju",
        description="Musdes penetapan prioritas",
        region_code="33.02.10.2001",
        region_name="Desa Sukamaju",
        visibility="public",
        rules=DecisionRules(),
    ).id
    return ledger.participants.register(
        ADMIN, process_id, person.name, "women", "female", person.organisation, person.contact
    ).id


def key_material(raw: RawLog, participant_id: UUID) -> str | None:
    """The key as stored: in the key file beside an SQLite ledger, in the key table on PostgreSQL."""
    query = "SELECT key_material FROM participant_keys WHERE participant_id = ?"
    if raw.is_postgres:
        rows = raw._run(query, (str(participant_id),))
    else:
        with closing(sqlite3.connect(key_file_path(str(raw.path)))) as keys:
            rows = keys.execute(query, (str(participant_id),)).fetchall()
    return rows[0][0] if rows else None


class ForgettingContract:
    """The tests; each subclass names the database."""

    def test_a_name_never_reaches_the_database_in_plaintext(self, ledger: Mufakat, raw: RawLog) -> None:
        person = Person()
        participant_id = register(ledger, person)

        everything = raw.all_bytes()

        assert queries.personal_data(ledger, ledger.repository.get(participant_id))["name"] == person.name
        assert person.name.encode() not in everything
        assert person.contact.encode() not in everything
        assert person.organisation.encode() not in everything

    def test_forgetting_leaves_neither_name_nor_key_in_the_database_or_the_export_and_verify_passes(
        self, ledger: Mufakat, raw: RawLog, service_key: object
    ) -> None:
        person = Person()
        participant_id = register(ledger, person)
        seal_checkpoint(ledger, service_key)  # type: ignore[arg-type]
        key = key_material(raw, participant_id)
        assert key is not None and key.encode() in raw.all_bytes()

        ledger.forgetting.forget(ADMIN, participant_id)

        everything = raw.all_bytes()
        for secret in (person.name, person.contact, person.organisation, key):
            assert secret.encode() not in everything
        exported = io.StringIO()
        write_export(ledger.recorder, exported)
        assert person.name not in exported.getvalue()
        assert person.contact not in exported.getvalue()
        assert person.organisation not in exported.getvalue()
        assert queries.personal_data(ledger, ledger.repository.get(participant_id)) == {
            "name": FORGOTTEN_PLACEHOLDER,
            "contact": FORGOTTEN_PLACEHOLDER,
            "organisation": FORGOTTEN_PLACEHOLDER,
        }
        report = verify_store(ledger.recorder)
        assert (report.ok, report.checkpoints_checked) == (True, 1)


class TestForgettingOnSQLite(ForgettingContract):
    """Forgetting on an SQLite file: the bytes of the file and its WAL are searched."""

    @pytest.fixture
    def database_url(self, sqlite_database_url: str) -> str:
        return sqlite_database_url

    def test_the_database_connections_overwrite_what_they_delete(self, ledger: Mufakat) -> None:
        with ledger.recorder.datastore.transaction(commit=False) as cursor:  # type: ignore[attr-defined]
            cursor.execute("PRAGMA secure_delete")
            assert cursor.fetchone()[0] == 1

    def test_a_reader_holding_the_ledger_keeps_no_forgotten_key_on_disk(self, ledger: Mufakat, raw: RawLog) -> None:
        participant_id = register(ledger, Person())
        key = key_material(raw, participant_id)
        assert key is not None and key.encode() in raw.all_bytes()
        # A backup, an export, a projection worker: a read transaction on the ledger pins its WAL.
        reader = sqlite3.connect(raw.path, isolation_level=None)
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM stored_events").fetchone()
        try:
            assert ledger.vault.forget(participant_id) is True
            assert key.encode() not in raw.all_bytes()  # the ledger and the key file, each with its WAL
            assert ledger.vault.keys_possibly_on_disk() == 0
        finally:
            reader.execute("COMMIT")
            reader.close()

    def test_a_long_reader_of_the_key_file_itself_delays_the_purge_which_is_reported_and_retried(
        self, ledger: Mufakat, raw: RawLog
    ) -> None:
        """Only Mufakat reads the key file, a statement at a time; an operator's long `.backup` of it would wait."""
        participant_id = register(ledger, Person())
        key = key_material(raw, participant_id)
        assert key is not None
        key_file = key_file_path(str(raw.path))
        assert key_file.stat().st_mode & 0o077 == 0  # the keys are nobody else's to read
        reader = sqlite3.connect(key_file, isolation_level=None)
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM participant_keys").fetchone()

        try:
            assert ledger.vault.forget(participant_id) is False
            assert queries.personal_data(ledger, ledger.repository.get(participant_id))["name"] == FORGOTTEN_PLACEHOLDER
            assert ledger.vault.keys_possibly_on_disk() == 1
        finally:
            reader.execute("COMMIT")
            reader.close()
        deadline = time.monotonic() + 15
        while ledger.vault.keys_possibly_on_disk() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert ledger.vault.keys_possibly_on_disk() == 0
        assert key.encode() not in raw.all_bytes()


@pytest.mark.postgres
@pytest.mark.postgres_server_to_itself  # another writer anywhere on a server holds back its VACUUM FULL
class TestForgettingOnPostgreSQL(ForgettingContract):
    """Forgetting on PostgreSQL: every row of every table is searched as text."""

    @pytest.fixture
    def database_url(self, postgres_database_url: str) -> Iterator[str]:
        yield postgres_database_url

    def test_a_reader_holding_the_files_delays_the_purge_which_is_retried_until_the_key_is_gone(
        self, ledger: Mufakat, raw: RawLog, caplog: pytest.LogCaptureFixture
    ) -> None:
        person = Person()
        participant_id = register(ledger, person)
        key = key_material(raw, participant_id)
        assert key is not None
        release = self.hold_a_reader(raw)

        with caplog.at_level(logging.WARNING, logger="mufakat.erasure"):
            gone_at_once = ledger.vault.forget(participant_id)

        assert gone_at_once is False
        assert ledger.vault.keys_possibly_on_disk() == 1
        assert "forgotten_key_still_on_disk" in caplog.messages
        release()
        for _ in range(20):  # writes go on meanwhile, as they would in a village hall
            register(ledger, Person())
        deadline = time.monotonic() + 15
        while ledger.vault.keys_possibly_on_disk() and time.monotonic() < deadline:
            time.sleep(0.2)
        reported = ledger.vault.keys_possibly_on_disk()
        assert (reported == 0) is (key.encode() not in self.file_bytes(raw))  # the report never says 0 too early
        assert reported == 0  # on a server of its own, nothing but the test's reader held the purge back

    def test_closing_the_ledger_stops_its_retries_and_the_next_opening_resumes_them(
        self, ledger: Mufakat, raw: RawLog, open_ledger: Callable[[], Mufakat]
    ) -> None:
        participant_id = register(ledger, Person())
        release = self.hold_a_reader(raw)
        assert ledger.vault.forget(participant_id) is False
        assert ledger.vault.retrying

        ledger.close()

        assert not ledger.vault.retrying
        release()
        reopened = open_ledger()
        deadline = time.monotonic() + 15
        while reopened.vault.keys_possibly_on_disk() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert reopened.vault.keys_possibly_on_disk() == 0

    def hold_a_reader(self, raw: RawLog) -> Callable[[], None]:
        """A transaction that read the key table: it holds a lock that `VACUUM FULL` must wait for."""
        reader = psycopg.connect(raw.database_url)
        reader.execute("SELECT count(*) FROM participant_keys").fetchone()

        def release() -> None:
            reader.rollback()
            reader.close()

        return release

    def file_bytes(self, raw: RawLog) -> bytes:
        """The key table's own file on the server (flushed first), or its rows when the server is elsewhere."""
        (path,) = raw._run("SELECT pg_relation_filepath('participant_keys')")[0]
        (data_directory,) = raw._run("SELECT current_setting('data_directory')")[0]
        raw._run("CHECKPOINT")
        table_file = Path(data_directory) / path
        try:
            return table_file.read_bytes()
        except OSError:
            return raw.all_bytes()

    def test_a_plain_delete_would_leave_the_key_in_the_table_file_and_the_purge_rewrites_it(
        self, ledger: Mufakat, raw: RawLog
    ) -> None:
        participant_id = register(ledger, Person())
        key = key_material(raw, participant_id)
        assert key is not None

        raw._run("DELETE FROM participant_keys WHERE participant_id = ?", (str(participant_id),))

        if key.encode() not in self.file_bytes(raw):
            pytest.skip("the server's data directory cannot be read from here")
        purged = ledger.side_tables.purge_deleted("participant_keys")
        # No other transaction on this server of the worker's own: the rewrite leaves the dead row behind.
        assert purged is True
        assert key.encode() not in self.file_bytes(raw)
