"""A proposal stored with open and closed checks and votes reads and goes on as it did when it was stored.

The sample was written (events and a snapshot) by the code of the commit it names, before a consensus check
and a vote became two kinds of one round: the stored form of a round must not change with how it is coded.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import UUID

import pytest
from eventsourcing.domain import Snapshot
from eventsourcing.persistence import DatetimeAsISO, DecimalAsStr, JSONTranscoder, Mapper, StoredEvent, UUIDAsHex

from domain.proposal import Proposal
from domain.rules import DecisionRules
from service.adapters.transcodings import register_domain_transcodings

from .builders import FACILITATOR, assert_refused

SAMPLE = Path(__file__).parent / "samples" / "proposal_with_open_and_closed_rounds.json"
RULES = DecisionRules(quorum=0.5, consensus="consent", legal_basis="Permendesa 16/2019")
MEETING = UUID(int=0x200)
CHECK_CLOSED, VOTE_CLOSED, VOTE_OPEN, CHECK_OPEN = (UUID(int=0x300 + i) for i in range(4))
PEOPLE = [UUID(int=0x400 + i) for i in range(6)]


def at(minutes: int) -> datetime:
    """The time in the room of the sample's steps: minutes after 08:00 on 1 March 2027."""
    return datetime(2027, 3, 1, 8, 0, tzinfo=UTC) + timedelta(minutes=minutes)


def stored_sample() -> list[StoredEvent]:
    return [
        StoredEvent(
            originator_id=UUID(s["originator_id"]),
            originator_version=s["originator_version"],
            topic=s["topic"],
            state=s["state"].encode("utf-8"),
        )
        for s in json.loads(SAMPLE.read_text(encoding="utf-8"))["events"]
    ]


def the_mapper() -> Mapper[UUID]:
    transcoder = JSONTranscoder()
    for transcoding in (UUIDAsHex(), DatetimeAsISO(), DecimalAsStr()):
        transcoder.register(transcoding)
    register_domain_transcodings(transcoder)
    return Mapper(transcoder=transcoder)


def from_the_events() -> Proposal:
    mapper, rebuilt = the_mapper(), None
    for stored in stored_sample():
        if stored.topic != "eventsourcing.domain:Snapshot":
            rebuilt = mapper.to_domain_event(stored).mutate(rebuilt)  # type: ignore[attr-defined]
    assert isinstance(rebuilt, Proposal)
    return rebuilt


def from_the_snapshot() -> Proposal:
    snapshot = the_mapper().to_domain_event(stored_sample()[-1])
    assert isinstance(snapshot, Snapshot)
    restored = snapshot.mutate(None)
    assert isinstance(restored, Proposal)
    return restored


LOADS: dict[str, Callable[[], Proposal]] = {"from its events": from_the_events, "from its snapshot": from_the_snapshot}


@pytest.fixture(params=sorted(LOADS))
def proposal(request: pytest.FixtureRequest) -> Proposal:
    """The sample proposal, loaded one way or the other."""
    return LOADS[request.param]()


def test_the_snapshot_and_the_events_of_the_sample_rebuild_the_same_proposal() -> None:
    assert vars(from_the_snapshot()) == vars(from_the_events())


def test_the_stored_rounds_read_with_their_results_tallies_and_times(proposal: Proposal) -> None:
    closed_check, closed_vote = proposal.check(CHECK_CLOSED), proposal.vote(VOTE_CLOSED)
    assert (closed_check.result, closed_check.text_version) == ("not_reached", 2)
    assert closed_check.tally == {
        "agree": 1, "abstain": 0, "disagree": 0, "block": 1, "invited": 6, "present": 5, "quorum_met": True,
        "unresolved_blocking_objections": 1, "rule": "consent", "dissent": 0,
    }  # fmt: skip
    # A changed mind counts once, as its latest stance.
    assert closed_check.stances == {str(PEOPLE[2]): "agree", str(PEOPLE[3]): "block"}
    assert (closed_check.opened_at, closed_check.last_step_at, closed_check.closed_at) == (at(10), at(13), at(15))
    assert closed_vote.result == "failed"
    assert closed_vote.tally == {
        "yes": 2, "no": 2, "abstain": 1, "invited": 6, "present": 5, "quorum_met": True, "threshold": 0.5
    }  # fmt: skip
    assert (closed_vote.opened_at, closed_vote.last_step_at, closed_vote.closed_at) == (at(20), at(25), at(26))
    assert [r.meeting_id for r in proposal.open_rounds] == [str(MEETING), str(MEETING)]
    assert proposal.open_rounds == [proposal.check(CHECK_OPEN), proposal.vote(VOTE_OPEN)]
    assert proposal.latest_check() == proposal.check(CHECK_OPEN)
    assert proposal.latest_vote() == proposal.vote(VOTE_OPEN)
    assert proposal.latest_step_at_meeting(MEETING) == at(34)


