"""A community evaluation (score card): one score 1-5 per attendee, the later replacing the earlier; closing counts
them into count, mean (a decimal string) and distribution, by group and by gender."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

import pytest

from domain.evaluation import Evaluation, mean_text

from .builders import FACILITATOR, assert_refused, moment


def opened(question: str | None = None) -> Evaluation:
    evaluation = Evaluation.open(uuid4(), uuid4(), uuid4(), uuid4(), question, FACILITATOR, occurred_at=moment())
    evaluation.collect_events()
    return evaluation


def test_an_evaluation_opens_with_its_question_and_a_blank_question_is_none() -> None:
    assert opened("  Puaskah warga?  ").question == "Puaskah warga?"
    assert opened("   ").question is None
    assert opened().status == "open"


def test_a_later_score_of_the_same_attendee_replaces_the_earlier() -> None:
    evaluation, resident = opened(), uuid4()
    evaluation.score(resident, 2, "kurang", "petani", "female", FACILITATOR, occurred_at=moment())
    evaluation.score(resident, 5, None, "petani", "female", FACILITATOR, occurred_at=moment())

    assert evaluation.scores == {str(resident): {"score": 5, "comment": None, "group": "petani", "gender": "female"}}


@pytest.mark.parametrize("score", [0, 6, 7, -1, 4.5, "4", True, None])
def test_a_score_is_a_whole_number_from_1_to_5(score: object) -> None:
    evaluation = opened()
    assert_refused(
        evaluation,
        "score_not_valid",
        lambda: evaluation.score(uuid4(), score, None, "petani", None, FACILITATOR, occurred_at=moment()),
    )


def test_a_blank_comment_is_no_comment() -> None:
    evaluation, resident = opened(), uuid4()
    evaluation.score(resident, 3, "   ", "petani", None, FACILITATOR, occurred_at=moment())
    assert evaluation.scores[str(resident)]["comment"] is None


def test_closing_counts_the_scores_by_group_and_gender() -> None:
    evaluation = opened()
    for score, group, gender in [
        (5, "petani", "female"),
        (4, "petani", "male"),
        (4, "nelayan", None),
        (4, "nelayan", "female"),
    ]:
        evaluation.score(uuid4(), score, None, group, gender, FACILITATOR, occurred_at=moment())
    evaluation.close(FACILITATOR, occurred_at=moment())

    assert evaluation.status == "closed"
    tally = evaluation.tally
    assert tally is not None
    assert tally["count"] == 4
    assert tally["mean"] == "4.25"
    assert tally["distribution"] == {"1": 0, "2": 0, "3": 0, "4": 3, "5": 1}
    assert tally["by_group"] == {
        "petani": {"1": 0, "2": 0, "3": 0, "4": 1, "5": 1},
        "nelayan": {"1": 0, "2": 0, "3": 0, "4": 2, "5": 0},
    }
    assert tally["by_gender"]["female"] == {"1": 0, "2": 0, "3": 0, "4": 1, "5": 1}
    assert tally["by_gender"]["unknown"] == {"1": 0, "2": 0, "3": 0, "4": 1, "5": 0}


def test_an_evaluation_without_scores_closes_with_a_count_of_0_and_no_mean() -> None:
    evaluation = opened()
    evaluation.close(FACILITATOR, occurred_at=moment())
    assert evaluation.tally is not None
    assert (evaluation.tally["count"], evaluation.tally["mean"]) == (0, None)


def test_the_mean_is_rounded_half_up_to_two_places() -> None:
    assert mean_text([1, 2, 2]) == "1.67"
    assert mean_text([4, 5]) == "4.50"
    assert mean_text([]) is None


def test_a_closed_evaluation_takes_no_score_and_closes_once() -> None:
    evaluation = opened()
    evaluation.close(FACILITATOR, occurred_at=moment())
    assert_refused(
        evaluation,
        "evaluation_closed",
        lambda: evaluation.score(uuid4(), 4, None, "petani", None, FACILITATOR, occurred_at=moment()),
    )
    assert_refused(evaluation, "evaluation_closed", lambda: evaluation.close(FACILITATOR, occurred_at=moment()))


def test_a_score_is_not_given_before_the_evaluation_opened() -> None:
    evaluation = opened()
    before = evaluation.opened_at - timedelta(minutes=1)
    assert_refused(
        evaluation,
        "occurred_out_of_order",
        lambda: evaluation.score(uuid4(), 4, None, "petani", None, FACILITATOR, occurred_at=before),
    )
