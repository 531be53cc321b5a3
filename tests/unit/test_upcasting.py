"""Stored events keep their meaning: events and snapshots of older class versions still read, upcast.

The samples were written by the release before `occurred_at` (commit e479df1) through the mapper the
application uses; a step stored then happened, as far as the record knows, when it was recorded.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest
from eventsourcing.domain import Aggregate, Snapshot
from eventsourcing.persistence import (
    DatetimeAsISO,
    DecimalAsStr,
    JSONTranscoder,
    Mapper,
    StoredEvent,
    UUIDAsHex,
)

from domain.actor import Actor
from domain.commitment import Commitment
from domain.meeting import Meeting
from domain.participant import Participant
from domain.process import Process
from domain.proposal import Proposal
from service.adapters.transcodings import register_domain_transcodings

from .builders import moment, open_process, schedule_meeting, submit_proposal

SAMPLES = Path(__file__).parent / "samples"
FACILITATOR = Actor(id="acct-fasilitator", role="facilitator", name="Bu Sari (fasilitator)")


@pytest.fixture
def mapper() -> Mapper[UUID]:
    """The mapper the Mufakat application uses: JSON, the library's and the domain's transcodings."""
    transcoder = JSONTranscoder()
    for transcoding in (UUIDAsHex(), DatetimeAsISO(), DecimalAsStr()):
        transcoder.register(transcoding)
    register_domain_transcodings(transcoder)
    return Mapper(transcoder=transcoder)


def as_stored(sample: dict[str, Any]) -> StoredEvent:
    return StoredEvent(
        originator_id=UUID(sample["originator_id"]),
        originator_version=sample["originator_version"],
        topic=sample["topic"],
        state=sample["state"].encode("utf-8"),
    )


def stored_sample(name: str) -> StoredEvent:
    return as_stored(json.loads((SAMPLES / name).read_text(encoding="utf-8")))


def stored_log(name: str) -> list[StoredEvent]:
    return [as_stored(sample) for sample in json.loads((SAMPLES / name).read_text(encoding="utf-8"))["events"]]


def replay(mapper: Mapper[UUID], stored: list[StoredEvent], originator_id: UUID) -> Aggregate:
    aggregate = None
    for event in (mapper.to_domain_event(s) for s in stored if s.originator_id == originator_id):
        aggregate = event.mutate(aggregate)  # type: ignore[attr-defined]
    assert isinstance(aggregate, Aggregate)
    return aggregate


# --- Proposal.Submitted version 1 ----------------------------------------------------


def test_the_sample_is_a_version_1_event_without_meeting_id() -> None:
    state = json.loads(stored_sample("proposal_submitted_v1.json").state)
    assert "meeting_id" not in state
    assert "class_version" not in state
    assert "occurred_at" not in state
    assert Proposal.Submitted.class_version == 4


def test_a_version_1_submission_is_read_as_submitted_at_no_meeting_when_it_was_recorded(mapper: Mapper[UUID]) -> None:
    submitted = mapper.to_domain_event(stored_sample("proposal_submitted_v1.json"))
    assert isinstance(submitted, Proposal.Submitted)
    assert submitted.meeting_id is None
    assert submitted.originator_id == UUID("0b5e7c1e-3f0a-4c52-9d11-7a6f2b9c4e01")
    assert submitted.process_id == UUID("5d3a0f6e-8b21-4f7c-a0d4-2c9e1b7f3a10")
    assert submitted.timestamp == datetime(2026, 5, 4, 2, 15, 30, 123456, tzinfo=UTC)
    assert submitted.occurred_at == submitted.timestamp
    assert submitted.actor == FACILITATOR


def test_a_version_1_submission_rebuilds_an_open_proposal(mapper: Mapper[UUID]) -> None:
    submitted = mapper.to_domain_event(stored_sample("proposal_submitted_v1.json"))
    proposal = submitted.mutate(None)  # type: ignore[attr-defined]
    assert isinstance(proposal, Proposal)
    assert proposal.id == UUID("0b5e7c1e-3f0a-4c52-9d11-7a6f2b9c4e01")
    assert proposal.version == 1
    assert proposal.meeting_id is None
    assert proposal.title == "Jalan ke pasar"
    assert proposal.submitted_by == UUID("9e2c4b71-0d5a-4e3f-b8c6-1f7a2d9e5b23")
    assert proposal.status == "open"
    assert proposal.text_version == 1
    assert proposal.submitted_at == datetime(2026, 5, 4, 2, 15, 30, 123456, tzinfo=UTC)
    # An upcast proposal takes further steps like any other, in order after its submission.
    proposal.contribute(uuid4(), "support", "Setuju", FACILITATOR, occurred_at=datetime(2026, 5, 5, tzinfo=UTC))
    assert proposal.version == 2


def test_a_submission_is_stored_with_its_class_version_meeting_and_time_of_the_room(mapper: Mapper[UUID]) -> None:
    meeting_id, occurred_at = uuid4(), datetime(2026, 9, 5, 9, 30, tzinfo=UTC)
    proposal = Proposal(
        id=uuid4(),
        process_id=uuid4(),
        title="Posyandu",
        body="Bangun posyandu",
        submitted_by=uuid4(),
        meeting_id=meeting_id,
        occurred_at=occurred_at,
        actor=FACILITATOR,
    )
    stored = mapper.to_stored_event(proposal.collect_events()[0])
    state = json.loads(stored.state)
    assert stored.topic == "domain.proposal:Proposal.Submitted"
    assert state["class_version"] == 4
    read = mapper.to_domain_event(stored)
    assert read.meeting_id == meeting_id  # type: ignore[attr-defined]
    assert read.occurred_at == occurred_at  # type: ignore[attr-defined]
    assert read.planning is None  # type: ignore[attr-defined]  # built directly, without planning fields


# --- a whole log of the release before occurred_at --------------------------------------

LOG = "log_before_occurred_at.json"


def test_the_stored_log_holds_every_kind_of_event_of_every_aggregate_without_occurred_at() -> None:
    topics = set()
    for stored in stored_log(LOG):
        state = json.loads(stored.state)
        assert "occurred_at" not in state
        topics.add(stored.topic)
    expected = {
        f"domain.{module}:{aggregate.__name__}.{name}"
        for module, aggregate, names in (
            ("process", Process, ("Opened", "ParticipantEnrolled", "MeetingScheduled", "ProposalReceived", "Closed")),
            ("meeting", Meeting, ("Scheduled", "Opened", "AttendanceRecorded", "Closed")),
            ("participant", Participant, ("Registered", "Forgotten")),
            (
                "proposal",
                Proposal,
                (
                    "Submitted",
                    "Contributed",
                    "Amended",
                    "ObjectionRaised",
                    "ObjectionResolved",
                    "ConsensusCheckOpened",
                    "StanceTaken",
                    "ConsensusCheckClosed",
                    "VoteOpened",
                    "BallotCast",
                    "VoteClosed",
                    "Decided",
                ),
            ),
            ("commitment", Commitment, ("Made", "ProgressReported")),
        )
        for name in names
    }
    assert topics == expected


def test_every_stored_event_reads_as_having_happened_when_it_was_recorded(mapper: Mapper[UUID]) -> None:
    for stored in stored_log(LOG):
        event = mapper.to_domain_event(stored)
        if stored.topic.endswith("Proposal.Decided"):
            continue  # it kept when it was decided: the next test
        assert event.occurred_at == event.timestamp, stored.topic  # type: ignore[attr-defined]
        assert event.occurred_at.tzinfo is not None  # type: ignore[attr-defined]


def test_a_stored_decision_keeps_the_time_it_was_decided_as_when_it_happened(mapper: Mapper[UUID]) -> None:
    (stored,) = [s for s in stored_log(LOG) if s.topic.endswith("Proposal.Decided")]
    assert json.loads(stored.state)["decided_at"]["_data_"] == "2026-09-05T11:30:00+00:00"
    decided = mapper.to_domain_event(stored)
    assert decided.occurred_at == datetime(2026, 9, 5, 11, 30, tzinfo=UTC)  # type: ignore[attr-defined]
    assert not hasattr(decided, "decided_at")


def test_a_stored_proposal_replays_with_the_times_and_text_versions_it_had(mapper: Mapper[UUID]) -> None:
    proposal = replay(mapper, stored_log(LOG), UUID(int=3))
    assert isinstance(proposal, Proposal)
    assert proposal.status == "decided"
    assert proposal.text_version == 2
    assert proposal.decision is not None
    assert proposal.decision.decided_at == datetime(2026, 9, 5, 11, 30, tzinfo=UTC)
    # Checks and votes stored without a text version were held on the text of their moment.
    assert [check.text_version for check in proposal.checks.values()] == [2, 2]
    assert [vote.text_version for vote in proposal.votes.values()] == [2]
    first_check = proposal.check(UUID(int=31))
    assert first_check.opened_at is not None and first_check.closed_at is not None
    assert first_check.opened_at <= first_check.closed_at
    assert proposal.objection(UUID(int=21)).raised_at is not None


def test_stored_process_meeting_and_commitment_replay_with_their_times(mapper: Mapper[UUID]) -> None:
    stored = stored_log(LOG)
    process = replay(mapper, stored, UUID(int=1))
    meeting = replay(mapper, stored, UUID(int=2))
    commitment = replay(mapper, stored, UUID(int=5))
    assert isinstance(process, Process) and process.status == "closed"
    assert process.opened_at == process.created_on
    assert process.time_zone == "Asia/Jakarta"  # region 33, Jawa Tengah
    assert isinstance(meeting, Meeting) and meeting.status == "closed"
    assert meeting.opened_at is not None and meeting.created_on <= meeting.opened_at
    assert isinstance(commitment, Commitment) and commitment.percent == 40
    assert commitment.made_at == commitment.created_on


# --- snapshots of the release before occurred_at --------------------------------------


def snapshots(mapper: Mapper[UUID]) -> dict[UUID, Aggregate]:
    restored = {}
    for stored in stored_log("snapshots_before_occurred_at.json"):
        snapshot = mapper.to_domain_event(stored)
        assert isinstance(snapshot, Snapshot)
        restored[stored.originator_id] = snapshot.mutate(None)
    return restored


def test_an_old_proposal_snapshot_reads_as_nothing_withdrawn_annulled_or_corrected(mapper: Mapper[UUID]) -> None:
    proposal = snapshots(mapper)[UUID(int=3)]
    assert isinstance(proposal, Proposal)
    assert proposal.status == "decided"
    assert proposal.submitted_at == proposal.created_on
    assert proposal.annulled_decisions == []
    assert proposal.corrections == {}
    # Its checks and votes were stored without what a round now keeps; they read with it unknown.
    first_check = proposal.check(UUID(int=31))
    assert (first_check.result, first_check.text_version, first_check.opened_at) == ("not_reached", None, None)
    # The snapshot takes new steps like any proposal: its decision can be annulled by a later musyawarah.
    proposal.annul_decision("Musdes khusus", "Perdes 1/2027", None, FACILITATOR, occurred_at=moment())
    assert proposal.status == "open"


def test_old_process_and_meeting_snapshots_read_with_their_times(mapper: Mapper[UUID]) -> None:
    restored = snapshots(mapper)
    process, meeting = restored[UUID(int=1)], restored[UUID(int=2)]
    assert isinstance(process, Process) and process.opened_at == process.created_on
    assert process.time_zone == "Asia/Jakarta"
    assert isinstance(meeting, Meeting) and meeting.opened_at is None and meeting.status == "closed"


# --- a process stored before it had a time zone ---------------------------------------

BEFORE_TIME_ZONES = "process_before_time_zone.json"


def test_the_sample_process_was_stored_without_a_time_zone() -> None:
    stored = stored_log(BEFORE_TIME_ZONES)
    assert [s.topic for s in stored] == [
        "domain.process:Process.Opened",
        "domain.process:Process.Closed",
        "eventsourcing.domain:Snapshot",
    ]
    assert all("time_zone" not in s.state.decode() for s in stored)


def test_a_process_opened_before_time_zones_reads_in_the_zone_of_its_province(mapper: Mapper[UUID]) -> None:
    stored = stored_log(BEFORE_TIME_ZONES)
    process = replay(mapper, stored[:2], UUID(int=101))

    assert isinstance(process, Process) and process.region_code.startswith("73.")  # Sulawesi Selatan
    assert process.time_zone == "Asia/Makassar"
    assert process.opened_at == datetime(2026, 12, 1, 1, 30, tzinfo=UTC)
    assert process.status == "closed"


def test_a_process_snapshot_taken_before_time_zones_reads_in_the_zone_of_its_province(mapper: Mapper[UUID]) -> None:
    snapshot = mapper.to_domain_event(stored_log(BEFORE_TIME_ZONES)[2])
    assert isinstance(snapshot, Snapshot)
    process = snapshot.mutate(None)

    assert isinstance(process, Process) and process.time_zone == "Asia/Makassar"
    assert process.version == 2 and process.status == "closed"


def test_a_process_is_stored_with_its_time_zone_and_class_version(mapper: Mapper[UUID]) -> None:
    process = open_process()
    stored = mapper.to_stored_event(process.collect_events()[0])

    state = json.loads(stored.state)
    assert state["time_zone"] == "Asia/Jakarta" and state["class_version"] == 4
    assert state["level"] == "desa" and state["parent_id"] is None
    again = mapper.to_domain_event(stored)
    assert again.time_zone == "Asia/Jakarta"  # type: ignore[attr-defined]


# --- every upcaster of a snapshot gives the state a new aggregate has ----------------------------------------


def fresh(aggregate: type[Aggregate]) -> Aggregate:
    """A new aggregate of that kind, built today."""
    made: dict[type[Aggregate], Aggregate] = {
        Process: open_process(),
        Meeting: schedule_meeting(),
        Proposal: submit_proposal(),
    }
    return made[aggregate]


@pytest.mark.parametrize("originator", [1, 2, 3], ids=["process", "meeting", "proposal"])
def test_an_old_snapshot_reads_with_exactly_the_attributes_a_new_aggregate_has(
    mapper: Mapper[UUID], originator: int
) -> None:
    """A key mistyped by an upcaster leaves an attribute missing and a stray one beside it: both show here."""
    restored = snapshots(mapper)[UUID(int=originator)]
    new = fresh(type(restored))

    assert sorted(vars(restored)) == sorted(vars(new))


def test_an_old_proposal_snapshot_reads_as_submitted_when_recorded_with_nothing_withdrawn_corrected_or_redacted(
    mapper: Mapper[UUID],
) -> None:
    proposal = snapshots(mapper)[UUID(int=3)]
    assert isinstance(proposal, Proposal)

    assert proposal.submitted_at == proposal.created_on
    assert (proposal.withdrawal, proposal.body_version) == (None, None)
    assert (proposal.annulled_decisions, proposal.corrections, proposal.free_text, proposal.redactions) == (
        [],
        {},
        {},
        {},
    )


def test_each_upcaster_of_a_proposal_snapshot_sets_exactly_its_keys() -> None:
    created_on = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)
    version_1: dict[str, Any] = {"_created_on": created_on}

    Proposal.upcast_v1_v2(version_1)
    version_2 = dict(version_1)
    Proposal.upcast_v2_v3(version_2)
    version_3 = dict(version_2)
    Proposal.upcast_v3_v4(version_3)
    version_4 = dict(version_3)
    Proposal.upcast_v4_v5(version_4)

    assert version_1 == {
        "_created_on": created_on,
        "submitted_at": created_on,
        "withdrawal": None,
        "annulled_decisions": [],
        "corrections": {},
        "free_text": {},
        "body_version": None,
    }
    assert version_2 == {**version_1, "redactions": {}}
    assert version_3 == {**version_2, "addresses": []}
    assert version_4 == {**version_3, "planning": {}}


def test_a_process_snapshot_taken_before_assessments_reads_with_none() -> None:
    version_3: dict[str, Any] = {"region_code": "33.02"}

    Process.upcast_v3_v4(version_3)

    assert version_3 == {"region_code": "33.02", "assessment_ids": []}


@pytest.mark.parametrize(
    ("upcast", "stored", "upcast_state"),
    [
        (Proposal.Submitted.upcast_v1_v2, {}, {"meeting_id": None}),
        (Proposal.Submitted.upcast_v2_v3, {"timestamp": "t"}, {"timestamp": "t", "occurred_at": "t"}),
        (
            Proposal.ConsensusCheckOpened.upcast_v1_v2,
            {"timestamp": "t"},
            {"timestamp": "t", "occurred_at": "t", "text_version": None},
        ),
        (
            Proposal.VoteOpened.upcast_v1_v2,
            {"timestamp": "t"},
            {"timestamp": "t", "occurred_at": "t", "text_version": None},
        ),
        (Proposal.Decided.upcast_v1_v2, {"decided_at": "d", "timestamp": "t"}, {"occurred_at": "d", "timestamp": "t"}),
        (Proposal.Submitted.upcast_v3_v4, {"title": "t"}, {"title": "t", "planning": {}}),
        (Proposal.Amended.upcast_v2_v3, {"body": "b"}, {"body": "b", "planning": None}),
    ],
    ids=[
        "submitted-1-2",
        "submitted-2-3",
        "check-opened-1-2",
        "vote-opened-1-2",
        "decided-1-2",
        "submitted-3-4",
        "amended-2-3",
    ],
)
def test_each_upcaster_of_a_proposal_event_sets_exactly_its_keys(
    upcast: Any, stored: dict[str, Any], upcast_state: dict[str, Any]
) -> None:
    state = dict(stored)
    upcast(state)
    assert state == upcast_state


def test_every_upcaster_of_a_proposal_and_its_events_has_its_test() -> None:
    """Walked from the class: an upcaster added to the proposal or one of its events must be added above."""
    found = {
        getattr(owner, name).__qualname__
        for owner in (Proposal, *(v for v in vars(Proposal).values() if isinstance(v, type)))
        for name in dir(owner)
        if name.startswith("upcast_v")
    }
    found = {name for name in found if name.startswith("Proposal.")}
    tested = {
        "Proposal.upcast_v1_v2",
        "Proposal.upcast_v2_v3",
        "Proposal.upcast_v3_v4",
        "Proposal.upcast_v4_v5",
        "Proposal.upcast_v5_v6",
        "Proposal.Submitted.upcast_v1_v2",
        "Proposal.Submitted.upcast_v2_v3",
        "Proposal.Submitted.upcast_v3_v4",
        "Proposal.Amended.upcast_v2_v3",
        "Proposal.ConsensusCheckOpened.upcast_v1_v2",
        "Proposal.VoteOpened.upcast_v1_v2",
        "Proposal.Decided.upcast_v1_v2",
    }
    assert found == tested


# --- commitments before indicators with targets, budget and spending (version 3) ----------------------------


def test_a_commitment_snapshot_taken_before_version_3_reads_its_indicators_as_names_without_targets() -> None:
    version_2: dict[str, Any] = {"indicators": ["Jalan 300 m"]}

    Commitment.upcast_v2_v3(version_2)

    assert version_2 == {
        "indicators": ["Jalan 300 m"],
        "objectives": [],
        "measures": [
            {"name": "Jalan 300 m", "unit": None, "baseline": None, "target": None, "means_of_verification": None}
        ],
        "budget": None,
        "latest_values": {},
        "spent": "0",
        "evidence": {},
    }


def test_commitment_events_stored_before_version_3_read_with_no_targets_budget_values_or_spending() -> None:
    made: dict[str, Any] = {"indicators": ["Jalan 300 m"]}
    reported: dict[str, Any] = {"percent": 40}

    Commitment.Made.upcast_v2_v3(made)
    Commitment.ProgressReported.upcast_v2_v3(reported)

    assert made == {
        "indicators": ["Jalan 300 m"],
        "objectives": [],
        "measures": [
            {"name": "Jalan 300 m", "unit": None, "baseline": None, "target": None, "means_of_verification": None}
        ],
        "budget": None,
    }
    assert reported == {"percent": 40, "indicator_values": {}, "spent": None, "evidence": []}


def test_a_commitment_stored_before_version_3_replays_with_its_indicators_and_nothing_spent(
    mapper: Mapper[UUID],
) -> None:
    commitment = replay(mapper, stored_log(LOG), UUID(int=5))
    assert isinstance(commitment, Commitment)
    new = Commitment.make(
        uuid4(), uuid4(), uuid4(), "adopted", "Kaur", "Jalan", date(2027, 9, 30), [], FACILITATOR, occurred_at=moment()
    )

    assert sorted(vars(commitment)) == sorted(vars(new))
    assert [m["name"] for m in commitment.measures] == commitment.indicators
    assert (commitment.spent, commitment.budget, commitment.latest_values) == ("0", None, {})


def test_a_proposal_snapshot_of_version_4_reads_as_submitted_where_it_stands_and_forwarded_or_merged_nowhere() -> None:
    state: dict[str, Any] = {"addresses": []}
    Proposal.upcast_v4_v5(state)
    Proposal.upcast_v5_v6(state)

    assert state == {
        "addresses": [],
        "planning": {},
        "origin": None,
        "forwarded": None,
        "merge": None,
    }


def test_a_process_snapshot_of_version_4_and_its_opening_of_version_3_read_as_a_village_in_no_chain() -> None:
    state: dict[str, Any] = {}
    Process.upcast_v4_v5(state)
    opened: dict[str, Any] = {}
    Process.Opened.upcast_v3_v4(opened)

    assert state == {"level": "desa", "parent_id": None} == opened
