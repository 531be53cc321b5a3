"""POST /proposals/{id}/redactions: an admin takes a name typed into a statement out of the record for good.

Every reader sees "[teks disunting]" at once (history at every version, the proposal, the feed in both
renderings), the words are gone from the database's files, and the log still verifies.
"""

from __future__ import annotations

import base64
import sqlite3
import time
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from flask.testing import FlaskClient
from http_callers import Caller, Village, adopt_by_consensus, start_village

from domain.proposal import REDACTED_TEXT
from service.adapters.sealed_statements import statement_key_id
from service.app.application import Mufakat

# Storage-sensitive: redacted words must be gone from the database's files and read models.
pytestmark = pytest.mark.both_stores

NAME = "Pak Darmo Sukirno"
SAID = f"Yang menolak jalan ini adalah {NAME} dari RT 04."
GROUNDS = f"Tanah yang dilewati milik {NAME}; belum ada persetujuannya."
RATIONALE = f"Disepakati setelah {NAME} setuju menghibahkan tanahnya."


def _say(facilitator: Caller, village: Village) -> int:
    """A contribution naming someone; returns the version of its step."""
    said = facilitator.ok(
        f"{village.proposal}/contributions",
        {"participant_id": village.participants[1], "kind": "concern", "text": SAID},
    )
    return int(said["version"])


def _object(facilitator: Caller, village: Village) -> int:
    raised = facilitator.created(
        f"{village.proposal}/objections", {"raised_by": village.participants[2], "grounds": GROUNDS, "blocking": False}
    )
    return int(raised["version"])


def _decide(facilitator: Caller, village: Village) -> int:
    """Everyone agrees and the proposal is adopted for a rationale naming someone; returns its step's version."""
    return int(adopt_by_consensus(facilitator, village, rationale=RATIONALE)["version"])


def _redact(admin: Caller, village: Village, version: int, field: str, **headers: str) -> Any:
    return admin.post(
        f"{village.proposal}/redactions",
        {"version": version, "field": field, "reason": "Memuat nama warga."},
        headers=headers or None,
    )


def _everything_a_reader_gets(client: FlaskClient, village: Village, facilitator: Caller) -> str:
    proposal = village.proposal
    texts = [
        client.get(f"/api/v1{proposal}/history").get_data(as_text=True),
        client.get(f"/api/v1{proposal}/history?as_of_version=12").get_data(as_text=True),
        facilitator.get(f"{proposal}/history").get_data(as_text=True),
        facilitator.get(proposal).get_data(as_text=True),
        client.get("/api/v1/feed?limit=500").get_data(as_text=True),
        facilitator.get("/feed", limit=500).get_data(as_text=True),
        client.get("/api/v1/feed.csv").get_data(as_text=True),
        client.get("/api/v1/feed.atom").get_data(as_text=True),
    ]
    return "\n".join(texts)


def _files_of(the_ledger: Mufakat, database_url: str) -> bytes:
    """The SQLite database and its WAL as they lie on disk (PostgreSQL: nothing to read from here)."""
    if not database_url.startswith("sqlite:///"):
        return b""
    path = Path(database_url.removeprefix("sqlite:///"))
    return b"".join(p.read_bytes() for p in (path, path.with_name(path.name + "-wal")) if p.exists())


def test_an_admin_redacts_a_contribution_an_objection_and_a_rationale_and_no_reader_sees_the_words_again(
    client: FlaskClient, admin: Caller, facilitator: Caller, the_ledger: Mufakat, database_url: str
) -> None:
    village = start_village(facilitator)
    said, raised = _say(facilitator, village), _object(facilitator, village)
    decided = _decide(facilitator, village)
    before = _everything_a_reader_gets(client, village, facilitator)
    assert SAID in before and GROUNDS in before and RATIONALE in before
    if database_url.startswith("sqlite"):  # the feed's rows hold the rationale and grounds: the check can fail
        assert NAME.encode() in _files_of(the_ledger, database_url).replace(b"\x00", b"")

    for version, field in ((said, "text"), (raised, "grounds"), (decided, "rationale")):
        answer = _redact(admin, village, version, field)
        assert answer.status_code == 200, answer.get_json()
        assert answer.get_json()["redactions"][str(version)] == [field]

    after = _everything_a_reader_gets(client, village, facilitator)
    assert NAME not in after
    assert REDACTED_TEXT in after
    # Not in the log (sealed, keys destroyed), the read models' rows (rewritten) or any page left in the files.
    assert NAME.encode() not in _files_of(the_ledger, database_url).replace(b"\x00", b"")
    shown = facilitator.get(village.proposal).get_json()
    assert shown["objections"][0]["grounds"] == REDACTED_TEXT
    assert shown["decision"]["rationale"] == REDACTED_TEXT
    steps = client.get(f"/api/v1{village.proposal}/history").get_json()["items"]
    redactions = [step for step in steps if step["type"] == "Redacted"]
    assert [step["data"]["field"] for step in redactions] == ["text", "grounds", "rationale"]
    assert all("Memuat nama warga." in step["summary"] for step in redactions)


