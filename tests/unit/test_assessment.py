"""An assessment (kajian kebutuhan dan potensi): its respondents, evidence, findings, errata and withdrawals, and
the proposals that address its findings. Every rule is broken once here, by its code."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest

from domain.assessment import Assessment
from domain.errors import PartOfAssessmentNotFound
from domain.sectors import BY_CODE, SECTOR_CODES, sector_name

from .builders import FACILITATOR, assert_refused, moment, open_process, submit_proposal

PHOTO = "a" * 64
SCAN = "b" * 64


def start(respondents: list[dict[str, Any]] | None = None, method: str = "fgd") -> Assessment:
    """An FGD of the women's group of Dusun Krajan, 14 women and 2 elderly men."""
    return Assessment.start(
        id=uuid4(),
        process_id=uuid4(),
        title="FGD kelompok perempuan Dusun Krajan",
        method=method,
        meeting_id=None,
        respondents=respondents
        if respondents is not None
        else [{"group": "women", "gender": "female", "count": 14}, {"group": "elderly", "gender": "male", "count": 2}],
        actor=FACILITATOR,
        occurred_at=moment(),
    )


def record_need(assessment: Assessment, evidence: tuple[str, ...] = ()) -> UUID:
    finding_id = uuid4()
    assessment.record_finding(
        finding_id,
        "need",
        "Air bersih di musim kemarau",
        "Sumur RT 07 kering Agustus-Oktober",
        "2.3",
        {"dusun": "Krajan", "rt": "07"},
        ["women", "elderly"],
        list(evidence),
        FACILITATOR,
        occurred_at=moment(),
    )
    return finding_id


def test_an_assessment_records_its_method_and_respondents_and_starts_open() -> None:
    assessment = start()

    assert assessment.method == "fgd"
    assert assessment.status == "open"
    assert assessment.respondent_count == 16
    assert assessment.respondents[1] == {"group": "elderly", "gender": "male", "count": 2}


@pytest.mark.parametrize(
    "respondents",
    [
        [{"group": "fishers", "gender": None, "count": 3}],
        [{"group": "women", "gender": "other", "count": 3}],
        [{"group": "women", "gender": "female", "count": 0}],
        [{"group": "women", "gender": "female", "count": True}],
    ],
)
def test_respondents_are_counted_in_the_domains_groups_and_genders_at_least_once(
    respondents: list[dict[str, Any]],
) -> None:
    with pytest.raises(Exception) as raised:
        start(respondents)

    assert getattr(raised.value, "code", None) == "value_not_allowed"


def test_a_method_outside_the_list_is_refused() -> None:
    with pytest.raises(Exception) as raised:
        start(method="gossip")

    assert getattr(raised.value, "code", None) == "value_not_allowed"


def test_respondents_of_one_group_and_gender_are_counted_in_one_row() -> None:
    twice = [{"group": "women", "gender": "female", "count": 4}, {"group": "women", "gender": "female", "count": 5}]

    with pytest.raises(Exception) as raised:
        start(twice)

    assert getattr(raised.value, "code", None) == "respondents_counted_twice"


def test_a_finding_keeps_its_kind_sector_location_groups_and_evidence() -> None:
    assessment = start()
    assessment.attach_evidence(PHOTO, "peta.jpg", "image/jpeg", 1200, FACILITATOR, occurred_at=moment())
    finding_id = record_need(assessment, (PHOTO,))

    finding = assessment.finding(finding_id)
    assert (finding["kind"], finding["sector"], finding["groups"]) == ("need", "2.3", ["women", "elderly"])
    assert finding["location"] == {"dusun": "Krajan", "rt": "07"}
    assert finding["evidence"] == [PHOTO]
    assert assessment.is_cited(PHOTO) is True


def test_a_finding_cites_only_evidence_attached_to_its_assessment() -> None:
    assessment = start()

    assert_refused(assessment, "evidence_not_attached", lambda: record_need(assessment, (SCAN,)))


