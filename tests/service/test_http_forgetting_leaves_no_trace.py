"""Forgetting reports honestly while a reader keeps a key on disk; fingerprints confirm no guessed name."""

from __future__ import annotations

import hashlib
import hmac
import json
import sqlite3
from uuid import UUID, uuid5

import pytest
from flask import Flask
from http_callers import Caller, Village

from service.app.application import Mufakat

_IDEMPOTENCY_NAMESPACE = UUID("0b8f0c4e-2d67-4f0a-8d3a-9c41e5b6d7f2")


# SQLite only: a reader's snapshot pins the WAL there; the PostgreSQL purge (VACUUM) is tested in
# tests/integration/audit/test_audit_forgetting.py.
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_ready_counts_a_forgotten_key_a_reader_keeps_on_disk_until_it_is_purged(
    app: Flask, database_url: str, village: Village, admin: Caller, anonymous: Caller
) -> None:
    assert anonymous.get("/ready").get_json()["forgotten_keys_on_disk"] == 0
    reader = sqlite3.connect(app.config["MUFAKAT_LEDGER_ENV"]["SQLITE_DBNAME"], isolation_level=None)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM participant_keys").fetchone()

    forgotten = admin.post(f"/participants/{village.participants[0]}/forget")

    assert forgotten.status_code == 200, forgotten.get_json()
    assert anonymous.get("/ready").get_json()["forgotten_keys_on_disk"] == 1
    reader.execute("COMMIT")
    reader.close()
    assert anonymous.get("/ready").get_json()["forgotten_keys_on_disk"] == 0


def test_a_stored_fingerprint_confirms_no_guess_of_the_registration(
    village: Village, facilitator: Caller, the_ledger: Mufakat
) -> None:
    body = {"name": "Ibu Sri Wahyuni", "group": "women", "contact": "0812-3456-7890"}
    path = f"/api/v1/processes/{village.process_id}/participants"

    answer = facilitator.post(f"/processes/{village.process_id}/participants", body, {"Idempotency-Key": "reg-1"})

    assert answer.status_code == 201
    principal = the_ledger.authenticate(str(facilitator.secret))
    assert principal is not None
    record = the_ledger.repository.get(uuid5(_IDEMPOTENCY_NAMESPACE, f"{principal.actor.id}\nreg-1"))
    guess = json.dumps(["POST", path, body], sort_keys=True, separators=(",", ":")).encode()
    assert record.fingerprint != hashlib.sha256(guess).hexdigest()  # an offline guess no longer matches
    secret = the_ledger.vault.fingerprint_secret()
    assert record.fingerprint == hmac.new(secret, guess, hashlib.sha256).hexdigest()


def test_every_worker_of_one_database_keys_fingerprints_alike(the_ledger: Mufakat, database_url: str) -> None:
    from service.adapters.storage import persistence_settings

    other_worker = Mufakat(env=persistence_settings(database_url))
    try:
        assert other_worker.vault.fingerprint_secret() == the_ledger.vault.fingerprint_secret()
        assert len(the_ledger.vault.fingerprint_secret()) == 32
    finally:
        other_worker.close()