def _keys_purged(ledger: Mufakat, within_seconds: float) -> bool:
    """Whether no destroyed key may still lie in the database's files, now or within the given seconds."""
    deadline = time.monotonic() + within_seconds
    while ledger.vault.keys_possibly_on_disk() != 0:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


@pytest.mark.postgres_server_to_itself  # on PostgreSQL, a writer anywhere on the server holds back the key's purge
def test_the_redacted_words_are_gone_from_the_files_and_every_hash_still_verifies(
    client: FlaskClient, admin: Caller, facilitator: Caller, the_ledger: Mufakat, database_url: str, token_for: Any
) -> None:
    village = start_village(facilitator)
    said = _say(facilitator, village)
    # Sealed from the start: even before any redaction the words never lie in the log in the clear.
    assert NAME.encode() not in _files_of(the_ledger, database_url).replace(b"\x00", b"")

    assert _redact(admin, village, said, "text").status_code == 200

    auditor = Caller(client, token_for("auditor"))
    verified = auditor.get("/audit/verify").get_json()
    assert verified["ok"] is True, verified
    # On SQLite the key file is purged before the answer. On PostgreSQL a deleted row's bytes can be rewritten
    # away only once no transaction may still see it (docs/operations.md): the vault retries until it is gone.
    assert _keys_purged(the_ledger, within_seconds=0 if database_url.startswith("sqlite") else 30)
    # Read back from the stored event itself, with no cache: the words cannot be opened any more.
    stored = [e for e in the_ledger.events.get(the_ledger_proposal_id(village)) if e.originator_version == said]
    assert stored[0].text == REDACTED_TEXT  # type: ignore[attr-defined]


def the_ledger_proposal_id(village: Village) -> UUID:
    return UUID(village.proposal_id)


def test_an_erratum_of_a_redacted_statement_is_redacted_with_it(
    client: FlaskClient, admin: Caller, facilitator: Caller
) -> None:
    village = start_village(facilitator)
    said = _say(facilitator, village)
    facilitator.ok(
        f"{village.proposal}/corrections",
        {"version": said, "field": "text", "text": f"{SAID} (ralat)", "reason": "Salah ketik."},
    )

    assert _redact(admin, village, said, "text").status_code == 200

    assert NAME not in client.get(f"/api/v1{village.proposal}/history").get_data(as_text=True)
    assert NAME not in facilitator.get(village.proposal).get_data(as_text=True)


@pytest.mark.parametrize("reader", ["facilitator", "auditor", "partner"])
def test_only_an_admin_may_redact(
    client: FlaskClient, facilitator: Caller, token_for: Any, reader: str, admin: Caller
) -> None:
    village = start_village(facilitator)
    said = _say(facilitator, village)
    who = facilitator if reader == "facilitator" else Caller(client, token_for(reader))

    answer = _redact(who, village, said, "text")

    assert answer.status_code == 403
    assert answer.get_json()["code"] == "forbidden"
    assert SAID in facilitator.get(f"{village.proposal}/history").get_data(as_text=True)


def test_a_redaction_of_what_is_not_a_statement_or_was_redacted_already_is_refused_and_records_nothing(
    client: FlaskClient, admin: Caller, facilitator: Caller
) -> None:
    village = start_village(facilitator)
    said = _say(facilitator, village)
    version = facilitator.get(village.proposal).get_json()["version"]

    wrong_field = _redact(admin, village, said, "grounds")
    the_title = _redact(admin, village, 1, "text")
    no_such_step = _redact(admin, village, 999, "text")
    unknown_field = _redact(admin, village, said, "title")

    assert [a.status_code for a in (wrong_field, the_title, no_such_step)] == [409, 409, 409]
    assert {a.get_json()["code"] for a in (wrong_field, the_title, no_such_step)} == {"nothing_to_redact"}
    assert (unknown_field.status_code, unknown_field.get_json()["code"]) == (422, "validation_failed")
    assert facilitator.get(village.proposal).get_json()["version"] == version

    assert _redact(admin, village, said, "text").status_code == 200
    twice = _redact(admin, village, said, "text")
    assert (twice.status_code, twice.get_json()["code"]) == (409, "nothing_to_redact")


