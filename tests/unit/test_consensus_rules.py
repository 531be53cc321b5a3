"""What counts as mufakat: unanimity (mufakat bulat) or consent with dissent on record, and never less."""

from __future__ import annotations

from uuid import UUID, uuid4

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis_budget import examples

from domain.deliberation import STANCES
from domain.proposal import Proposal
from domain.rules import DecisionRules

from .builders import FACILITATOR, moment, submit_proposal

UNANIMITY = DecisionRules()
CONSENT = DecisionRules(consensus="consent")


def closed_check(
    stances: list[str], rules: DecisionRules, blocking_objections: int = 0, present: int = 9
) -> tuple[Proposal, UUID]:
    proposal = submit_proposal()
    for _ in range(blocking_objections):
        proposal.raise_objection(uuid4(), uuid4(), "Belum jelas", True, FACILITATOR, occurred_at=moment())
    check_id = uuid4()
    proposal.open_consensus_check(
        check_id, uuid4(), 9, 9, DecisionRules(quorum=0), FACILITATOR, occurred_at=moment(), meeting_opened_at=None
    )
    for stance in stances:
        proposal.take_stance(check_id, uuid4(), stance, None, FACILITATOR, occurred_at=moment())
    proposal.close_consensus_check(check_id, 9, present, rules, FACILITATOR, occurred_at=moment())
    return proposal, check_id


def result_of(stances: list[str], rules: DecisionRules) -> str | None:
    proposal, check_id = closed_check(stances, rules)
    return proposal.check(check_id).result


def test_the_rule_is_unanimity_unless_the_process_says_consent() -> None:
    assert DecisionRules().consensus == "unanimity"
    assert DecisionRules().vote_without_check is False


def test_one_agree_against_thirteen_disagree_is_not_mufakat_under_either_rule() -> None:
    stances = ["agree"] + ["disagree"] * 13
    assert result_of(stances, UNANIMITY) == "not_reached"
    assert result_of(stances, CONSENT) == "not_reached"


def test_unanimity_is_reached_when_everyone_agrees_or_abstains() -> None:
    assert result_of(["agree", "agree", "abstain"], UNANIMITY) == "reached"


def test_unanimity_is_not_reached_with_a_single_disagree() -> None:
    assert result_of(["agree"] * 8 + ["disagree"], UNANIMITY) == "not_reached"


def test_consent_is_reached_with_more_agree_than_disagree_and_keeps_the_dissent_on_record() -> None:
    proposal, check_id = closed_check(["agree"] * 5 + ["disagree"] * 2 + ["abstain"], CONSENT)
    check = proposal.check(check_id)
    assert check.result == "reached"
    assert check.tally is not None
    assert (check.tally["rule"], check.tally["dissent"], check.tally["disagree"]) == ("consent", 2, 2)


def test_consent_is_not_reached_when_as_many_disagree_as_agree() -> None:
    assert result_of(["agree", "agree", "disagree", "disagree"], CONSENT) == "not_reached"


@pytest.mark.parametrize("rules", [UNANIMITY, CONSENT], ids=["unanimity", "consent"])
def test_one_block_means_no_consensus_under_either_rule(rules: DecisionRules) -> None:
    assert result_of(["agree"] * 8 + ["block"], rules) == "not_reached"


@pytest.mark.parametrize("rules", [UNANIMITY, CONSENT], ids=["unanimity", "consent"])
def test_the_tally_says_which_rule_decided(rules: DecisionRules) -> None:
    proposal, check_id = closed_check(["agree"], rules)
    tally = proposal.check(check_id).tally
    assert tally is not None
    assert tally["rule"] == rules.consensus
    assert tally["dissent"] == 0


def test_a_consensus_rule_outside_unanimity_and_consent_is_not_a_rule() -> None:
    with pytest.raises(ValueError, match="consensus"):
        DecisionRules(consensus="majority")


def test_the_new_rules_survive_their_plain_form_and_old_rules_read_as_the_defaults() -> None:
    rules = DecisionRules(consensus="consent", vote_without_check=True)
    assert DecisionRules.from_dict(rules.as_dict()) == rules
    stored_before = {"quorum": 0.75, "vote_fallback": True, "vote_threshold": 0.5, "legal_basis": None}
    assert DecisionRules.from_dict(stored_before) == DecisionRules(quorum=0.75)


@settings(max_examples=examples(300), deadline=None, database=None)
@given(
    stances=st.lists(st.sampled_from(STANCES), max_size=12),
    consensus=st.sampled_from(["unanimity", "consent"]),
    blocking_objections=st.integers(0, 1),
    present=st.integers(0, 9),
)
def test_no_rule_ever_reaches_consensus_with_a_block_a_lost_majority_a_blocking_objection_or_no_quorum(
    stances: list[str], consensus: str, blocking_objections: int, present: int
) -> None:
    rules = DecisionRules(consensus=consensus)
    proposal, check_id = closed_check(stances, rules, blocking_objections, present)
    check = proposal.check(check_id)
    assert check.tally is not None
    agree, disagree, block = stances.count("agree"), stances.count("disagree"), stances.count("block")
    quorum = rules.quorum_holds(9, present)
    expected = block == 0 and agree > disagree and blocking_objections == 0 and quorum
    if consensus == "unanimity":
        expected = expected and disagree == 0
    assert check.result == ("reached" if expected else "not_reached")
    if check.result == "reached":
        assert block == 0 and disagree < agree and blocking_objections == 0 and quorum
        assert check.tally["dissent"] == disagree
        if consensus == "unanimity":
            assert disagree == 0
    else:
        assert check.tally["dissent"] == 0
    assert check.tally["rule"] == consensus
