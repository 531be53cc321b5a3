"""Ranking rounds: Borda and scores, ties, the budget ceiling, ballots replaced, quorum and amended texts."""

from __future__ import annotations

from decimal import Decimal
from uuid import uuid4

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis_budget import examples

from domain.errors import BallotNotValid, ValueNotAllowed
from domain.ranking import Ranked, Ranking, tally

from .builders import FACILITATOR, assert_refused, moment


def ranked(cost: str | None = "100", submitted: str | None = None) -> Ranked:
    return Ranked(
        proposal_id=str(uuid4()),
        text_version=1,
        estimated_cost=cost,
        submitted_at=submitted or moment().isoformat(),
    )


def open_ranking(
    proposals: list[Ranked], method: str = "borda", ceiling: str | None = None, criteria: list | None = None
) -> Ranking:
    ranking = Ranking.open(
        uuid4(), uuid4(), uuid4(), method, proposals, ceiling, criteria, FACILITATOR, occurred_at=moment()
    )
    ranking.collect_events()
    return ranking


def versions(ranking: Ranking) -> dict[str, int]:
    return {p["proposal_id"]: p["text_version"] for p in ranking.proposals}


def test_borda_gives_n_minus_one_points_to_the_first_and_ranks_by_points() -> None:
    road, well, school = ranked("300"), ranked("200"), ranked("150")
    ranking = open_ranking([road, well, school], ceiling="450")
    for order in ([well.proposal_id, road.proposal_id, school.proposal_id],) * 2 + (
        [road.proposal_id, well.proposal_id, school.proposal_id],
    ):
        ranking.cast_ballot(uuid4(), FACILITATOR, occurred_at=moment(), order=order)
    ranking.close(3, 0.5, versions(ranking), FACILITATOR, occurred_at=moment())

    assert [(r["proposal_id"], r["rank"], r["points"]) for r in ranking.result or []] == [
        (well.proposal_id, 1, "5"),
        (road.proposal_id, 2, "4"),
        (school.proposal_id, 3, "0"),
    ]
    assert [r["cumulative_cost"] for r in ranking.result or []] == ["200", "500", "650"]
    assert [r["within_ceiling"] for r in ranking.result or []] == [True, False, False]
    assert ranking.status == "closed"


def test_a_borda_tie_goes_to_more_first_places_then_to_the_earlier_submission() -> None:
    early, late, third = ranked(submitted="2027-01-01T00:00:00+00:00"), ranked(), ranked()
    ids = [early.proposal_id, late.proposal_id, third.proposal_id]
    ranking = open_ranking([late, early, third])
    # late: 2 + 0 = 2 points, one first place; early: 1 + 1 = 2 points, no first place.
    ranking.cast_ballot(uuid4(), FACILITATOR, occurred_at=moment(), order=[ids[1], ids[0], ids[2]])
    ranking.cast_ballot(uuid4(), FACILITATOR, occurred_at=moment(), order=[ids[2], ids[0], ids[1]])
    ranking.close(2, 1.0, versions(ranking), FACILITATOR, occurred_at=moment())
    ranks = {r["proposal_id"]: r["rank"] for r in ranking.result or []}

    assert ranks[late.proposal_id] < ranks[early.proposal_id]

    tied = open_ranking([late, early])
    tied.cast_ballot(uuid4(), FACILITATOR, occurred_at=moment(), order=[late.proposal_id, early.proposal_id])
    tied.cast_ballot(uuid4(), FACILITATOR, occurred_at=moment(), order=[early.proposal_id, late.proposal_id])
    tied.close(2, 1.0, versions(tied), FACILITATOR, occurred_at=moment())

    assert [r["proposal_id"] for r in tied.result or []] == [early.proposal_id, late.proposal_id]


def test_scores_sum_and_a_tie_goes_to_more_fives() -> None:
    steady, split = ranked(), ranked()
    ranking = open_ranking([steady, split], method="score")
    ranking.cast_ballot(
        uuid4(), FACILITATOR, occurred_at=moment(), scores={steady.proposal_id: 4, split.proposal_id: 5}
    )
    ranking.cast_ballot(
        uuid4(), FACILITATOR, occurred_at=moment(), scores={steady.proposal_id: 4, split.proposal_id: 3}
    )
    ranking.close(2, 1.0, versions(ranking), FACILITATOR, occurred_at=moment())

    assert [(r["proposal_id"], r["points"]) for r in ranking.result or []] == [
        (split.proposal_id, "8"),
        (steady.proposal_id, "8"),
    ]


