"""What a meeting's berita acara says, gathered from the ledger's own events, in its public and full versions.

The public version names nobody: attendance by group and gender is suppressed
as the public feed suppresses it (`projections.suppression`), objections are
attributed to a group, and the chair, secretary and signatories appear by role
only. The full version (for the process's facilitators, admins and auditors)
adds the daftar hadir and every name. Both are rendered once, when the minutes
are sealed (`service.app.minutes_sealing`); the bytes are kept, never made again.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID
from zoneinfo import ZoneInfo

from eventsourcing.application import Repository
from eventsourcing.persistence import ApplicationRecorder, Mapper
from eventsourcing.utils import get_topic

from domain.commitment import Commitment
from domain.deliberation import ConsensusCheck, Vote
from domain.dispute import Dispute
from domain.meeting import Meeting
from domain.participant import Participant
from domain.process import Process
from domain.proposal import REDACTED_TEXT, Proposal
from domain.rules import as_fraction
from projections.suppression import groups_that_may_be_named, protect_beside_total, shown
from projections.wording import capital, someone
from service.adapters.minutes_document import (
    Attendance,
    Attendee,
    CheckRecord,
    CommitmentRecord,
    ContributionRecord,
    DecisionRecord,
    MinutesDocument,
    MinutesFooter,
    ObjectionRecord,
    ProposalRecord,
    Signatory,
    VoteRecord,
)
from service.adapters.minutes_words import WORDS, group_word
from service.adapters.personal_data import PersonalDataVault
from service.app.contributions import contributions_of

_VERIFICATION = {
    "id": (
        "Periksa: mufakat verify-minutes berkas.pdf menyebut rapat, versi dan posisi peristiwa penyegelan; atau "
        "bandingkan SHA-256 berkas ini (sha256sum) dengan butir umpan berjenis minutes. Tanda tangan PDF-nya sah; "
        "sertifikatnya diterbitkan Mufakat sendiri, jadi pembaca PDF menyebut penerbitnya tidak dikenal."
    ),
    "en": (
        "To verify: mufakat verify-minutes file.pdf names the meeting, the version and the sealing event's position;"
        " or compare this file's SHA-256 (sha256sum) with the feed item of kind minutes. Its PDF signature is valid;"
        " Mufakat issues its certificate itself, so PDF readers call the issuer unknown."
    ),
}


class Ledger(Protocol):
    """What gathering needs of the application: its aggregates, its log, and the personal-data vault."""

    @property
    def repository(self) -> Repository[UUID]: ...

    @property
    def recorder(self) -> ApplicationRecorder: ...

    @property
    def mapper(self) -> Mapper[UUID]: ...

    @property
    def vault(self) -> PersonalDataVault: ...


@dataclass(frozen=True)
class Signer:
    """Someone who signs the berita acara: a name (personal data) and the role printed for the public."""

    name: str
    role: str

    @classmethod
    def from_mapping(cls, fields: Mapping[str, str]) -> Signer:
        """A signer from `{"name": ..., "role": ...}`."""
        return cls(name=fields["name"], role=fields["role"])


@dataclass(frozen=True)
class Signers:
    """The chair (pimpinan rapat), secretary (notulis) and signatories of one berita acara."""

    chair: Signer
    secretary: Signer
    signatories: tuple[Signer, ...]

    def names_json(self) -> str:
        """The names alone, as the text the vault seals into the event."""
        return json.dumps(
            {
                "chair": self.chair.name,
                "secretary": self.secretary.name,
                "signatories": [s.name for s in self.signatories],
            },
            ensure_ascii=False,
        )


@dataclass(frozen=True)
class MinutesRequest:
    """What the facilitator gives when sealing: who signed, the agenda, notes, the language and when."""

    signers: Signers
    agenda: tuple[str, ...]
    notes: str | None
    language: str = "id"


def minutes_path(meeting_id: UUID, version: str = "public", sealed_version: int | None = None) -> str:
    """The path of a sealed berita acara's PDF, below the API's `/api/v1`."""
    query = [f"version={version}"] if version != "public" else []
    query += [f"sealed={sealed_version}"] if sealed_version is not None else []
    return f"/meetings/{meeting_id}/minutes.pdf" + ("?" + "&".join(query) if query else "")


def gather_minutes(
    ledger: Ledger,
    process: Process,
    meeting: Meeting,
    request: MinutesRequest,
    sealed_version: int,
    public_url: str,
) -> tuple[dict[str, MinutesDocument], int]:
    """The public and the full version of the meeting's berita acara, and the log position they cover."""
    zone = ZoneInfo(process.time_zone)
    participants = {pid: _participant(ledger, pid) for pid in process.participant_ids}
    proposals = [p for p in (_proposal(ledger, pid) for pid in process.proposal_ids) if dealt_with(p, meeting)]
    # Read after the aggregates: whatever the document shows lies at or before this position.
    log_position = ledger.recorder.max_notification_id() or 0
    commitments = _commitments(ledger, process.id, log_position)
    mediated = _disputes_mediated_at(ledger, meeting, log_position)
    documents = {}
    for version in ("public", "full"):
        full = version == "full"

        def name(participant_id: str | UUID, full: bool = full) -> str | None:
            found = participants.get(UUID(str(participant_id)))
            if not full or found is None:
                return None
            return ledger.vault.open(found.id, found.sealed_name)

        documents[version] = MinutesDocument(
            document_id=f"{meeting.id}/v{sealed_version}",
            version=version,
            process_title=process.title,
            region_name=process.region_name,
            region_code=process.region_code,
            meeting_title=meeting.title,
            place=meeting.location,
            occurred_at=(meeting.opened_at or meeting.scheduled_for).astimezone(zone),
            agenda=request.agenda + _mediation_items(mediated, full, request.language),
            attendance=_attendance(process, meeting, full, name),
            proposals=tuple(
                _proposal_record(ledger, process, meeting, p, commitments.get(p.id, []), name, request.language, full)
                for p in proposals
            ),
            chair=_signatory(request.signers.chair, full),
            secretary=_signatory(request.signers.secretary, full),
            signatories=tuple(_signatory(s, full) for s in request.signers.signatories),
            notes=request.notes,
            meeting_minutes=meeting.minutes or None,
            meeting_kind=meeting.kind,
            footer=MinutesFooter(
                log_position=log_position,
                public_url=f"{public_url}/proses/{process.id}",  # the portal's page of the process's decisions
                verification=_VERIFICATION[request.language],
            ),
        )
    return documents, log_position


