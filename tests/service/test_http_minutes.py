"""The berita acara over HTTP: sealed once the meeting closed, served byte for byte, the full version to few.

Each sealing renders two PDFs (about a second each), so the stories below seal
as few times as they can and check every refusal around one sealing.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from io import BytesIO
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from flask import Flask
from http_callers import NAMES, Caller, Village, adopt_by_consensus, start_village
from pypdf import PdfReader

from service.adapters.minutes_seal import check_minutes_signature
from service.adapters.sealed_statements import statement_key_id
from service.adapters.storage import persistence_settings
from service.audit.minutes_certificates import certificate_bindings
from service.audit.signing import load_or_create_signing_key, pdf_key_file, public_key_text
from service.http.app_factory import create_app
from service.settings import Settings

# Storage-sensitive: sealed documents and their keys are stored, served byte for byte and erased.
pytestmark = pytest.mark.both_stores

CHAIR = {"name": "Bambang Sugiarto", "role": "Ketua BPD Sukamaju"}
SECRETARY = {"name": "Slamet Riyadi", "role": "Sekretaris Desa Sukamaju"}
SIGNATORY = {"name": "Hj. Nurhayati Rahmawati", "role": "Kepala Desa Sukamaju"}
PEOPLE = (*NAMES, CHAIR["name"], SECRETARY["name"], SIGNATORY["name"])


def sealing(**changes: Any) -> dict[str, Any]:
    """A berita acara to seal, as the facilitator types it in from the signed paper copy."""
    body: dict[str, Any] = {
        "chair": CHAIR,
        "secretary": SECRETARY,
        "agenda": ["Pembukaan", "Penetapan usulan posyandu"],
        "notes": "Ditandatangani pada salinan kertas.",
        "signatories": [SIGNATORY],
    }
    body.update(changes)
    return body


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    """The service's signing key, in this test's own folder."""
    return tmp_path / "signing.key"


@pytest.fixture
def app(database_url: str, key_file: Path) -> Iterator[Flask]:
    """The web application on a fresh database, signing with a key of this test's own."""
    application = create_app(
        {
            "TESTING": True,
            "MUFAKAT_LEDGER_ENV": persistence_settings(database_url),
            "MUFAKAT_SECRET_KEY_FILE": str(key_file),
        }
    )
    yield application
    opened = application.extensions.get("mufakat")
    if opened is not None:
        opened.close()


def closed_village(facilitator: Caller, visibility: str = "public") -> Village:
    """A village whose proposal was adopted by consensus at a meeting that has closed."""
    village = start_village(facilitator, visibility)
    adopt_by_consensus(facilitator, village)
    facilitator.ok(f"/meetings/{village.meeting_id}/close", {"minutes": "Posyandu disepakati."})
    return village


def text_of(pdf: bytes) -> str:
    """Every page's text, whitespace collapsed."""
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages))


def minutes_of(village: Village) -> str:
    return f"/meetings/{village.meeting_id}/minutes"


