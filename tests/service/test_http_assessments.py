"""A needs and potential assessment (kajian) over HTTP: recorded from paper, its evidence photos kept without
their GPS, its findings traced to the proposals that answer them, and what outsiders read of it."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import pytest
from http_callers import Caller, Village, adopt_by_consensus, start_village
from PIL import Image

GPS_IFD = 0x8825


def fgd(village: Village, **more: Any) -> dict[str, Any]:
    """The FGD of the women's group and the fishers: 12 women, 2 fishermen."""
    return {
        "title": "FGD kelompok perempuan dan nelayan",
        "method": "fgd",
        "respondents": [
            {"group": "women", "gender": "female", "count": 12},
            {"group": "resident", "gender": "male", "count": 2},
        ],
        **more,
    }


def need(**more: Any) -> dict[str, Any]:
    return {
        "kind": "need",
        "title": "Air bersih di musim kemarau",
        "description": "Sumur RT 07 kering dari Agustus sampai Oktober.",
        "sector": "2.3",
        "location": {"dusun": "Krajan", "rt": "07"},
        "groups": ["women"],
        **more,
    }


def photo_with_gps() -> bytes:
    """A JPEG whose EXIF says where it was taken (a house in Dusun Krajan) and by which phone."""
    image = Image.new("RGB", (64, 48), (200, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "HP Pendamping"  # Make
    exif[GPS_IFD] = {1: "S", 2: (7.0, 15.0, 30.0), 3: "E", 4: (110.0, 20.0, 5.0)}
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    taken = out.getvalue()
    assert Image.open(io.BytesIO(taken)).getexif().get_ifd(GPS_IFD)  # the sample does carry a position
    return taken


def upload(caller: Caller, assessment_id: str, content: bytes, name: str = "peta-sosial.jpg", **headers: str) -> Any:
    return caller.client.post(
        f"/api/v1/assessments/{assessment_id}/evidence",
        data={"file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
        headers=caller._headers(headers),
    )


@pytest.fixture
def assessment(facilitator: Caller, village: Village) -> dict[str, Any]:
    return facilitator.created(f"/processes/{village.process_id}/assessments", fgd(village))


# --- recording an assessment --------------------------------------------------------------------------------------


def test_a_facilitator_records_an_assessment_from_paper_with_its_findings_and_closes_it(
    facilitator: Caller, village: Village
) -> None:
    # The FGD was held at the village's open meeting.
    answer = facilitator.post(
        f"/processes/{village.process_id}/assessments", fgd(village, meeting_id=village.meeting_id)
    )
    assert answer.status_code == 201
    body = answer.get_json()
    assert answer.headers["Location"] == f"/api/v1/assessments/{body['id']}"
    assert (body["method"], body["status"], body["meeting_id"]) == ("fgd", "open", village.meeting_id)
    assert body["respondents"] == [
        {"group": "women", "gender": "female", "count": 12},
        {"group": "resident", "gender": "male", "count": 2},
    ]

    recorded = facilitator.created(f"/assessments/{body['id']}/findings", need())
    finding = recorded["findings"][0]
    assert finding["finding_id"] == recorded["finding_id"]
    assert (finding["sector"], finding["sector_name"]) == ("2.3", "Public works and spatial planning")
    in_bahasa = facilitator.get(f"/assessments/{body['id']}", headers={"Accept-Language": "id"}).get_json()
    assert in_bahasa["findings"][0]["sector_name"] == "Pekerjaan Umum dan Penataan Ruang"
    assert finding["groups"] == ["women"] and finding["location"] == {"dusun": "Krajan", "rt": "07"}

    closed = facilitator.ok(f"/assessments/{body['id']}/close")
    assert closed["status"] == "closed"
    assert facilitator.post(f"/assessments/{body['id']}/findings", need()).get_json()["code"] == "assessment_closed"
    listed = facilitator.get(f"/processes/{village.process_id}/assessments").get_json()
    assert [item["id"] for item in listed["items"]] == [body["id"]]


def test_a_step_keeps_when_it_happened_and_refuses_one_before_the_assessment_began(
    facilitator: Caller, village: Village
) -> None:
    started = facilitator.created(
        f"/processes/{village.process_id}/assessments", fgd(village, occurred_at="2026-08-01T09:00:00+07:00")
    )
    assert started["started_at"] == "2026-08-01T02:00:00Z"

    early = facilitator.post(f"/assessments/{started['id']}/findings", need(occurred_at="2026-07-31T09:00:00+07:00"))
    assert (early.status_code, early.get_json()["code"]) == (409, "occurred_out_of_order")


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"title": "Kajian", "method": "gossip"}, 422, "validation_failed"),
        (
            {"title": "Kajian", "method": "fgd", "respondents": [{"group": "women", "count": 0}]},
            422,
            "validation_failed",
        ),
        (
            {
                "title": "Kajian",
                "method": "survey",
                "respondents": [{"group": "women", "gender": "female", "count": 3}] * 2,
            },
            409,
            "respondents_counted_twice",
        ),
    ],
)
def test_an_assessment_outside_the_rules_is_refused_and_records_nothing(
    facilitator: Caller, village: Village, body: dict[str, Any], status: int, code: str
) -> None:
    answer = facilitator.post(f"/processes/{village.process_id}/assessments", body)

    assert (answer.status_code, answer.get_json()["code"]) == (status, code)
    assert facilitator.get(f"/processes/{village.process_id}/assessments").get_json()["items"] == []


