"""A commitment (tindak lanjut): only on an adopted proposal, progress until completed."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

import pytest

from domain.commitment import Commitment
from domain.errors import RuleBroken

from .builders import FACILITATOR, assert_refused, moment


def make(decision_outcome: str | None = "adopted") -> Commitment:
    return Commitment.make(
        id=uuid4(),
        proposal_id=uuid4(),
        process_id=uuid4(),
        decision_outcome=decision_outcome,
        owner="Kaur Pembangunan",
        description="Pengerasan jalan 300 m",
        due=date(2027, 9, 30),
        indicators=["300 m jalan diperkeras"],
        actor=FACILITATOR,
        occurred_at=moment(),
    )


def test_a_commitment_is_made_on_an_adopted_proposal() -> None:
    commitment = make()
    (made,) = commitment.collect_events()
    assert isinstance(made, Commitment.Made)
    assert made.actor == FACILITATOR
    assert commitment.due == date(2027, 9, 30)
    assert commitment.indicators == ["300 m jalan diperkeras"]
    assert (commitment.percent, commitment.reports, commitment.completed) == (0, 0, False)


@pytest.mark.parametrize("outcome", [None, "rejected", "deferred"])
def test_no_commitment_on_a_proposal_that_was_not_adopted(outcome: str | None) -> None:
    with pytest.raises(RuleBroken) as raised:
        make(outcome)
    assert raised.value.code == "proposal_not_adopted"


def test_progress_is_reported_with_who_reported_it() -> None:
    commitment = make()
    commitment.collect_events()
    commitment.report_progress(
        40, "Material datang", "https://desa.example/foto.jpg", FACILITATOR, occurred_at=moment()
    )
    (reported,) = commitment.collect_events()
    assert isinstance(reported, Commitment.ProgressReported)
    assert reported.actor == FACILITATOR
    assert (commitment.percent, commitment.reports, commitment.completed) == (40, 1, False)


def test_a_hundred_percent_completes_the_commitment() -> None:
    commitment = make()
    commitment.report_progress(40, "Material datang", None, FACILITATOR, occurred_at=moment())
    commitment.report_progress(100, "Selesai", None, FACILITATOR, occurred_at=moment())
    assert commitment.completed
    assert commitment.reports == 2


def test_a_completed_commitment_takes_no_more_reports() -> None:
    commitment = make()
    commitment.report_progress(100, "Selesai", None, FACILITATOR, occurred_at=moment())
    error = assert_refused(
        commitment,
        "commitment_already_completed",
        lambda: commitment.report_progress(100, "Lagi", None, FACILITATOR, occurred_at=moment()),
    )
    assert error.ids == {"commitment_id": str(commitment.id)}