def _participant(ledger: Ledger, participant_id: UUID) -> Participant:
    participant: Any = ledger.repository.get(participant_id)
    assert isinstance(participant, Participant)
    return participant


def _proposal(ledger: Ledger, proposal_id: UUID) -> Proposal:
    proposal: Any = ledger.repository.get(proposal_id)
    assert isinstance(proposal, Proposal)
    return proposal


def dealt_with(proposal: Proposal, meeting: Meeting) -> bool:
    """Submitted at the meeting, or checked or voted on there."""
    here = str(meeting.id)
    rounds: list[ConsensusCheck | Vote] = [*proposal.checks.values(), *proposal.votes.values()]
    return proposal.meeting_id == meeting.id or any(r.meeting_id == here for r in rounds)


def _commitments(ledger: Ledger, process_id: UUID, log_position: int) -> dict[UUID, list[Commitment.Made]]:
    """Every commitment made in the process up to the position the document covers, by proposal."""
    found: dict[UUID, list[Commitment.Made]] = {}
    start = 1
    while True:
        page = ledger.recorder.select_notifications(start, 500, stop=log_position, topics=[get_topic(Commitment.Made)])
        for notification in page:
            made = ledger.mapper.to_domain_event(notification)
            if isinstance(made, Commitment.Made) and made.process_id == process_id:
                found.setdefault(made.proposal_id, []).append(made)
        if len(page) < 500:
            return found
        start = page[-1].id + 1