def test_weighted_criteria_multiply_each_score_by_its_weight_exactly() -> None:
    urgent, cheap = ranked("1000.50"), ranked("10.25")
    criteria = [{"name": "urgensi", "weight": "1.5"}, {"name": "biaya"}]
    ranking = open_ranking([urgent, cheap], method="score", criteria=criteria)
    ranking.cast_ballot(
        uuid4(),
        FACILITATOR,
        occurred_at=moment(),
        scores={urgent.proposal_id: {"urgensi": 5, "biaya": 1}, cheap.proposal_id: {"urgensi": 2, "biaya": 5}},
    )
    ranking.close(1, 1.0, versions(ranking), FACILITATOR, occurred_at=moment())

    assert ranking.criteria == [{"name": "urgensi", "weight": "1.5"}, {"name": "biaya", "weight": "1"}]
    assert [(r["proposal_id"], r["points"], r["cumulative_cost"]) for r in ranking.result or []] == [
        (urgent.proposal_id, "8.5", "1000.50"),
        (cheap.proposal_id, "8", "1010.75"),
    ]


def test_a_later_ballot_replaces_the_earlier_one_of_the_same_participant() -> None:
    first, second = ranked(), ranked()
    ranking = open_ranking([first, second])
    resident = uuid4()
    ranking.cast_ballot(resident, FACILITATOR, occurred_at=moment(), order=[first.proposal_id, second.proposal_id])
    ranking.cast_ballot(resident, FACILITATOR, occurred_at=moment(), order=[second.proposal_id, first.proposal_id])
    ranking.close(1, 1.0, versions(ranking), FACILITATOR, occurred_at=moment())

    assert ranking.ballots == {str(resident): {"order": [second.proposal_id, first.proposal_id], "scores": None}}
    assert ranking.result is not None and ranking.result[0]["proposal_id"] == second.proposal_id


def test_without_a_ceiling_everything_is_within_it_and_an_unknown_cost_adds_nothing() -> None:
    costed, uncosted = ranked("500"), ranked(None)
    ranking = open_ranking([costed, uncosted])
    ranking.cast_ballot(uuid4(), FACILITATOR, occurred_at=moment(), order=[uncosted.proposal_id, costed.proposal_id])
    ranking.close(1, 1.0, versions(ranking), FACILITATOR, occurred_at=moment())

    assert [(r["estimated_cost"], r["cumulative_cost"], r["within_ceiling"]) for r in ranking.result or []] == [
        (None, "0", True),
        ("500", "500", True),
    ]


def test_a_ranking_needs_two_different_proposals() -> None:
    only = ranked()
    with pytest.raises(Exception) as raised:
        Ranking.open(uuid4(), uuid4(), uuid4(), "borda", [only, only], None, None, FACILITATOR, occurred_at=moment())

    assert getattr(raised.value, "code", None) == "ranking_needs_two_proposals"


def test_criteria_belong_to_score_rounds_and_weights_are_positive_decimals() -> None:
    with pytest.raises(ValueNotAllowed):
        open_ranking([ranked(), ranked()], method="borda", criteria=[{"name": "urgensi"}])
    with pytest.raises(ValueNotAllowed):
        open_ranking([ranked(), ranked()], method="score", criteria=[{"name": "a", "weight": "0"}])
    with pytest.raises(ValueNotAllowed):
        open_ranking([ranked(), ranked()], method="score", criteria=[{"name": "a"}, {"name": "a"}])
    with pytest.raises(ValueNotAllowed):
        open_ranking([ranked(), ranked()], ceiling="-5")


def test_a_ballot_must_order_or_score_exactly_the_ranked_proposals() -> None:
    first, second = ranked(), ranked()
    borda = open_ranking([first, second])
    score = open_ranking([first, second], method="score")
    criteria = open_ranking([first, second], method="score", criteria=[{"name": "urgensi"}])

    for ranking, ballot in (
        (borda, {"order": [first.proposal_id, first.proposal_id]}),
        (borda, {"order": [first.proposal_id]}),
        (borda, {"scores": {first.proposal_id: 1, second.proposal_id: 2}}),
        (score, {"scores": {first.proposal_id: 1}}),
        (score, {"scores": {first.proposal_id: 6, second.proposal_id: 2}}),
        (score, {"scores": {first.proposal_id: True, second.proposal_id: 2}}),
        (criteria, {"scores": {first.proposal_id: 3, second.proposal_id: 2}}),
    ):
        with pytest.raises(BallotNotValid):
            ranking.cast_ballot(uuid4(), FACILITATOR, occurred_at=moment(), **ballot)  # type: ignore[arg-type]
        assert ranking.collect_events() == [] and ranking.ballots == {}


def test_closing_needs_ballots_from_the_quorum_of_attendees() -> None:
    first, second = ranked(), ranked()
    ranking = open_ranking([first, second])
    ranking.cast_ballot(uuid4(), FACILITATOR, occurred_at=moment(), order=[first.proposal_id, second.proposal_id])

    assert_refused(
        ranking, "quorum_not_met", lambda: ranking.close(3, 0.5, versions(ranking), FACILITATOR, occurred_at=moment())
    )
    assert_refused(
        ranking, "quorum_not_met", lambda: ranking.close(0, 0.5, versions(ranking), FACILITATOR, occurred_at=moment())
    )
    ranking.close(2, 0.5, versions(ranking), FACILITATOR, occurred_at=moment())
    assert ranking.status == "closed"