@pytest.mark.parametrize(
    ("kind", "sector", "location", "groups"),
    [
        ("wish", None, None, []),
        ("need", "9.9", None, []),
        ("need", None, {"kecamatan": "Sukamaju"}, []),
        ("need", None, None, ["fishers"]),
    ],
)
def test_a_finding_outside_the_vocabulary_is_refused(
    kind: str, sector: str | None, location: dict[str, str] | None, groups: list[str]
) -> None:
    assessment = start()

    assert_refused(
        assessment,
        "value_not_allowed",
        lambda: assessment.record_finding(
            uuid4(), kind, "Judul", None, sector, location, groups, [], FACILITATOR, occurred_at=moment()
        ),
    )


def test_evidence_is_attached_once_and_only_as_jpeg_png_or_pdf() -> None:
    assessment = start()

    assert assessment.attach_evidence(SCAN, "kuesioner.pdf", "application/pdf", 9, FACILITATOR, occurred_at=moment())
    version = assessment.version
    assert not assessment.attach_evidence(SCAN, "lagi.pdf", "application/pdf", 9, FACILITATOR, occurred_at=moment())
    assert assessment.version == version
    assert_refused(
        assessment,
        "value_not_allowed",
        lambda: assessment.attach_evidence(PHOTO, "x.gif", "image/gif", 9, FACILITATOR, occurred_at=moment()),
    )
    assert_refused(
        assessment,
        "value_not_allowed",
        lambda: assessment.attach_evidence("XYZ", "x.pdf", "application/pdf", 9, FACILITATOR, occurred_at=moment()),
    )


def test_a_closed_assessment_takes_no_more_findings_nor_evidence_and_closes_once() -> None:
    assessment = start()
    record_need(assessment)
    assessment.close(FACILITATOR, occurred_at=moment())

    assert assessment.status == "closed"
    assert_refused(assessment, "assessment_closed", lambda: record_need(assessment))
    assert_refused(
        assessment,
        "assessment_closed",
        lambda: assessment.attach_evidence(PHOTO, "p.jpg", "image/jpeg", 9, FACILITATOR, occurred_at=moment()),
    )
    assert_refused(assessment, "assessment_closed", lambda: assessment.close(FACILITATOR, occurred_at=moment()))


def test_nothing_happens_before_the_assessment_began_nor_closes_before_its_latest_finding() -> None:
    assessment = start()
    earlier = assessment.started_at - timedelta(hours=1)
    finding_id = record_need(assessment)
    recorded_at = assessment.finding(finding_id)["recorded_at"]

    assert_refused(
        assessment,
        "occurred_out_of_order",
        lambda: assessment.record_finding(
            uuid4(), "need", "Jalan", None, None, None, [], [], FACILITATOR, occurred_at=earlier
        ),
    )
    assert_refused(
        assessment,
        "occurred_out_of_order",
        lambda: assessment.close(FACILITATOR, occurred_at=recorded_at - timedelta(seconds=1)),
    )
    assert_refused(
        assessment,
        "occurred_out_of_order",
        lambda: assessment.withdraw_finding(
            finding_id, "salah", FACILITATOR, occurred_at=recorded_at - timedelta(seconds=1)
        ),
    )


def test_an_erratum_shows_the_corrected_text_and_keeps_the_original_in_its_event() -> None:
    assessment = start()
    finding_id = record_need(assessment)
    recorded = assessment.collect_events()[-1]
    assessment.correct_finding(
        finding_id, "title", "Air bersih RT 07", "salah salin", FACILITATOR, occurred_at=moment()
    )

    assert assessment.finding(finding_id)["title"] == "Air bersih RT 07"
    assert assessment.finding(finding_id)["corrections"]["title"]["reason"] == "salah salin"
    assert getattr(recorded, "title") == "Air bersih di musim kemarau"
    assert_refused(
        assessment,
        "nothing_to_correct",
        lambda: assessment.correct_finding(finding_id, "kind", "potential", "x", FACILITATOR, occurred_at=moment()),
    )


