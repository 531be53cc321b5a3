"""The console's pages of disputes (pengelolaan konflik): a process's disputes with the form that opens one, and
one dispute with a form for each step the API allows (a session, an issue, an option, the agreement, an
escalation, a drop, an erratum, an admin's redaction), every one sent through the offline queue like the other
steps (`service.http.web.steps.STEPS`).

The pages are the facilitator's (the process's own, an auditor or an admin): they read every dispute, restricted
or public, with the summaries' words, and link the complaint a dispute came from; nothing here is for outsiders.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Response, render_template, request

from domain.dispute import CORRECTABLE_FIELDS, ESCALATION_BODIES
from domain.meeting import Meeting
from domain.proposal import Proposal
from service.app import complaints as complaint_reads
from service.app import disputes as reads
from service.app import partners as partner_reads
from service.app import queries
from service.app.access import Principal
from service.app.agreement_sealing import sealed_agreement
from service.app.application import Mufakat
from service.http.current import current_mufakat
from service.http.web.console import _notice, _require, _run_by, blp
from service.http.web.i18n import words
from service.http.web.steps import PARTY_ROWS

#: The most disputes, partners, complaints or commitments one page lists.
MAX_LISTED = 500


def _partners(mufakat: Mufakat, principal: Principal, process_id: UUID) -> list[dict[str, Any]]:
    return list(partner_reads.partners_of(mufakat, principal, process_id, 0, MAX_LISTED)["items"])


def _records_about(mufakat: Mufakat, principal: Principal, process_id: UUID) -> dict[str, list[dict[str, str]]]:
    """What a dispute of the process may be about, by kind: its proposals, commitments and complaints, each with
    the words the facilitator knows it by (a complaint by its date and status: its words are in its own page)."""
    process = _run_by(principal, process_id)
    proposals = [queries.readable(mufakat, Proposal, pid, principal, copy=False) for pid in process.proposal_ids]
    commitments, _ = queries.commitments_of(mufakat, process, None, MAX_LISTED, None)
    complaints = complaint_reads.complaints_of(mufakat, process_id)
    return {
        "proposal_id": [{"id": str(p.id), "label": p.title} for p in proposals],
        "commitment_id": [{"id": str(c.id), "label": c.description} for c in commitments],
        "complaint_id": [
            {"id": str(c.id), "label": f"{c.filed_at.date().isoformat()} · {words(c.status)}"} for c in complaints
        ],
    }


def _prefilled_about() -> str:
    """The choice of `about` the page was opened with: `?pengaduan=<complaint id>` (from the complaint's page) or
    `?usulan=<proposal id>` (from a blocked proposal's page); an id that is no UUID prefills nothing."""
    for parameter, kind in (("pengaduan", "complaint_id"), ("usulan", "proposal_id")):
        given = (request.args.get(parameter) or "").strip()
        if given:
            try:
                return f"{kind}:{UUID(given)}"
            except ValueError:
                return ""
    return ""


@blp.route("/proses/<uuid:process_id>/konflik")
def disputes_page(process_id: UUID) -> str:
    """A process's disputes (all of them, restricted ones too) and the form that opens one, prefilled with what
    it is about when the page was opened from a complaint or a proposal."""
    principal = _require()
    mufakat = current_mufakat()
    process = _run_by(principal, process_id)
    found, _ = reads.disputes_of(mufakat, principal, process_id, 0, MAX_LISTED)
    about = _records_about(mufakat, principal, process_id)
    prefilled = _prefilled_about()
    if prefilled and prefilled.partition(":")[2] not in {r["id"] for r in about[prefilled.partition(":")[0]]}:
        prefilled = ""  # a record of another process (or none): the form starts empty rather than send it
    return render_template(
        "console/disputes.html",
        process=process,
        disputes=found,
        partners=_partners(mufakat, principal, process_id),
        about=about,
        prefilled=prefilled,
        party_rows=PARTY_ROWS,
        notice=_notice(),
    )


@blp.route("/konflik/<uuid:dispute_id>")
def dispute_page(dispute_id: UUID) -> str:
    """One dispute: its status, parties, sessions with their summaries, issues and options, how it ended, and a
    form for each step still allowed."""
    principal = _require()
    mufakat = current_mufakat()
    found = reads.readable_dispute(mufakat, principal, dispute_id)
    process = _run_by(principal, found.process_id)
    meetings = {str(mid): queries.readable(mufakat, Meeting, mid, principal, copy=False) for mid in process.meeting_ids}
    partners = {str(p["partner_id"]): p["name"] for p in _partners(mufakat, principal, process.id)}
    about = _records_about(mufakat, principal, process.id)
    labels = {r["id"]: r["label"] for kind in about.values() for r in kind}
    return render_template(
        "console/dispute.html",
        dispute=reads.seen(found, principal),
        settled=found.status in ("agreed", "escalated", "dropped"),
        process=process,
        meetings=meetings,
        partners=partners,
        commitments=about["commitment_id"],
        labels=labels,
        correctable=CORRECTABLE_FIELDS,
        escalation_bodies=ESCALATION_BODIES,
        may_redact=principal.may_redact_statements(),
        notice=_notice(),
    )


@blp.route("/konflik/<uuid:dispute_id>/kesepakatan-<int:sealed_version>.pdf")
def agreement_pdf(dispute_id: UUID, sealed_version: int) -> Response:
    """The sealed agreement as kept, byte for byte, for the facilitator signed in here (a restricted dispute's
    too, which the API serves only to a token of the process)."""
    principal = _require()
    mufakat = current_mufakat()
    found = reads.readable_dispute(mufakat, principal, dispute_id)
    _run_by(principal, found.process_id)
    pdf = sealed_agreement(mufakat, mufakat.sealed_documents, principal, dispute_id, sealed_version)
    answer = Response(pdf.content, mimetype="application/pdf")
    answer.headers["Cache-Control"] = "private, no-store"
    answer.headers["Content-Disposition"] = f'inline; filename="kesepakatan-{dispute_id}-v{sealed_version}.pdf"'
    return answer
