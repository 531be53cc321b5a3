"""A commitment measured with the community: indicators against targets, money spent against budget, evidence
files, and overdue when its due date passed before 100 percent."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import uuid4

import pytest

from domain.commitment import Commitment, measure
from domain.errors import RuleBroken

from .builders import FACILITATOR, assert_refused, moment

PHOTO = "c" * 64


def make(indicators: tuple[str, ...] = ()) -> Commitment:
    commitment = Commitment.make(
        id=uuid4(),
        proposal_id=uuid4(),
        process_id=uuid4(),
        decision_outcome="adopted",
        owner="Kaur Pembangunan",
        description="Air bersih untuk dusun 2",
        due=date(2027, 9, 30),
        indicators=list(indicators),
        actor=FACILITATOR,
        occurred_at=moment(),
        measures=[measure("Rumah tersambung", "rumah", "10", "60", "Daftar sambungan")],
        objectives=["Semua rumah dusun 2 mendapat air bersih"],
        budget="85000000",
    )
    commitment.collect_events()
    return commitment


def test_a_commitment_keeps_its_objectives_indicators_with_targets_and_budget() -> None:
    commitment = make()

    assert commitment.objectives == ["Semua rumah dusun 2 mendapat air bersih"]
    assert commitment.indicators == ["Rumah tersambung"]
    assert commitment.indicators_against_targets() == [
        {
            "name": "Rumah tersambung",
            "unit": "rumah",
            "baseline": "10",
            "target": "60",
            "means_of_verification": "Daftar sambungan",
            "latest": None,
            "reported_at": None,
        }
    ]
    assert commitment.spending() == {"budget": "85000000", "spent": "0", "remaining": "85000000"}


def test_each_report_adds_its_spending_and_the_latest_value_of_an_indicator_stands() -> None:
    commitment = make()
    first, second = moment(), moment()
    commitment.report_progress(
        30,
        "Pipa utama",
        None,
        FACILITATOR,
        occurred_at=first,
        indicator_values={"Rumah tersambung": "22"},
        spent="20000000.25",
    )
    commitment.report_progress(
        50,
        "Sambungan rumah",
        None,
        FACILITATOR,
        occurred_at=second,
        indicator_values={"Rumah tersambung": 35},
        spent=Decimal("15000000.50"),
    )

    (indicator,) = commitment.indicators_against_targets()
    assert (indicator["latest"], indicator["target"], indicator["reported_at"]) == ("35", "60", second)
    assert commitment.spending() == {"budget": "85000000", "spent": "35000000.75", "remaining": "49999999.25"}


def test_a_report_without_values_or_spending_keeps_what_earlier_reports_said() -> None:
    commitment = make()
    commitment.report_progress(
        30, "Pipa", None, FACILITATOR, occurred_at=moment(), indicator_values={"Rumah tersambung": "22"}, spent="5"
    )
    commitment.report_progress(40, "Lanjut", None, FACILITATOR, occurred_at=moment())

    assert commitment.indicators_against_targets()[0]["latest"] == "22"
    assert commitment.spending()["spent"] == "5"


def test_a_value_for_an_indicator_the_commitment_does_not_have_is_refused() -> None:
    commitment = make()
    assert_refused(
        commitment,
        "indicator_unknown",
        lambda: commitment.report_progress(
            10, "x", None, FACILITATOR, occurred_at=moment(), indicator_values={"Panjang jalan": "3"}
        ),
    )


def test_an_indicator_named_twice_is_refused() -> None:
    with pytest.raises(RuleBroken) as raised:
        make(indicators=("Rumah tersambung",))
    assert raised.value.code == "indicator_unknown"


@pytest.mark.parametrize("spent", ["-1", "abc", "NaN", 12.5])
def test_money_spent_must_be_a_decimal_never_negative_nor_a_float(spent: object) -> None:
    commitment = make()
    assert_refused(
        commitment,
        "amount_not_allowed",
        lambda: commitment.report_progress(10, "x", None, FACILITATOR, occurred_at=moment(), spent=spent),
    )


@pytest.mark.parametrize("budget", ["-5", 1.5, "Infinity"])
def test_a_budget_must_be_a_decimal_never_negative_nor_a_float(budget: object) -> None:
    with pytest.raises(RuleBroken) as raised:
        Commitment.make(
            uuid4(),
            uuid4(),
            uuid4(),
            "adopted",
            "K",
            "D",
            date(2027, 1, 1),
            [],
            FACILITATOR,
            occurred_at=moment(),
            budget=budget,
        )
    assert raised.value.code == "amount_not_allowed"


def test_an_indicator_value_must_be_a_decimal() -> None:
    commitment = make()
    assert_refused(
        commitment,
        "amount_not_allowed",
        lambda: commitment.report_progress(
            10, "x", None, FACILITATOR, occurred_at=moment(), indicator_values={"Rumah tersambung": "banyak"}
        ),
    )


def test_a_report_cites_only_evidence_files_attached_to_the_commitment() -> None:
    commitment = make()
    assert_refused(
        commitment,
        "evidence_not_attached",
        lambda: commitment.report_progress(10, "x", None, FACILITATOR, occurred_at=moment(), evidence=[PHOTO]),
    )
    assert commitment.attach_evidence(PHOTO, "pipa.jpg", "image/jpeg", 1200, FACILITATOR, occurred_at=moment())
    commitment.report_progress(10, "x", None, FACILITATOR, occurred_at=moment(), evidence=[PHOTO])
    assert commitment.evidence == {PHOTO: {"name": "pipa.jpg", "media_type": "image/jpeg", "size": 1200}}


def test_the_same_evidence_file_is_attached_once() -> None:
    commitment = make()
    commitment.attach_evidence(PHOTO, "pipa.jpg", "image/jpeg", 1200, FACILITATOR, occurred_at=moment())
    version = commitment.version

    assert not commitment.attach_evidence(PHOTO, "lagi.jpg", "image/jpeg", 1200, FACILITATOR, occurred_at=moment())
    assert commitment.version == version


@pytest.mark.parametrize(
    ("sha256", "media_type"), [("z" * 64, "image/jpeg"), (PHOTO, "text/html"), ("c" * 10, "image/png")]
)
def test_an_evidence_file_must_be_named_by_its_sha256_and_be_a_photo_or_a_pdf(sha256: str, media_type: str) -> None:
    commitment = make()
    assert_refused(
        commitment,
        "value_not_allowed",
        lambda: commitment.attach_evidence(sha256, "f", media_type, 1, FACILITATOR, occurred_at=moment()),
    )


def test_a_commitment_is_overdue_when_its_due_date_passed_before_it_was_completed() -> None:
    commitment = make()

    assert not commitment.is_overdue(date(2027, 9, 30))  # due today: not yet late
    assert commitment.is_overdue(date(2027, 10, 1))
    commitment.report_progress(100, "Selesai", None, FACILITATOR, occurred_at=moment())
    assert not commitment.is_overdue(date(2027, 10, 1))
