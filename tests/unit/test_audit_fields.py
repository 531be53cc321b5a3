"""Every event records exactly what was given to the public step that made it: who did it (`actor`), when it
happened in the room (`occurred_at`), and the words, versions and ids of the step.

One case per event class, each taken through the aggregate's public method (never a builder's shortcut), with
an actor and a moment of its own so that a field filled from anywhere else shows. Each case names every field
of its event, so a field stored as None, swapped or dropped fails here; the events are found by walking
`domain` (see test_event_classes), and an event without a case fails `test_every_event_of_the_domain_has_its_case`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import pytest
from eventsourcing.domain import Aggregate, DomainEvent

from domain.actor import Actor
from domain.assessment import Assessment
from domain.commitment import Commitment, measure
from domain.complaint import Complaint
from domain.dispute import Dispute
from domain.evaluation import Evaluation
from domain.meeting import Meeting
from domain.participant import Participant
from domain.partner import Partner
from domain.process import Process
from domain.programme_report import ProgrammeReport
from domain.proposal import Proposal
from domain.ranking import Ranked, Ranking
from domain.rules import DecisionRules

from .builders import (
    FACILITATOR,
    failed_check,
    moment,
    open_process,
    reached_check,
    schedule_meeting,
    submit_proposal,
)
from .test_event_classes import AGGREGATES, declared_events

#: Who records every step of these cases: nobody else's name may end up in their events.
RECORDER = Actor(id="acct-pencatat", role="facilitator", name="Pak Darto (pencatat)")
#: The fields every stored event has whatever the step (the library's envelope).
ENVELOPE = {"originator_id", "originator_version", "timestamp", "originator_topic"}
#: The zone of the cases' moments (central Indonesia), so that a time re-made in UTC or read off the clock shows.
_WITA = timezone(timedelta(hours=8), "WITA")


@dataclass(frozen=True)
class Recorded:
    """An event a public step made, and every field it must hold."""

    event: DomainEvent
    fields: dict[str, Any]


def last_event(aggregate: Aggregate) -> DomainEvent:
    """The one event the step just made (earlier steps' events were collected already)."""
    pending = aggregate.collect_events()
    assert len(pending) == 1, [type(e).__name__ for e in pending]
    return pending[0]


def when() -> datetime:
    """A moment of the room after every earlier step, in WITA and off the whole second."""
    return moment().astimezone(_WITA) + timedelta(milliseconds=250)


# --- Process --------------------------------------------------------------------------------------------------


def process_opened() -> Recorded:
    rules = DecisionRules(quorum=0.75, consensus="consent", legal_basis="Perdes 3/2026")
    process_id, at = uuid4(), when()
    process = Process(
        id=process_id,
        title="Musdes Sukamaju",
        description="Perencanaan 2027",
        region_code="63.01.02.2003",
        region_name="Sukamaju",
        visibility="restricted",
        rules=rules,
        time_zone="Asia/Makassar",
        occurred_at=at,
        actor=RECORDER,
    )
    fields = {
        "title": "Musdes Sukamaju",
        "description": "Perencanaan 2027",
        "region_code": "63.01.02.2003",
        "region_name": "Sukamaju",
        "visibility": "restricted",
        "rules": rules,
        "time_zone": "Asia/Makassar",
        "level": "desa",
        "parent_id": None,
    }
    return Recorded(last_event(process), {**fields, "occurred_at": at, "actor": RECORDER})


def participant_enrolled() -> Recorded:
    process, participant_id, at = open_process(), uuid4(), when()
    process.collect_events()
    process.enrol_participant(participant_id, "women", "female", RECORDER, occurred_at=at)
    fields = {"participant_id": participant_id, "group": "women", "gender": "female"}
    return Recorded(last_event(process), {**fields, "occurred_at": at, "actor": RECORDER})


def participant_forgotten_in_the_process() -> Recorded:
    process, participant_id = open_process(), uuid4()
    process.enrol_participant(participant_id, "youth", None, FACILITATOR, occurred_at=moment())
    process.collect_events()
    at = when()
    process.note_participant_forgotten(participant_id, RECORDER, occurred_at=at)
    return Recorded(last_event(process), {"participant_id": participant_id, "occurred_at": at, "actor": RECORDER})


def meeting_scheduled_in_the_process() -> Recorded:
    process, meeting_id, at = open_process(), uuid4(), when()
    process.collect_events()
    process.schedule_meeting(meeting_id, RECORDER, occurred_at=at)
    return Recorded(last_event(process), {"meeting_id": meeting_id, "occurred_at": at, "actor": RECORDER})


def proposal_received() -> Recorded:
    process, participant_id, proposal_id = open_process(), uuid4(), uuid4()
    process.enrol_participant(participant_id, "resident", "male", FACILITATOR, occurred_at=moment())
    process.collect_events()
    at = when()
    process.receive_proposal(proposal_id, participant_id, RECORDER, occurred_at=at)
    return Recorded(last_event(process), {"proposal_id": proposal_id, "occurred_at": at, "actor": RECORDER})


def process_closed() -> Recorded:
    process = open_process()
    process.collect_events()
    at = when()
    process.close(RECORDER, occurred_at=at)
    return Recorded(last_event(process), {"occurred_at": at, "actor": RECORDER})


# --- Participant ----------------------------------------------------------------------------------------------


def participant_registered() -> Recorded:
    process_id, at = uuid4(), when()
    participant = Participant(
        id=uuid4(),
        process_id=process_id,
        group="disability",
        gender="undisclosed",
        sealed_organisation="sealed:org",
        sealed_name="sealed:name",
        sealed_contact="sealed:contact",
        occurred_at=at,
        actor=RECORDER,
    )
    fields = {
        "process_id": process_id,
        "group": "disability",
        "gender": "undisclosed",
        "sealed_organisation": "sealed:org",
        "sealed_name": "sealed:name",
        "sealed_contact": "sealed:contact",
    }
    return Recorded(last_event(participant), {**fields, "occurred_at": at, "actor": RECORDER})


def participant_forgotten() -> Recorded:
    participant = Participant(
        id=uuid4(),
        process_id=uuid4(),
        group="resident",
        gender=None,
        sealed_organisation=None,
        sealed_name="sealed:name",
        sealed_contact=None,
        occurred_at=moment(),
        actor=FACILITATOR,
    )
    participant.collect_events()
    at = when()
    participant.forget(RECORDER, occurred_at=at)
    return Recorded(last_event(participant), {"occurred_at": at, "actor": RECORDER})


# --- Meeting --------------------------------------------------------------------------------------------------


def meeting_scheduled() -> Recorded:
    process_id, invited, at = uuid4(), [uuid4(), uuid4()], when()
    scheduled_for = datetime(2027, 4, 2, 9, 0, tzinfo=_WITA)
    meeting = Meeting.schedule(
        uuid4(),
        process_id,
        "Pelatihan pembukuan BUMDes",
        scheduled_for,
        "Balai Dusun 3",
        invited,
        RECORDER,
        occurred_at=at,
        kind="training",
    )
    fields = {
        "process_id": process_id,
        "title": "Pelatihan pembukuan BUMDes",
        "scheduled_for": scheduled_for,
        "location": "Balai Dusun 3",
        "invited": invited,
        "kind": "training",
    }
    return Recorded(last_event(meeting), {**fields, "occurred_at": at, "actor": RECORDER})


def meeting_opened() -> Recorded:
    registered = [uuid4(), uuid4(), uuid4()]
    meeting, at = schedule_meeting(), when()
    meeting.open(registered[:2], registered, RECORDER, occurred_at=at)
    fields = {"attendees": registered[:2], "invited": registered}
    return Recorded(last_event(meeting), {**fields, "occurred_at": at, "actor": RECORDER})


def _open_meeting() -> tuple[Meeting, list[UUID]]:
    registered = [uuid4(), uuid4(), uuid4()]
    meeting = schedule_meeting()
    meeting.open(registered[:1], registered, FACILITATOR, occurred_at=moment())
    meeting.collect_events()
    return meeting, registered


def attendance_recorded() -> Recorded:
    meeting, registered = _open_meeting()
    at = when()
    meeting.record_attendance([registered[0], registered[2]], RECORDER, occurred_at=at)
    return Recorded(last_event(meeting), {"attendees": [registered[2]], "occurred_at": at, "actor": RECORDER})


def meeting_closed() -> Recorded:
    meeting, _ = _open_meeting()
    at = when()
    meeting.close("Musyawarah selesai pukul 12.00.", RECORDER, occurred_at=at)
    return Recorded(
        last_event(meeting), {"minutes": "Musyawarah selesai pukul 12.00.", "occurred_at": at, "actor": RECORDER}
    )


def minutes_sealed() -> Recorded:
    meeting, _ = _open_meeting()
    meeting.close(None, FACILITATOR, occurred_at=moment())
    meeting.collect_events()
    key_id, at = uuid4(), when()
    fields: dict[str, Any] = {
        "replaces": None,
        "log_position": 41,
        "chair_role": "Kepala Desa",
        "secretary_role": "Sekretaris Desa",
        "signatory_roles": ["Ketua BPD", "Perwakilan PKK"],
        "names_key_id": key_id,
        "sealed_names": "sealed:names",
        "agenda": ["Pembukaan", "Usulan jalan"],
        "notes": "Catatan rapat",
        "language": "id",
        "public_sha256": "a" * 64,
        "public_size": 2048,
        "full_sha256": "b" * 64,
        "full_size": 4096,
    }
    assert meeting.seal_minutes(**fields, actor=RECORDER, occurred_at=at) == 1
    return Recorded(last_event(meeting), {**fields, "sealed_version": 1, "occurred_at": at, "actor": RECORDER})


# --- Proposal -------------------------------------------------------------------------------------------------


def proposal_submitted() -> Recorded:
    process_id, submitted_by, meeting_id, at = uuid4(), uuid4(), uuid4(), when()
    proposal = Proposal.submit(
        id=uuid4(),
        process_id=process_id,
        title="Sumur bor dusun 3",
        body="Sumur bor untuk 40 rumah tangga",
        submitted_by=submitted_by,
        meeting_id=meeting_id,
        occurred_at=at,
        actor=RECORDER,
        planning={"estimated_cost": "85000000.50", "sector": "2.3", "location": {"dusun": "3", "rt": "07"}},
    )
    fields = {
        "process_id": process_id,
        "title": "Sumur bor dusun 3",
        "body": "Sumur bor untuk 40 rumah tangga",
        "submitted_by": submitted_by,
        "meeting_id": meeting_id,
        "planning": {"location": {"dusun": "3", "rt": "07"}, "sector": "2.3", "estimated_cost": "85000000.50"},
    }
    return Recorded(last_event(proposal), {**fields, "occurred_at": at, "actor": RECORDER})


def contributed() -> Recorded:
    proposal, participant_id, at = submit_proposal(), uuid4(), when()
    proposal.contribute(participant_id, "concern", "Jalannya licin saat hujan", RECORDER, occurred_at=at)
    fields = {"participant_id": participant_id, "kind": "concern", "text": "Jalannya licin saat hujan"}
    return Recorded(last_event(proposal), {**fields, "occurred_at": at, "actor": RECORDER})


def amended() -> Recorded:
    proposal, proposed_by, at = submit_proposal(), uuid4(), when()
    proposal.amend(
        "Pengerasan jalan dan drainase",
        "Usul warga",
        proposed_by,
        RECORDER,
        occurred_at=at,
        planning={"estimated_cost": "120000000", "funding_source": "dana_desa"},
    )
    fields = {
        "body": "Pengerasan jalan dan drainase",
        "reason": "Usul warga",
        "proposed_by": proposed_by,
        "planning": {"estimated_cost": "120000000", "funding_source": "dana_desa"},
    }
    return Recorded(last_event(proposal), {**fields, "occurred_at": at, "actor": RECORDER})


def objection_raised() -> Recorded:
    proposal, objection_id, raised_by, at = submit_proposal(), uuid4(), uuid4(), when()
    proposal.raise_objection(objection_id, raised_by, "Tanah belum dibebaskan", True, RECORDER, occurred_at=at)
    fields = {
        "objection_id": objection_id,
        "raised_by": raised_by,
        "grounds": "Tanah belum dibebaskan",
        "blocking": True,
    }
    return Recorded(last_event(proposal), {**fields, "occurred_at": at, "actor": RECORDER})


def objection_resolved() -> Recorded:
    proposal, objection_id = submit_proposal(), uuid4()
    proposal.raise_objection(objection_id, uuid4(), "Biaya", True, FACILITATOR, occurred_at=moment())
    proposal.collect_events()
    at = when()
    proposal.resolve_objection(objection_id, "overruled", "Diputus rapat", DecisionRules(), RECORDER, occurred_at=at)
    fields = {"objection_id": objection_id, "outcome": "overruled", "note": "Diputus rapat"}
    return Recorded(last_event(proposal), {**fields, "occurred_at": at, "actor": RECORDER})


def consensus_check_opened() -> Recorded:
    proposal = submit_proposal()
    proposal.amend("Teks kedua", "Perbaikan", uuid4(), FACILITATOR, occurred_at=moment())
    proposal.collect_events()
    check_id, meeting_id, at = uuid4(), uuid4(), when()
    proposal.open_consensus_check(
        check_id, meeting_id, 9, 6, DecisionRules(), RECORDER, occurred_at=at, meeting_opened_at=None
    )
    fields = {"check_id": check_id, "meeting_id": meeting_id, "text_version": 2}
    return Recorded(last_event(proposal), {**fields, "occurred_at": at, "actor": RECORDER})


def _open_check(proposal: Proposal, rules: DecisionRules) -> UUID:
    check_id = uuid4()
    proposal.open_consensus_check(
        check_id, uuid4(), 9, 9, rules, FACILITATOR, occurred_at=moment(), meeting_opened_at=None
    )
    proposal.collect_events()
    return check_id


def stance_taken() -> Recorded:
    proposal = submit_proposal()
    check_id, participant_id = _open_check(proposal, DecisionRules()), uuid4()
    at = when()
    proposal.take_stance(check_id, participant_id, "disagree", "Belum ada kajian", RECORDER, occurred_at=at)
    fields = {
        "check_id": check_id,
        "participant_id": participant_id,
        "stance": "disagree",
        "reason": "Belum ada kajian",
    }
    return Recorded(last_event(proposal), {**fields, "occurred_at": at, "actor": RECORDER})


def consensus_check_closed() -> Recorded:
    rules = DecisionRules(consensus="consent")
    proposal = submit_proposal()
    check_id = _open_check(proposal, rules)
    for stance in ("agree", "agree", "disagree", "abstain"):
        proposal.take_stance(check_id, uuid4(), stance, None, FACILITATOR, occurred_at=moment())
    proposal.collect_events()
    at = when()
    proposal.close_consensus_check(check_id, 9, 7, rules, RECORDER, occurred_at=at)
    tally = {
        "agree": 2,
        "abstain": 1,
        "disagree": 1,
        "block": 0,
        "invited": 9,
        "present": 7,
        "quorum_met": True,
        "unresolved_blocking_objections": 0,
        "rule": "consent",
        "dissent": 1,
    }
    fields = {"check_id": check_id, "result": "reached", "tally": tally}
    return Recorded(last_event(proposal), {**fields, "occurred_at": at, "actor": RECORDER})


def _open_vote(proposal: Proposal, rules: DecisionRules) -> UUID:
    failed_check(proposal, rules)
    vote_id = uuid4()
    proposal.open_vote(vote_id, uuid4(), 9, 9, rules, FACILITATOR, occurred_at=moment(), meeting_opened_at=None)
    proposal.collect_events()
    return vote_id


def vote_opened() -> Recorded:
    rules = DecisionRules()
    proposal = submit_proposal()
    failed_check(proposal, rules)
    vote_id, meeting_id, at = uuid4(), uuid4(), when()
    proposal.open_vote(vote_id, meeting_id, 9, 6, rules, RECORDER, occurred_at=at, meeting_opened_at=None)
    fields = {"vote_id": vote_id, "meeting_id": meeting_id, "text_version": 1}
    return Recorded(last_event(proposal), {**fields, "occurred_at": at, "actor": RECORDER})


def ballot_cast() -> Recorded:
    proposal = submit_proposal()
    vote_id, participant_id = _open_vote(proposal, DecisionRules()), uuid4()
    at = when()
    proposal.cast_ballot(vote_id, participant_id, "no", RECORDER, occurred_at=at)
    fields = {"vote_id": vote_id, "participant_id": participant_id, "choice": "no"}
    return Recorded(last_event(proposal), {**fields, "occurred_at": at, "actor": RECORDER})


def vote_closed() -> Recorded:
    rules = DecisionRules(vote_threshold=0.6)
    proposal = submit_proposal()
    vote_id = _open_vote(proposal, rules)
    for choice in ("yes", "yes", "yes", "no", "abstain"):
        proposal.cast_ballot(vote_id, uuid4(), choice, FACILITATOR, occurred_at=moment())
    proposal.collect_events()
    at = when()
    proposal.close_vote(vote_id, 9, 8, rules, RECORDER, occurred_at=at)
    tally = {"yes": 3, "no": 1, "abstain": 1, "invited": 9, "present": 8, "quorum_met": True, "threshold": 0.6}
    fields = {"vote_id": vote_id, "result": "passed", "tally": tally}
    return Recorded(last_event(proposal), {**fields, "occurred_at": at, "actor": RECORDER})


def decided() -> Recorded:
    rules = DecisionRules(legal_basis="Perdes 3/2026")
    proposal = submit_proposal()
    failed_check(proposal, rules)
    at = when()
    proposal.decide("deferred", "consensus", "Menunggu kajian teknis", rules, at, RECORDER)
    fields = {
        "outcome": "deferred",
        "method": "consensus",
        "rationale": "Menunggu kajian teknis",
        "rules": rules.as_dict(),
    }
    return Recorded(last_event(proposal), {**fields, "occurred_at": at, "actor": RECORDER})


def withdrawn() -> Recorded:
    proposal, at = submit_proposal(), when()
    proposal.withdraw("Digabung dengan usulan lain", RECORDER, occurred_at=at)
    return Recorded(
        last_event(proposal), {"reason": "Digabung dengan usulan lain", "occurred_at": at, "actor": RECORDER}
    )


def decision_annulled() -> Recorded:
    rules = DecisionRules()
    proposal = submit_proposal()
    failed_check(proposal, rules)
    proposal.decide("deferred", "consensus", "Ditunda", rules, moment(), FACILITATOR)
    proposal.collect_events()
    meeting_id, at = uuid4(), when()
    proposal.annul_decision("Cacat prosedur", "Permendesa 16/2019", meeting_id, RECORDER, occurred_at=at)
    fields = {"reason": "Cacat prosedur", "legal_basis": "Permendesa 16/2019", "meeting_id": meeting_id}
    return Recorded(last_event(proposal), {**fields, "occurred_at": at, "actor": RECORDER})


def corrected() -> Recorded:
    proposal = submit_proposal()
    proposal.contribute(uuid4(), "support", "Setuju sekali", FACILITATOR, occurred_at=moment())
    proposal.collect_events()
    at = when()
    proposal.correct(2, "text", "Setuju, dengan catatan", "Salah ketik", RECORDER, occurred_at=at)
    fields = {"version": 2, "field": "text", "text": "Setuju, dengan catatan", "reason": "Salah ketik"}
    return Recorded(last_event(proposal), {**fields, "occurred_at": at, "actor": RECORDER})


def redacted() -> Recorded:
    proposal = submit_proposal()
    proposal.contribute(uuid4(), "support", "Kata Pak Rudi setuju", FACILITATOR, occurred_at=moment())
    proposal.collect_events()
    at = when()
    proposal.redact(2, "text", "Menyebut nama", RECORDER, occurred_at=at)
    fields = {"version": 2, "field": "text", "reason": "Menyebut nama"}
    return Recorded(last_event(proposal), {**fields, "occurred_at": at, "actor": RECORDER})


def findings_linked() -> Recorded:
    proposal, at = submit_proposal(), when()
    addresses = [{"finding_id": str(uuid4()), "assessment_id": str(uuid4()), "kind": "need", "title": "Air bersih"}]
    proposal.link_findings(addresses, RECORDER, occurred_at=at)
    return Recorded(last_event(proposal), {"addresses": addresses, "occurred_at": at, "actor": RECORDER})


def _adopted() -> Proposal:
    proposal = submit_proposal()
    reached_check(proposal)
    proposal.decide("adopted", "consensus", "Disepakati", DecisionRules(), moment(), FACILITATOR)
    proposal.collect_events()
    return proposal


def forwarded() -> Recorded:
    proposal, parent_id, arrived_id, delegate, at = _adopted(), uuid4(), uuid4(), uuid4(), when()
    proposal.forward(parent_id, parent_id, arrived_id, "Melebihi pagu desa", [delegate], RECORDER, occurred_at=at)
    fields = {
        "to_process_id": parent_id,
        "proposal_id": arrived_id,
        "note": "Melebihi pagu desa",
        "delegates": [delegate],
    }
    return Recorded(last_event(proposal), {**fields, "occurred_at": at, "actor": RECORDER})


def arrived() -> Recorded:
    origin, parent_id, arrived_id, at = _adopted(), uuid4(), uuid4(), when()
    proposal = Proposal.arrive_from_below(arrived_id, parent_id, origin, "Melebihi pagu desa", at, RECORDER)
    fields = {
        "process_id": parent_id,
        "title": origin.title,
        "body": origin.body,
        "submitted_by": None,
        "meeting_id": None,
        "origin": {"proposal_id": str(origin.id), "process_id": str(origin.process_id)},
        "note": "Melebihi pagu desa",
        "planning": {},
    }
    return Recorded(last_event(proposal), {**fields, "occurred_at": at, "actor": RECORDER})


def merged() -> Recorded:
    proposal, at = submit_proposal(), when()
    into = Proposal.submit(uuid4(), proposal.process_id, "Jalan", "Jalan desa", uuid4(), None, moment(), FACILITATOR)
    proposal.merge_into(into, "Ruas jalan yang sama", RECORDER, occurred_at=at)
    return Recorded(
        last_event(proposal), {"into": into.id, "reason": "Ruas jalan yang sama", "occurred_at": at, "actor": RECORDER}
    )


# --- Assessment -----------------------------------------------------------------------------------------------

_PHOTO = "c" * 64


def _assessment() -> Assessment:
    assessment = Assessment.start(
        id=uuid4(),
        process_id=uuid4(),
        title="Transek Dusun Krajan",
        method="transect",
        meeting_id=None,
        respondents=[],
        actor=FACILITATOR,
        occurred_at=moment(),
    )
    assessment.attach_evidence(_PHOTO, "sketsa.png", "image/png", 77, FACILITATOR, occurred_at=moment())
    assessment.collect_events()
    return assessment


def assessment_started() -> Recorded:
    process_id, meeting_id, at = uuid4(), uuid4(), when()
    respondents = [{"group": "women", "gender": "female", "count": 9}, {"group": "youth", "gender": None, "count": 4}]
    assessment = Assessment.start(
        id=uuid4(),
        process_id=process_id,
        title="FGD nelayan",
        method="fgd",
        meeting_id=meeting_id,
        respondents=respondents,
        actor=RECORDER,
        occurred_at=at,
    )
    fields = {
        "process_id": process_id,
        "title": "FGD nelayan",
        "method": "fgd",
        "meeting_id": meeting_id,
        "respondents": respondents,
    }
    return Recorded(last_event(assessment), {**fields, "occurred_at": at, "actor": RECORDER})


def evidence_attached() -> Recorded:
    assessment, at = _assessment(), when()
    assessment.attach_evidence("d" * 64, "peta.jpg", "image/jpeg", 4096, RECORDER, occurred_at=at)
    fields = {"sha256": "d" * 64, "name": "peta.jpg", "media_type": "image/jpeg", "size": 4096}
    return Recorded(last_event(assessment), {**fields, "occurred_at": at, "actor": RECORDER})


def finding_recorded() -> Recorded:
    assessment, finding_id, at = _assessment(), uuid4(), when()
    assessment.record_finding(
        finding_id,
        "potential",
        "Mata air Sendang",
        "Debit cukup untuk 2 dusun",
        "2.7",
        {"dusun": "Krajan", "rw": "02"},
        ["resident", "indigenous"],
        [_PHOTO],
        RECORDER,
        occurred_at=at,
    )
    fields = {
        "finding_id": finding_id,
        "kind": "potential",
        "title": "Mata air Sendang",
        "description": "Debit cukup untuk 2 dusun",
        "sector": "2.7",
        "location": {"dusun": "Krajan", "rw": "02"},
        "groups": ["resident", "indigenous"],
        "evidence": [_PHOTO],
    }
    return Recorded(last_event(assessment), {**fields, "occurred_at": at, "actor": RECORDER})


def _with_finding() -> tuple[Assessment, UUID]:
    assessment, finding_id = _assessment(), uuid4()
    assessment.record_finding(finding_id, "need", "Jalan", None, None, None, [], [], FACILITATOR, occurred_at=moment())
    assessment.collect_events()
    return assessment, finding_id


def finding_corrected() -> Recorded:
    (assessment, finding_id), at = _with_finding(), when()
    assessment.correct_finding(finding_id, "description", "Jalan tani rusak", "ralat", RECORDER, occurred_at=at)
    fields = {"finding_id": finding_id, "field": "description", "text": "Jalan tani rusak", "reason": "ralat"}
    return Recorded(last_event(assessment), {**fields, "occurred_at": at, "actor": RECORDER})


def finding_withdrawn() -> Recorded:
    (assessment, finding_id), at = _with_finding(), when()
    assessment.withdraw_finding(finding_id, "Tercatat dua kali", RECORDER, occurred_at=at)
    fields = {"finding_id": finding_id, "reason": "Tercatat dua kali"}
    return Recorded(last_event(assessment), {**fields, "occurred_at": at, "actor": RECORDER})


def assessment_closed() -> Recorded:
    assessment, at = _assessment(), when()
    assessment.close(RECORDER, occurred_at=at)
    return Recorded(last_event(assessment), {"occurred_at": at, "actor": RECORDER})


def assessment_started_in_the_process() -> Recorded:
    process, assessment_id, at = open_process(), uuid4(), when()
    process.collect_events()
    process.start_assessment(assessment_id, RECORDER, occurred_at=at)
    return Recorded(last_event(process), {"assessment_id": assessment_id, "occurred_at": at, "actor": RECORDER})


# --- Commitment -----------------------------------------------------------------------------------------------


def commitment_made() -> Recorded:
    proposal_id, process_id, partner_id, at = uuid4(), uuid4(), uuid4(), when()
    commitment = Commitment.make(
        uuid4(),
        proposal_id,
        process_id,
        "adopted",
        "Yayasan Air Bersih",
        "Pengerasan 400 m",
        date(2027, 9, 30),
        ["400 m jalan"],
        RECORDER,
        occurred_at=at,
        measures=[measure("Rumah terlayani", "rumah", "12", Decimal("80.5"), "Foto")],
        objectives=["Jalan tani bisa dilalui truk"],
        budget=Decimal("150000000.00"),
        owner_partner_id=partner_id,
    )
    fields = {
        "proposal_id": proposal_id,
        "process_id": process_id,
        "owner": "Yayasan Air Bersih",
        "owner_partner_id": partner_id,
        "description": "Pengerasan 400 m",
        "due": date(2027, 9, 30),
        "indicators": ["400 m jalan", "Rumah terlayani"],
        "objectives": ["Jalan tani bisa dilalui truk"],
        "measures": [
            {"name": "400 m jalan", "unit": None, "baseline": None, "target": None, "means_of_verification": None},
            {
                "name": "Rumah terlayani",
                "unit": "rumah",
                "baseline": "12",
                "target": "80.5",
                "means_of_verification": "Foto",
            },
        ],
        "budget": "150000000.00",
    }
    return Recorded(last_event(commitment), {**fields, "occurred_at": at, "actor": RECORDER})


def progress_reported() -> Recorded:
    commitment = Commitment.make(
        uuid4(),
        uuid4(),
        uuid4(),
        "adopted",
        "Kaur",
        "Jalan",
        date(2027, 9, 30),
        ["m"],
        FACILITATOR,
        occurred_at=moment(),
    )
    commitment.attach_evidence("a" * 64, "foto.jpg", "image/jpeg", 10, FACILITATOR, occurred_at=moment())
    commitment.collect_events()
    at = when()
    commitment.report_progress(
        40,
        "Tahap satu selesai",
        "https://desa.example/foto",
        RECORDER,
        occurred_at=at,
        indicator_values={"m": "120.5"},
        spent="2500000.50",
        evidence=["a" * 64],
    )
    fields = {
        "percent": 40,
        "note": "Tahap satu selesai",
        "evidence_url": "https://desa.example/foto",
        "indicator_values": {"m": "120.5"},
        "spent": "2500000.50",
        "evidence": ["a" * 64],
    }
    return Recorded(last_event(commitment), {**fields, "occurred_at": at, "actor": RECORDER})


def _made_commitment() -> Commitment:
    commitment = Commitment.make(
        uuid4(), uuid4(), uuid4(), "adopted", "Kaur", "Jalan", date(2027, 9, 30), [], FACILITATOR, occurred_at=moment()
    )
    commitment.collect_events()
    return commitment


def risk_identified() -> Recorded:
    commitment, risk_id, partner_id, at = _made_commitment(), uuid4(), uuid4(), when()
    commitment.identify_risk(
        risk_id,
        "Hujan sebelum pengecoran",
        "medium",
        "high",
        "Cor sebelum November",
        RECORDER,
        occurred_at=at,
        owner="Yayasan Air Bersih",
        owner_partner_id=partner_id,
        status="mitigated",
    )
    fields = {
        "risk_id": risk_id,
        "description": "Hujan sebelum pengecoran",
        "likelihood": "medium",
        "impact": "high",
        "mitigation": "Cor sebelum November",
        "owner": "Yayasan Air Bersih",
        "owner_partner_id": partner_id,
        "status": "mitigated",
    }
    return Recorded(last_event(commitment), {**fields, "occurred_at": at, "actor": RECORDER})


def risk_reviewed() -> Recorded:
    commitment, risk_id, meeting_id = _made_commitment(), uuid4(), uuid4()
    commitment.identify_risk(risk_id, "Hujan", "low", "low", "Terpal", FACILITATOR, occurred_at=moment())
    commitment.collect_events()
    at = when()
    commitment.review_risk(risk_id, meeting_id, "occurred", "Hujan datang awal", RECORDER, occurred_at=at)
    fields = {"risk_id": risk_id, "meeting_id": meeting_id, "status": "occurred", "note": "Hujan datang awal"}
    return Recorded(last_event(commitment), {**fields, "occurred_at": at, "actor": RECORDER})


def commitment_evidence_attached() -> Recorded:
    commitment = Commitment.make(
        uuid4(), uuid4(), uuid4(), "adopted", "Kaur", "Jalan", date(2027, 9, 30), [], FACILITATOR, occurred_at=moment()
    )
    commitment.collect_events()
    at = when()
    commitment.attach_evidence("b" * 64, "kuitansi.pdf", "application/pdf", 2048, RECORDER, occurred_at=at)
    fields = {"sha256": "b" * 64, "name": "kuitansi.pdf", "media_type": "application/pdf", "size": 2048}
    return Recorded(last_event(commitment), {**fields, "occurred_at": at, "actor": RECORDER})


# --- Dispute ---------------------------------------------------------------------------------------------------

_PARTIES = [{"group": "indigenous"}, {"organisation": "Kelompok Nelayan Mina Jaya"}]


def _dispute(session: bool = False) -> Dispute:
    dispute = Dispute.open(
        id=uuid4(),
        process_id=uuid4(),
        title="Air irigasi musim kemarau",
        parties=_PARTIES,
        about=None,
        visibility="restricted",
        actor=FACILITATOR,
        occurred_at=moment(),
    )
    if session:
        dispute.hold_session(uuid4(), uuid4(), "Kedua pihak bertemu", FACILITATOR, occurred_at=moment())
    dispute.collect_events()
    return dispute


def dispute_opened() -> Recorded:
    process_id, proposal_id, at = uuid4(), uuid4(), when()
    dispute = Dispute.open(
        id=uuid4(),
        process_id=process_id,
        title="Tanah bengkok untuk embung",
        parties=[{"group": "indigenous"}, {"partner_id": "5f0c2a9e-8b7d-4c61-9e2f-5a4b3c2d1e0f"}],
        about={"proposal_id": str(proposal_id)},
        visibility="public",
        actor=RECORDER,
        occurred_at=at,
    )
    fields = {
        "process_id": process_id,
        "title": "Tanah bengkok untuk embung",
        "parties": [{"group": "indigenous"}, {"partner_id": "5f0c2a9e-8b7d-4c61-9e2f-5a4b3c2d1e0f"}],
        "about": {"proposal_id": str(proposal_id)},
        "visibility": "public",
    }
    return Recorded(last_event(dispute), {**fields, "occurred_at": at, "actor": RECORDER})


def dispute_session_held() -> Recorded:
    dispute, session_id, meeting_id, at = _dispute(), uuid4(), uuid4(), when()
    dispute.hold_session(session_id, meeting_id, "Sepakat mengukur ulang", RECORDER, occurred_at=at)
    fields = {"session_id": session_id, "meeting_id": meeting_id, "summary": "Sepakat mengukur ulang"}
    return Recorded(last_event(dispute), {**fields, "occurred_at": at, "actor": RECORDER})


def dispute_issue_recorded() -> Recorded:
    dispute, issue_id, at = _dispute(), uuid4(), when()
    interests = [{"party": 1, "needs": "Air untuk tambak", "demands": "Pintu air ditutup"}]
    dispute.record_issue(issue_id, "Pembagian air", interests, RECORDER, occurred_at=at)
    fields = {"issue_id": issue_id, "title": "Pembagian air", "interests": interests}
    return Recorded(last_event(dispute), {**fields, "occurred_at": at, "actor": RECORDER})


def dispute_option_considered() -> Recorded:
    dispute, option_id, at = _dispute(), uuid4(), when()
    dispute.consider_option(option_id, None, "Jadwal bergilir", RECORDER, occurred_at=at)
    fields = {"option_id": option_id, "issue_id": None, "text": "Jadwal bergilir"}
    return Recorded(last_event(dispute), {**fields, "occurred_at": at, "actor": RECORDER})


def dispute_agreed() -> Recorded:
    dispute, commitment_id, at = _dispute(session=True), uuid4(), when()
    promises = [{"description": "Pintu air diperbaiki", "owner": "Pemerintah desa", "due": "2027-06-30"}]
    dispute.agree("Air dibagi bergilir", ["kepala desa"], [commitment_id], promises, True, RECORDER, occurred_at=at)
    fields = {
        "text": "Air dibagi bergilir",
        "signatory_roles": ["kepala desa"],
        "commitment_ids": [str(commitment_id)],
        "promises": promises,
        "text_public": True,
    }
    return Recorded(last_event(dispute), {**fields, "occurred_at": at, "actor": RECORDER})


def dispute_escalated() -> Recorded:
    dispute, at = _dispute(), when()
    dispute.escalate("camat", "Mediasi desa buntu", RECORDER, occurred_at=at)
    return Recorded(
        last_event(dispute), {"to": "camat", "reason": "Mediasi desa buntu", "occurred_at": at, "actor": RECORDER}
    )


def dispute_dropped() -> Recorded:
    dispute, at = _dispute(), when()
    dispute.drop_dispute("Para pihak berdamai sendiri", RECORDER, occurred_at=at)
    return Recorded(
        last_event(dispute), {"reason": "Para pihak berdamai sendiri", "occurred_at": at, "actor": RECORDER}
    )


def dispute_corrected() -> Recorded:
    dispute, session_id, at = _dispute(), uuid4(), when()
    dispute.hold_session(session_id, uuid4(), "Salah tulis", FACILITATOR, occurred_at=moment())
    dispute.collect_events()
    at = when()
    dispute.correct("summary", session_id, "Ditulis benar", "Salah ketik", RECORDER, occurred_at=at)
    fields = {"field": "summary", "session_id": session_id, "text": "Ditulis benar", "reason": "Salah ketik"}
    return Recorded(last_event(dispute), {**fields, "occurred_at": at, "actor": RECORDER})


def dispute_summary_redacted() -> Recorded:
    dispute, session_id = _dispute(), uuid4()
    dispute.hold_session(session_id, uuid4(), "Menyebut nama", FACILITATOR, occurred_at=moment())
    dispute.collect_events()
    at = when()
    dispute.redact_summary(session_id, "Menyebut nama warga", RECORDER, occurred_at=at)
    fields = {"session_id": session_id, "reason": "Menyebut nama warga"}
    return Recorded(last_event(dispute), {**fields, "occurred_at": at, "actor": RECORDER})


def dispute_agreement_sealed() -> Recorded:
    dispute = _dispute(session=True)
    dispute.agree("Air dibagi bergilir", ["kepala desa"], [], [], False, FACILITATOR, occurred_at=moment())
    dispute.collect_events()
    at, sha256 = when(), "ab" * 32
    dispute.seal_agreement(sha256, 12345, 42, "id", RECORDER, occurred_at=at)
    fields = {"sealed_version": 1, "sha256": sha256, "size": 12345, "log_position": 42, "language": "id"}
    return Recorded(last_event(dispute), {**fields, "occurred_at": at, "actor": RECORDER})


CASES: dict[type[DomainEvent], Callable[[], Recorded]] = {
    Process.Opened: process_opened,
    Process.ParticipantEnrolled: participant_enrolled,
    Process.ParticipantForgotten: participant_forgotten_in_the_process,
    Process.MeetingScheduled: meeting_scheduled_in_the_process,
    Process.ProposalReceived: proposal_received,
    Process.Closed: process_closed,
    Process.AssessmentStarted: assessment_started_in_the_process,
    Participant.Registered: participant_registered,
    Participant.Forgotten: participant_forgotten,
    Meeting.Scheduled: meeting_scheduled,
    Meeting.Opened: meeting_opened,
    Meeting.AttendanceRecorded: attendance_recorded,
    Meeting.Closed: meeting_closed,
    Meeting.MinutesSealed: minutes_sealed,
    Proposal.Submitted: proposal_submitted,
    Proposal.Contributed: contributed,
    Proposal.Amended: amended,
    Proposal.ObjectionRaised: objection_raised,
    Proposal.ObjectionResolved: objection_resolved,
    Proposal.ConsensusCheckOpened: consensus_check_opened,
    Proposal.StanceTaken: stance_taken,
    Proposal.ConsensusCheckClosed: consensus_check_closed,
    Proposal.VoteOpened: vote_opened,
    Proposal.BallotCast: ballot_cast,
    Proposal.VoteClosed: vote_closed,
    Proposal.Decided: decided,
    Proposal.Withdrawn: withdrawn,
    Proposal.DecisionAnnulled: decision_annulled,
    Proposal.Corrected: corrected,
    Proposal.Redacted: redacted,
    Proposal.FindingsLinked: findings_linked,
    Proposal.Forwarded: forwarded,
    Proposal.Arrived: arrived,
    Proposal.Merged: merged,
    Assessment.Started: assessment_started,
    Assessment.EvidenceAttached: evidence_attached,
    Assessment.FindingRecorded: finding_recorded,
    Assessment.FindingCorrected: finding_corrected,
    Assessment.FindingWithdrawn: finding_withdrawn,
    Assessment.Closed: assessment_closed,
    Commitment.Made: commitment_made,
    Commitment.ProgressReported: progress_reported,
    Commitment.EvidenceAttached: commitment_evidence_attached,
    Commitment.RiskIdentified: risk_identified,
    Commitment.RiskReviewed: risk_reviewed,
    Dispute.Opened: dispute_opened,
    Dispute.SessionHeld: dispute_session_held,
    Dispute.IssueRecorded: dispute_issue_recorded,
    Dispute.OptionConsidered: dispute_option_considered,
    Dispute.Agreed: dispute_agreed,
    Dispute.Escalated: dispute_escalated,
    Dispute.Dropped: dispute_dropped,
    Dispute.Corrected: dispute_corrected,
    Dispute.SummaryRedacted: dispute_summary_redacted,
    Dispute.AgreementSealed: dispute_agreement_sealed,
}


# --- Ranking ----------------------------------------------------------------------------------------------------


def _ranked(cost: str | None = "1000") -> Ranked:
    return Ranked(proposal_id=str(uuid4()), text_version=1, estimated_cost=cost, submitted_at=moment().isoformat())


def _ranking(method: str = "borda") -> Ranking:
    ranking = Ranking.open(
        uuid4(), uuid4(), uuid4(), method, [_ranked(), _ranked()], None, None, FACILITATOR, occurred_at=moment()
    )
    ranking.collect_events()
    return ranking


def ranking_opened() -> Recorded:
    process_id, meeting_id, at = uuid4(), uuid4(), when()
    first, second = _ranked("250000000.00"), _ranked(None)
    criteria = [{"name": "urgensi", "weight": "2"}]
    ranking = Ranking.open(
        uuid4(), process_id, meeting_id, "score", [first, second], "300000000", criteria, RECORDER, occurred_at=at
    )
    fields = {
        "process_id": process_id,
        "meeting_id": meeting_id,
        "method": "score",
        "proposals": [first.as_dict(), second.as_dict()],
        "budget_ceiling": "300000000",
        "criteria": [{"name": "urgensi", "weight": "2"}],
    }
    return Recorded(last_event(ranking), {**fields, "occurred_at": at, "actor": RECORDER})


def ranking_ballot_cast() -> Recorded:
    ranking, participant_id, at = _ranking(), uuid4(), when()
    order = list(reversed(ranking.proposal_ids))
    ranking.cast_ballot(participant_id, RECORDER, occurred_at=at, order=order)
    fields = {"participant_id": participant_id, "order": order, "scores": None}
    return Recorded(last_event(ranking), {**fields, "occurred_at": at, "actor": RECORDER})


def ranking_closed() -> Recorded:
    ranking = _ranking()
    first, second = ranking.proposal_ids
    ranking.cast_ballot(uuid4(), FACILITATOR, occurred_at=moment(), order=[second, first])
    ranking.collect_events()
    at = when()
    ranking.close(1, 0.5, {first: 1, second: 1}, RECORDER, occurred_at=at)
    result = [
        {
            "proposal_id": second,
            "rank": 1,
            "points": "1",
            "estimated_cost": "1000",
            "cumulative_cost": "1000",
            "within_ceiling": True,
        },
        {
            "proposal_id": first,
            "rank": 2,
            "points": "0",
            "estimated_cost": "1000",
            "cumulative_cost": "2000",
            "within_ceiling": True,
        },
    ]
    rules = {"method": "borda", "budget_ceiling": None, "criteria": None}
    fields = {"result": result, "ballots": 1, "rules": rules}
    return Recorded(last_event(ranking), {**fields, "occurred_at": at, "actor": RECORDER})


CASES.update(
    {
        Ranking.Opened: ranking_opened,
        Ranking.BallotCast: ranking_ballot_cast,
        Ranking.Closed: ranking_closed,
    }
)


# --- Complaints and partners ----------------------------------------------------------------------------------

_DIGEST = "ab" * 32


def complaint_filed() -> Recorded:
    process_id, commitment_id, at = uuid4(), uuid4(), when()
    complaint = Complaint.file(
        uuid4(),
        process_id,
        "Semen hilang 20 sak",
        _DIGEST,
        RECORDER,
        occurred_at=at,
        about=("commitment", commitment_id),
        sealed_contact="c2VhbGVk",
    )
    fields = {
        "process_id": process_id,
        "text": "Semen hilang 20 sak",
        "about_kind": "commitment",
        "about_id": str(commitment_id),
        "sealed_contact": "c2VhbGVk",
        "tracking_digest": _DIGEST,
    }
    return Recorded(last_event(complaint), {**fields, "occurred_at": at, "actor": RECORDER})


def complaint_responded() -> Recorded:
    complaint = Complaint.file(uuid4(), uuid4(), "Jalan rusak", _DIGEST, FACILITATOR, occurred_at=moment())
    complaint.collect_events()
    at = when()
    complaint.respond("escalated", "Diteruskan ke Inspektorat", RECORDER, occurred_at=at)
    fields = {"status": "escalated", "response": "Diteruskan ke Inspektorat"}
    return Recorded(last_event(complaint), {**fields, "occurred_at": at, "actor": RECORDER})


def partner_registered() -> Recorded:
    process_id, at = uuid4(), when()
    partner = Partner.register(uuid4(), process_id, "CSR PT Maju", "private", RECORDER, occurred_at=at)
    fields = {"process_id": process_id, "name": "CSR PT Maju", "kind": "private"}
    return Recorded(last_event(partner), {**fields, "occurred_at": at, "actor": RECORDER})


def partner_contribution_recorded() -> Recorded:
    partner = Partner.register(uuid4(), uuid4(), "Dinas PU", "government", FACILITATOR, occurred_at=moment())
    partner.collect_events()
    contribution_id, commitment_id, at = uuid4(), uuid4(), when()
    partner.contribute(
        contribution_id,
        "cash",
        "Dana semen",
        RECORDER,
        occurred_at=at,
        amount="1500000.50",
        commitment_id=commitment_id,
    )
    fields = {
        "contribution_id": contribution_id,
        "kind": "cash",
        "description": "Dana semen",
        "amount": "1500000.50",
        "commitment_id": str(commitment_id),
    }
    return Recorded(last_event(partner), {**fields, "occurred_at": at, "actor": RECORDER})


def complaint_redacted() -> Recorded:
    complaint = Complaint.file(uuid4(), uuid4(), "Semen hilang", _DIGEST, FACILITATOR, occurred_at=moment())
    complaint.respond("in_review", "Kami cek", FACILITATOR, occurred_at=moment())
    complaint.collect_events()
    at = when()
    complaint.redact(2, "response", "Menyebut nama", RECORDER, occurred_at=at)
    fields = {"version": 2, "field": "response", "reason": "Menyebut nama"}
    return Recorded(last_event(complaint), {**fields, "occurred_at": at, "actor": RECORDER})


def complaint_contact_forgotten() -> Recorded:
    complaint = Complaint.file(
        uuid4(), uuid4(), "Semen hilang", _DIGEST, FACILITATOR, occurred_at=moment(), sealed_contact="c2VhbGVk"
    )
    complaint.collect_events()
    at = when()
    complaint.forget_contact(RECORDER, occurred_at=at)
    return Recorded(last_event(complaint), {"occurred_at": at, "actor": RECORDER})


_WATER = {"finding_id": str(uuid4()), "assessment_id": str(uuid4()), "kind": "need", "title": "Air bersih"}
_MARKET = {"finding_id": str(uuid4()), "assessment_id": str(uuid4()), "kind": "potential", "title": "Pasar ikan"}


def partner_offer_made() -> Recorded:
    partner = Partner.register(uuid4(), uuid4(), "Bank BRI Unit", "private", FACILITATOR, occurred_at=moment())
    partner.collect_events()
    offer_id, at = uuid4(), when()
    partner.offer(offer_id, "credit", "KUR mikro", RECORDER, occurred_at=at, description="Bunga 6%", answers=[_WATER])
    fields = {
        "offer_id": offer_id,
        "kind": "credit",
        "title": "KUR mikro",
        "description": "Bunga 6%",
        "answers": [_WATER],
    }
    return Recorded(last_event(partner), {**fields, "occurred_at": at, "actor": RECORDER})


def partner_offer_linked() -> Recorded:
    partner = Partner.register(uuid4(), uuid4(), "Dinas Koperasi", "government", FACILITATOR, occurred_at=moment())
    offer_id = uuid4()
    partner.offer(offer_id, "market", "Lapak pasar", FACILITATOR, occurred_at=moment())
    partner.collect_events()
    at = when()
    partner.link_offer(offer_id, [_MARKET], RECORDER, occurred_at=at)
    return Recorded(
        last_event(partner), {"offer_id": offer_id, "answers": [_MARKET], "occurred_at": at, "actor": RECORDER}
    )


CASES.update(
    {
        Complaint.Redacted: complaint_redacted,
        Complaint.ContactForgotten: complaint_contact_forgotten,
        Partner.OfferMade: partner_offer_made,
        Partner.OfferLinked: partner_offer_linked,
        Complaint.Filed: complaint_filed,
        Complaint.Responded: complaint_responded,
        Partner.Registered: partner_registered,
        Partner.ContributionRecorded: partner_contribution_recorded,
    }
)


def test_every_event_of_the_domain_has_its_case() -> None:
    events = {getattr(aggregate, name) for aggregate in AGGREGATES for name in declared_events(aggregate)}

    assert sorted(e.__qualname__ for e in events - set(CASES)) == []
    assert sorted(e.__qualname__ for e in set(CASES) - events) == []


@pytest.mark.parametrize("event_class", list(CASES), ids=lambda e: e.__qualname__)
def test_an_event_records_who_did_the_step_when_and_exactly_what_was_given(event_class: type[DomainEvent]) -> None:
    recorded = CASES[event_class]()
    event = recorded.event
    stored = {field.name for field in dataclasses.fields(event)} - ENVELOPE

    assert type(event) is event_class
    assert event.actor == RECORDER  # type: ignore[attr-defined]
    assert event.occurred_at == recorded.fields["occurred_at"]  # type: ignore[attr-defined]
    assert event.occurred_at.utcoffset() == timedelta(hours=8)  # type: ignore[attr-defined]
    assert set(recorded.fields) == stored, "the case names every field its event stores"
    assert {name: getattr(event, name) for name in stored} == recorded.fields


# --- Evaluation -------------------------------------------------------------------------------------------------


def _evaluation() -> Evaluation:
    evaluation = Evaluation.open(uuid4(), uuid4(), uuid4(), uuid4(), None, FACILITATOR, occurred_at=moment())
    evaluation.collect_events()
    return evaluation


def evaluation_opened() -> Recorded:
    process_id, commitment_id, meeting_id, at = uuid4(), uuid4(), uuid4(), when()
    evaluation = Evaluation.open(
        uuid4(), process_id, commitment_id, meeting_id, "Puaskah warga?", RECORDER, occurred_at=at
    )
    fields = {
        "process_id": process_id,
        "commitment_id": commitment_id,
        "meeting_id": meeting_id,
        "question": "Puaskah warga?",
        "subject": "commitment",
    }
    return Recorded(last_event(evaluation), {**fields, "occurred_at": at, "actor": RECORDER})


def evaluation_scored() -> Recorded:
    evaluation, participant_id, at = _evaluation(), uuid4(), when()
    evaluation.score(participant_id, 4, "Sumurnya bagus", "petani", "female", RECORDER, occurred_at=at)
    fields = {
        "participant_id": participant_id,
        "score": 4,
        "comment": "Sumurnya bagus",
        "group": "petani",
        "gender": "female",
    }
    return Recorded(last_event(evaluation), {**fields, "occurred_at": at, "actor": RECORDER})


def evaluation_closed() -> Recorded:
    evaluation = _evaluation()
    evaluation.score(uuid4(), 5, None, "petani", None, FACILITATOR, occurred_at=moment())
    evaluation.collect_events()
    at = when()
    evaluation.close(RECORDER, occurred_at=at)
    tally = {
        "count": 1,
        "mean": "5.00",
        "distribution": {"1": 0, "2": 0, "3": 0, "4": 0, "5": 1},
        "by_group": {"petani": {"1": 0, "2": 0, "3": 0, "4": 0, "5": 1}},
        "by_gender": {"unknown": {"1": 0, "2": 0, "3": 0, "4": 0, "5": 1}},
    }
    return Recorded(last_event(evaluation), {"tally": tally, "occurred_at": at, "actor": RECORDER})


CASES.update(
    {
        Evaluation.Opened: evaluation_opened,
        Evaluation.Scored: evaluation_scored,
        Evaluation.Closed: evaluation_closed,
    }
)


# --- ProgrammeReport --------------------------------------------------------------------------------------------


def programme_report_started() -> Recorded:
    process_id, at = uuid4(), when()
    report = ProgrammeReport.start(process_id, RECORDER, occurred_at=at)
    return Recorded(last_event(report), {"process_id": process_id, "occurred_at": at, "actor": RECORDER})


def programme_report_sealed() -> Recorded:
    report = ProgrammeReport.start(uuid4(), FACILITATOR, occurred_at=moment())
    report.collect_events()
    at = when()
    fields: dict[str, Any] = {
        "log_position": 812,
        "language": "en",
        "sha256": "d" * 64,
        "size": 52731,
        "figures": {"needs": 3, "needs_answered": 1, "spent": "20000000"},
    }
    assert report.seal(**fields, actor=RECORDER, occurred_at=at) == 1
    return Recorded(last_event(report), {**fields, "report_version": 1, "occurred_at": at, "actor": RECORDER})


CASES.update(
    {
        ProgrammeReport.Started: programme_report_started,
        ProgrammeReport.Sealed: programme_report_sealed,
    }
)
