"""The audit endpoints: the raw log page by page, its verification, checkpoints and the public key."""

from __future__ import annotations

import base64
import hashlib
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from audit_support import RawLog, SealedLog, SealedTemplate, copy_sqlite_template
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from flask import Flask
from flask.testing import FlaskClient

from service.adapters.storage import persistence_settings
from service.audit.signing import load_signing_key, public_key_text
from service.http.app_factory import create_app
from service.http.current import current_mufakat


@pytest.fixture
def database_url(sqlite_sealed_template: SealedTemplate, tmp_path: Path) -> str:
    return copy_sqlite_template(sqlite_sealed_template, tmp_path)


@pytest.fixture
def log(sqlite_sealed_template: SealedTemplate) -> SealedLog:
    return sqlite_sealed_template.log


@pytest.fixture
def app(database_url: str, sqlite_sealed_template: SealedTemplate) -> Iterator[Flask]:
    application = create_app(
        {
            "TESTING": True,
            "MUFAKAT_LEDGER_ENV": persistence_settings(database_url),
            "MUFAKAT_SECRET_KEY_FILE": str(sqlite_sealed_template.key_file),
        }
    )
    yield application
    opened = application.extensions.get("mufakat")
    if opened is not None:
        opened.close()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def bearer(app: Flask, role: str) -> dict[str, str]:
    with app.app_context():
        _, secret = current_mufakat().tokens.issue(role, f"Penguji {role}", [])
    return {"Authorization": f"Bearer {secret}"}


def independent_hash(previous: bytes, item: dict[str, Any]) -> bytes:
    """The hash as docs/audit-format.md describes it, written here without the service's code."""
    topic = item["topic"].encode("utf-8")
    state = base64.b64decode(item["state"])
    encoding = (
        b"\x01"
        + UUID(item["originator_id"]).bytes
        + struct.pack(">q", item["version"])
        + struct.pack(">I", len(topic))
        + topic
        + struct.pack(">I", len(state))
        + state
    )
    if "public_form" not in item:
        return hashlib.sha256(previous + encoding).digest()
    # Hash version 2 (section 3a): the public form and a salted digest of the whole encoding.
    private_digest = hashlib.sha256(bytes.fromhex(item["salt"]) + encoding).digest()
    public_digest = hashlib.sha256(base64.b64decode(item["public_form"])).digest()
    return hashlib.sha256(previous + b"mufakat-event-v2" + public_digest + private_digest).digest()


def test_an_auditor_verifies_the_log_over_http(app: Flask, client: FlaskClient, log: SealedLog) -> None:
    headers = bearer(app, "auditor")

    answer = client.get("/api/v1/audit/verify", headers=headers)

    assert answer.status_code == 200
    assert answer.json["ok"] is True and answer.json["first_failure"] is None
    # The auditor's own token is one more event, issued after the log was sealed.
    assert answer.json["events_checked"] == log.last_position + 1
    assert answer.json["checkpoints_checked"] == 1


def test_verification_over_http_names_the_first_failure(app: Flask, client: FlaskClient, database_url: str) -> None:
    headers = bearer(app, "admin")
    RawLog(database_url).flip_state_byte(42)

    answer = client.get("/api/v1/audit/verify", headers=headers)

    assert answer.json["ok"] is False
    assert answer.json["first_failure"]["position"] == 42
    assert answer.json["events_checked"] == 41


def test_the_raw_log_and_its_verification_are_for_auditors_and_admins_only(app: Flask, client: FlaskClient) -> None:
    partner = bearer(app, "partner")
    facilitator = bearer(app, "facilitator")

    for path in ("/api/v1/audit/verify", "/api/v1/audit/events"):
        assert client.get(path).status_code == 401
        assert client.get(path, headers=partner).json["code"] == "forbidden"
        assert client.get(path, headers=facilitator).status_code == 403


def test_the_raw_log_comes_page_by_page_and_an_independent_program_recomputes_its_hashes(
    app: Flask, client: FlaskClient, log: SealedLog
) -> None:
    headers = bearer(app, "auditor")
    items: list[dict[str, Any]] = []
    after: int | None = 0
    while after is not None:
        page = client.get(f"/api/v1/audit/events?after={after}&limit=50", headers=headers).json
        items.extend(page["items"])
        after = page["next"]

    assert [item["position"] for item in items] == list(range(1, log.last_position + 2))
    assert any("public_form" in item for item in items), "the sealed log holds decisions, hashed with version 2"
    latest: dict[str, bytes] = {}
    root = bytes(32)
    for item in items:
        computed = independent_hash(latest.get(item["originator_id"], bytes(32)), item)
        latest[item["originator_id"]] = computed
        root = hashlib.sha256(root + computed).digest()
        assert (computed.hex(), root.hex()) == (item["hash"], item["root"])


def test_a_page_of_the_raw_log_is_at_most_a_thousand_events(app: Flask, client: FlaskClient) -> None:
    answer = client.get("/api/v1/audit/events?limit=1001", headers=bearer(app, "auditor"))

    assert (answer.status_code, answer.json["code"]) == (422, "validation_failed")


def test_checkpoints_are_public_and_verify_under_the_published_key(
    client: FlaskClient, log: SealedLog, sqlite_sealed_template: SealedTemplate
) -> None:
    key = client.get("/api/v1/audit/public-key").json
    checkpoints = client.get("/api/v1/audit/checkpoints").json

    assert key["public_key"] == public_key_text(load_signing_key(sqlite_sealed_template.key_file))
    assert key["pem"].startswith("-----BEGIN PUBLIC KEY-----")
    [checkpoint] = checkpoints["items"]
    assert (checkpoint["number"], checkpoint["position"], checkpoints["next"]) == (1, log.sealed_position, None)
    # The C2SP signed note, read by hand: body, empty line, "— <origin> base64(key id ‖ signature)".
    body, signature_line = checkpoint["note"].split("\n\n")
    origin, size, root = body.split("\n")
    assert (int(size), base64.b64decode(root).hex()) == (checkpoint["tree_size"], checkpoint["root_hash"])
    dash, name, blob = signature_line.rstrip("\n").split(" ")
    raw_key = base64.b64decode(key["public_key"])
    key_id = hashlib.sha256(name.encode() + b"\n\x01" + raw_key).digest()[:4]
    assert (dash, name, base64.b64decode(blob)[:4].hex()) == ("\u2014", origin, key_id.hex())
    assert checkpoint["key_id"] == key_id.hex()
    public = Ed25519PublicKey.from_public_bytes(raw_key)
    public.verify(base64.b64decode(blob)[4:], (body + "\n").encode())  # raises if it does not hold
    assert base64.b64decode(checkpoint["signature"]) == base64.b64decode(blob)[4:]
