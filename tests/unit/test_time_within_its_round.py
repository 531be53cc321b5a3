"""Every step lies within the open period of what it belongs to (issue 17, item 9).

A stance or ballot within its check or vote, a check or vote closing not before its latest stance or ballot and
not after its meeting closed; a meeting closing not before its latest attendance nor the latest step held at it;
a step that names a meeting within that meeting's open period.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from uuid import UUID, uuid4

from eventsourcing.domain import Snapshot

from domain.meeting import Meeting
from domain.proposal import Proposal
from domain.rules import DecisionRules

from .builders import FACILITATOR, assert_refused, replayed, schedule_meeting, submit_proposal

WIB = timezone(timedelta(hours=7))
MUSDES = datetime(2026, 9, 5, 9, 0, tzinfo=WIB)
RULES = DecisionRules()


def at(minutes: int) -> datetime:
    """A moment of the Musdes of 5 September, `minutes` after it opened."""
    return MUSDES + timedelta(minutes=minutes)


def check_with_a_stance_at(proposal: Proposal, minutes: int) -> UUID:
    check_id = uuid4()
    proposal.open_consensus_check(
        check_id, uuid4(), 9, 9, RULES, FACILITATOR, occurred_at=at(30), meeting_opened_at=at(0)
    )
    proposal.take_stance(check_id, uuid4(), "agree", None, FACILITATOR, occurred_at=at(minutes))
    return check_id


def failed_check_at(proposal: Proposal, minutes: int) -> None:
    """A consensus check opened and closed at `minutes` with nobody agreeing: a vote may follow."""
    check_id = uuid4()
    proposal.open_consensus_check(
        check_id, uuid4(), 9, 9, RULES, FACILITATOR, occurred_at=at(minutes), meeting_opened_at=at(0)
    )
    proposal.close_consensus_check(check_id, 9, 9, RULES, FACILITATOR, occurred_at=at(minutes))


def open_musdes() -> Meeting:
    meeting = schedule_meeting(occurred_at=at(-60 * 24))
    meeting.open([uuid4()], [], FACILITATOR, occurred_at=at(0))
    return meeting


def test_a_check_cannot_close_before_its_latest_stance() -> None:
    proposal = submit_proposal(occurred_at=at(10))
    check_id = check_with_a_stance_at(proposal, 45)

    error = assert_refused(
        proposal,
        "occurred_out_of_order",
        lambda: proposal.close_consensus_check(check_id, 9, 9, RULES, FACILITATOR, occurred_at=at(40)),
    )

    assert "its latest stance" in error.detail
    proposal.close_consensus_check(check_id, 9, 9, RULES, FACILITATOR, occurred_at=at(45))
    assert proposal.check(check_id).closed_at == at(45)


def test_the_latest_stance_is_kept_whatever_order_the_stances_were_typed_in() -> None:
    proposal = submit_proposal(occurred_at=at(10), collected=False)
    check_id = check_with_a_stance_at(proposal, 50)
    proposal.take_stance(check_id, uuid4(), "agree", None, FACILITATOR, occurred_at=at(35))

    assert proposal.check(check_id).last_step_at == at(50)
    assert replayed(proposal.collect_events()).check(check_id).last_step_at == at(50)


def test_a_vote_cannot_close_before_its_latest_ballot() -> None:
    proposal = submit_proposal(occurred_at=at(10))
    failed_check_at(proposal, 55)
    vote_id = uuid4()
    proposal.open_vote(vote_id, uuid4(), 9, 9, RULES, FACILITATOR, occurred_at=at(60), meeting_opened_at=at(0))
    proposal.cast_ballot(vote_id, uuid4(), "yes", FACILITATOR, occurred_at=at(70))

    assert_refused(
        proposal,
        "occurred_out_of_order",
        lambda: proposal.close_vote(vote_id, 9, 9, RULES, FACILITATOR, occurred_at=at(65)),
    )


def test_a_check_cannot_close_after_its_meeting_closed() -> None:
    proposal = submit_proposal(occurred_at=at(10))
    check_id = check_with_a_stance_at(proposal, 35)

    error = assert_refused(
        proposal,
        "occurred_out_of_order",
        lambda: proposal.close_consensus_check(
            check_id, 9, 9, RULES, FACILITATOR, occurred_at=at(130), meeting_closed_at=at(120)
        ),
    )

    assert "its meeting closed" in error.detail


def test_a_vote_cannot_close_after_its_meeting_closed() -> None:
    proposal = submit_proposal(occurred_at=at(10))
    failed_check_at(proposal, 55)
    vote_id = uuid4()
    proposal.open_vote(vote_id, uuid4(), 9, 9, RULES, FACILITATOR, occurred_at=at(60), meeting_opened_at=at(0))

    assert_refused(
        proposal,
        "occurred_out_of_order",
        lambda: proposal.close_vote(vote_id, 9, 9, RULES, FACILITATOR, occurred_at=at(130), meeting_closed_at=at(120)),
    )


def test_a_meeting_cannot_close_before_its_latest_attendance() -> None:
    meeting = open_musdes()
    meeting.record_attendance([uuid4()], FACILITATOR, occurred_at=at(50))

    assert_refused(meeting, "occurred_out_of_order", lambda: meeting.close("Selesai", FACILITATOR, occurred_at=at(40)))
    meeting.close("Selesai", FACILITATOR, occurred_at=at(50))
    assert meeting.closed_at == at(50)


def test_a_meeting_cannot_close_before_the_latest_step_held_at_it() -> None:
    meeting = open_musdes()

    error = assert_refused(
        meeting,
        "occurred_out_of_order",
        lambda: meeting.close("Selesai", FACILITATOR, occurred_at=at(40), last_step_at=at(45)),
    )

    assert "check or vote held at it" in error.detail


def test_a_proposal_knows_the_latest_step_it_took_at_a_meeting() -> None:
    meeting_id = uuid4()
    proposal = submit_proposal(occurred_at=at(10), meeting_id=meeting_id)
    check_id = uuid4()
    proposal.open_consensus_check(
        check_id, meeting_id, 9, 9, RULES, FACILITATOR, occurred_at=at(30), meeting_opened_at=at(0)
    )
    proposal.take_stance(check_id, uuid4(), "agree", None, FACILITATOR, occurred_at=at(44))

    assert proposal.latest_step_at_meeting(meeting_id) == at(44)
    proposal.close_consensus_check(check_id, 9, 9, RULES, FACILITATOR, occurred_at=at(46))
    assert proposal.latest_step_at_meeting(meeting_id) == at(46)
    assert proposal.latest_step_at_meeting(uuid4()) is None


def test_a_step_naming_a_meeting_lies_within_its_open_period() -> None:
    meeting = open_musdes()
    meeting.ensure_during(at(0), "a submission")
    assert_refused(meeting, "occurred_out_of_order", lambda: meeting.ensure_during(at(-1), "a submission"))
    meeting.close("Selesai", FACILITATOR, occurred_at=at(120))

    meeting.ensure_during(at(120), "a submission")
    error = assert_refused(meeting, "occurred_out_of_order", lambda: meeting.ensure_during(at(121), "a submission"))

    assert "the meeting closed" in error.detail


def test_nothing_happened_at_a_meeting_that_has_not_opened() -> None:
    meeting = schedule_meeting(occurred_at=at(-60))

    assert_refused(meeting, "meeting_not_open", lambda: meeting.ensure_during(at(0), "a submission"))


def test_a_meeting_snapshotted_before_it_kept_its_latest_attendance_reads_without_it() -> None:
    meeting = open_musdes()
    meeting.record_attendance([uuid4()], FACILITATOR, occurred_at=at(50))
    snapshot = Snapshot.take(meeting)
    # As a version 3 snapshot stored it: no latest attendance kept.
    snapshot.state["class_version"] = 3
    del snapshot.state["last_attended_at"]

    restored = snapshot.mutate(None)

    assert isinstance(restored, Meeting)
    assert (restored.last_attended_at, Snapshot.take(meeting).state["last_attended_at"]) == (None, at(50))
