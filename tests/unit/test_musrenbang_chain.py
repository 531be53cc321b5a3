"""The rules of the Musrenbang chain: levels and parents, forwarding once, merging undecided proposals."""

from __future__ import annotations

from uuid import uuid4

from domain.process import region_lies_under
from domain.proposal import Proposal
from domain.rules import DecisionRules

from .builders import FACILITATOR, assert_refused, failed_check, moment, open_process, reached_check, submit_proposal


def adopted() -> Proposal:
    proposal = submit_proposal()
    reached_check(proposal)
    proposal.decide("adopted", "consensus", "Disepakati", DecisionRules(), moment(), FACILITATOR)
    proposal.collect_events()
    return proposal


def test_a_region_lies_under_another_on_whole_segments() -> None:
    assert region_lies_under("63.03.05.2011", "63.03")
    assert region_lies_under("63.03", "63.03")
    assert not region_lies_under("63.030", "63.03")
    assert not region_lies_under("63.03", "63.0")


def test_a_process_belongs_only_to_a_process_of_a_higher_level_whose_region_holds_its_own() -> None:
    desa = open_process()  # level desa, region 33.02.10.2001
    desa.collect_events()

    desa.ensure_may_hold("dusun", "33.02.10.2001")
    assert_refused(desa, "parent_not_higher", lambda: desa.ensure_may_hold("desa", "33.02.10.2001"))
    assert_refused(desa, "parent_not_higher", lambda: desa.ensure_may_hold("kecamatan", "33.02.10"))
    assert_refused(desa, "region_not_under_parent", lambda: desa.ensure_may_hold("dusun", "33.02.10.2002"))
    assert_refused(desa, "value_not_allowed", lambda: desa.ensure_may_hold("provinsi", "33.02.10.2001"))


def test_an_adopted_proposal_is_forwarded_once_to_the_parent_and_arrives_there_with_its_origin() -> None:
    proposal, parent_id, arrived_id, delegate = adopted(), uuid4(), uuid4(), uuid4()

    proposal.forward(parent_id, parent_id, arrived_id, "Melebihi pagu", [delegate], FACILITATOR, occurred_at=moment())
    arrived = Proposal.arrive_from_below(arrived_id, parent_id, proposal, "Melebihi pagu", moment(), FACILITATOR)

    assert proposal.forwarded is not None and proposal.forwarded["proposal_id"] == str(arrived_id)
    assert proposal.forwarded["delegates"] == [str(delegate)]
    assert arrived.origin == {"proposal_id": str(proposal.id), "process_id": str(proposal.process_id)}
    assert (arrived.title, arrived.body, arrived.status, arrived.submitted_by) == (
        proposal.title,
        proposal.body,
        "open",
        None,
    )
    assert_refused(
        proposal,
        "already_forwarded",
        lambda: proposal.forward(parent_id, parent_id, uuid4(), None, [], FACILITATOR, occurred_at=moment()),
    )


def test_only_an_adopted_proposal_is_forwarded_and_only_to_its_process_s_parent() -> None:
    undecided = submit_proposal()
    parent_id = uuid4()
    assert_refused(
        undecided,
        "not_adopted",
        lambda: undecided.forward(parent_id, parent_id, uuid4(), None, [], FACILITATOR, occurred_at=moment()),
    )
    deferred = submit_proposal()
    failed_check(deferred)
    deferred.decide("deferred", "consensus", "Menunggu", DecisionRules(), moment(), FACILITATOR)
    deferred.collect_events()
    assert_refused(
        deferred,
        "not_adopted",
        lambda: deferred.forward(parent_id, parent_id, uuid4(), None, [], FACILITATOR, occurred_at=moment()),
    )
    proposal = adopted()
    assert_refused(
        proposal,
        "not_the_parent",
        lambda: proposal.forward(uuid4(), parent_id, uuid4(), None, [], FACILITATOR, occurred_at=moment()),
    )
    assert_refused(
        proposal,
        "not_the_parent",
        lambda: proposal.forward(parent_id, None, uuid4(), None, [], FACILITATOR, occurred_at=moment()),
    )


def test_a_proposal_is_not_forwarded_before_it_was_adopted_in_the_room() -> None:
    proposal, parent_id = adopted(), uuid4()
    before = proposal.decision.decided_at.replace(year=2020)  # type: ignore[union-attr]

    assert_refused(
        proposal,
        "occurred_out_of_order",
        lambda: proposal.forward(parent_id, parent_id, uuid4(), None, [], FACILITATOR, occurred_at=before),
    )


def test_an_undecided_proposal_is_merged_into_another_of_its_process_and_takes_no_more_steps() -> None:
    proposal = submit_proposal()
    into = Proposal.submit(uuid4(), proposal.process_id, "Jalan", "Jalan desa", uuid4(), None, moment(), FACILITATOR)

    proposal.merge_into(into, "Ruas jalan yang sama", FACILITATOR, occurred_at=moment())
    proposal.collect_events()

    assert proposal.status == "merged"
    assert proposal.merge is not None and proposal.merge["into"] == str(into.id)
    assert_refused(
        proposal,
        "proposal_merged",
        lambda: proposal.contribute(uuid4(), "support", "Setuju", FACILITATOR, occurred_at=moment()),
    )
    assert_refused(
        proposal, "proposal_merged", lambda: proposal.merge_into(into, "lagi", FACILITATOR, occurred_at=moment())
    )


def test_a_merge_needs_an_undecided_proposal_a_target_of_the_same_process_and_a_reason() -> None:
    decided = adopted()
    into = Proposal.submit(uuid4(), decided.process_id, "Jalan", "Jalan desa", uuid4(), None, moment(), FACILITATOR)
    assert_refused(
        decided,
        "proposal_already_decided",
        lambda: decided.merge_into(into, "sama", FACILITATOR, occurred_at=moment()),
    )
    proposal = submit_proposal()
    elsewhere = submit_proposal()  # another process
    assert_refused(
        proposal,
        "merge_target_not_allowed",
        lambda: proposal.merge_into(elsewhere, "sama", FACILITATOR, occurred_at=moment()),
    )
    assert_refused(
        proposal,
        "merge_target_not_allowed",
        lambda: proposal.merge_into(proposal, "sama", FACILITATOR, occurred_at=moment()),
    )
    same = Proposal.submit(uuid4(), proposal.process_id, "Jalan", "Jalan desa", uuid4(), None, moment(), FACILITATOR)
    assert_refused(
        proposal, "value_not_allowed", lambda: proposal.merge_into(same, "  ", FACILITATOR, occurred_at=moment())
    )
    gone = Proposal.submit(uuid4(), proposal.process_id, "Jalan", "Jalan desa", uuid4(), None, moment(), FACILITATOR)
    gone.withdraw("Ditarik", FACILITATOR, occurred_at=moment())
    assert_refused(
        proposal,
        "merge_target_not_allowed",
        lambda: proposal.merge_into(gone, "sama", FACILITATOR, occurred_at=moment()),
    )
