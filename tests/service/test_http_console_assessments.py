"""Issue 20, item 5: the needs and potential assessment (kajian) from the console, and on the portal.

A facilitator records an assessment with its respondents, a finding with its sector, place and groups, a photo
(kept without its GPS), closes it, and links a proposal to the needs it answers. Each step succeeds; each way it
can fail is refused naming the field to mend (the console puts back what was typed) and records nothing. The
portal shows the needs and potentials by sector and group, what answers each, and the needs not yet answered,
by the groups who raised them, naming nobody."""

from __future__ import annotations

import io
import re
from typing import Any
from uuid import UUID

import pytest
from flask import Flask
from http_callers import Caller, Village, adopt_by_consensus
from PIL import Image
from test_http_assessments import GPS_IFD, photo_with_gps
from test_http_console_whole_musyawarah import Console

from domain.assessment import Assessment
from domain.proposal import Proposal
from service.app.application import Mufakat

FGD = {
    "title": "FGD kelompok perempuan dan nelayan",
    "method": "fgd",
    "respondents_0_group": "women",
    "respondents_0_gender": "female",
    "respondents_0_count": "12",
    "respondents_1_group": "elderly",
    "respondents_1_gender": "female",
    "respondents_1_count": "2",
}
WATER = {
    "kind": "need",
    "title": "Air bersih di musim kemarau",
    "description": "Sumur RT 07 kering dari Agustus sampai Oktober.",
    "sector": "2.3",
    "location_dusun": "Krajan",
    "location_rt": "07",
    "groups": ["women", "elderly"],
}


@pytest.fixture
def console(app: Flask, facilitator: Caller) -> Console:
    return Console(app, str(facilitator.secret))


def _events(ledger: Mufakat, aggregate_id: str | UUID) -> list[str]:
    return [type(event).__qualname__ for event in ledger.repository.event_store.get(UUID(str(aggregate_id)))]


def _started(console: Console, village: Village, **more: Any) -> str:
    answer = console.step("start_assessment", process_id=village.process_id, **{**FGD, **more})
    assert answer["ok"] is True, answer
    return str(answer["id"])


def _photo(console: Console, assessment_id: str, content: bytes, name: str = "peta-sosial.jpg", **form: str) -> Any:
    console.keys += 1
    return console.browser.post(
        f"/console/kajian/{assessment_id}/foto",
        data={
            "csrf_token": console.csrf,
            "idempotency_key": f"foto-{console.keys}",
            "file": (io.BytesIO(content), name),
            **form,
        },
        content_type="multipart/form-data",
    )


# --- the assessment ------------------------------------------------------------------------------------------------


def test_an_assessment_is_recorded_with_its_respondents_by_group_and_gender_and_opens_its_page(
    console: Console, village: Village, the_ledger: Mufakat
) -> None:
    answer = console.step("start_assessment", process_id=village.process_id, **FGD)

    assert answer["ok"] is True
    assert answer["location"] == f"/console/kajian/{answer['id']}"
    recorded: Assessment = the_ledger.repository.get(UUID(answer["id"]))
    assert (recorded.title, recorded.method) == ("FGD kelompok perempuan dan nelayan", "fgd")
    assert recorded.respondents == [
        {"group": "women", "gender": "female", "count": 12},
        {"group": "elderly", "gender": "female", "count": 2},
    ]
    page = console.page(answer["location"])
    assert "Diskusi kelompok terarah (FGD)" in page or "diskusi kelompok terarah (FGD)" in page
    assert "<td>12</td>" in page and "<td>2</td>" in page  # exact counts for the facilitator of the process


def test_the_process_page_offers_the_assessment_form_with_every_method_in_indonesian(
    console: Console, village: Village
) -> None:
    page = console.page(f"/console/proses/{village.process_id}")

    assert "Kajian kebutuhan dan potensi" in page
    for said in ("penelusuran desa (transek)", "pemetaan sosial", "kalender musim", "wawancara"):
        assert said in page.lower()