def test_a_refusal_is_worded_in_bahasa_indonesia(facilitator: Caller, village: Village) -> None:
    twice = [{"group": "women", "gender": "female", "count": 3}] * 2
    answer = facilitator.post(
        f"/processes/{village.process_id}/assessments",
        {"title": "Kajian", "method": "survey", "respondents": twice},
        headers={"Accept-Language": "id"},
    )

    assert answer.get_json()["detail"] == "responden kelompok women dengan jenis kelamin female terhitung dua kali"


def test_a_finding_cites_only_evidence_attached_to_its_assessment(
    facilitator: Caller, assessment: dict[str, Any]
) -> None:
    answer = facilitator.post(f"/assessments/{assessment['id']}/findings", need(evidence=[{"sha256": "a" * 64}]))

    assert (answer.status_code, answer.get_json()["code"]) == (409, "evidence_not_attached")


def test_a_finding_of_an_unknown_sector_is_refused(facilitator: Caller, assessment: dict[str, Any]) -> None:
    answer = facilitator.post(f"/assessments/{assessment['id']}/findings", need(sector="9.1"))

    assert answer.status_code == 422
    assert "sector" in answer.get_json()["errors"]


def test_only_those_who_hold_the_process_record_in_it(partner: Caller, assessment: dict[str, Any]) -> None:
    answer = partner.post(f"/assessments/{assessment['id']}/findings", need())

    assert (answer.status_code, answer.get_json()["code"]) == (403, "forbidden")


def test_a_retried_finding_is_recorded_once_and_a_stale_if_match_is_refused(
    facilitator: Caller, assessment: dict[str, Any]
) -> None:
    path = f"/assessments/{assessment['id']}/findings"
    first = facilitator.post(path, need(), headers={"Idempotency-Key": "temuan-1"})
    again = facilitator.post(path, need(), headers={"Idempotency-Key": "temuan-1"})
    reused = facilitator.post(path, need(title="Lain"), headers={"Idempotency-Key": "temuan-1"})
    stale = facilitator.post(path, need(), headers={"If-Match": str(assessment["version"])})

    assert first.get_json()["finding_id"] == again.get_json()["finding_id"]
    assert len(facilitator.get(f"/assessments/{assessment['id']}").get_json()["findings"]) == 1
    assert (reused.status_code, reused.get_json()["code"]) == (422, "idempotency_key_reused")
    assert (stale.status_code, stale.get_json()["code"]) == (412, "version_mismatch")


def test_a_finding_is_corrected_and_withdrawn_never_overwritten(
    facilitator: Caller, assessment: dict[str, Any]
) -> None:
    finding_id = facilitator.created(f"/assessments/{assessment['id']}/findings", need())["finding_id"]
    base = f"/assessments/{assessment['id']}/findings/{finding_id}"

    corrected = facilitator.ok(f"{base}/corrections", {"field": "title", "text": "Air bersih RT 07", "reason": "ralat"})
    assert corrected["findings"][0]["title"] == "Air bersih RT 07"
    assert corrected["findings"][0]["corrected"] == ["title"]
    withdrawn = facilitator.ok(f"{base}/withdraw", {"reason": "Tercatat dua kali"})
    assert withdrawn["findings"][0]["status"] == "withdrawn"
    assert withdrawn["findings"][0]["withdrawal"]["reason"] == "Tercatat dua kali"
    again = facilitator.post(f"{base}/withdraw", {"reason": "lagi"})
    assert (again.status_code, again.get_json()["code"]) == (409, "finding_withdrawn")
    missing = facilitator.post(f"/assessments/{assessment['id']}/findings/{assessment['id']}/withdraw", {"reason": "x"})
    assert missing.status_code == 404