def test_a_retried_redaction_is_recorded_once(client: FlaskClient, admin: Caller, facilitator: Caller) -> None:
    village = start_village(facilitator)
    said = _say(facilitator, village)

    first = _redact(admin, village, said, "text", **{"Idempotency-Key": "sunting-1"})
    again = _redact(admin, village, said, "text", **{"Idempotency-Key": "sunting-1"})

    assert (first.status_code, again.status_code) == (200, 200)
    assert first.get_json() == again.get_json()
    steps = facilitator.get(f"{village.proposal}/history").get_json()["items"]
    assert [step["type"] for step in steps].count("Redacted") == 1


def test_a_redaction_of_an_unknown_proposal_is_not_found(admin: Caller) -> None:
    answer = admin.post(
        "/proposals/3f1c2a9e-8b7d-4c61-9e2f-5a4b3c2d1e0f/redactions",
        {"version": 2, "field": "text", "reason": "Memuat nama warga."},
    )

    assert (answer.status_code, answer.get_json()["code"]) == (404, "not_found")


def test_a_refused_redaction_says_why_in_bahasa_indonesia(admin: Caller, facilitator: Caller) -> None:
    village = start_village(facilitator)
    said = _say(facilitator, village)

    answer = _redact(admin, village, said, "grounds", **{"Accept-Language": "id"})

    assert answer.get_json()["detail"].startswith(f"langkah yang tercatat pada versi {said} usulan ini")


def test_a_stance_reason_and_a_resolution_note_quoted_in_the_feed_are_redacted_there_too(
    client: FlaskClient, admin: Caller, facilitator: Caller, the_ledger: Mufakat, database_url: str
) -> None:
    """Dissent on record quotes a disagree stance's reason; an objection's item quotes how it ended."""
    village = start_village(facilitator, consensus="consent")
    raised = facilitator.created(
        f"{village.proposal}/objections", {"raised_by": village.participants[2], "grounds": "Mahal.", "blocking": True}
    )
    resolved = facilitator.ok(
        f"{village.proposal}/objections/{raised['objection_id']}/resolve",
        {"outcome": "addressed", "note": f"Dibicarakan dengan {NAME}."},
    )
    check = facilitator.created(f"{village.proposal}/consensus-checks", {"meeting_id": village.meeting_id})
    stance_versions = []
    for number, participant in enumerate(village.participants):
        body = {"participant_id": participant, "stance": "agree"}
        if number == 0:
            body = {**body, "stance": "disagree", "reason": f"Saya ikut {NAME}."}
        stance_versions.append(facilitator.ok(f"{village.proposal}/consensus-checks/{check['check_id']}/stances", body))
    facilitator.ok(f"{village.proposal}/consensus-checks/{check['check_id']}/close")
    facilitator.ok(f"{village.proposal}/decision", {"outcome": "adopted", "method": "consensus", "rationale": "Ok."})
    assert NAME in client.get("/api/v1/feed?limit=500").get_data(as_text=True)

    assert _redact(admin, village, int(resolved["version"]), "note").status_code == 200
    assert _redact(admin, village, int(stance_versions[0]["version"]), "reason").status_code == 200

    assert NAME not in _everything_a_reader_gets(client, village, facilitator)
    (item,) = [i for i in client.get("/api/v1/feed?limit=500").get_json()["items"] if i["kind"] == "decision"]
    assert item["objections"][0]["note"] == REDACTED_TEXT
    assert [d["text"] for d in item["dissent"] if d["kind"] == "stance"] == [REDACTED_TEXT]
    assert NAME.encode() not in _files_of(the_ledger, database_url).replace(b"\x00", b"")


def test_a_long_proposals_snapshot_does_not_keep_the_redacted_words(
    client: FlaskClient, admin: Caller, facilitator: Caller, the_ledger: Mufakat, database_url: str
) -> None:
    """Every 100 steps the proposal's state is snapshotted, words included: a redaction deletes its snapshots."""
    village = start_village(facilitator)
    raised = _object(facilitator, village)
    for number in range(100):
        facilitator.ok(
            f"{village.proposal}/contributions",
            {"participant_id": village.participants[1], "kind": "information", "text": f"Catatan {number}"},
        )
    proposal_id = the_ledger_proposal_id(village)
    assert the_ledger.snapshots is not None and list(the_ledger.snapshots.get(proposal_id))

    assert _redact(admin, village, raised, "grounds").status_code == 200

    assert list(the_ledger.snapshots.get(proposal_id)) == []
    assert NAME.encode() not in _files_of(the_ledger, database_url).replace(b"\x00", b"")
    assert NAME not in facilitator.get(village.proposal).get_data(as_text=True)


