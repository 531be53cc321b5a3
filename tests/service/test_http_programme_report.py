"""The programme report (laporan hasil dan dampak): one sealed, signed PDF per process, made from the ledger's events.

A process is built up through the API as a village would record it (an assessment's needs, a ranking, a decision,
commitments with indicators and money, a community evaluation, complaints, a partner's contribution, disputes);
then its facilitator seals the report, and the public reads it, its versions and a short text to share.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from click.testing import CliRunner
from flask import Flask
from http_callers import NAMES, Caller, Village, start_village
from pypdf import PdfReader
from test_http_console_whole_musyawarah import Console

from domain.process import Process
from service.adapters.report_pdf import render_report_pdf
from service.app.application import Mufakat
from service.app.programme_report import gather_report
from service.cli.main import main

COMPLAINT = "Semen bantuan desa disimpan di rumah Pak Harjo dan tidak dibagikan."
RESPONSE = "Kami periksa gudang bersama Pak Harjo minggu ini."
CONTACT = "0812-3456-7890"
WATER = {
    "owner": "Kaur Pembangunan",
    "description": "Pipa air bersih dusun Krajan.",
    "due": "2030-09-30",
    "indicators": [{"name": "Rumah tersambung", "unit": "rumah", "baseline": "10", "target": 60}],
    "budget": "85000000",
}


def text_of(pdf: bytes) -> str:
    """Every word of the PDF, whitespace removed (table cells wrap words across lines)."""
    return "".join("".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages).split())


def compact(words: str) -> str:
    return "".join(words.split())


def build_up(facilitator: Caller, anonymous: Caller, village: Village) -> dict[str, Any]:
    """Records a programme cycle of the village through the API; answers the ids the tests look for."""
    process = village.process_id
    # Kajian kebutuhan: the women's group needs clean water; the road need is not answered yet.
    assessment = facilitator.created(f"/processes/{process}/assessments", {"title": "FGD perempuan", "method": "fgd"})
    water = facilitator.created(
        f"/assessments/{assessment['id']}/findings",
        {"kind": "need", "title": "Air bersih di musim kemarau", "groups": ["women"]},
    )
    facilitator.created(f"/assessments/{assessment['id']}/findings", {"kind": "need", "title": "Jalan berlubang"})
    facilitator.ok(f"{village.proposal}/links", {"addresses": [water["finding_id"]]})
    # The priority list: the posyandu and a costed road, ranked by three attendees.
    road = facilitator.created(
        f"/processes/{process}/proposals",
        {
            "title": "Rabat beton jalan RT 07",
            "body": "Rabat beton.",
            "submitted_by": village.participants[1],
            "estimated_cost": "250000000",
        },
    )["id"]
    ranking = facilitator.created(
        f"/processes/{process}/rankings",
        {
            "meeting_id": village.meeting_id,
            "proposals": [village.proposal_id, road],
            "method": "borda",
            "budget_ceiling": "200000000",
        },
    )
    for participant in village.participants[:3]:
        facilitator.ok(
            f"/rankings/{ranking['ranking_id']}/ballots",
            {"participant_id": participant, "order": [road, village.proposal_id]},
        )
    facilitator.ok(f"/rankings/{ranking['ranking_id']}/close")
    # Adopted by consensus; two commitments, one of them long overdue.
    check = facilitator.created(f"{village.proposal}/consensus-checks", {"meeting_id": village.meeting_id})
    for participant in village.participants:
        facilitator.ok(
            f"{village.proposal}/consensus-checks/{check['check_id']}/stances",
            {"participant_id": participant, "stance": "agree"},
        )
    facilitator.ok(f"{village.proposal}/consensus-checks/{check['check_id']}/close")
    facilitator.ok(f"{village.proposal}/decision", {"outcome": "adopted", "method": "consensus", "rationale": "Ok."})
    pipe = facilitator.created(f"{village.proposal}/commitments", WATER)
    facilitator.ok(
        f"/commitments/{pipe['id']}/progress",
        {"percent": 40, "note": "Pipa utama.", "spent": "20000000", "indicator_values": {"Rumah tersambung": 35}},
    )
    facilitator.created(
        f"{village.proposal}/commitments",
        {"owner": "Ketua TPK", "description": "Papan informasi proyek.", "due": "2020-01-31"},
    )
    # The community scores the pipe: three scores of 4 and one of 2.
    evaluation = facilitator.created(f"/commitments/{pipe['id']}/evaluations", {"meeting_id": village.meeting_id})
    for participant, score in zip(village.participants, (4, 4, 4, 2), strict=True):
        facilitator.ok(
            f"/evaluations/{evaluation['evaluation_id']}/scores",
            {"participant_id": participant, "score": score, "comment": "Lumayan"},
        )
    facilitator.ok(f"/evaluations/{evaluation['evaluation_id']}/close")
    # A resident complains; the facilitator answers.
    filed = anonymous.created(f"/processes/{process}/complaints", {"text": COMPLAINT, "contact": CONTACT})
    facilitator.ok(f"/complaints/{filed['complaint_id']}/respond", {"status": "resolved", "response": RESPONSE})
    # A partner brings pipes toward the commitment.
    partner = facilitator.created(f"/processes/{process}/partners", {"name": "CSR PT Maju Jaya", "kind": "private"})
    facilitator.created(
        f"/partners/{partner['partner_id']}/contributions",
        {"kind": "in_kind", "description": "Pipa PVC 3 inci", "amount": "15000000", "commitment_id": pipe["id"]},
    )
    # One public dispute, one restricted.
    facilitator.created(
        f"/processes/{process}/disputes",
        {
            "title": "Tanah bengkok untuk embung",
            "parties": [{"group": "indigenous"}, {"organisation": "Kelompok Nelayan Mina"}],
            "visibility": "public",
        },
    )
    facilitator.created(
        f"/processes/{process}/disputes",
        {"title": "Sengketa batas kebun", "parties": [{"group": "resident"}, {"organisation": "Kelompok Tani Sri"}]},
    )
    return {"pipe": pipe["id"]}


@pytest.fixture
def built(facilitator: Caller, anonymous: Caller, village: Village) -> Village:
    build_up(facilitator, anonymous, village)
    return village


def seal(caller: Caller, village: Village, **body: Any) -> Any:
    return caller.post(f"/processes/{village.process_id}/report", body)


@pytest.mark.both_stores
def test_the_sealed_report_tells_the_whole_cycle_without_a_persons_name_or_a_complaints_words(
    built: Village, facilitator: Caller, anonymous: Caller
) -> None:
    answer = seal(facilitator, built)
    assert answer.status_code == 201, answer.get_json()
    sealed = answer.get_json()
    assert sealed["version"] == 1
    assert answer.headers["Location"] == sealed["url"] == f"/api/v1/processes/{built.process_id}/report/1.pdf"

    # Anyone reads the latest report without a token: exactly the sealed bytes.
    pdf = anonymous.get(f"/processes/{built.process_id}/report")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert hashlib.sha256(pdf.data).hexdigest() == sealed["sha256"]
    assert pdf.headers["ETag"] == f'"{sealed["sha256"]}"'
    text = text_of(pdf.data)

    expected = [
        "LAPORAN HASIL DAN DAMPAK",
        "Air bersih di musim kemarau",  # a need found...
        "ya, usulan disepakati",  # ...and answered by the adopted proposal
        "Jalan berlubang",
        "belum terjawab",
        "Rabat beton jalan RT 07",  # the priority list, its cost and the ceiling
        "Rp 250.000.000",
        "Rp 200.000.000",
        "Posyandu Dusun Krajan",
        "disepakati",
        "mufakat",
        "Pipa air bersih dusun Krajan.",  # a commitment, its indicator and money against budget
        "Rumah tersambung",
        "Realisasi anggaran: Rp 20.000.000 dari Rp 85.000.000",
        "Papan informasi proyek.",  # the overdue one
        "4 nilai; rata-rata 3.50",  # the score card
        "1 pengaduan diterima",
        "CSR PT Maju Jaya",  # the partner's contribution toward the commitment
        "Pipa PVC 3 inci",
        "Rp 15.000.000",
        "Tanah bengkok untuk embung",  # the public dispute, by group
        "masyarakat adat",
    ]
    assert [words for words in expected if compact(words) not in text] == []
    never = [*NAMES, COMPLAINT, RESPONSE, CONTACT, "Pak Harjo", "Sengketa batas kebun", "Lumayan"]
    assert [words for words in never if compact(words) in text] == []


def test_the_score_card_shows_a_single_score_as_less_than_three_and_no_mean(
    facilitator: Caller, village: Village, adopt: Callable[[Village], dict[str, Any]], the_ledger: Mufakat
) -> None:
    adopt(village)
    pipe = facilitator.created(f"{village.proposal}/commitments", WATER)
    evaluation = facilitator.created(f"/commitments/{pipe['id']}/evaluations", {"meeting_id": village.meeting_id})
    facilitator.ok(
        f"/evaluations/{evaluation['evaluation_id']}/scores", {"participant_id": village.participants[0], "score": 1}
    )
    facilitator.ok(f"/evaluations/{evaluation['evaluation_id']}/close")

    process = the_ledger.uow.get(Process, _uuid(village), "process")
    card = gather_report(the_ledger, process, datetime.now(UTC), "id", "https://desa.example").score_cards[0]

    assert (card.count, card.mean) == (1, None)
    assert ("1", 1) not in card.distribution


def _uuid(village: Village) -> UUID:
    return UUID(village.process_id)


def test_the_same_ledger_position_gives_the_same_document_and_the_same_bytes(
    built: Village, the_ledger: Mufakat
) -> None:
    process = the_ledger.uow.get(Process, _uuid(built), "process")
    at = datetime(2030, 10, 1, 9, 0, tzinfo=UTC)

    first = gather_report(the_ledger, process, at, "id", "https://desa.example")
    again = gather_report(the_ledger, process, at, "id", "https://desa.example")

    assert first == again
    assert first.log_position == the_ledger.recorder.max_notification_id()
    assert render_report_pdf(first, "id") == render_report_pdf(again, "id")
    assert render_report_pdf(first, "en") != render_report_pdf(first, "id")


@pytest.mark.both_stores
def test_each_sealing_is_a_new_version_recorded_in_the_log_with_its_hash_and_position(
    built: Village, facilitator: Caller, auditor: Caller, anonymous: Caller
) -> None:
    first = seal(facilitator, built).get_json()
    second = seal(facilitator, built, language="en").get_json()

    assert (first["version"], second["version"]) == (1, 2)
    assert second["position"] > first["position"]
    versions = anonymous.get(f"/processes/{built.process_id}/report/versions").get_json()["items"]
    assert [(v["version"], v["sha256"], v["language"]) for v in versions] == [
        (1, first["sha256"], "id"),
        (2, second["sha256"], "en"),
    ]
    old = anonymous.get(f"/processes/{built.process_id}/report/1.pdf")
    assert hashlib.sha256(old.data).hexdigest() == first["sha256"]
    assert old.headers["X-Mufakat-Latest"] == "false"
    # The raw log holds each sealing with the SHA-256 and the position it covers.
    items = auditor.get("/audit/events", limit=1000).get_json()["items"]
    sealings = [
        json.loads(base64.b64decode(item["state"]))
        for item in items
        if item["topic"] == "domain.programme_report:ProgrammeReport.Sealed"
    ]
    assert [(s["sha256"], s["log_position"]) for s in sealings] == [
        (first["sha256"], first["position"]),
        (second["sha256"], second["position"]),
    ]


def test_the_short_text_gives_the_figures_the_link_and_the_hash_in_a_message_length(
    built: Village, facilitator: Caller, anonymous: Caller
) -> None:
    sealed = seal(facilitator, built).get_json()

    answer = anonymous.get(f"/processes/{built.process_id}/report.txt")
    english = anonymous.get(f"/processes/{built.process_id}/report.txt", headers={"Accept-Language": "en"})

    assert answer.mimetype == "text/plain"
    text = answer.get_data(as_text=True)
    assert len(text) < 1000
    assert "Laporan Hasil dan Dampak: Musrenbang Desa Sukamaju 2027 (Desa Sukamaju)" in text
    assert "2 kebutuhan ditemukan, 1 terjawab" in text
    assert "2 tindak lanjut, 0 selesai, 1 terlambat; realisasi Rp 20.000.000 dari Rp 85.000.000" in text
    assert "1 pengaduan, 1 selesai" in text
    assert f"http://localhost/api/v1/processes/{built.process_id}/report/1.pdf" in text or sealed["url"] in text
    assert f"SHA-256: {sealed['sha256']}" in text
    assert "2 needs found, 1 answered" in english.get_data(as_text=True)
    assert COMPLAINT not in text


def test_a_replayed_sealing_answers_the_first_version_again_and_seals_nothing_more(
    village: Village, facilitator: Caller, anonymous: Caller
) -> None:
    key = {"Idempotency-Key": "laporan-2027"}
    first = facilitator.post(f"/processes/{village.process_id}/report", {}, headers=key)
    again = facilitator.post(f"/processes/{village.process_id}/report", {}, headers=key)

    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json()
    assert len(anonymous.get(f"/processes/{village.process_id}/report/versions").get_json()["items"]) == 1


def test_an_empty_process_gets_a_report_that_says_nothing_was_recorded_yet(
    village: Village, facilitator: Caller, anonymous: Caller
) -> None:
    seal(facilitator, village)

    text = text_of(anonymous.get(f"/processes/{village.process_id}/report").data)

    assert compact("Belum ada temuan kajian yang dicatat.") in text
    assert compact("Tidak ada tindak lanjut yang terlambat.") in text


def test_sealing_is_refused_to_others_than_the_facilitator_and_for_unknown_processes_and_stale_versions(
    village: Village,
    facilitator: Caller,
    partner: Caller,
    anonymous: Caller,
    token_for: Callable[..., str],
    caller: Callable[[str | None], Caller],
) -> None:
    other_facilitator = caller(token_for("facilitator", "Pendamping Desa Lain"))

    assert seal(anonymous, village).status_code == 401
    assert seal(partner, village).get_json()["code"] == "forbidden"
    assert seal(other_facilitator, village).status_code == 403
    unknown = facilitator.post("/processes/00000000-0000-4000-8000-000000000000/report", {})
    assert (unknown.status_code, unknown.get_json()["code"]) == (404, "not_found")
    seal(facilitator, village)
    stale = facilitator.post(f"/processes/{village.process_id}/report", {}, headers={"If-Match": '"0"'})
    assert (stale.status_code, stale.get_json()["code"]) == (412, "version_mismatch")
    before = facilitator.post(f"/processes/{village.process_id}/report", {"occurred_at": "2020-01-01T09:00:00+07:00"})
    assert (before.status_code, before.get_json()["code"]) == (409, "occurred_out_of_order")
    assert len(anonymous.get(f"/processes/{village.process_id}/report/versions").get_json()["items"]) == 1


def test_a_report_not_yet_sealed_and_a_restricted_processs_report_are_not_found(
    facilitator: Caller, anonymous: Caller, village: Village
) -> None:
    assert anonymous.get(f"/processes/{village.process_id}/report").status_code == 404
    assert anonymous.get(f"/processes/{village.process_id}/report.txt").status_code == 404
    restricted = start_village(facilitator, visibility="restricted")
    seal(facilitator, restricted)

    assert anonymous.get(f"/processes/{restricted.process_id}/report").status_code == 404
    assert facilitator.get(f"/processes/{restricted.process_id}/report").status_code == 200


def test_an_auditor_verifies_the_downloaded_report_against_the_log_and_a_changed_file_fails(
    village: Village, facilitator: Caller, anonymous: Caller, database_url: str, tmp_path: Path
) -> None:
    first = seal(facilitator, village).get_json()
    seal(facilitator, village)
    downloaded = tmp_path / "laporan.pdf"
    downloaded.write_bytes(anonymous.get(f"/processes/{village.process_id}/report/1.pdf").data)
    altered = tmp_path / "laporan-diubah.pdf"
    altered.write_bytes(downloaded.read_bytes().replace(b"LAPORAN", b"LAPORAX", 1))
    env = {"MUFAKAT_DATABASE_URL": database_url, "MUFAKAT_SECRET_KEY_FILE": str(tmp_path / "mufakat-signing.key")}

    genuine = CliRunner().invoke(main, ["verify-report", str(downloaded), "--json"], env=env)
    latest_required = CliRunner().invoke(main, ["verify-report", str(downloaded), "--require-latest"], env=env)
    changed = CliRunner().invoke(main, ["verify-report", str(altered)], env=env)

    assert genuine.exit_code == 0, genuine.output
    found = json.loads(genuine.output)
    assert found["holds"] is True and found["signature"] == "valid"
    assert found["sealed"]["process_id"] == village.process_id
    assert (found["sealed"]["report_version"], found["sealed"]["covers_position"]) == (1, first["position"])
    assert latest_required.exit_code == 2
    assert "Latest: NO, version 2 was sealed since." in latest_required.output
    assert changed.exit_code == 1 and "NOT a programme report sealed in this ledger" in changed.output


def test_the_console_seals_a_restricted_processs_report_and_serves_it_to_its_facilitator_only(
    app: Flask, facilitator: Caller, anonymous: Caller, token_for: Callable[..., str]
) -> None:
    restricted = start_village(facilitator, visibility="restricted")
    console = Console(app, str(facilitator.secret))
    stranger = Console(app, token_for("facilitator", "Pendamping Desa Lain"))

    answer = console.step("seal_report", process_id=restricted.process_id, language="id")

    assert answer["ok"] is True, answer
    page = console.page(f"/console/proses/{restricted.process_id}")
    assert "Laporan versi 1" in page
    pdf = console.browser.get(f"/console/proses/{restricted.process_id}/laporan-1.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert compact("LAPORAN HASIL DAN DAMPAK") in text_of(pdf.data)
    assert stranger.browser.get(f"/console/proses/{restricted.process_id}/laporan-1.pdf").status_code == 404
    assert anonymous.get(f"/processes/{restricted.process_id}/report/1.pdf").status_code == 404
