"""An agreement sealed as its own signed document, like the berita acara: rendered once with the same fonts and
signed with the same PDF key, its SHA-256 and the log position it covers recorded in the dispute's log, served byte
for byte; a restricted dispute's agreement is not found to outsiders, and no summary's words are in it."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from http_callers import Caller, Village
from test_http_console_whole_musyawarah import Console
from test_http_minutes import text_of

from service.adapters.agreement_pdf import AgreementDocument, render_agreement_pdf
from service.adapters.minutes_seal import check_minutes_signature
from service.adapters.storage import persistence_settings
from service.http.app_factory import create_app

pytestmark = pytest.mark.both_stores

SUMMARY = "Pemangku adat bersedia tukar guling bila sawah pengganti sama luasnya."
AGREEMENT = "Lahan bengkok ditukar dengan tanah kas desa seluas 0,5 ha; embung dibangun bersama."


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """The web application on a fresh database, signing with a key of this test's own."""
    application = create_app(
        {
            "TESTING": True,
            "MUFAKAT_LEDGER_ENV": persistence_settings(database_url),
            "MUFAKAT_SECRET_KEY_FILE": str(tmp_path / "signing.key"),
        }
    )
    yield application
    opened = application.extensions.get("mufakat")
    if opened is not None:
        opened.close()


def agreed_dispute(facilitator: Caller, village: Village, **more: Any) -> str:
    """The land dispute, mediated once (with a summary) and agreed; its path."""
    dispute = facilitator.created(
        f"/processes/{village.process_id}/disputes",
        {
            "title": "Tanah bengkok untuk embung",
            "parties": [{"group": "indigenous"}, {"organisation": "Kelompok Tani Sri Rejeki"}],
            "visibility": more.pop("visibility", "restricted"),
        },
    )
    path = f"/disputes/{dispute['dispute_id']}"
    facilitator.created(f"{path}/sessions", {"meeting_id": village.meeting_id, "summary": SUMMARY})
    body = {"text": AGREEMENT, "signatory_roles": ["kepala desa", "ketua BPD", "ketua kelompok tani"], **more}
    facilitator.ok(f"{path}/agreement", body)
    return path


