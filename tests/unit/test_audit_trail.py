"""A whole musyawarah as a story: every event says who did it, and the events alone rebuild the state."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import uuid4

from eventsourcing.domain import Aggregate, DomainEvent

from domain.actor import Actor
from domain.commitment import Commitment
from domain.meeting import Meeting
from domain.proposal import Proposal

from .builders import ADMIN, DECIDED_AT, FACILITATOR, moment, open_process

COFACILITATOR = Actor(id="acct-pak-budi", role="facilitator", name="Pak Budi (fasilitator)")


def rebuilt(events: list[DomainEvent]) -> Aggregate:
    aggregate = None
    for domain_event in events:
        aggregate = domain_event.mutate(aggregate)  # type: ignore[attr-defined]
    assert aggregate is not None
    return aggregate


def test_every_event_of_a_musyawarah_records_the_actor_who_recorded_it() -> None:
    # The facilitator opens the process and registers nine residents.
    process = open_process(actor=FACILITATOR)
    residents = [uuid4() for _ in range(9)]
    for resident in residents:
        process.enrol_participant(resident, "resident", "undisclosed", FACILITATOR, occurred_at=moment())
    meeting = Meeting(
        id=uuid4(),
        process_id=process.id,
        title="Musdes I",
        scheduled_for=datetime(2027, 3, 1, 9, 0, tzinfo=UTC),
        location="Balai desa",
        invited=None,
        actor=FACILITATOR,
        occurred_at=moment(),
    )
    process.schedule_meeting(meeting.id, FACILITATOR, occurred_at=moment())
    # A co-facilitator runs the meeting: six of nine attend.
    meeting.open(residents[:6], process.active_participant_ids, COFACILITATOR, occurred_at=moment())
    proposal = Proposal(
        id=uuid4(),
        process_id=process.id,
        title="Sumur bor",
        body="Sumur bor untuk dusun 1",
        submitted_by=residents[0],
        meeting_id=meeting.id,
        actor=COFACILITATOR,
        occurred_at=moment(),
    )
    process.receive_proposal(proposal.id, residents[0], COFACILITATOR, occurred_at=moment())
    proposal.contribute(residents[1], "support", "Sangat perlu", COFACILITATOR, occurred_at=moment())
    objection_id = uuid4()
    proposal.raise_objection(
        objection_id, residents[2], "Lokasi di tanah sengketa", True, COFACILITATOR, occurred_at=moment()
    )
    proposal.amend("Sumur bor di tanah kas desa", "pindah lokasi", residents[0], COFACILITATOR, occurred_at=moment())
    proposal.resolve_objection(
        objection_id, "addressed", "Lokasi dipindah", process.rules, COFACILITATOR, occurred_at=moment()
    )
    check_id = uuid4()
    proposal.open_consensus_check(
        check_id,
        meeting.id,
        meeting.invited_count,
        meeting.present_of_invited,
        process.rules,
        COFACILITATOR,
        occurred_at=moment(),
        meeting_opened_at=None,
    )
    for resident in residents[:6]:
        proposal.take_stance(check_id, resident, "agree", None, COFACILITATOR, occurred_at=moment())
    proposal.close_consensus_check(
        check_id, meeting.invited_count, meeting.present_of_invited, process.rules, COFACILITATOR, occurred_at=moment()
    )
    proposal.decide("adopted", "consensus", "Mufakat", process.rules, DECIDED_AT, COFACILITATOR)
    meeting.close("Berita acara", COFACILITATOR, occurred_at=moment())
    commitment = Commitment.make(
        id=uuid4(),
        proposal_id=proposal.id,
        process_id=process.id,
        decision_outcome="adopted",
        owner="Kaur Pembangunan",
        description="Sumur bor",
        due=date(2027, 8, 1),
        indicators=["Air mengalir"],
        actor=FACILITATOR,
        occurred_at=moment(),
    )
    commitment.report_progress(100, "Selesai", None, FACILITATOR, occurred_at=moment())
    process.note_participant_forgotten(residents[8], ADMIN, occurred_at=moment())

    recorded = {
        "process": process.collect_events(),
        "meeting": meeting.collect_events(),
        "proposal": proposal.collect_events(),
        "commitment": commitment.collect_events(),
    }
    actors = {
        name: {getattr(domain_event, "actor", None) for domain_event in events} for name, events in recorded.items()
    }
    assert actors == {
        "process": {FACILITATOR, COFACILITATOR, ADMIN},
        "meeting": {FACILITATOR, COFACILITATOR},
        "proposal": {COFACILITATOR},
        "commitment": {FACILITATOR},
    }
    assert proposal.decision is not None and proposal.decision.outcome == "adopted"
    for aggregate in (process, meeting, proposal, commitment):
        assert vars(rebuilt(recorded[type(aggregate).__name__.lower()])) == vars(aggregate)


def test_a_changed_stance_is_rebuilt_as_the_latest_while_both_events_stay() -> None:
    proposal = Proposal(
        id=uuid4(),
        process_id=uuid4(),
        title="Pasar desa",
        body="Renovasi pasar",
        submitted_by=uuid4(),
        meeting_id=None,
        actor=FACILITATOR,
        occurred_at=moment(),
    )
    check_id, resident = uuid4(), uuid4()
    proposal.open_consensus_check(
        check_id, uuid4(), 3, 3, open_process().rules, FACILITATOR, occurred_at=moment(), meeting_opened_at=None
    )
    proposal.take_stance(check_id, resident, "block", "Pedagang belum diajak bicara", FACILITATOR, occurred_at=moment())
    proposal.take_stance(check_id, resident, "agree", "Sudah diajak bicara", FACILITATOR, occurred_at=moment())
    events = proposal.collect_events()
    stances = [e.stance for e in events if isinstance(e, Proposal.StanceTaken)]
    assert stances == ["block", "agree"]
    replayed = rebuilt(events)
    assert isinstance(replayed, Proposal)
    assert replayed.check(check_id).stances == {str(resident): "agree"}