@pytest.mark.parametrize(
    ("typed", "code", "fields"),
    [
        ({"title": ""}, "validation_failed", ["title"]),
        ({"method": "rapat"}, "validation_failed", ["method"]),
        ({"respondents_0_count": "0"}, "validation_failed", ["respondents"]),
        ({"respondents_1_group": ""}, "validation_failed", ["respondents"]),
        ({"respondents_1_group": "women"}, "respondents_counted_twice", []),
        ({"occurred_at": "2199-01-01T10:00"}, "occurred_in_future", ["occurred_at"]),
    ],
)
def test_an_assessment_that_is_not_valid_is_refused_naming_its_field_and_records_nothing(
    console: Console, village: Village, the_ledger: Mufakat, typed: dict[str, str], code: str, fields: list[str]
) -> None:
    before = _events(the_ledger, village.process_id)

    answer = console.step("start_assessment", process_id=village.process_id, **{**FGD, **typed})

    assert (answer["ok"], answer["code"], answer["fields"]) == (False, code, fields)
    assert answer["message"]  # said in words, next to the form (the console puts back what was typed)
    assert _events(the_ledger, village.process_id) == before


def test_a_refused_assessment_posted_without_the_queue_comes_back_to_the_form_with_its_reason(
    console: Console, village: Village
) -> None:
    console.keys += 1
    answer = console.browser.post(
        "/console/langkah/start_assessment",
        data={
            "csrf_token": console.csrf,
            "idempotency_key": "tanpa-antrean",
            "form_id": "assessment",
            "next": f"/console/proses/{village.process_id}",
            "process_id": village.process_id,
            **{**FGD, "method": "rapat"},
        },
    )
    assert answer.status_code == 303
    page = console.page(f"/console/proses/{village.process_id}")
    assert 'id="assessment-refusal">Ada isian yang kosong atau tidak sah.' in page


# --- findings ------------------------------------------------------------------------------------------------------


def test_a_finding_is_recorded_with_its_sector_place_groups_and_the_photo_it_cites(
    console: Console, village: Village, the_ledger: Mufakat
) -> None:
    assessment_id = _started(console, village)
    sent = _photo(console, assessment_id, photo_with_gps())
    assert sent.status_code == 303
    recorded: Assessment = the_ledger.repository.get(UUID(assessment_id))
    (sha256,) = recorded.evidence

    answer = console.step("record_finding", assessment_id=assessment_id, **WATER, evidence=[sha256])

    assert answer["ok"] is True
    recorded = the_ledger.repository.get(UUID(assessment_id))
    (finding,) = recorded.findings.values()
    assert (finding["kind"], finding["title"], finding["sector"]) == ("need", "Air bersih di musim kemarau", "2.3")
    assert finding["location"] == {"dusun": "Krajan", "rt": "07"}
    assert (finding["groups"], finding["evidence"]) == (["women", "elderly"], [sha256])
    page = console.page(f"/console/kajian/{assessment_id}")
    assert "Pekerjaan Umum dan Penataan Ruang" in page  # the sector list, in Indonesian
    assert "Dusun Krajan, RT 07" in page


@pytest.mark.parametrize(
    ("typed", "code", "fields"),
    [
        ({"title": ""}, "validation_failed", ["title"]),
        ({"kind": "keluhan"}, "validation_failed", ["kind"]),
        ({"sector": "9.9"}, "validation_failed", ["sector"]),
        ({"groups": ["nelayan"]}, "validation_failed", ["groups"]),
        ({"location_rt": "x" * 101}, "validation_failed", ["location_rt"]),
        ({"evidence": ["0" * 64]}, "evidence_not_attached", []),
    ],
)
def test_a_finding_that_is_not_valid_is_refused_naming_its_field_and_records_nothing(
    console: Console, village: Village, the_ledger: Mufakat, typed: dict[str, Any], code: str, fields: list[str]
) -> None:
    assessment_id = _started(console, village)
    before = _events(the_ledger, assessment_id)

    answer = console.step("record_finding", assessment_id=assessment_id, **{**WATER, **typed})

    assert (answer["ok"], answer["code"], answer["fields"]) == (False, code, fields)
    assert _events(the_ledger, assessment_id) == before