def _disputes_mediated_at(ledger: Ledger, meeting: Meeting, log_position: int) -> list[Dispute]:
    """The disputes that held a mediation session at this meeting, up to the position the document covers, in
    the order of their first session there."""
    found: dict[UUID, Dispute] = {}
    start = 1
    topic = get_topic(Dispute.SessionHeld)
    while True:
        page = ledger.recorder.select_notifications(start, 500, stop=log_position, topics=[topic])
        for notification in page:
            held = ledger.mapper.to_domain_event(notification)
            mediated_here = isinstance(held, Dispute.SessionHeld) and held.meeting_id == meeting.id
            if mediated_here and held.originator_id not in found:
                dispute: Any = ledger.repository.get(held.originator_id)
                found[held.originator_id] = dispute
        if len(page) < 500:
            return list(found.values())
        start = page[-1].id + 1


def _mediation_items(disputes: Sequence[Dispute], full: bool, language: str) -> tuple[str, ...]:
    """One agenda item per dispute mediated at the meeting: its title where the dispute is public (or in the full
    version), else the words of a restricted dispute; never a session's summary."""
    words = WORDS[language]
    return tuple(
        words["mediation"].format(title=d.title) if full or d.is_public else words["mediation_restricted"]
        for d in disputes
    )


def _attendance(process: Process, meeting: Meeting, full: bool, name: Any) -> Attendance:
    rules = process.rules
    invited = meeting.invited_count
    present = len(meeting.attendees)
    by_group: dict[str, int] = {}
    by_gender: dict[str, int] = {}
    for participant_id in meeting.attendees:
        group = process.group_of(participant_id) or "unknown"
        gender = process.gender_of(participant_id) or "undisclosed"
        by_group[group] = by_group.get(group, 0) + 1
        by_gender[gender] = by_gender.get(gender, 0) + 1
    return Attendance(
        invited=invited,
        present=present,
        quorum_share=str(as_fraction(rules.quorum)),
        quorum_required=math.ceil(as_fraction(rules.quorum) * invited),
        quorum_met=rules.quorum_holds(invited, meeting.present_of_invited),
        quorum_basis=rules.legal_basis,
        walk_ins=shown(present - meeting.present_of_invited, full),
        by_group=protect_beside_total(dict(sorted(by_group.items())), present, full),
        by_gender=protect_beside_total(dict(sorted(by_gender.items())), present, full),
        attendance_list=tuple(
            Attendee(name=name(pid) or "", group=process.group_of(pid) or "unknown") for pid in meeting.attendees
        )
        if full
        else None,
    )


def _proposal_record(
    ledger: Ledger,
    process: Process,
    meeting: Meeting,
    proposal: Proposal,
    commitments: Sequence[Commitment.Made],
    name: Any,
    language: str,
    full: bool,
) -> ProposalRecord:
    here = str(meeting.id)
    # The full version names everyone; the public one a speaker's group only where 3 attendees share it.
    named = None if full else _groups_named_at(process, meeting)
    checks = [c for c in proposal.checks.values() if c.meeting_id == here and c.tally]
    votes = [v for v in proposal.votes.values() if v.meeting_id == here and v.tally]
    decision = proposal.decision
    if decision is not None and not _in_the_room(decision.decided_at, meeting):
        decision = None  # decided at a later meeting: that one's minutes record it
    return ProposalRecord(
        title=proposal.title,
        text=proposal.body,
        text_version=proposal.text_version,
        contributions=tuple(
            ContributionRecord(
                kind=said.kind,
                text=said.text,
                speaker_group=_group_if_named(process.group_of(said.participant_id) or "unknown", named),
                speaker=name(said.participant_id),
            )
            for said in contributions_of(ledger.repository.event_store, proposal)
            if _in_the_room(said.occurred_at, meeting)
        ),
        objections=tuple(
            ObjectionRecord(
                grounds=o.grounds,
                blocking=o.blocking,
                outcome=o.state,
                raised_by_group=_group_if_named(process.group_of(UUID(o.raised_by)) or "unknown", named),
                raised_by=name(o.raised_by),
                note=o.note,
            )
            for o in proposal.objections.values()
            if o.raised_at is None or meeting.closed_at is None or o.raised_at <= meeting.closed_at
        ),
        checks=tuple(_check_record(c) for c in checks),
        votes=tuple(_vote_record(v) for v in votes),
        decision=DecisionRecord(decision.outcome, decision.method, decision.rationale) if decision else None,
        dissent=_dissent(ledger, process, proposal, checks, language, named),
        commitments=tuple(CommitmentRecord(c.description, c.owner, c.due) for c in commitments) if decision else (),
    )