def test_a_description_naming_a_participant_is_refused_unless_the_name_is_public(
    facilitator: Caller, assessment: dict[str, Any]
) -> None:
    named = need(description="Ibu Siti Aminah mengambil air 2 km setiap hari.")
    refused = facilitator.post(f"/assessments/{assessment['id']}/findings", named)
    assert (refused.status_code, refused.get_json()["code"]) == (422, "statement_names_a_participant")
    assert "description" in refused.get_json()["errors"]
    assert "Siti" not in str(refused.get_json())

    facilitator.created(f"/assessments/{assessment['id']}/findings", {**named, "names_are_public": True})


# --- evidence files -------------------------------------------------------------------------------------------------


@pytest.mark.both_stores
def test_a_photo_comes_back_without_its_gps_and_outsiders_see_it_only_once_a_finding_cites_it(
    facilitator: Caller, anonymous: Caller, assessment: dict[str, Any]
) -> None:
    answer = upload(facilitator, assessment["id"], photo_with_gps())
    assert answer.status_code == 201, answer.get_json()
    sha256 = answer.get_json()["sha256"]
    assert answer.get_json()["evidence"][0]["sha256"] == sha256
    path = f"/assessments/{assessment['id']}/evidence/{sha256}"

    served = facilitator.get(path)
    assert (served.status_code, served.mimetype) == (200, "image/jpeg")
    exif = Image.open(io.BytesIO(served.data)).getexif()
    assert dict(exif) == {} and exif.get_ifd(GPS_IFD) == {}
    assert anonymous.get(path).status_code == 404  # attached, cited by no finding: not public

    facilitator.created(f"/assessments/{assessment['id']}/findings", need(evidence=[{"sha256": sha256}]))
    assert anonymous.get(path).data == served.data
    # The same photo again attaches nothing new.
    assert (
        upload(facilitator, assessment["id"], photo_with_gps()).get_json()["version"]
        == (facilitator.get(f"/assessments/{assessment['id']}").get_json()["version"])
    )


@pytest.mark.parametrize(
    ("content", "status", "code"),
    [
        (b"GIF89a" + bytes(100), 415, "unsupported_media_type"),
        (b"\xff\xd8\xff" + b"not really a photo", 415, "unsupported_media_type"),
        (b"%PDF-1.4\n" + bytes(10 * 1024 * 1024), 413, "payload_too_large"),
    ],
    ids=["gif", "broken-jpeg", "pdf-over-10-mb"],
)
def test_a_file_that_is_not_evidence_is_refused_and_attaches_nothing(
    facilitator: Caller, assessment: dict[str, Any], content: bytes, status: int, code: str
) -> None:
    answer = upload(facilitator, assessment["id"], content, "berkas")

    assert answer.status_code == status
    assert answer.mimetype == "application/problem+json"
    assert answer.get_json()["code"] == code
    assert facilitator.get(f"/assessments/{assessment['id']}").get_json()["evidence"] == []


def test_evidence_is_sent_as_a_form_not_as_json(facilitator: Caller, assessment: dict[str, Any]) -> None:
    answer = facilitator.post(f"/assessments/{assessment['id']}/evidence", {"file": "x"})

    assert (answer.status_code, answer.get_json()["code"]) == (415, "unsupported_media_type")


def test_a_pdf_is_kept_as_sent(facilitator: Caller, assessment: dict[str, Any]) -> None:
    scan = b"%PDF-1.4\n% kuesioner\n%%EOF\n"
    sha256 = upload(facilitator, assessment["id"], scan, "kuesioner.pdf").get_json()["sha256"]

    served = facilitator.get(f"/assessments/{assessment['id']}/evidence/{sha256}")
    assert (served.data, served.mimetype) == (scan, "application/pdf")


# --- traceability ---------------------------------------------------------------------------------------------------


