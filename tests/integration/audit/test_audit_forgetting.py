"""Forgetting a participant leaves no personal data anywhere, and the log still verifies.

Names and contacts are sealed before any event is made, so the plaintext
never reaches the database at all; forgetting deletes the participant's key,
and on SQLite the deleted key is overwritten (`secure_delete`) and the WAL
truncated, so not even the key's old bytes remain in the files.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from uuid import UUID, uuid4

import pytest
from audit_support import ADMIN, RawLog

from domain.rules import DecisionRules
from service.adapters.personal_data import FORGOTTEN_PLACEHOLDER
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
    process_id = ledger.open_process(
        ADMIN,
        title="Musyawarah Desa Sukamaju",
        description="Musdes penetapan prioritas",
        region_code="33.02.10.2001",
        region_name="Desa Sukamaju",
        visibility="public",
        rules=DecisionRules(),
    ).id
    return ledger.register_participant(
        ADMIN, process_id, person.name, "women", "female", person.organisation, person.contact
    ).id


def key_material(raw: RawLog, participant_id: UUID) -> str | None:
    rows = raw._run("SELECT key_material FROM participant_keys WHERE participant_id = ?", (str(participant_id),))
    return rows[0][0] if rows else None


class ForgettingContract:
    """The tests; each subclass names the database."""

    def test_a_name_never_reaches_the_database_in_plaintext(self, ledger: Mufakat, raw: RawLog) -> None:
        person = Person()
        participant_id = register(ledger, person)

        everything = raw.all_bytes()

        assert ledger.personal_data(ledger.repository.get(participant_id))["name"] == person.name
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

        ledger.forget_participant(ADMIN, participant_id)

        everything = raw.all_bytes()
        for secret in (person.name, person.contact, person.organisation, key):
            assert secret.encode() not in everything
        exported = io.StringIO()
        write_export(ledger.recorder, exported)
        assert person.name not in exported.getvalue()
        assert person.contact not in exported.getvalue()
        assert person.organisation not in exported.getvalue()
        assert ledger.personal_data(ledger.repository.get(participant_id)) == {
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


@pytest.mark.postgres
class TestForgettingOnPostgreSQL(ForgettingContract):
    """Forgetting on PostgreSQL: every row of every table is searched as text."""

    @pytest.fixture
    def database_url(self, postgres_database_url: str) -> Iterator[str]:
        yield postgres_database_url