def _in_the_room(moment: datetime, meeting: Meeting) -> bool:
    """Whether a step happened while the meeting sat (a decision taken at another meeting is not this one's)."""
    opened, closed = meeting.opened_at, meeting.closed_at
    return (opened is None or moment >= opened) and (closed is None or moment <= closed)


def _check_record(check: ConsensusCheck) -> CheckRecord:
    tally = check.tally or {}
    return CheckRecord(
        agree=int(tally.get("agree", 0)),
        abstain=int(tally.get("abstain", 0)),
        disagree=int(tally.get("disagree", 0)),
        block=int(tally.get("block", 0)),
        result=check.result or "",
        quorum_met=bool(tally.get("quorum_met")),
        unresolved_blocking_objections=int(tally.get("unresolved_blocking_objections", 0)),
    )


def _vote_record(vote: Vote) -> VoteRecord:
    tally = vote.tally or {}
    return VoteRecord(
        yes=int(tally.get("yes", 0)),
        no=int(tally.get("no", 0)),
        abstain=int(tally.get("abstain", 0)),
        result=vote.result or "",
        threshold=str(as_fraction(float(tally.get("threshold", 0.5)))),
        quorum_met=bool(tally.get("quorum_met")),
    )


def _groups_named_at(process: Process, meeting: Meeting) -> set[str]:
    """The groups a speaker at this meeting may be named by in the public version (the feed's rule)."""
    return groups_that_may_be_named(Counter(process.group_of(p) or "unknown" for p in meeting.attendees))


def _group_if_named(group: str, named: set[str] | None) -> str | None:
    """The speaker's group, or None where the public may not read it (`named` None: the full version)."""
    return group if named is None or group in named else None


def _dissent(
    ledger: Ledger,
    process: Process,
    proposal: Proposal,
    checks: list[ConsensusCheck],
    language: str,
    named: set[str] | None,
) -> tuple[str, ...]:
    """The reasons of those who disagreed at the meeting's checks, by group where it may be named, never by name
    (latest stance)."""
    wanted = {c.check_id for c in checks}
    latest: dict[tuple[str, str], tuple[str, str | None, int]] = {}
    for step in ledger.repository.event_store.get(proposal.id):
        if isinstance(step, Proposal.StanceTaken) and str(step.check_id) in wanted:
            latest[(str(step.check_id), str(step.participant_id))] = (step.stance, step.reason, step.originator_version)
    dissent = []
    for (_, participant_id), (stance, reason, version) in latest.items():
        if stance != "disagree" or not reason:
            continue
        correction = proposal.corrected(version, "reason")
        if proposal.is_redacted(version, "reason"):
            reason = REDACTED_TEXT
        elif correction is not None:
            reason = correction.text
        group = _group_if_named(process.group_of(UUID(participant_id)) or "unknown", named)
        who = capital(someone(language)) if group is None else group_word(group, language)
        dissent.append(f"{who}: {reason}")
    return tuple(dissent)


def _signatory(signer: Signer, full: bool) -> Signatory:
    return Signatory(role=signer.role, name=signer.name if full else None)