@pytest.mark.both_stores
def test_the_needs_no_adopted_proposal_answers_are_listed_by_group_until_one_is_adopted(
    facilitator: Caller, anonymous: Caller, village: Village, assessment: dict[str, Any]
) -> None:
    water = facilitator.created(f"/assessments/{assessment['id']}/findings", need())["finding_id"]
    road = facilitator.created(
        f"/assessments/{assessment['id']}/findings", need(title="Jalan tani rusak", groups=["resident"])
    )["finding_id"]
    spring = facilitator.created(
        f"/assessments/{assessment['id']}/findings", need(kind="potential", title="Mata air Sendang")
    )["finding_id"]

    # The village's proposal answers the water need and builds on the spring.
    linked = facilitator.ok(f"{village.proposal}/links", {"addresses": [water, spring]})
    assert linked["addresses"] == [water, spring]
    findings = facilitator.get(f"/processes/{village.process_id}/findings").get_json()
    assert {item["finding_id"]: item["addressed_by"] for item in findings["items"]} == {
        water: [village.proposal_id],
        road: [],
        spring: [village.proposal_id],
    }
    unanswered = anonymous.get(f"/processes/{village.process_id}/findings", unanswered="true").get_json()
    assert [item["finding_id"] for item in unanswered["items"]] == [water, road]
    assert unanswered["by_group"] == {"resident": 1, "women": 1}

    adopt_by_consensus(facilitator, village)
    unanswered = anonymous.get(f"/processes/{village.process_id}/findings", unanswered="true").get_json()
    assert [item["finding_id"] for item in unanswered["items"]] == [road]
    assert unanswered["by_group"] == {"resident": 1}

    # The decision's feed item and its history name the needs it answers.
    item = next(i for i in anonymous.get("/feed", process_id=village.process_id).get_json()["items"])
    assert [(a["finding_id"], a["kind"], a["title"]) for a in item["addresses"]] == [
        (water, "need", "Air bersih di musim kemarau"),
        (spring, "potential", "Mata air Sendang"),
    ]
    history = facilitator.get(f"{village.proposal}/history", headers={"Accept-Language": "id"}).get_json()["items"]
    assert any("Air bersih di musim kemarau" in step["summary"] for step in history)


def test_a_proposal_submitted_with_the_needs_it_answers_links_them(
    facilitator: Caller, village: Village, assessment: dict[str, Any]
) -> None:
    water = facilitator.created(f"/assessments/{assessment['id']}/findings", need())["finding_id"]

    proposal = facilitator.created(
        f"/processes/{village.process_id}/proposals",
        {
            "title": "Sumur bor RT 07",
            "body": "Sumur bor.",
            "submitted_by": village.participants[0],
            "addresses": [water],
        },
    )

    assert proposal["addresses"] == [water]
    # Its history names the need it answers, right after its submission.
    history = facilitator.get(f"/proposals/{proposal['id']}/history", headers={"Accept-Language": "id"}).get_json()
    assert [step["type"] for step in history["items"]][:2] == ["Submitted", "FindingsLinked"]
    assert "Air bersih di musim kemarau" in history["items"][1]["summary"]
    again = facilitator.post(f"/proposals/{proposal['id']}/links", {"addresses": [water]})
    assert (again.status_code, again.get_json()["code"]) == (409, "finding_already_addressed")


def test_a_finding_of_another_process_is_422_and_links_nothing(
    facilitator: Caller, village: Village, assessment: dict[str, Any]
) -> None:
    elsewhere = start_village(facilitator)
    other = facilitator.created(f"/processes/{elsewhere.process_id}/assessments", fgd(elsewhere))
    theirs = facilitator.created(f"/assessments/{other['id']}/findings", need())["finding_id"]

    answer = facilitator.post(f"{village.proposal}/links", {"addresses": [theirs]})
    submitted = facilitator.post(
        f"/processes/{village.process_id}/proposals",
        {"title": "Sumur", "body": "Sumur.", "submitted_by": village.participants[0], "addresses": [theirs]},
    )

    assert (answer.status_code, answer.get_json()["code"]) == (422, "validation_failed")
    assert theirs in answer.get_json()["errors"]["addresses"][0]
    assert submitted.status_code == 422
    assert facilitator.get(village.proposal).get_json()["addresses"] == []
    listed = facilitator.get(f"/processes/{village.process_id}/proposals").get_json()["items"]
    assert len(listed) == 1


def test_a_withdrawn_finding_is_addressed_by_no_proposal(
    facilitator: Caller, village: Village, assessment: dict[str, Any]
) -> None:
    water = facilitator.created(f"/assessments/{assessment['id']}/findings", need())["finding_id"]
    facilitator.ok(f"/assessments/{assessment['id']}/findings/{water}/withdraw", {"reason": "Tercatat dua kali"})

    answer = facilitator.post(f"{village.proposal}/links", {"addresses": [water]})

    assert (answer.status_code, answer.get_json()["code"]) == (409, "finding_withdrawn")


