"""Each aggregate as the API shows it: plain values, the same at any version.

The decision history (`GET /proposals/{id}/history?as_of_version=N`) shows
`proposal_representation` of the proposal at that version, so this module
depends on nothing of the request.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from domain.commitment import Commitment
from domain.deliberation import Decision
from domain.meeting import Meeting
from domain.participant import Participant
from domain.process import Process
from domain.proposal import Proposal
from domain.rules import DecisionRules


def _stamps(aggregate: Process | Participant | Meeting | Proposal | Commitment) -> dict[str, Any]:
    return {
        "id": aggregate.id,
        "version": aggregate.version,
        "created_at": aggregate.created_on,
        "updated_at": aggregate.modified_on,
    }


def process_representation(process: Process) -> dict[str, Any]:
    """A process, its rules and what it holds."""
    return {
        **_stamps(process),
        "title": process.title,
        "description": process.description,
        "region_code": process.region_code,
        "region_name": process.region_name,
        "visibility": process.visibility,
        "rules": process.rules.as_dict(),
        "status": process.status,
        "participant_count": len(process.register),
        "meeting_ids": list(process.meeting_ids),
        "proposal_ids": list(process.proposal_ids),
    }


def participant_representation(participant: Participant, personal: dict[str, str | None] | None) -> dict[str, Any]:
    """A participant; `personal` (name, contact, organisation) only for those who may see it."""
    shown = {
        **_stamps(participant),
        "process_id": participant.process_id,
        "group": participant.group,
        "gender": participant.gender,
        "forgotten": participant.forgotten,
    }
    if personal is not None:
        shown.update(personal)
    return shown


def meeting_representation(meeting: Meeting) -> dict[str, Any]:
    """A meeting, who was invited and who attends."""
    return {
        **_stamps(meeting),
        "process_id": meeting.process_id,
        "title": meeting.title,
        "scheduled_for": meeting.scheduled_for,
        "location": meeting.location,
        "status": meeting.status,
        "invited": list(meeting.invited) if meeting.invited is not None else None,
        "attendees": list(meeting.attendees),
        "minutes": meeting.minutes,
    }


def _decision(decision: Decision) -> dict[str, Any]:
    """A decision with its rules snapshot complete (rules stored before a rule existed read as its default)."""
    return {**asdict(decision), "rules": DecisionRules.from_dict(decision.rules).as_dict()}


def proposal_representation(proposal: Proposal) -> dict[str, Any]:
    """A proposal: current text (corrected text marked as such), objections, checks and votes with the
    text version they were held on and their tallies, the decision, annulled decisions and errata."""
    return {
        **_stamps(proposal),
        "process_id": proposal.process_id,
        "title": proposal.title,
        "title_corrected": proposal.corrected(1, "title") is not None,
        "body": proposal.body,
        "body_corrected": proposal.body_version is not None
        and proposal.corrected(proposal.body_version, "body") is not None,
        "text_version": proposal.text_version,
        "submitted_by": proposal.submitted_by,
        "meeting_id": proposal.meeting_id,
        "status": proposal.status,
        "withdrawal": dict(proposal.withdrawal) if proposal.withdrawal is not None else None,
        "contribution_count": proposal.contribution_count,
        "objections": [asdict(objection) for objection in proposal.objections.values()],
        "consensus_checks": [
            {
                "check_id": check.check_id,
                "meeting_id": check.meeting_id,
                "text_version": check.text_version,
                "status": check.status,
                "result": check.result,
                "tally": check.tally,
                "stances": dict(check.stances),
            }
            for check in proposal.checks.values()
        ],
        "votes": [
            {
                "vote_id": vote.vote_id,
                "meeting_id": vote.meeting_id,
                "text_version": vote.text_version,
                "status": vote.status,
                "result": vote.result,
                "tally": vote.tally,
                "ballots_cast": len(vote.ballots),
            }
            for vote in proposal.votes.values()
        ],
        "decision": _decision(proposal.decision) if proposal.decision is not None else None,
        "annulled_decisions": [
            {**asdict(annulment), "decision": _decision(annulment.decision)}
            for annulment in proposal.annulled_decisions
        ],
        "corrections": [
            asdict(correction)
            for _, fields in sorted(proposal.corrections.items(), key=lambda item: int(item[0]))
            for correction in fields.values()
        ],
    }


def commitment_representation(commitment: Commitment) -> dict[str, Any]:
    """A commitment and its progress."""
    return {
        **_stamps(commitment),
        "proposal_id": commitment.proposal_id,
        "process_id": commitment.process_id,
        "owner": commitment.owner,
        "description": commitment.description,
        "due": commitment.due,
        "indicators": list(commitment.indicators),
        "percent": commitment.percent,
        "reports": commitment.reports,
        "completed": commitment.completed,
    }