def test_the_sealed_berita_acara_is_served_as_exactly_the_sealed_bytes_public_without_names(
    facilitator: Caller, anonymous: Caller, key_file: Path, app: Flask
) -> None:
    village = closed_village(facilitator)

    sealed = facilitator.created(minutes_of(village), sealing())

    assert sealed["sealed_version"] == 1
    assert sealed["replaces"] is None
    assert sealed["public"]["url"] == f"/api/v1/meetings/{village.meeting_id}/minutes.pdf?sealed=1"
    # Anyone downloads the public version of a public process, without a token
    response = anonymous.get(f"/meetings/{village.meeting_id}/minutes.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert hashlib.sha256(response.data).hexdigest() == sealed["public"]["sha256"]
    assert len(response.data) == sealed["public"]["size"]
    assert response.headers["ETag"] == f'"{sealed["public"]["sha256"]}"'
    text = text_of(response.data)
    assert "BERITA ACARA MUSYAWARAH" in text
    assert "Posyandu Dusun Krajan" in text
    assert "Ketua BPD Sukamaju" in text
    assert not [name for name in PEOPLE if name in text]
    # Signed with the service's PDF key (beside its key file, not in the working directory), under the certificate
    # the log binds to the ledger's key
    check = check_minutes_signature(response.data)
    assert check is not None and check.covers_whole_file and check.intact
    ledger_key = public_key_text(load_or_create_signing_key(key_file))
    bindings = certificate_bindings(app.extensions["mufakat"])
    assert [b.ledger_public_key for b in bindings if b.certificate_sha256 == check.certificate_sha256] == [ledger_key]
    assert pdf_key_file(key_file).exists()
    assert not Path(pdf_key_file(Path(Settings().secret_key_file)).name).exists()


def test_the_feed_carries_the_sealed_minutes_with_their_hash_log_position_and_url(
    facilitator: Caller, anonymous: Caller
) -> None:
    village = closed_village(facilitator)
    sealed = facilitator.created(minutes_of(village), sealing())
    hidden = closed_village(facilitator, visibility="restricted")
    facilitator.created(minutes_of(hidden), sealing())

    items = [item for item in anonymous.get("/feed", limit=500).get_json()["items"] if item["kind"] == "minutes"]

    (item,) = items  # the restricted process's minutes never enter the feed
    assert item["process"]["id"] == village.process_id
    assert item["meeting"] == {"id": village.meeting_id}
    assert item["minutes"]["sha256"] == sealed["public"]["sha256"]
    assert item["minutes"]["covers_log_position"] == sealed["log_position"]
    assert item["log_position"] > sealed["log_position"]
    assert len(item["event_hash"]) == 64
    downloaded = anonymous.client.get(item["minutes"]["url"])
    assert hashlib.sha256(downloaded.data).hexdigest() == item["minutes"]["sha256"]
    atom = anonymous.get("/feed.atom").get_data(as_text=True)
    assert "Berita acara musyawarah disegel" in atom


def test_the_full_version_names_everyone_and_is_only_for_facilitators_of_the_process_admins_and_auditors(
    facilitator: Caller,
    admin: Caller,
    auditor: Caller,
    partner: Caller,
    anonymous: Caller,
    client: Any,
    token_for: Callable[..., str],
) -> None:
    village = closed_village(facilitator)
    sealed = facilitator.created(minutes_of(village), sealing())
    path = f"/meetings/{village.meeting_id}/minutes.pdf"

    for reader in (facilitator, admin, auditor):
        response = reader.get(path, version="full")
        assert response.status_code == 200
        assert hashlib.sha256(response.data).hexdigest() == sealed["full"]["sha256"]
    text = text_of(facilitator.get(path, version="full").data)
    assert all(name in text for name in PEOPLE)

    other_facilitator = Caller(client, token_for("facilitator", "Pendamping desa lain"))
    for refused in (anonymous, partner, other_facilitator):
        assert refused.get(path, version="full").status_code == 403
        assert refused.get(path).status_code == 200


def test_minutes_of_a_meeting_still_open_are_refused_and_nothing_is_served(facilitator: Caller) -> None:
    village = start_village(facilitator)

    response = facilitator.post(minutes_of(village), sealing())

    assert response.status_code == 409
    assert response.get_json()["code"] == "meeting_not_closed"
    missing = facilitator.get(f"/meetings/{village.meeting_id}/minutes.pdf")
    assert missing.status_code == 404


def test_only_the_processs_facilitators_and_admins_seal_and_a_token_comes_before_the_body(
    facilitator: Caller,
    auditor: Caller,
    partner: Caller,
    anonymous: Caller,
    client: Any,
    token_for: Callable[..., str],
) -> None:
    village = closed_village(facilitator)
    other_facilitator = Caller(client, token_for("facilitator", "Pendamping desa lain"))

    assert anonymous.post(minutes_of(village), {"chair": "not even valid"}).status_code == 401
    for refused in (auditor, partner, other_facilitator):
        response = refused.post(minutes_of(village), sealing())
        assert response.status_code == 403, refused
    assert facilitator.get(f"/meetings/{village.meeting_id}/minutes.pdf").status_code == 404


def test_an_admin_may_seal_and_a_correction_is_a_new_version_that_replaces_the_latest_and_both_stay(
    facilitator: Caller, admin: Caller, anonymous: Caller
) -> None:
    village = closed_village(facilitator)
    key = {"Idempotency-Key": "berita-acara-sesi-1"}
    first_answer = admin.post(minutes_of(village), sealing(), headers=key)
    retried = admin.post(minutes_of(village), sealing(), headers=key)
    assert first_answer.status_code == retried.status_code == 201
    first = first_answer.get_json()
    assert retried.get_json() == first  # a retry seals nothing more

    corrected = facilitator.created(minutes_of(village), sealing(notes="Ralat: nama notulis diperbaiki."))

    assert corrected["sealed_version"] == 2
    assert corrected["replaces"] == 1
    assert corrected["public"]["sha256"] != first["public"]["sha256"]
    path = f"/meetings/{village.meeting_id}/minutes.pdf"
    latest = anonymous.get(path)
    assert hashlib.sha256(latest.data).hexdigest() == corrected["public"]["sha256"]
    assert latest.headers["X-Mufakat-Latest"] == "true"
    earlier = anonymous.get(path, sealed=1)
    assert hashlib.sha256(earlier.data).hexdigest() == first["public"]["sha256"]
    assert earlier.headers["X-Mufakat-Latest"] == "false"
    assert anonymous.get(path, sealed=3).status_code == 404


def test_the_minutes_of_a_restricted_process_are_not_found_by_the_public(
    facilitator: Caller, anonymous: Caller
) -> None:
    village = closed_village(facilitator, visibility="restricted")
    facilitator.created(minutes_of(village), sealing())

    assert anonymous.get(f"/meetings/{village.meeting_id}/minutes.pdf").status_code == 404
    assert facilitator.get(f"/meetings/{village.meeting_id}/minutes.pdf").status_code == 200


def test_a_sealing_without_chair_or_said_to_happen_in_the_future_is_invalid(facilitator: Caller) -> None:
    village = start_village(facilitator)
    path = minutes_of(village)

    without_chair = facilitator.post(path, {"secretary": SECRETARY})
    future = facilitator.post(path, sealing(occurred_at="2999-01-01T00:00:00+07:00"))
    naive = facilitator.post(path, sealing(occurred_at="2027-01-15T12:00:00"))

    for response, field in ((without_chair, "chair"), (future, "occurred_at"), (naive, "occurred_at")):
        assert response.status_code == 422
        assert response.get_json()["code"] == "validation_failed"
        assert field in str(response.get_json())


def test_forgetting_someone_present_erases_the_full_versions_naming_them_and_the_public_one_stays(
    facilitator: Caller, admin: Caller, anonymous: Caller
) -> None:
    village = closed_village(facilitator)
    sealed = facilitator.created(minutes_of(village), sealing())
    path = f"/meetings/{village.meeting_id}/minutes.pdf"
    assert facilitator.get(path, version="full").status_code == 200

    admin.ok(f"/participants/{village.participants[0]}/forget")

    assert facilitator.get(path, version="full").status_code == 404
    public = anonymous.get(path)
    assert public.status_code == 200
    assert hashlib.sha256(public.data).hexdigest() == sealed["public"]["sha256"]


def test_a_berita_acara_sealed_after_a_redaction_prints_the_dissent_without_the_redacted_words(
    facilitator: Caller, admin: Caller, anonymous: Caller, the_ledger: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Even sealed by a worker that still holds the destroyed key in memory: the redaction itself takes the words
    out, not only the missing key."""
    village = start_village(facilitator, consensus="consent")
    check = facilitator.created(f"{village.proposal}/consensus-checks", {"meeting_id": village.meeting_id})
    said = 0
    for number, participant in enumerate(village.participants):
        body: dict[str, Any] = {"participant_id": participant, "stance": "agree"}
        if number == 0:
            body = {**body, "stance": "disagree", "reason": "Tanah Pak Karto Rahasia belum dibebaskan."}
        step = facilitator.ok(f"{village.proposal}/consensus-checks/{check['check_id']}/stances", body)
        said = said or int(step["version"])
    facilitator.ok(f"{village.proposal}/consensus-checks/{check['check_id']}/close")
    facilitator.ok(f"{village.proposal}/decision", {"outcome": "adopted", "method": "consensus", "rationale": "Ok."})
    facilitator.ok(f"/meetings/{village.meeting_id}/close", {"minutes": "Disepakati."})
    key_id = statement_key_id(UUID(village.proposal_id), said, "reason")
    held = the_ledger.vault.key(key_id)
    admin.ok(f"{village.proposal}/redactions", {"version": said, "field": "reason", "reason": "Nama."})
    opening = the_ledger.statement_keys._stored_key
    monkeypatch.setattr(
        the_ledger.statement_keys, "_stored_key", lambda wanted: held if wanted == key_id else opening(wanted)
    )

    facilitator.created(minutes_of(village), sealing())

    text = text_of(anonymous.get(f"/meetings/{village.meeting_id}/minutes.pdf").data)
    assert "Karto" not in text
    assert "[teks disunting]" in text


def test_a_redaction_erases_the_berita_acara_sealed_before_it_and_a_new_sealing_prints_the_words_redacted(
    facilitator: Caller, admin: Caller, anonymous: Caller
) -> None:
    village = start_village(facilitator)
    raised = facilitator.created(
        f"{village.proposal}/objections",
        {"raised_by": village.participants[1], "grounds": "Tanah Pak Karto Rahasia.", "blocking": False},
    )
    adopt_by_consensus(facilitator, village)
    facilitator.ok(f"/meetings/{village.meeting_id}/close", {"minutes": "Disepakati."})
    first = facilitator.created(minutes_of(village), sealing())
    path = f"/meetings/{village.meeting_id}/minutes.pdf"
    assert "Karto" in text_of(anonymous.get(path).data)

    admin.ok(f"{village.proposal}/redactions", {"version": raised["version"], "field": "grounds", "reason": "Nama."})

    assert anonymous.get(path).status_code == 404
    assert facilitator.get(path, version="full").status_code == 404
    corrected = facilitator.created(minutes_of(village), sealing(notes="Disegel ulang setelah penyuntingan."))
    text = text_of(anonymous.get(path).data)
    assert "Karto" not in text and "[teks disunting]" in text
    assert corrected["replaces"] == first["sealed_version"]