def test_a_closed_ranking_takes_no_ballot_and_does_not_close_again() -> None:
    first, second = ranked(), ranked()
    ranking = open_ranking([first, second])
    ranking.cast_ballot(uuid4(), FACILITATOR, occurred_at=moment(), order=[first.proposal_id, second.proposal_id])
    ranking.close(1, 1.0, versions(ranking), FACILITATOR, occurred_at=moment())

    order = [second.proposal_id, first.proposal_id]
    assert_refused(
        ranking, "ranking_closed", lambda: ranking.cast_ballot(uuid4(), FACILITATOR, occurred_at=moment(), order=order)
    )
    assert_refused(
        ranking, "ranking_closed", lambda: ranking.close(1, 1.0, versions(ranking), FACILITATOR, occurred_at=moment())
    )


def test_a_ranking_does_not_close_on_a_proposal_amended_since_it_opened() -> None:
    first, second = ranked(), ranked()
    ranking = open_ranking([first, second])
    ranking.cast_ballot(uuid4(), FACILITATOR, occurred_at=moment(), order=[first.proposal_id, second.proposal_id])
    amended = {**versions(ranking), second.proposal_id: 2}

    refusal = assert_refused(
        ranking, "ranked_text_changed", lambda: ranking.close(1, 1.0, amended, FACILITATOR, occurred_at=moment())
    )
    assert refusal.ids["proposal_id"] == second.proposal_id


def test_a_ballot_cannot_have_been_handed_in_before_the_ranking_opened() -> None:
    early = moment()
    later = open_ranking([ranked(), ranked()])

    assert_refused(
        later,
        "occurred_out_of_order",
        lambda: later.cast_ballot(uuid4(), FACILITATOR, occurred_at=early, order=later.proposal_ids),
    )


# --- properties -------------------------------------------------------------------------------------------------

_COSTS = st.one_of(st.none(), st.decimals(min_value=0, max_value=10**9, places=2).map(lambda d: format(d, "f")))


@st.composite
def borda_rounds(draw: st.DrawFn) -> tuple[list[Ranked], list[dict]]:
    proposals = [ranked(draw(_COSTS)) for _ in range(draw(st.integers(2, 6)))]
    ids = [p.proposal_id for p in proposals]
    ballots = [{"order": draw(st.permutations(ids))} for _ in range(draw(st.integers(1, 8)))]
    return proposals, ballots


@settings(max_examples=examples(100), deadline=None)
@given(borda_rounds(), st.one_of(st.none(), st.decimals(min_value=0, max_value=10**10, places=2)))
def test_the_ranking_is_a_permutation_and_the_cumulative_cost_never_falls(
    round_: tuple[list[Ranked], list[dict]], ceiling: Decimal | None
) -> None:
    proposals, ballots = round_
    result = tally("borda", proposals, ballots, None, None if ceiling is None else format(ceiling, "f"))

    assert sorted(r["proposal_id"] for r in result) == sorted(p.proposal_id for p in proposals)
    assert [r["rank"] for r in result] == list(range(1, len(proposals) + 1))
    cumulative = [Decimal(r["cumulative_cost"]) for r in result]
    assert cumulative == sorted(cumulative)
    within = [r["within_ceiling"] for r in result]
    assert within == sorted(within, reverse=True), "once past the ceiling, nothing below fits it"


@settings(max_examples=examples(100), deadline=None)
@given(st.integers(2, 6), st.integers(1, 8), st.data())
def test_identical_ballots_give_their_own_order(size: int, voters: int, data: st.DataObject) -> None:
    proposals = [ranked() for _ in range(size)]
    order = data.draw(st.permutations([p.proposal_id for p in proposals]))

    borda = tally("borda", proposals, [{"order": order}] * voters, None, None)
    scores = {proposal_id: 5 - min(place, 4) for place, proposal_id in enumerate(order)}
    scored = tally("score", proposals, [{"scores": scores}] * voters, None, None)

    assert [r["proposal_id"] for r in borda] == list(order)
    assert [r["proposal_id"] for r in scored][:4] == list(order)[:4]


@settings(max_examples=examples(100), deadline=None)
@given(borda_rounds())
def test_reversing_every_ballot_reverses_a_result_without_ties(round_: tuple[list[Ranked], list[dict]]) -> None:
    proposals, ballots = round_
    result = tally("borda", proposals, ballots, None, None)
    points = [r["points"] for r in result]
    if len(set(points)) < len(points):
        return  # a tie is broken by first places and submission, which reversing does not mirror
    reversed_ballots = [{"order": list(reversed(b["order"]))} for b in ballots]
    reversed_result = tally("borda", proposals, reversed_ballots, None, None)

    assert [r["proposal_id"] for r in reversed_result] == [r["proposal_id"] for r in reversed(result)]