def test_a_finding_is_corrected_and_another_withdrawn_with_their_reasons(
    console: Console, village: Village, the_ledger: Mufakat
) -> None:
    assessment_id = _started(console, village)
    first = console.step("record_finding", assessment_id=assessment_id, **WATER)
    second = console.step("record_finding", assessment_id=assessment_id, **{**WATER, "title": "Tercatat dua kali"})
    recorded: Assessment = the_ledger.repository.get(UUID(assessment_id))
    first_id, second_id = list(recorded.findings)
    assert first["ok"] and second["ok"]

    corrected = console.step(
        "correct_finding",
        assessment_id=assessment_id,
        finding_id=first_id,
        field="title",
        text="Air bersih di musim kemarau (RT 07)",
        reason="Salah salin dari catatan FGD.",
    )
    withdrawn = console.step("withdraw_finding", assessment_id=assessment_id, finding_id=second_id, reason="")
    assert (withdrawn["ok"], withdrawn["fields"]) == (False, ["reason"])
    withdrawn = console.step(
        "withdraw_finding", assessment_id=assessment_id, finding_id=second_id, reason="Tercatat dua kali."
    )

    assert corrected["ok"] and withdrawn["ok"]
    recorded = the_ledger.repository.get(UUID(assessment_id))
    assert recorded.findings[first_id]["title"] == "Air bersih di musim kemarau (RT 07)"
    assert recorded.findings[second_id]["withdrawn"] is not None


# --- the photo -----------------------------------------------------------------------------------------------------


def test_a_photo_sent_from_the_console_is_kept_without_its_gps_and_shown_to_the_facilitator(
    console: Console, village: Village, the_ledger: Mufakat
) -> None:
    assessment_id = _started(console, village)

    sent = _photo(console, assessment_id, photo_with_gps())

    assert sent.status_code == 303
    recorded: Assessment = the_ledger.repository.get(UUID(assessment_id))
    (sha256,) = recorded.evidence
    page = console.page(f"/console/kajian/{assessment_id}")
    assert 'capture="environment"' in page and 'accept="image/*' in page
    assert "Foto perlu sambungan" in page  # said plainly: offline, a photo waits
    served = console.browser.get(f"/console/kajian/{assessment_id}/bukti/{sha256}")
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    assert not Image.open(io.BytesIO(served.data)).getexif().get_ifd(GPS_IFD)


