"""Snapshots of the aggregates survive the stored form: what a snapshot holds rebuilds the same state."""

from __future__ import annotations

from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate, Snapshot
from eventsourcing.persistence import DatetimeAsISO, DecimalAsStr, JSONTranscoder, Mapper, UUIDAsHex

from domain.rules import DecisionRules
from service.adapters.transcodings import register_domain_transcodings

from .builders import (
    ADMIN,
    DECIDED_AT,
    FACILITATOR,
    moment,
    open_process,
    passed_vote,
    schedule_meeting,
    submit_proposal,
)


def through_the_stored_form(aggregate: Aggregate) -> Aggregate:
    transcoder = JSONTranscoder()
    for transcoding in (UUIDAsHex(), DatetimeAsISO(), DecimalAsStr()):
        transcoder.register(transcoding)
    register_domain_transcodings(transcoder)
    mapper: Mapper[UUID] = Mapper(transcoder=transcoder)
    snapshot = mapper.to_domain_event(mapper.to_stored_event(Snapshot.take(aggregate)))
    return snapshot.mutate(None)  # type: ignore[attr-defined,no-any-return]


def test_a_decided_proposal_with_objections_checks_and_votes_snapshots_faithfully() -> None:
    rules = DecisionRules(quorum=0.75, legal_basis="Permendesa 16/2019")
    proposal = submit_proposal(meeting_id=uuid4())
    proposal.raise_objection(uuid4(), uuid4(), "Tanah belum jelas", True, FACILITATOR, occurred_at=moment())
    check_id = uuid4()
    proposal.open_consensus_check(
        check_id, uuid4(), 4, 3, rules, FACILITATOR, occurred_at=moment(), meeting_opened_at=None
    )
    proposal.take_stance(check_id, uuid4(), "block", "Belum jelas", FACILITATOR, occurred_at=moment())
    proposal.close_consensus_check(check_id, 4, 3, rules, FACILITATOR, occurred_at=moment())
    passed_vote(proposal, rules)
    proposal.decide("adopted", "vote", "Suara terbanyak", rules, DECIDED_AT, FACILITATOR)
    proposal.collect_events()

    restored = through_the_stored_form(proposal)
    assert vars(restored) == vars(proposal)
    assert restored.decision.decided_at == DECIDED_AT  # type: ignore[attr-defined]


def test_a_process_with_its_register_snapshots_faithfully() -> None:
    process = open_process(DecisionRules(vote_fallback=False))
    participant_id = uuid4()
    process.enrol_participant(participant_id, "indigenous", None, FACILITATOR, occurred_at=moment())
    process.note_participant_forgotten(participant_id, ADMIN, occurred_at=moment())
    process.schedule_meeting(uuid4(), FACILITATOR, occurred_at=moment())
    process.collect_events()
    assert vars(through_the_stored_form(process)) == vars(process)


def test_an_open_meeting_with_its_attendance_snapshots_faithfully() -> None:
    invited = [uuid4() for _ in range(3)]
    meeting = schedule_meeting(invited=invited)
    meeting.open([invited[0], uuid4()], invited, FACILITATOR, occurred_at=moment())
    meeting.collect_events()
    restored = through_the_stored_form(meeting)
    assert vars(restored) == vars(meeting)
    restored.ensure_attending(invited[0])  # type: ignore[attr-defined]
    assert restored.present_of_invited == 1  # type: ignore[attr-defined]


def test_a_proposal_with_an_annulled_decision_errata_and_dissent_snapshots_faithfully() -> None:
    rules = DecisionRules(consensus="consent")
    proposal = submit_proposal()
    proposal.amend("Teks kedua", "alasan", uuid4(), FACILITATOR, occurred_at=moment())
    check_id, meeting_opened_at = uuid4(), moment()
    proposal.open_consensus_check(
        check_id, uuid4(), 3, 3, rules, FACILITATOR, occurred_at=moment(), meeting_opened_at=meeting_opened_at
    )
    for stance in ("agree", "agree", "disagree"):
        proposal.take_stance(check_id, uuid4(), stance, None, FACILITATOR, occurred_at=moment())
    proposal.close_consensus_check(check_id, 3, 3, rules, FACILITATOR, occurred_at=moment())
    proposal.decide("adopted", "consensus", "Mufakat", rules, DECIDED_AT, FACILITATOR)
    proposal.annul_decision("Cacat prosedur", "Perdes 2/2027", uuid4(), ADMIN, occurred_at=DECIDED_AT)
    proposal.correct(2, "body", "Teks kedua (benar)", "Salah ketik", FACILITATOR, occurred_at=DECIDED_AT)
    proposal.collect_events()

    restored = through_the_stored_form(proposal)
    assert vars(restored) == vars(proposal)
    assert restored.body == "Teks kedua (benar)"  # type: ignore[attr-defined]
    assert restored.check(check_id).tally["dissent"] == 1  # type: ignore[attr-defined]
    # The restored proposal goes on: its next decision needs a check held after the annulment.
    assert restored.latest_check() is None  # type: ignore[attr-defined]
