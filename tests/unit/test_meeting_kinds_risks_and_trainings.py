"""Meetings have a kind; a training is evaluated by its attendees; a commitment's risks are identified and reviewed;
a partner may own a commitment."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import uuid4

import pytest

from domain.commitment import Commitment
from domain.errors import RiskNotFound, RuleBroken
from domain.evaluation import Evaluation
from domain.meeting import Meeting
from projections.registry import entry

from .builders import FACILITATOR, assert_refused, moment, schedule_meeting


def _training(kind: str = "training") -> Meeting:
    meeting = Meeting.schedule(
        uuid4(),
        uuid4(),
        "Pelatihan pembukuan BUMDes",
        datetime(2027, 3, 1, 9, 0, tzinfo=UTC),
        "Balai desa",
        None,
        FACILITATOR,
        occurred_at=moment(),
        kind=kind,
    )
    meeting.collect_events()
    return meeting


def _commitment() -> Commitment:
    commitment = Commitment.make(
        uuid4(), uuid4(), uuid4(), "adopted", "Kaur", "Jalan", date(2027, 9, 30), [], FACILITATOR, occurred_at=moment()
    )
    commitment.collect_events()
    return commitment


# --- kinds of meeting ------------------------------------------------------------------------------------------


def test_a_meeting_is_a_musyawarah_unless_scheduled_as_another_kind() -> None:
    assert schedule_meeting().kind == "musyawarah"
    assert _training().kind == "training"
    assert _training("monitoring").kind == "monitoring"


def test_a_meeting_of_an_unknown_kind_is_not_scheduled() -> None:
    with pytest.raises(RuleBroken) as refused:
        _training("arisan")

    assert refused.value.code == "value_not_allowed"


def test_only_a_training_is_evaluated_as_a_training() -> None:
    assert_refused(_training("fgd"), "meeting_not_a_training", _training("fgd").ensure_training)
    _training().ensure_training()


def test_a_meeting_scheduled_before_kinds_existed_reads_as_a_musyawarah() -> None:
    event: dict[str, Any] = {"title": "Musdes I"}
    snapshot: dict[str, Any] = {"title": "Musdes I"}

    Meeting.Scheduled.upcast_v2_v3(event)
    Meeting.upcast_v4_v5(snapshot)

    assert event == {"title": "Musdes I", "kind": "musyawarah"} == snapshot


# --- the evaluation of a training ---------------------------------------------------------------------------------


def test_a_training_is_evaluated_at_it_without_a_commitment() -> None:
    process_id, meeting_id = uuid4(), uuid4()
    evaluation = Evaluation.open_about_training(
        uuid4(), process_id, meeting_id, "  Bermanfaatkah pelatihan ini?  ", FACILITATOR, occurred_at=moment()
    )
    opened = evaluation.collect_events()[0]

    assert (evaluation.subject, evaluation.commitment_id, evaluation.meeting_id) == ("training", None, meeting_id)
    assert evaluation.question == "Bermanfaatkah pelatihan ini?"
    assert (opened.subject, opened.commitment_id) == ("training", None)  # type: ignore[attr-defined]


def test_a_trainings_scores_are_tallied_as_a_commitments_are() -> None:
    evaluation = Evaluation.open_about_training(uuid4(), uuid4(), uuid4(), None, FACILITATOR, occurred_at=moment())
    for score, group, gender in ((5, "women", "female"), (4, "women", "female"), (3, "youth", "male")):
        evaluation.score(uuid4(), score, None, group, gender, FACILITATOR, occurred_at=moment())
    evaluation.close(FACILITATOR, occurred_at=moment())

    assert evaluation.tally is not None
    assert (evaluation.tally["count"], evaluation.tally["mean"]) == (3, "4.00")
    assert evaluation.tally["by_group"]["women"]["5"] == 1


def test_an_evaluation_opened_before_trainings_could_be_evaluated_was_about_a_commitment() -> None:
    event: dict[str, Any] = {}
    snapshot: dict[str, Any] = {}

    Evaluation.Opened.upcast_v2_v3(event)
    Evaluation.upcast_v1_v2(snapshot)

    assert event == {"subject": "commitment"} == snapshot


# --- risks of a commitment ----------------------------------------------------------------------------------------


def test_a_risk_is_identified_open_with_its_likelihood_impact_mitigation_and_owner() -> None:
    commitment, risk_id, partner_id = _commitment(), uuid4(), uuid4()
    commitment.identify_risk(
        risk_id,
        " Hujan sebelum pengecoran ",
        "medium",
        "high",
        "Cor sebelum November",
        FACILITATOR,
        occurred_at=moment(),
        owner="Yayasan Air",
        owner_partner_id=partner_id,
    )

    [risk] = commitment.risks_with_latest_review()
    assert risk["risk_id"] == risk_id
    assert (risk["description"], risk["likelihood"], risk["impact"]) == ("Hujan sebelum pengecoran", "medium", "high")
    assert (risk["owner"], risk["owner_partner_id"], risk["status"]) == ("Yayasan Air", partner_id, "open")
    assert (risk["review_count"], risk["latest_review"]) == (0, None)


@pytest.mark.parametrize(
    ("likelihood", "impact", "status"),
    [("certain", "low", "open"), ("low", "huge", "open"), ("low", "low", "closed"), ("low", "low", "forgotten")],
)
def test_a_risk_of_an_unknown_level_or_identified_closed_is_refused(likelihood: str, impact: str, status: str) -> None:
    commitment = _commitment()

    assert_refused(
        commitment,
        "value_not_allowed",
        lambda: commitment.identify_risk(
            uuid4(), "Hujan", likelihood, impact, "Terpal", FACILITATOR, occurred_at=moment(), status=status
        ),
    )


def test_a_risk_says_what_may_happen_and_how_it_is_mitigated() -> None:
    commitment = _commitment()

    assert_refused(
        commitment,
        "value_not_allowed",
        lambda: commitment.identify_risk(uuid4(), "Hujan", "low", "low", "  ", FACILITATOR, occurred_at=moment()),
    )


def test_a_risk_is_not_identified_before_the_commitment_was_made() -> None:
    commitment = _commitment()
    before = commitment.made_at - timedelta(days=1)

    assert_refused(
        commitment,
        "occurred_out_of_order",
        lambda: commitment.identify_risk(uuid4(), "Hujan", "low", "low", "Terpal", FACILITATOR, occurred_at=before),
    )


def test_a_review_changes_where_the_risk_stands_and_is_its_latest() -> None:
    commitment, risk_id, meeting_id = _commitment(), uuid4(), uuid4()
    commitment.identify_risk(risk_id, "Hujan", "low", "high", "Terpal", FACILITATOR, occurred_at=moment())
    commitment.review_risk(risk_id, uuid4(), "mitigated", None, FACILITATOR, occurred_at=moment())
    commitment.review_risk(risk_id, meeting_id, "occurred", " Hujan awal ", FACILITATOR, occurred_at=moment())

    [risk] = commitment.risks_with_latest_review()
    assert (risk["status"], risk["review_count"]) == ("occurred", 2)
    assert risk["latest_review"]["meeting_id"] == meeting_id
    assert risk["latest_review"]["note"] == "Hujan awal"


def test_a_closed_risk_is_reviewed_no_more() -> None:
    commitment, risk_id = _commitment(), uuid4()
    commitment.identify_risk(risk_id, "Hujan", "low", "high", "Terpal", FACILITATOR, occurred_at=moment())
    commitment.review_risk(risk_id, uuid4(), "closed", None, FACILITATOR, occurred_at=moment())

    assert_refused(
        commitment,
        "risk_closed",
        lambda: commitment.review_risk(risk_id, uuid4(), "open", None, FACILITATOR, occurred_at=moment()),
    )


def test_a_review_is_not_before_the_risk_was_identified_and_of_a_known_status() -> None:
    commitment, risk_id = _commitment(), uuid4()
    later = moment() + timedelta(hours=2)
    commitment.identify_risk(risk_id, "Hujan", "low", "high", "Terpal", FACILITATOR, occurred_at=later)

    assert_refused(
        commitment,
        "occurred_out_of_order",
        lambda: commitment.review_risk(risk_id, uuid4(), "open", None, FACILITATOR, occurred_at=moment()),
    )
    assert_refused(
        commitment,
        "value_not_allowed",
        lambda: commitment.review_risk(risk_id, uuid4(), "gone", None, FACILITATOR, occurred_at=later),
    )


def test_a_review_of_a_risk_the_commitment_does_not_have_is_not_found() -> None:
    commitment = _commitment()

    with pytest.raises(RiskNotFound):
        commitment.review_risk(uuid4(), uuid4(), "open", None, FACILITATOR, occurred_at=moment())
    assert commitment.collect_events() == []


def test_a_commitment_snapshot_taken_before_version_4_has_no_partner_owner_and_no_risks() -> None:
    snapshot: dict[str, Any] = {}
    made: dict[str, Any] = {}

    Commitment.upcast_v3_v4(snapshot)
    Commitment.Made.upcast_v3_v4(made)

    assert snapshot == {"owner_partner_id": None, "risks": {}}
    assert made == {"owner_partner_id": None}


def test_a_partner_owns_a_commitment_by_its_name_and_id() -> None:
    partner_id = uuid4()
    commitment = Commitment.make(
        uuid4(),
        uuid4(),
        uuid4(),
        "adopted",
        "Yayasan Air Bersih",
        "Sumur bor",
        date(2027, 9, 30),
        [],
        FACILITATOR,
        occurred_at=moment(),
        owner_partner_id=partner_id,
    )

    assert (commitment.owner, commitment.owner_partner_id) == ("Yayasan Air Bersih", partner_id)


def test_the_history_names_a_meetings_kind_a_risk_and_a_partner_owner() -> None:
    scheduled = entry(Meeting.Scheduled)
    identified = entry(Commitment.RiskIdentified)
    made = entry(Commitment.Made)

    assert (
        scheduled.sentence({"title": "BUMDes", "kind": "training"}, "", "id")
        == "Pelatihan \u201cBUMDes\u201d dijadwalkan"
    )
    assert scheduled.sentence({"title": "Musdes"}, "", "id") == "Musyawarah \u201cMusdes\u201d dijadwalkan"
    assert (
        identified.sentence({"likelihood": "high", "impact": "low", "description": "Hujan"}, "", "id")
        == "Risiko dicatat (kemungkinan tinggi, dampak rendah): Hujan"
    )
    assert (
        made.sentence({"description": "Sumur", "owner": "Yayasan Air", "owner_partner_id": uuid4()}, "", "id")
        == "Tindak lanjut dicatat: Sumur (oleh mitra Yayasan Air)"
    )