def test_the_stored_rounds_refuse_what_they_refused(proposal: Proposal) -> None:
    assert_refused(
        proposal,
        "check_not_open",
        lambda: proposal.take_stance(CHECK_CLOSED, PEOPLE[5], "agree", None, FACILITATOR, occurred_at=at(40)),
    )
    assert_refused(
        proposal,
        "vote_not_open",
        lambda: proposal.cast_ballot(VOTE_CLOSED, PEOPLE[0], "yes", FACILITATOR, occurred_at=at(40)),
    )
    assert_refused(
        proposal,
        "ballot_already_cast",
        lambda: proposal.cast_ballot(VOTE_OPEN, PEOPLE[2], "no", FACILITATOR, occurred_at=at(40)),
    )
    assert_refused(
        proposal,
        "occurred_out_of_order",
        lambda: proposal.close_consensus_check(CHECK_OPEN, 6, 4, RULES, FACILITATOR, occurred_at=at(33)),
    )
    assert_refused(
        proposal,
        "occurred_out_of_order",
        lambda: proposal.cast_ballot(VOTE_OPEN, PEOPLE[3], "no", FACILITATOR, occurred_at=at(29)),
    )
    assert_refused(
        proposal,
        "check_or_vote_open",
        lambda: proposal.decide("adopted", "vote", "Suara terbanyak", RULES, at(40), FACILITATOR),
    )


def test_the_stored_open_rounds_close_and_found_a_decision_as_they_did(proposal: Proposal) -> None:
    # The open check: a stance changes, then it closes without consensus, the blocking objection standing.
    proposal.take_stance(CHECK_OPEN, PEOPLE[4], "agree", None, FACILITATOR, occurred_at=at(35))
    proposal.close_consensus_check(CHECK_OPEN, 6, 4, RULES, FACILITATOR, occurred_at=at(40))
    check = proposal.check(CHECK_OPEN)
    assert (check.result, check.closed_at) == ("not_reached", at(40))
    assert check.tally == {
        "agree": 2, "abstain": 0, "disagree": 0, "block": 0, "invited": 6, "present": 4, "quorum_met": True,
        "unresolved_blocking_objections": 1, "rule": "consent", "dissent": 0,
    }  # fmt: skip
    # The open vote: one more ballot, then it closes and passes (2 yes of 2 cast, 4 of 6 attend).
    proposal.cast_ballot(VOTE_OPEN, PEOPLE[3], "yes", FACILITATOR, occurred_at=at(41))
    proposal.close_vote(VOTE_OPEN, 6, 4, RULES, FACILITATOR, occurred_at=at(42))
    vote = proposal.vote(VOTE_OPEN)
    assert (vote.result, vote.closed_at) == ("passed", at(42))
    assert vote.tally == {
        "yes": 2,
        "no": 0,
        "abstain": 0,
        "invited": 6,
        "present": 4,
        "quorum_met": True,
        "threshold": 0.5,
    }
    assert_refused(
        proposal,
        "occurred_out_of_order",
        lambda: proposal.decide("adopted", "vote", "Suara terbanyak", RULES, at(41), FACILITATOR),
    )
    # Its stances are no consensus against the text: a rejection by consensus stands on nothing.
    assert_refused(
        proposal,
        "no_consensus_to_reject",
        lambda: proposal.decide("rejected", "consensus", "Ditolak", RULES, at(43), FACILITATOR),
    )
    assert_refused(
        proposal,
        "vote_passed",
        lambda: proposal.decide("rejected", "vote", "Ditolak", RULES, at(43), FACILITATOR),
    )
    proposal.decide("adopted", "vote", "Suara terbanyak", RULES, at(43), FACILITATOR)
    assert proposal.status == "decided"
    assert proposal.latest_step_at_meeting(MEETING) == at(42)


def test_a_snapshot_taken_now_stores_the_rounds_as_the_sample_stored_them() -> None:
    stored_then = json.loads(stored_sample()[-1].state)
    stored_now = json.loads(the_mapper().to_stored_event(Snapshot.take(from_the_events())).state)
    # Only when the snapshot was taken differs, and what later versions of the class added (the findings a
    # proposal addresses, version 4; its planning fields, version 5; its place in the Musrenbang chain, version 6):
    # its state, rounds and all, is stored as it was.
    assert stored_now["timestamp"] != stored_then["timestamp"]
    added_since = {
        "class_version": Proposal.class_version,
        "addresses": [],
        "planning": {},
        "origin": None,
        "forwarded": None,
        "merge": None,
    }
    assert {key: stored_now["state"].pop(key) for key in added_since} == added_since
    assert stored_then["state"].pop("class_version") == 3
    assert {**stored_now, "timestamp": None} == {**stored_then, "timestamp": None}