def test_a_withdrawn_finding_stays_on_record_and_takes_no_more_steps() -> None:
    assessment = start()
    assessment.attach_evidence(PHOTO, "peta.jpg", "image/jpeg", 1200, FACILITATOR, occurred_at=moment())
    finding_id = record_need(assessment, (PHOTO,))
    assessment.withdraw_finding(finding_id, "Tercatat dua kali", FACILITATOR, occurred_at=moment())

    assert assessment.finding(finding_id)["withdrawn"]["reason"] == "Tercatat dua kali"
    assert assessment.is_cited(PHOTO) is False
    assert_refused(
        assessment,
        "finding_withdrawn",
        lambda: assessment.withdraw_finding(finding_id, "lagi", FACILITATOR, occurred_at=moment()),
    )
    assert_refused(
        assessment,
        "finding_withdrawn",
        lambda: assessment.correct_finding(finding_id, "title", "x", "y", FACILITATOR, occurred_at=moment()),
    )


def test_a_finding_the_assessment_does_not_have_is_not_found() -> None:
    assessment = start()
    missing = uuid4()

    with pytest.raises(PartOfAssessmentNotFound) as raised:
        assessment.withdraw_finding(missing, "x", FACILITATOR, occurred_at=moment())

    assert raised.value.part_id == str(missing)


def test_an_assessment_replays_to_the_same_state() -> None:
    assessment = start()
    finding_id = record_need(assessment)
    assessment.correct_finding(finding_id, "description", "Sumur kering", "ralat", FACILITATOR, occurred_at=moment())
    events = assessment.collect_events()

    replayed = None
    for stored in events:
        replayed = stored.mutate(replayed)

    assert isinstance(replayed, Assessment)
    assert replayed.findings == assessment.findings
    assert replayed.respondents == assessment.respondents


# --- the process keeps its assessments; a proposal addresses findings ---------------------------------------------


def test_a_process_lists_its_assessments_in_order_and_a_closed_one_takes_none() -> None:
    process = open_process()
    first, second = uuid4(), uuid4()
    process.start_assessment(first, FACILITATOR, occurred_at=moment())
    process.start_assessment(second, FACILITATOR, occurred_at=moment())
    process.close(FACILITATOR, occurred_at=moment())

    assert process.assessment_ids == [first, second]
    assert_refused(
        process, "process_closed", lambda: process.start_assessment(uuid4(), FACILITATOR, occurred_at=moment())
    )


def _address(kind: str = "need") -> dict[str, str]:
    return {"finding_id": str(uuid4()), "assessment_id": str(uuid4()), "kind": kind, "title": "Air bersih"}


def test_a_proposal_addresses_each_finding_once() -> None:
    proposal = submit_proposal()
    need, potential = _address(), _address("potential")
    proposal.link_findings([need, potential], FACILITATOR, occurred_at=moment())

    assert proposal.addresses == [need["finding_id"], potential["finding_id"]]
    assert_refused(
        proposal, "finding_already_addressed", lambda: proposal.link_findings([need], FACILITATOR, occurred_at=moment())
    )
    again = _address()
    assert_refused(
        proposal,
        "finding_already_addressed",
        lambda: proposal.link_findings([again, again], FACILITATOR, occurred_at=moment()),
    )
    assert_refused(proposal, "value_not_allowed", lambda: proposal.link_findings([], FACILITATOR, occurred_at=moment()))


def test_a_decided_proposal_takes_no_more_links() -> None:
    proposal = submit_proposal()
    proposal.decide("deferred", "none", "Menunggu kajian", open_process().rules, moment(), FACILITATOR)

    assert_refused(
        proposal,
        "proposal_already_decided",
        lambda: proposal.link_findings([_address()], FACILITATOR, occurred_at=moment()),
    )


# --- sectors ---------------------------------------------------------------------------------------------------


def test_every_sub_bidang_belongs_to_a_bidang_of_the_table_and_has_both_names() -> None:
    assert {code for code in SECTOR_CODES if "." not in code} == {"1", "2", "3", "4", "5"}
    assert all(BY_CODE[code].bidang in BY_CODE for code in SECTOR_CODES)
    assert sector_name("2.3") == "Pekerjaan Umum dan Penataan Ruang"
    assert sector_name("2.3", "en") == "Public works and spatial planning"
    assert sector_name(None) is None
