"""A console session is worth nothing without the random id the server handed out (on SQLite and PostgreSQL).

The story of issue 17: the key that signs the console's cookie was committed to
the repository, and the cookie held only the token's record id, which an
auditor reads in the raw log. Knowing both is no longer enough; signing out
ends the session on the server, so a copied cookie opens nothing afterwards.
"""

from __future__ import annotations

import json
import re
import secrets
from base64 import b64decode
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer

from service.app.access import ISSUED_TOPIC
from service.app.application import Mufakat

# Storage-sensitive: sessions are rows of a side table, found by a hash and deleted on revocation.
pytestmark = pytest.mark.both_stores

COOKIE = "mufakat_console"
ADMIN_NAME = "Admin Kabupaten Rahasia"
PARTICIPANT_NAME = "Ibu Siti Aminah Penyintas"


def _forged_cookie(app: Flask, session: dict[str, Any]) -> str:
    """What anyone who holds the signing key can make: a cookie with any content, correctly signed."""
    serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    assert serializer is not None
    return str(serializer.dumps(session))


def _forged_csrf(app: Flask, raw: str) -> str:
    """A CSRF token for a forged session's raw value, signed the way Flask-WTF signs it."""
    return str(URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="wtf-csrf-token").dumps(raw))


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def _sign_in(client: FlaskClient, token: str) -> None:
    page = client.get("/console/masuk")
    answer = client.post("/console/masuk", data={"csrf_token": _csrf(page.text), "token": token})
    assert answer.status_code == 302


def test_an_auditor_with_the_signing_key_and_the_admins_record_id_gets_no_console_session(
    app: Flask, client: FlaskClient, caller: Callable[[str | None], Any], token_for: Callable[..., str]
) -> None:
    # The admin runs a restricted process with a named participant.
    admin = caller(token_for("admin", ADMIN_NAME))
    process = admin.created(
        "/processes",
        {"title": "Musdes Rahasia", "region_code": "33.01", "region_name": "Desa", "visibility": "restricted"},
    )
    admin.created(f"/processes/{process['id']}/participants", {"name": PARTICIPANT_NAME, "group": "women"})
    # The auditor reads the raw log: every token's record id is there, with its role.
    auditor = caller(token_for("auditor", "Inspektorat"))
    events = auditor.get("/audit/events", limit=500).get_json()["items"]
    issued = [event for event in events if event["topic"] == ISSUED_TOPIC]
    admin_record_id = next(e["originator_id"] for e in issued if json.loads(b64decode(e["state"]))["role"] == "admin")
    # ...and holds the key that signs the cookies (it was published in the repository).
    raw_csrf = secrets.token_hex(20)
    forged = _forged_cookie(
        app,
        {"token_record_id": admin_record_id, "session_id": admin_record_id, "csrf_token": raw_csrf},
    )
    attacker = app.test_client()
    attacker.set_cookie(COOKIE, forged, path="/console")

    # The console stays closed: no list of processes, no names.
    for path in ("/console/", f"/console/proses/{process['id']}"):
        answer = attacker.get(path)
        assert answer.status_code == 302
        assert answer.headers["Location"].startswith("/console/masuk")
        assert PARTICIPANT_NAME not in answer.text
    # And no step is recorded in the admin's name.
    step = attacker.post(
        "/console/langkah/open_process",
        data={
            "csrf_token": _forged_csrf(app, raw_csrf),
            "idempotency_key": "penyusup-1",
            "form_id": "open-process",
            "title": "Proses Penyusup",
            "region_code": "33.01",
            "region_name": "Desa",
            "visibility": "public",
        },
    )
    assert step.status_code == 302
    assert step.headers["Location"].startswith("/console/masuk")
    titles = [p["title"] for p in admin.get("/processes", limit=100).get_json()["items"]]
    assert titles == ["Musdes Rahasia"]


def test_a_cookie_copied_before_signing_out_is_refused_afterwards(
    app: Flask, client: FlaskClient, token_for: Callable[..., str]
) -> None:
    _sign_in(client, token_for("facilitator", "Fasilitator Desa"))
    cookie = client.get_cookie(COOKIE, path="/console")
    assert cookie is not None
    copied = cookie.value
    # Someone copies the cookie (a shared phone, a proxy log) while the facilitator is signed in.
    thief = app.test_client()
    thief.set_cookie(COOKIE, copied, path="/console")
    assert thief.get("/console/").status_code == 200
    # The facilitator signs out.
    signed_out = client.post("/console/keluar", data={"csrf_token": _csrf(client.get("/console/").text)})
    assert signed_out.status_code == 302
    # The copy opens nothing any more: the session ended on the server, not only in the browser.
    replayed = thief.get("/console/")
    assert replayed.status_code == 302
    assert replayed.headers["Location"].startswith("/console/masuk")


def test_a_session_id_is_random_and_kept_only_as_a_hash(
    app: Flask, client: FlaskClient, the_ledger: Mufakat, token_for: Callable[..., str]
) -> None:
    token = token_for("facilitator", "Fasilitator Desa")
    _sign_in(client, token)
    first = client.get_cookie(COOKIE, path="/console")
    _sign_in(client, token)
    second = client.get_cookie(COOKIE, path="/console")
    assert first is not None and second is not None
    with app.test_request_context():
        read = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
        ids = [read.loads(cookie.value)["session_id"] for cookie in (first, second)]
    # 256 bits of randomness each, a new one at every sign-in (the one before is ended).
    assert ids[0] != ids[1]
    assert all(len(session_id) >= 43 for session_id in ids)
    stored = the_ledger.side_tables.fetch_all("SELECT session_digest, token_record_id FROM console_sessions")
    assert len(stored) == 1
    assert ids[1] not in stored[0] and ids[0] not in stored[0]
    assert the_ledger.console_sessions.token_of(ids[0]) is None
    assert the_ledger.console_sessions.token_of(ids[1]) is not None


def test_revoking_the_token_ends_its_console_sessions(
    app: Flask,
    client: FlaskClient,
    the_ledger: Mufakat,
    caller: Callable[[str | None], Any],
    token_for: Callable[..., str],
) -> None:
    admin = caller(token_for("admin", ADMIN_NAME))
    facilitator = admin.created("/tokens", {"role": "facilitator", "name": "Fasilitator Pindah Tugas"})
    _sign_in(client, facilitator["token"])
    assert client.get("/console/").status_code == 200
    admin.ok(f"/tokens/{facilitator['id']}/revoke")
    assert client.get("/console/").status_code == 302
    # The session's row is gone with it, not only refused.
    assert the_ledger.side_tables.fetch_all("SELECT token_record_id FROM console_sessions") == []