def test_a_redaction_interrupted_after_its_event_is_finished_by_asking_again(
    admin: Caller, facilitator: Caller, the_ledger: Mufakat, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    village = start_village(facilitator)
    said = _say(facilitator, village)

    def interrupted(keys: Any) -> bool:
        raise RuntimeError("the process stopped here")

    monkeypatch.setattr(the_ledger.statement_keys, "destroy", interrupted)
    with pytest.raises(RuntimeError):
        _redact(admin, village, said, "text")
    monkeypatch.undo()
    assert the_ledger.vault.key(statement_key_id(the_ledger_proposal_id(village), said, "text")) is not None

    again = _redact(admin, village, said, "text")

    assert (again.status_code, again.get_json()["code"]) == (409, "nothing_to_redact")
    assert the_ledger.vault.key(statement_key_id(the_ledger_proposal_id(village), said, "text")) is None
    assert NAME.encode() not in _files_of(the_ledger, database_url).replace(b"\x00", b"")


def test_a_stance_given_without_a_reason_and_a_version_that_is_not_a_whole_number_have_nothing_to_redact(
    admin: Caller, facilitator: Caller
) -> None:
    village = start_village(facilitator)
    check = facilitator.created(f"{village.proposal}/consensus-checks", {"meeting_id": village.meeting_id})
    stance = facilitator.ok(
        f"{village.proposal}/consensus-checks/{check['check_id']}/stances",
        {"participant_id": village.participants[0], "stance": "agree"},
    )

    silent = _redact(admin, village, int(stance["version"]), "reason")
    fractional = admin.post(f"{village.proposal}/redactions", {"version": 1.5, "field": "text", "reason": "Nama."})
    textual = admin.post(f"{village.proposal}/redactions", {"version": "2", "field": "text", "reason": "Nama."})

    assert (silent.status_code, silent.get_json()["code"]) == (409, "nothing_to_redact")
    assert [fractional.status_code, textual.status_code] == [422, 422]


# SQLite only: a reader's snapshot pins the ledger's WAL there.
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_redacted_statements_keys_are_gone_from_every_file_when_the_answer_comes_though_a_reader_holds_the_ledger(
    admin: Caller, facilitator: Caller, anonymous: Caller, the_ledger: Mufakat, database_url: str
) -> None:
    village = start_village(facilitator)
    said, raised = _say(facilitator, village), _object(facilitator, village)
    decided = _decide(facilitator, village)
    statements = ((said, "text"), (raised, "grounds"), (decided, "rationale"))
    keys = [
        base64.b64encode(the_ledger.vault.key(statement_key_id(UUID(village.proposal_id), version, field)) or b"")
        for version, field in statements
    ]
    assert all(key and key in _every_file_of(database_url) for key in keys)
    # A backup, an export or a projection worker reading the ledger: its snapshot keeps the WAL's pages.
    reader = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM stored_events").fetchone()
    try:
        for version, field in statements:
            assert _redact(admin, village, version, field).status_code == 200

        # Before the reader lets go: no key is in any file, so the words in the log can never be opened again.
        assert [key for key in keys if key in _every_file_of(database_url)] == []
        ready = anonymous.get("/ready").get_json()
        assert ready["forgotten_keys_on_disk"] == 0
        # The read models' copies of the words are what the reader keeps for now: said so, and retried.
        assert ready["redacted_words_on_disk"] == (3 if NAME.encode() in _plain_files(database_url) else 0)
    finally:
        reader.execute("COMMIT")
        reader.close()
    deadline = time.monotonic() + 15
    while anonymous.get("/ready").get_json()["redacted_words_on_disk"] and time.monotonic() < deadline:
        time.sleep(0.2)
    assert anonymous.get("/ready").get_json()["redacted_words_on_disk"] == 0
    assert NAME.encode() not in _plain_files(database_url)


def _plain_files(database_url: str) -> bytes:
    return _every_file_of(database_url).replace(b"\x00", b"")


def _every_file_of(database_url: str) -> bytes:
    """The SQLite ledger and its key file, each with its WAL, as they lie on disk."""
    ledger = Path(database_url.removeprefix("sqlite:///"))
    keys = ledger.with_name(f"{ledger.stem}.keys{ledger.suffix}")
    files = (ledger, Path(f"{ledger}-wal"), keys, Path(f"{keys}-wal"), Path(f"{keys}-journal"))
    return b"".join(path.read_bytes() for path in files if path.exists())
