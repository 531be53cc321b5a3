"""Forgetting leaves no key on disk when it answers, whoever reads the ledger; fingerprints confirm no guessed name."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import sqlite3
from pathlib import Path
from uuid import UUID, uuid5

import pytest
from flask import Flask
from http_callers import Caller, Village, adopt_by_consensus

from service.adapters.sealed_documents import document_key_id
from service.app.application import Mufakat

# Storage-sensitive: forgetting must leave no key in the database's files.
pytestmark = pytest.mark.both_stores

_IDEMPOTENCY_NAMESPACE = UUID("0b8f0c4e-2d67-4f0a-8d3a-9c41e5b6d7f2")


def _files_beside(ledger_path: Path) -> bytes:
    """Every file of an SQLite ledger as it lies on disk: the ledger and its key file, each with its WAL."""
    keys = ledger_path.with_name(f"{ledger_path.stem}.keys{ledger_path.suffix}")
    files = (ledger_path, Path(f"{ledger_path}-wal"), keys, Path(f"{keys}-wal"), Path(f"{keys}-journal"))
    return b"".join(path.read_bytes() for path in files if path.exists())


# SQLite only: a reader's snapshot pins the ledger's WAL there; on PostgreSQL the key table is rewritten
# (tests/integration/audit/test_audit_forgetting.py), as far as PostgreSQL allows (docs/operations.md).
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_forgotten_key_is_gone_from_every_file_when_the_answer_comes_though_a_reader_holds_the_ledger(
    app: Flask, database_url: str, village: Village, admin: Caller, anonymous: Caller, the_ledger: Mufakat
) -> None:
    participant_id = UUID(village.participants[0])
    key = base64.b64encode(the_ledger.vault.key(participant_id) or b"").decode("ascii")
    ledger_path = Path(app.config["MUFAKAT_LEDGER_ENV"]["SQLITE_DBNAME"])
    assert key and key.encode() in _files_beside(ledger_path)
    # A backup, an export or a projection worker reading the ledger: its snapshot keeps the WAL's pages.
    reader = sqlite3.connect(ledger_path, isolation_level=None)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM stored_events").fetchone()
    try:
        forgotten = admin.post(f"/participants/{participant_id}/forget")

        assert forgotten.status_code == 200, forgotten.get_json()
        assert key.encode() not in _files_beside(ledger_path)  # before the reader lets go
        assert anonymous.get("/ready").get_json()["forgotten_keys_on_disk"] == 0
    finally:
        reader.execute("COMMIT")
        reader.close()


def test_a_stored_fingerprint_confirms_no_guess_of_the_registration(
    village: Village, facilitator: Caller, the_ledger: Mufakat
) -> None:
    body = {"name": "Ibu Sri Wahyuni", "group": "women", "contact": "0812-3456-7890"}
    path = f"/api/v1/processes/{village.process_id}/participants"

    answer = facilitator.post(f"/processes/{village.process_id}/participants", body, {"Idempotency-Key": "reg-1"})

    assert answer.status_code == 201
    principal = the_ledger.tokens.authenticate(str(facilitator.secret))
    assert principal is not None
    kept = the_ledger.ledger.kept_answer(uuid5(_IDEMPOTENCY_NAMESPACE, f"{principal.actor.id}\nreg-1"))
    assert kept is not None
    guess = json.dumps(["POST", path, body], sort_keys=True, separators=(",", ":")).encode()
    assert kept.fingerprint != hashlib.sha256(guess).hexdigest()  # an offline guess no longer matches
    secret = the_ledger.vault.fingerprint_secret()
    assert kept.fingerprint == hmac.new(secret, guess, hashlib.sha256).hexdigest()


def test_every_worker_of_one_database_keys_fingerprints_alike(the_ledger: Mufakat, database_url: str) -> None:
    from service.adapters.storage import persistence_settings

    other_worker = Mufakat(env=persistence_settings(database_url))
    try:
        assert other_worker.vault.fingerprint_secret() == the_ledger.vault.fingerprint_secret()
        assert len(the_ledger.vault.fingerprint_secret()) == 32
    finally:
        other_worker.close()


# SQLite only, as above: the full berita acara's key is kept in the key file beside the ledger.
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_full_berita_acaras_key_is_gone_from_every_file_when_the_answer_comes_though_a_reader_holds_the_ledger(
    app: Flask, village: Village, facilitator: Caller, admin: Caller, the_ledger: Mufakat
) -> None:
    adopt_by_consensus(facilitator, village)
    facilitator.ok(f"/meetings/{village.meeting_id}/close", {"minutes": "Posyandu disepakati."})
    sealed = facilitator.created(
        f"/meetings/{village.meeting_id}/minutes",
        {"chair": {"name": "Bambang Sugiarto", "role": "Ketua BPD"}, "secretary": {"name": "Slamet", "role": "Sekdes"}},
    )
    full_sha256 = sealed["full"]["sha256"]
    key = base64.b64encode(the_ledger.vault.key(document_key_id(full_sha256)) or b"").decode("ascii")
    ledger_path = Path(app.config["MUFAKAT_LEDGER_ENV"]["SQLITE_DBNAME"])
    # Kept in the vault's key file (deleted from every file at once), not in the ledger's own tables.
    assert key and key.encode() in _files_beside(ledger_path)
    assert key.encode() not in ledger_path.read_bytes() + _wal_of(ledger_path)
    reader = sqlite3.connect(ledger_path, isolation_level=None)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM stored_events").fetchone()
    try:
        forgotten = admin.post(f"/participants/{village.participants[0]}/forget")

        assert forgotten.status_code == 200, forgotten.get_json()
        assert key.encode() not in _files_beside(ledger_path)  # before the reader lets go
        assert facilitator.get(f"/meetings/{village.meeting_id}/minutes.pdf", version="full").status_code == 404
    finally:
        reader.execute("COMMIT")
        reader.close()


def _wal_of(ledger_path: Path) -> bytes:
    wal = ledger_path.with_name(ledger_path.name + "-wal")
    return wal.read_bytes() if wal.exists() else b""