# --- what outsiders see ---------------------------------------------------------------------------------------------


def test_outsiders_read_findings_and_groups_with_small_respondent_counts_hidden_and_nobody_named(
    facilitator: Caller, anonymous: Caller, partner: Caller, village: Village, assessment: dict[str, Any]
) -> None:
    facilitator.created(f"/assessments/{assessment['id']}/findings", need())
    insider = facilitator.get(f"/assessments/{assessment['id']}").get_json()

    for outsider in (anonymous, partner):
        seen = outsider.get(f"/assessments/{assessment['id']}").get_json()
        assert seen["findings"][0]["groups"] == ["women"]
        # 2 men of 14: shown as "<3", and the 12 women withheld too, or 14 - 12 would give them away.
        assert seen["respondent_counts"]["total"] == 14
        assert seen["respondent_counts"]["by_group"] == {"women": "≥3", "resident": "<3"}
        assert seen["respondent_counts"]["by_gender"] == {"female": "≥3", "male": "<3"}
        assert {row["count"] for row in seen["respondents"]} == {"≥3", "<3"}
        assert "Pendamping" not in str(seen)
    assert insider["respondent_counts"]["by_group"] == {"women": 12, "resident": 2}


def test_a_restricted_process_keeps_its_assessments_from_outsiders(
    facilitator: Caller, anonymous: Caller, partner: Caller
) -> None:
    village = start_village(facilitator, visibility="restricted")
    hidden = facilitator.created(f"/processes/{village.process_id}/assessments", fgd(village))

    for outsider in (anonymous, partner):
        assert outsider.get(f"/assessments/{hidden['id']}").status_code == 404
        assert outsider.get(f"/processes/{village.process_id}/findings").status_code == 404


def test_a_findings_description_is_stored_sealed_like_a_contribution(
    facilitator: Caller, the_ledger: Any, assessment: dict[str, Any]
) -> None:
    facilitator.created(
        f"/assessments/{assessment['id']}/findings", need(description="Sumur kering di RT 07 sejak Agustus")
    )

    stored = b"".join(n.state for n in the_ledger.recorder.select_notifications(start=None, limit=1000))
    read_back = facilitator.get(f"/assessments/{assessment['id']}").get_json()["findings"][0]

    assert b"Sumur kering di RT 07" not in stored  # sealed under a key of its own: a redaction can destroy it
    assert read_back["description"] == "Sumur kering di RT 07 sejak Agustus"


# --- when a file was attached (occurred_at, like every other step) ------------------------------------------------


def _upload_at(caller: Caller, assessment_id: str, when: str) -> Any:
    return caller.client.post(
        f"/api/v1/assessments/{assessment_id}/evidence",
        data={"file": (io.BytesIO(photo_with_gps()), "sketsa.jpg"), "occurred_at": when},
        content_type="multipart/form-data",
        headers=caller._headers({}),
    )


def test_evidence_attached_says_when_it_was_attached(
    facilitator: Caller, the_ledger: Any, assessment: dict[str, Any]
) -> None:
    when = datetime.now(UTC)

    answer = _upload_at(facilitator, assessment["id"], when.isoformat())

    assert answer.status_code == 201, answer.get_json()
    (attached,) = [
        event
        for event in the_ledger.repository.event_store.get(UUID(assessment["id"]))
        if type(event).__name__ == "EvidenceAttached"
    ]
    assert attached.occurred_at == when


@pytest.mark.parametrize(
    ("when", "status", "code"),
    [
        ("kemarin sore", 422, "validation_failed"),
        ("2199-01-01T10:00:00+07:00", 422, "validation_failed"),
        ("2020-01-01T10:00:00+07:00", 409, "occurred_out_of_order"),
    ],
    ids=["not-a-time", "in-the-future", "before-the-assessment"],
)
def test_evidence_attached_at_a_time_that_cannot_be_is_refused_and_attaches_nothing(
    facilitator: Caller, assessment: dict[str, Any], when: str, status: int, code: str
) -> None:
    answer = _upload_at(facilitator, assessment["id"], when)

    assert (answer.status_code, answer.get_json()["code"]) == (status, code)
    assert facilitator.get(f"/assessments/{assessment['id']}").get_json()["evidence"] == []
