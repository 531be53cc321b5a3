"""Quorum and vote arithmetic: fractions decide, never floats."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from domain.errors import RuleBroken
from domain.rules import DEFAULT_QUORUM, DecisionRules, as_fraction


def test_the_default_quorum_is_two_thirds_of_those_invited() -> None:
    assert as_fraction(DEFAULT_QUORUM) == as_fraction(2 / 3)
    assert as_fraction(DecisionRules().quorum).numerator == 2
    assert as_fraction(DecisionRules().quorum).denominator == 3


def test_two_thirds_of_nine_invited_needs_exactly_six() -> None:
    rules = DecisionRules()
    assert rules.quorum_holds(invited=9, present_of_invited=6)
    assert not rules.quorum_holds(invited=9, present_of_invited=5)


def test_two_thirds_of_ten_invited_needs_seven_because_six_is_short_of_six_and_two_thirds() -> None:
    rules = DecisionRules()
    assert rules.quorum_holds(invited=10, present_of_invited=7)
    assert not rules.quorum_holds(invited=10, present_of_invited=6)


def test_a_quorum_of_two_thirds_of_three_hundred_needs_exactly_two_hundred() -> None:
    rules = DecisionRules()
    assert rules.quorum_holds(invited=300, present_of_invited=200)
    assert not rules.quorum_holds(invited=300, present_of_invited=199)


def test_a_process_may_set_its_own_quorum() -> None:
    half = DecisionRules(quorum=0.5)
    assert half.quorum_holds(invited=8, present_of_invited=4)
    assert not half.quorum_holds(invited=8, present_of_invited=3)


def test_nobody_invited_is_no_quorum() -> None:
    assert not DecisionRules().quorum_holds(invited=0, present_of_invited=0)


def test_more_than_half_of_the_yes_and_no_ballots_passes() -> None:
    rules = DecisionRules()
    assert rules.vote_passes(yes=6, no=5)
    assert rules.vote_passes(yes=1, no=0)


def test_five_yes_against_five_no_fails() -> None:
    assert not DecisionRules().vote_passes(yes=5, no=5)


def test_zero_ballots_fail() -> None:
    assert not DecisionRules().vote_passes(yes=0, no=0)


def test_a_threshold_of_two_thirds_needs_at_least_two_thirds_of_the_yes_and_no_ballots() -> None:
    rules = DecisionRules(vote_threshold=2 / 3)
    assert rules.vote_passes(yes=6, no=3)
    assert rules.vote_passes(yes=2, no=1)
    assert not rules.vote_passes(yes=5, no=3)
    assert not rules.vote_passes(yes=3, no=2)


def test_a_quorum_outside_zero_to_one_is_not_a_rule() -> None:
    with pytest.raises(ValueError, match="quorum"):
        DecisionRules(quorum=1.5)


def test_a_threshold_below_half_is_not_a_rule() -> None:
    with pytest.raises(ValueError, match="vote_threshold"):
        DecisionRules(vote_threshold=0.4)


def test_rules_survive_their_plain_form() -> None:
    rules = DecisionRules(quorum=0.75, vote_fallback=False, vote_threshold=2 / 3, legal_basis="Perdes 3/2026")
    assert DecisionRules.from_dict(rules.as_dict()) == rules


def test_rules_stored_without_optional_fields_take_the_defaults() -> None:
    assert DecisionRules.from_dict({}) == DecisionRules()


def _broken_rules(cls: type[RuleBroken] = RuleBroken) -> set[type[RuleBroken]]:
    """Every kind of broken rule, walked from `RuleBroken`'s subclasses (never a list kept by hand)."""
    return {found for sub in cls.__subclasses__() for found in {sub, *_broken_rules(sub)}}


def test_every_broken_rule_has_a_code_of_its_own() -> None:
    codes = [rule.code for rule in _broken_rules()]

    assert len(codes) >= 34
    assert sorted(code for code in codes if codes.count(code) > 1 or code == RuleBroken.code) == []
    assert [code for code in codes if not re.fullmatch(r"[a-z]+(_[a-z]+)*", code)] == []


def test_every_broken_rule_is_refused_by_its_code_in_a_unit_test() -> None:
    """A client branches on the code: each one is pinned, as a literal, by a test that breaks its rule."""
    tests = "".join(path.read_text(encoding="utf-8") for path in Path(__file__).parent.glob("test_*.py"))
    tests = tests.replace(Path(__file__).read_text(encoding="utf-8"), "")

    assert sorted(rule.code for rule in _broken_rules() if f'"{rule.code}"' not in tests) == []


def test_a_broken_rule_keeps_its_ids_as_text() -> None:
    from uuid import UUID

    error = RuleBroken("explained", proposal_id=UUID(int=7))
    assert error.ids == {"proposal_id": "00000000-0000-0000-0000-000000000007"}
    assert error.detail == "explained"


def test_a_tiny_quorum_is_not_rounded_away_to_nobody() -> None:
    rules = DecisionRules(quorum=0.0001)
    assert not rules.quorum_holds(invited=5, present_of_invited=0)
    assert rules.quorum_holds(invited=5, present_of_invited=1)


def test_a_quorum_just_below_everyone_is_not_rounded_up_to_everyone() -> None:
    rules = DecisionRules(quorum=0.9996)
    assert rules.quorum_holds(invited=10_000, present_of_invited=9_996)


def test_a_stance_nobody_took_counts_as_none_taken() -> None:
    """Stances are counted from what was said: a stance missing from the counts was taken by nobody."""
    assert not DecisionRules().consensus_reached({"abstain": 3})
    assert DecisionRules(consensus="consent").consensus_reached({"agree": 1})
    assert not DecisionRules(consensus="consent").consensus_reached({"disagree": 1})