def test_an_agreement_is_sealed_as_a_signed_pdf_hashed_in_the_log_with_its_position(
    facilitator: Caller, anonymous: Caller, village: Village
) -> None:
    path = agreed_dispute(facilitator, village, visibility="public", text_public=True)

    answer = facilitator.post(f"{path}/agreement/seal", {})

    assert answer.status_code == 201, answer.get_json()
    sealing = answer.get_json()["agreement"]["sealings"][0]
    assert answer.headers["Location"] == f"/api/v1{path}/agreement.pdf?sealed=1"
    assert sealing["sealed_version"] == 1 and sealing["log_position"] > 0
    pdf = anonymous.get(f"{path}/agreement.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert hashlib.sha256(pdf.data).hexdigest() == sealing["sha256"] == pdf.headers["ETag"].strip('"')
    assert len(pdf.data) == sealing["size"]
    text = text_of(pdf.data)
    assert "KESEPAKATAN PERDAMAIAN" in text and "Tanah bengkok untuk embung" in text
    assert "0,5 ha" in text and "ketua BPD" in text and "masyarakat adat" in text.lower()
    assert "tukar guling" not in text
    check = check_minutes_signature(pdf.data)
    assert check is not None and check.covers_whole_file and check.intact
    # The step is in the dispute's history, and the bytes served again are the same bytes.
    assert anonymous.get(f"{path}/agreement.pdf").data == pdf.data


def test_a_retried_sealing_answers_the_same_pdf_version_and_where_it_is(facilitator: Caller, village: Village) -> None:
    path = agreed_dispute(facilitator, village)
    key = {"Idempotency-Key": "segel-kesepakatan-1"}

    first = facilitator.post(f"{path}/agreement/seal", {}, headers=key)
    again = facilitator.post(f"{path}/agreement/seal", {}, headers=key)

    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json()
    assert again.headers["Location"] == first.headers["Location"] == f"/api/v1{path}/agreement.pdf?sealed=1"
    assert len(facilitator.get(path).get_json()["agreement"]["sealings"]) == 1


def test_sealing_again_after_an_erratum_makes_a_second_version_and_keeps_the_first(
    facilitator: Caller, village: Village
) -> None:
    path = agreed_dispute(facilitator, village)
    first = facilitator.post(f"{path}/agreement/seal", {}).get_json()["agreement"]["sealings"][0]
    facilitator.ok(f"{path}/corrections", {"field": "agreement", "text": "Tanah kas desa 0,7 ha.", "reason": "Ukur"})

    second = facilitator.post(f"{path}/agreement/seal", {"language": "en"}).get_json()["agreement"]["sealings"]

    assert [s["sealed_version"] for s in second] == [1, 2]
    assert second[1]["log_position"] > first["log_position"]
    assert "0,7 ha" in text_of(facilitator.get(f"{path}/agreement.pdf").data)
    assert "SETTLEMENT AGREEMENT" in text_of(facilitator.get(f"{path}/agreement.pdf").data)
    assert hashlib.sha256(facilitator.get(f"{path}/agreement.pdf", sealed=1).data).hexdigest() == first["sha256"]


def test_a_restricted_dispute_s_agreement_is_not_found_to_outsiders_nor_a_public_one_whose_text_is_not_public(
    facilitator: Caller, anonymous: Caller, partner: Caller, village: Village
) -> None:
    restricted = agreed_dispute(facilitator, village)
    public_text_kept = agreed_dispute(facilitator, village, visibility="public")
    for path in (restricted, public_text_kept):
        assert facilitator.post(f"{path}/agreement/seal", {}).status_code == 201
        assert facilitator.get(f"{path}/agreement.pdf").status_code == 200
        for outsider in (anonymous, partner):
            answer = outsider.get(f"{path}/agreement.pdf")
            assert (answer.status_code, answer.get_json()["code"]) == (404, "not_found")
    assert anonymous.get(public_text_kept).get_json()["agreement"]["sealings"] == []


def test_a_dispute_without_an_agreement_is_not_sealed_and_nothing_is_written(
    facilitator: Caller, partner: Caller, village: Village
) -> None:
    dispute = facilitator.created(
        f"/processes/{village.process_id}/disputes",
        {"title": "Sumur bor", "parties": [{"group": "women"}, {"group": "youth"}]},
    )
    path = f"/disputes/{dispute['dispute_id']}"

    refused = facilitator.post(f"{path}/agreement/seal", {}, headers={"Accept-Language": "id"})

    assert (refused.status_code, refused.get_json()["code"]) == (409, "no_agreement_to_seal")
    assert refused.get_json()["detail"] == "sengketa ini belum memiliki kesepakatan untuk disegel"
    assert facilitator.get(path).get_json()["version"] == 1
    assert facilitator.get(f"{path}/agreement.pdf").status_code == 404
    assert partner.post(f"{agreed_dispute(facilitator, village)}/agreement/seal", {}).status_code in (403, 404)


def test_the_same_agreement_renders_to_the_same_bytes() -> None:
    document = AgreementDocument(
        document_id="d/v1",
        process_title="Musrenbang Desa Sukamaju 2027",
        region_name="Desa Sukamaju",
        region_code="33.02.10.2001",
        dispute_title="Tanah bengkok untuk embung",
        parties=("masyarakat adat", "Kelompok Tani Sri Rejeki"),
        text=AGREEMENT,
        commitments=("Embung dibangun bersama",),
        signatory_roles=("kepala desa", "ketua BPD"),
        agreed_at=datetime(2027, 2, 1, 10, 0, tzinfo=timezone(timedelta(hours=7))),
        log_position=41,
    )

    assert render_agreement_pdf(document) == render_agreement_pdf(document)


def test_the_console_seals_the_agreement_and_serves_its_pdf_to_the_facilitator(
    app: Flask, facilitator: Caller, village: Village
) -> None:
    path = agreed_dispute(facilitator, village)
    console = Console(app, str(facilitator.secret))
    dispute_id = path.rsplit("/", 1)[1]

    sealed = console.step("seal_agreement", dispute_id=dispute_id, language="id")

    assert sealed["ok"] is True, sealed
    page = console.page(f"/console/konflik/{dispute_id}")
    assert f"/console/konflik/{dispute_id}/kesepakatan-1.pdf" in page
    pdf = console.browser.get(f"/console/konflik/{dispute_id}/kesepakatan-1.pdf")
    assert pdf.status_code == 200 and pdf.data == facilitator.get(f"{path}/agreement.pdf").data
    assert console.step("seal_agreement", dispute_id=dispute_id, language="xx")["fields"] == ["language"]
