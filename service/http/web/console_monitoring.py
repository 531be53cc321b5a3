"""The console's monitoring pages: a commitment and its progress, score cards, the complaint inbox and partners.

Every form here is a step of `service.http.web.steps.STEPS` (so the offline queue carries it, scores and progress
included); the pages only read. They join the console's blueprint when `service.http.web` registers it, and like
every console page they show names and the words of complaints only to the process's own facilitators (and
admins and auditors).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from flask import Response, render_template, url_for
from werkzeug.wrappers import Response as BaseResponse

from domain.commitment import Commitment
from domain.complaint import CLOSING_STATUSES, RESPONSE_STATUSES, STATUSES
from domain.evaluation import SCORES
from domain.meeting import Meeting
from domain.partner import CONTRIBUTION_KINDS, PARTNER_KINDS
from domain.proposal import Proposal
from service.adapters.evidence_files import MAX_EVIDENCE_BYTES
from service.app import complaints as complaint_reads
from service.app import evaluations as evaluation_reads
from service.app import partners as partner_reads
from service.app import queries
from service.app.application import Mufakat
from service.app.promises import is_late_promise
from service.http.current import current_mufakat
from service.http.web.console import (
    _names,
    _notice,
    _require,
    _run_by,
    blp,
    keep_uploaded_evidence,
)

#: The most complaints, partners or commitments a console page lists.
MAX_LISTED = 500


@dataclass(frozen=True)
class ProgressReport:
    """One progress report as the commitment's page lists it."""

    version: int
    percent: int
    note: str
    spent: str | None
    indicator_values: dict[str, str]
    evidence: list[str]
    evidence_url: str | None
    occurred_at: datetime


def progress_history(mufakat: Mufakat, commitment: Commitment) -> list[ProgressReport]:
    """The commitment's progress reports, newest first."""
    reports = [
        ProgressReport(
            version=step.originator_version,
            percent=step.percent,
            note=step.note,
            spent=step.spent,
            indicator_values=dict(step.indicator_values),
            evidence=list(step.evidence),
            evidence_url=step.evidence_url,
            occurred_at=step.occurred_at,
        )
        for step in mufakat.repository.event_store.get(commitment.id)
        if isinstance(step, Commitment.ProgressReported)
    ]
    return list(reversed(reports))


def _commitment(commitment_id: UUID) -> Commitment:
    return queries.readable(current_mufakat(), Commitment, commitment_id, _require(), copy=False)


@blp.route("/janji/<uuid:commitment_id>")
def commitment_page(commitment_id: UUID) -> str:
    """A commitment: objectives, indicators against targets, budget against spending, its progress reports,
    the progress form (offline too), its score cards and opening one at an open meeting."""
    principal = _require()
    mufakat = current_mufakat()
    commitment = _commitment(commitment_id)
    process = _run_by(principal, commitment.process_id)
    proposal = queries.readable(mufakat, Proposal, commitment.proposal_id, principal, copy=False)
    meetings = [queries.readable(mufakat, Meeting, mid, principal, copy=False) for mid in process.meeting_ids]
    evaluations = [
        evaluation_reads.seen(found, principal) for found in evaluation_reads.evaluations_of(mufakat, commitment.id)
    ]
    return render_template(
        "console/commitment.html",
        commitment=commitment,
        process=process,
        proposal=proposal,
        measured=commitment.indicators_against_targets(),
        spending=commitment.spending(),
        overdue=is_late_promise(mufakat.uow, commitment, mufakat.clock().date()),
        reports=progress_history(mufakat, commitment),
        open_meetings=[m for m in meetings if m.status == "open"],
        evaluations=evaluations,
        max_evidence_mb=MAX_EVIDENCE_BYTES // (1024 * 1024),
        notice=_notice(),
    )


#: The form of an evidence file on the commitment's page.
EVIDENCE_FORM = "evidence"


@blp.route("/janji/<uuid:commitment_id>/bukti", methods=["POST"])
def attach_evidence(commitment_id: UUID) -> BaseResponse:
    """Keeps a photo or PDF of the commitment's progress, sent by its own form (multipart, not the text queue: a
    file needs a connection), by the use case the API calls; the progress form then offers it to cite."""
    return keep_uploaded_evidence(
        EVIDENCE_FORM,
        url_for("console.commitment_page", commitment_id=commitment_id),
        commitment_id,
        f"/console/janji/{commitment_id}/bukti",
        lambda context, content, name: current_mufakat().commitment_evidence.attach(
            context, commitment_id, content, name
        )[0],
    )