@pytest.mark.parametrize(
    ("content", "name", "code"),
    [
        (b"MZ\x90\x00 not a photo", "virus.exe", "evidence_not_accepted"),
        (b"\xff\xd8\xff\xe0 broken jpeg", "rusak.jpg", "evidence_not_accepted"),
        (b"", "", "evidence_missing"),
    ],
)
def test_a_file_that_is_no_photo_is_refused_with_its_reason_and_keeps_nothing(
    console: Console, village: Village, the_ledger: Mufakat, content: bytes, name: str, code: str
) -> None:
    assessment_id = _started(console, village)
    before = _events(the_ledger, assessment_id)

    sent = console.browser.post(
        f"/console/kajian/{assessment_id}/foto",
        data={"csrf_token": console.csrf, "idempotency_key": "f", "file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
        headers={"Accept": "application/json"},
    )

    assert sent.status_code == 200
    assert (sent.get_json()["ok"], sent.get_json()["code"], sent.get_json()["fields"]) == (False, code, ["file"])
    assert _events(the_ledger, assessment_id) == before


def test_a_photo_larger_than_10_mb_is_refused_and_keeps_nothing(
    console: Console, village: Village, the_ledger: Mufakat
) -> None:
    assessment_id = _started(console, village)
    before = _events(the_ledger, assessment_id)

    sent = _photo(console, assessment_id, b"\xff\xd8\xff" + b"0" * (11 * 1024 * 1024))

    assert sent.status_code == 303
    assert "paling besar 10 MB" in console.page(f"/console/kajian/{assessment_id}")
    assert _events(the_ledger, assessment_id) == before


def test_a_photo_without_the_csrf_token_keeps_nothing(console: Console, village: Village, the_ledger: Mufakat) -> None:
    assessment_id = _started(console, village)
    before = _events(the_ledger, assessment_id)

    sent = _photo(console, assessment_id, photo_with_gps(), csrf_token="palsu")

    assert sent.status_code == 303
    assert _events(the_ledger, assessment_id) == before


def test_a_photo_for_a_closed_assessment_is_refused(console: Console, village: Village, the_ledger: Mufakat) -> None:
    assessment_id = _started(console, village)
    assert console.step("close_assessment", assessment_id=assessment_id)["ok"] is True
    before = _events(the_ledger, assessment_id)

    sent = _photo(console, assessment_id, photo_with_gps())

    assert sent.status_code == 303
    assert _events(the_ledger, assessment_id) == before
    assert console.step("record_finding", assessment_id=assessment_id, **WATER)["code"] == "assessment_closed"


def test_another_facilitator_neither_opens_the_assessment_nor_sends_it_a_photo(
    app: Flask, console: Console, village: Village, token_for: Any, the_ledger: Mufakat
) -> None:
    assessment_id = _started(console, village)
    other = Console(app, token_for("facilitator", "Pendamping Desa Lain"))
    before = _events(the_ledger, assessment_id)

    assert other.browser.get(f"/console/kajian/{assessment_id}").status_code == 404
    _photo(other, assessment_id, photo_with_gps())
    assert other.step("close_assessment", assessment_id=assessment_id)["code"] in ("forbidden", "not_found")

    assert _events(the_ledger, assessment_id) == before


# --- linking a proposal --------------------------------------------------------------------------------------------


def test_a_proposal_is_linked_to_the_need_it_answers_from_its_page(
    console: Console, village: Village, the_ledger: Mufakat
) -> None:
    assessment_id = _started(console, village)
    console.step("record_finding", assessment_id=assessment_id, **WATER)
    (finding_id,) = the_ledger.repository.get(UUID(assessment_id)).findings
    page = console.page(f"/console/usulan/{village.proposal_id}")
    assert f'name="addresses" value="{finding_id}"' in page

    answer = console.step("link_findings", proposal_id=village.proposal_id, addresses=[finding_id])

    assert answer["ok"] is True
    proposal: Proposal = the_ledger.repository.get(UUID(village.proposal_id))
    assert proposal.addresses == [finding_id]
    page = console.page(f"/console/usulan/{village.proposal_id}")
    assert "Air bersih di musim kemarau" in page.split('id="addresses-title"')[1].split("</section>")[0]


@pytest.mark.parametrize(
    ("addresses", "code", "fields"),
    [
        ([], "validation_failed", ["addresses"]),
        (["00000000-0000-0000-0000-000000000001"], "validation_failed", ["addresses"]),
        (["bukan-id"], "validation_failed", ["addresses"]),
    ],
)
def test_a_link_to_no_finding_of_the_process_is_refused_and_records_nothing(
    console: Console, village: Village, the_ledger: Mufakat, addresses: list[str], code: str, fields: list[str]
) -> None:
    before = _events(the_ledger, village.proposal_id)

    answer = console.step("link_findings", proposal_id=village.proposal_id, addresses=addresses)

    assert (answer["ok"], answer["code"], answer["fields"]) == (False, code, fields)
    assert _events(the_ledger, village.proposal_id) == before


def test_a_link_twice_to_the_same_need_is_refused(console: Console, village: Village, the_ledger: Mufakat) -> None:
    assessment_id = _started(console, village)
    console.step("record_finding", assessment_id=assessment_id, **WATER)
    (finding_id,) = the_ledger.repository.get(UUID(assessment_id)).findings
    assert console.step("link_findings", proposal_id=village.proposal_id, addresses=[finding_id])["ok"]

    again = console.step("link_findings", proposal_id=village.proposal_id, addresses=[finding_id])

    assert (again["ok"], again["code"]) == (False, "finding_already_addressed")


def test_a_proposal_submitted_from_the_console_addresses_the_needs_ticked(
    console: Console, village: Village, the_ledger: Mufakat
) -> None:
    assessment_id = _started(console, village)
    console.step("record_finding", assessment_id=assessment_id, **WATER)
    (finding_id,) = the_ledger.repository.get(UUID(assessment_id)).findings
    proposer = the_ledger.repository.get(UUID(village.proposal_id)).submitted_by

    answer = console.step(
        "submit",
        process_id=village.process_id,
        title="Sumur bor RT 07",
        body="Sumur bor dalam untuk RT 07.",
        submitted_by=str(proposer),
        addresses=[finding_id],
    )

    assert answer["ok"] is True, answer
    assert the_ledger.repository.get(UUID(answer["id"])).addresses == [finding_id]


# --- the portal ----------------------------------------------------------------------------------------------------


def test_the_portal_shows_needs_by_sector_and_group_what_answers_them_and_the_unanswered_naming_nobody(
    app: Flask, console: Console, facilitator: Caller, village: Village, the_ledger: Mufakat
) -> None:
    assessment_id = _started(console, village)
    console.step("record_finding", assessment_id=assessment_id, **WATER)
    console.step(
        "record_finding",
        assessment_id=assessment_id,
        kind="need",
        title="Ruang laktasi di balai desa",
        sector="2.2",
        groups=["women"],
    )
    console.step(
        "record_finding", assessment_id=assessment_id, kind="potential", title="Mata air Tuk Sibeji", sector="2.3"
    )
    findings = the_ledger.repository.get(UUID(assessment_id)).findings
    water = next(fid for fid, f in findings.items() if f["title"] == "Air bersih di musim kemarau")
    console.step("link_findings", proposal_id=village.proposal_id, addresses=[water])
    adopt_by_consensus(facilitator, village)

    page = app.test_client().get(f"/proses/{village.process_id}/kebutuhan")

    assert page.status_code == 200
    html = page.text
    gap = html.split('id="gap-title"')[1].split("</section>")[0]
    assert "Ruang laktasi di balai desa" in gap and "Air bersih di musim kemarau" not in gap  # answered
    assert re.search(r"<h3>Perempuan <span class=\"count\">\(1\)</span></h3>", gap)
    by_sector = html.split('id="sector-title"')[1].split("</table>")[0]
    assert "2.3 Pekerjaan Umum dan Penataan Ruang" in by_sector and "2.2 Kesehatan" in by_sector
    assert "<caption>" in by_sector and 'aria-hidden="true"' in by_sector  # bars beside numbers a reader hears
    everything = html.split('id="all-title"')[1].split("</section>")[0]
    proposal_title = the_ledger.repository.get(UUID(village.proposal_id)).title
    assert f'/keputusan/{village.proposal_id}">{proposal_title}</a>' in everything
    assert "lansia &lt;3" in html or "lansia <3" in html  # 2 elderly respondents: suppressed
    for person in ("Ibu Siti Aminah", "Pak Budi Santoso", "Mbak Dewi Lestari", "Mas Agus Salim"):
        assert person not in html
    assert "Pendamping Desa Sukamaju" not in html  # nor the facilitator who typed it in
    assert f"/proses/{village.process_id}/kebutuhan" in app.test_client().get(f"/proses/{village.process_id}").text
    decision = app.test_client().get(f"/keputusan/{village.proposal_id}").text
    answers = decision.split('id="answers-title"')[1].split("</section>")[0]
    assert "Kebutuhan: Air bersih di musim kemarau" in answers  # the decision names the need it answers


def test_the_needs_page_of_a_restricted_or_unknown_process_is_not_found(app: Flask, facilitator: Caller) -> None:
    from http_callers import start_village

    restricted = start_village(facilitator, "restricted")

    assert app.test_client().get(f"/proses/{restricted.process_id}/kebutuhan").status_code == 404
    assert app.test_client().get("/proses/00000000-0000-0000-0000-000000000009/kebutuhan").status_code == 404


def test_a_finding_that_names_a_registered_participant_is_refused_until_the_name_is_said_to_be_public(
    console: Console, village: Village, the_ledger: Mufakat
) -> None:
    assessment_id = _started(console, village)
    before = _events(the_ledger, assessment_id)
    named = {**WATER, "title": "Sumur Ibu Siti Aminah kering"}

    refused = console.step("record_finding", assessment_id=assessment_id, **named)

    assert (refused["ok"], refused["code"], refused["fields"]) == (False, "statement_names_a_participant", ["title"])
    assert _events(the_ledger, assessment_id) == before
    page = console.page(f"/console/kajian/{assessment_id}")
    assert 'id="finding-names-public"' in page  # the form offers the box "this name may be shown in public"
    allowed = console.step("record_finding", assessment_id=assessment_id, **named, names_are_public="on")
    assert allowed["ok"] is True