@blp.route("/janji/<uuid:commitment_id>/bukti/<string:sha256>")
def commitment_evidence(commitment_id: UUID, sha256: str) -> Response:
    """An evidence file of the commitment, for the facilitator signed in here (photos as kept: without EXIF)."""
    principal = _require()
    mufakat = current_mufakat()
    commitment = _commitment(commitment_id)
    _run_by(principal, commitment.process_id)
    content, media_type = mufakat.commitment_evidence.file(principal, commitment_id, sha256)
    answer = Response(content, mimetype=media_type)
    answer.headers["Cache-Control"] = "private, max-age=3600"
    answer.headers["X-Content-Type-Options"] = "nosniff"
    return answer


@blp.route("/penilaian/<uuid:evaluation_id>")
def evaluation_page(evaluation_id: UUID) -> str:
    """An evaluation round (score card): the question, one score form per attendee, closing, the tally."""
    principal = _require()
    mufakat = current_mufakat()
    found = evaluation_reads.evaluation(mufakat, principal, evaluation_id)
    process = _run_by(principal, found["process_id"])
    # A training's evaluation is about the training itself: it has no commitment.
    commitment = (
        None
        if found["commitment_id"] is None
        else queries.readable(mufakat, Commitment, found["commitment_id"], principal, copy=False)
    )
    meeting = queries.readable(mufakat, Meeting, found["meeting_id"], principal, copy=False)
    people = _names(mufakat, process)
    attendees = [people[str(a)] for a in meeting.attendees if str(a) in people and not people[str(a)]["forgotten"]]
    given = {str(item["participant_id"]): item for item in found.get("scores", [])}
    return render_template(
        "console/evaluation.html",
        evaluation=found,
        process=process,
        commitment=commitment,
        meeting=meeting,
        attendees=attendees,
        given=given,
        scores=SCORES,
        notice=_notice(),
    )


def days_between(start: datetime, end: date) -> int:
    """Whole days from a moment to a day (0 on the same day)."""
    return max(0, (end - start.date()).days)


@blp.route("/proses/<uuid:process_id>/pengaduan")
def complaint_inbox(process_id: UUID) -> str:
    """The complaints of the process: status, age, days to a first response; newest first."""
    principal = _require()
    mufakat = current_mufakat()
    process = _run_by(principal, process_id)
    today = mufakat.clock().date()
    rows = [
        {
            "complaint": found,
            "age": days_between(found.filed_at, today),
            "first_response": found.days_to_first_response,
        }
        for found in complaint_reads.complaints_of(mufakat, process.id)
    ]
    rows.reverse()
    return render_template(
        "console/complaints.html",
        process=process,
        rows=rows[:MAX_LISTED],
        counts=complaint_reads.public_counts(mufakat, process.id),
        statuses=STATUSES,
        notice=_notice(),
    )


@blp.route("/pengaduan/<uuid:complaint_id>")
def complaint_page(complaint_id: UUID) -> str:
    """One complaint, for its process's facilitator (or an admin or auditor): the words, the contact, its
    history and the response form."""
    principal = _require()
    mufakat = current_mufakat()
    found = complaint_reads.complaint(mufakat, principal, complaint_id)
    process = _run_by(principal, found["process_id"])
    return render_template(
        "console/complaint.html",
        complaint=found,
        process=process,
        response_statuses=RESPONSE_STATUSES,
        closed=found["status"] in CLOSING_STATUSES,
        notice=_notice(),
    )


@blp.route("/proses/<uuid:process_id>/mitra")
def partners_page(process_id: UUID) -> str:
    """The partners of the process and what they bring; registering one, recording a contribution."""
    principal = _require()
    mufakat = current_mufakat()
    process = _run_by(principal, process_id)
    partners = partner_reads.partners_of(mufakat, principal, process.id, 0, MAX_LISTED)["items"]
    commitments, _ = queries.commitments_of(mufakat, process, None, MAX_LISTED, None)
    return render_template(
        "console/partners.html",
        process=process,
        partners=partners,
        commitments={str(c.id): c for c in commitments},
        partner_kinds=PARTNER_KINDS,
        contribution_kinds=CONTRIBUTION_KINDS,
        notice=_notice(),
    )
