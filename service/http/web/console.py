"""The facilitator's console (`/console`): sign in with a token, then record a musyawarah one tap at a time.

The session cookie (HttpOnly, SameSite=Strict, path /console) holds a random
session id that the server handed out at sign-in and keeps, hashed, in the
ledger's database (`service.adapters.console_sessions`): the key that signs
the cookie is not enough to make one. Signing out ends the session on the
server. The token is looked up on every request, so a revoked token ends its
sessions. Every form carries a CSRF token and an
idempotency key. Names of participants appear here and nowhere else on the web.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any
from uuid import UUID, uuid4

from flask import (
    Blueprint,
    Response,
    abort,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext
from flask_wtf.csrf import CSRFError, generate_csrf, validate_csrf
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response as BaseResponse
from wtforms import ValidationError as CsrfInvalid

from domain.assessment import FINDING_KINDS, METHODS
from domain.commitment import RISK_LEVELS, RISK_STATUSES, Commitment
from domain.errors import RuleBroken
from domain.meeting import MEETING_KINDS, Meeting
from domain.partner import OFFER_KINDS
from domain.process import GENDERS, GROUPS, Process
from domain.proposal import CORRECTABLE_FIELDS, Proposal
from domain.sectors import SECTORS
from service.adapters.evidence_files import MAX_EVIDENCE_BYTES, EvidenceRefused
from service.app import assessments as kajian
from service.app import evaluations as evaluation_reads
from service.app import partners as partner_reads
from service.app import queries
from service.app import rankings as ranking_reads
from service.app.access import Principal
from service.app.application import CommandContext, Mufakat, Receipt
from service.app.contributions import contributions_of
from service.app.errors import Forbidden, IdempotencyKeyReused, NotFound, TooMuchContention, VersionMismatch
from service.app.idempotency import IdempotencyKey
from service.app.minutes import minutes_path
from service.app.minutes_sealing import sealed_pdf
from service.app.report_sealing import report_sealings, sealed_report
from service.app.statement_names import StatementNamesAParticipant
from service.http.current import current_mufakat
from service.http.web.i18n import current_language, decision_words, refusal, words
from service.http.web.site import HERE
from service.http.web.steps import (
    MAX_KEY_LENGTH,
    NAMES_ARE_PUBLIC,
    RESPONDENT_ROWS,
    STATEMENT_STEPS,
    STEPS,
    run_step,
)

blp = Blueprint("console", __name__, url_prefix="/console", template_folder="templates")

SESSION_ID = "session_id"
NAMING_CODE = StatementNamesAParticipant.code
NOTICE = "notice"


@blp.app_template_global()
def new_key() -> str:
    """A fresh idempotency key for one form."""
    return uuid4().hex


@blp.context_processor
def _console_globals() -> dict[str, Any]:
    return {
        "csrf_token": generate_csrf,
        "GROUPS": GROUPS,
        "GENDERS": GENDERS,
        "minutes_path": minutes_path,
        "STATEMENT_STEPS": STATEMENT_STEPS,
        "NAMES_ARE_PUBLIC": NAMES_ARE_PUBLIC,
        "NAMING_CODE": NAMING_CODE,
        "console_admin": _signed_in_admin,
        "decision_words": decision_words,
        "METHODS": METHODS,
        "FINDING_KINDS": FINDING_KINDS,
        "SECTORS": SECTORS,
        "RESPONDENT_ROWS": RESPONDENT_ROWS,
        "MEETING_KINDS": MEETING_KINDS,
        "RISK_LEVELS": RISK_LEVELS,
        "RISK_STATUSES": RISK_STATUSES,
    }


def _signed_in_admin() -> bool:
    """Whether an admin is signed in here (the console shows the admin's pages in its menu)."""
    principal = signed_in()
    return principal is not None and principal.may_issue_tokens


def signed_in() -> Principal | None:
    """The facilitator of this session, or None (never signed in, or the token was revoked)."""
    if "console_principal" in g:
        return g.console_principal  # type: ignore[no-any-return]
    session_id = session.get(SESSION_ID)
    found = None
    if isinstance(session_id, str) and session_id:
        mufakat = current_mufakat()
        token_record_id = mufakat.console_sessions.token_of(session_id)
        if token_record_id is not None:
            found = queries.principal_of_token(mufakat, token_record_id)
            if found is None:  # the token was revoked or expired: its session is of no further use
                mufakat.console_sessions.end(session_id)
    g.console_principal = found
    return found


def _require() -> Principal:
    principal = signed_in()
    if principal is None:
        abort(redirect(url_for("console.sign_in", next=request.full_path.rstrip("?"))))
    return principal


def _check_csrf() -> bool:
    try:
        validate_csrf(request.form.get("csrf_token") or request.headers.get("X-CSRFToken"))
    except (CsrfInvalid, CSRFError):
        return False
    return True


def _safe_next(target: str | None, fallback: str) -> str:
    if target and target.startswith("/console") and not target.startswith("//"):
        return target
    return fallback


# --- signing in and out ----------------------------------------------------------------


@blp.route("/masuk", methods=["GET", "POST"])
def sign_in() -> str | BaseResponse:
    """The sign-in page: a token, once, for a session cookie."""
    error = None
    if request.method == "POST":
        if not _check_csrf():
            error = refusal("csrf")
        else:
            mufakat = current_mufakat()
            principal = mufakat.tokens.authenticate((request.form.get("token") or "").strip())
            if principal is None or principal.token_record_id is None:
                error = gettext("This token is unknown or revoked.")
            else:
                _end_session()  # a session id that came in before signing in never becomes the new one
                session[SESSION_ID] = mufakat.console_sessions.open(principal.token_record_id, mufakat.clock())
                return redirect(_safe_next(request.args.get("next"), url_for("console.processes")))
    answer = render_template("console/sign_in.html", error=error)
    return Response(answer, status=401 if error else 200, mimetype="text/html")


@blp.route("/keluar", methods=["POST"])
def sign_out() -> BaseResponse:
    """Ends the session, on the server too: a copy of the cookie opens nothing afterwards."""
    if _check_csrf():
        _end_session()
    return redirect(url_for("console.sign_in"))


def _end_session() -> None:
    session_id = session.get(SESSION_ID)
    if isinstance(session_id, str) and session_id:
        current_mufakat().console_sessions.end(session_id)
    session.clear()


# --- pages -------------------------------------------------------------------------------


def _names(mufakat: Mufakat, process: Process) -> dict[str, dict[str, Any]]:
    """Everyone registered, by id as text: name, group, gender, organisation, contact, erased or not."""
    people: dict[str, dict[str, Any]] = {}
    for participant in queries.participants_of(mufakat, process):
        data = queries.personal_data(mufakat, participant)
        people[str(participant.id)] = {
            "id": str(participant.id),
            "name": data["name"] or gettext("(erased)"),
            "group": participant.group,
            "gender": participant.gender,
            "forgotten": bool(getattr(participant, "forgotten", False)),
            "organisation": None if participant.forgotten else data["organisation"],
            "contact": None if participant.forgotten else data["contact"],
        }
    return people


def _notice() -> dict[str, Any] | None:
    return session.pop(NOTICE, None)  # type: ignore[no-any-return]


def _run_by(principal: Principal, process_id: UUID) -> Process:
    """A process whose participants this signed-in token may see by name (its own); any other is not found.

    The privacy model (docs/architecture.md): names are for admins, auditors and the process's own facilitators.
    A facilitator of another process reads a public process on the portal, like anyone else.
    """
    process = queries.readable_process(current_mufakat(), process_id, principal, copy=False)
    if not principal.may_see_personal_data(process.id):
        abort(404)
    return process


@blp.route("/")
def processes() -> str:
    """The processes this token runs (or, for admins and auditors, every process), and a form to open one."""
    principal = _require()
    readable, _ = queries.list_processes(current_mufakat(), principal, None, 500)
    found = [process for process in readable if principal.may_see_personal_data(process.id)]
    return render_template("console/processes.html", processes=found, principal=principal, notice=_notice())


@blp.route("/proses/<uuid:process_id>")
def process_page(process_id: UUID) -> str:
    """A process: participants (register fast), meetings, proposals."""
    principal = _require()
    mufakat = current_mufakat()
    process = _run_by(principal, process_id)
    meetings = [queries.readable(mufakat, Meeting, mid, principal, copy=False) for mid in process.meeting_ids]
    proposals = [queries.readable(mufakat, Proposal, pid, principal, copy=False) for pid in process.proposal_ids]
    assessments, _ = kajian.assessments_of(mufakat, principal, process_id, 0, MAX_LISTED, current_language())
    return render_template(
        "console/process.html",
        process=process,
        people=_names(mufakat, process),
        meetings=meetings,
        proposals=proposals,
        assessments=assessments,
        findings=_standing_findings(mufakat, principal, process_id),
        commitments=queries.commitments_of(mufakat, process, None, MAX_LISTED, None)[0],
        today=mufakat.clock().date(),
        reports=report_sealings(mufakat.uow, process_id),
        principal=principal,
        notice=_notice(),
    )


#: The most assessments (and findings) a console page lists.
MAX_LISTED = 500


def _standing_findings(mufakat: Mufakat, principal: Principal, process_id: UUID) -> list[dict[str, Any]]:
    """The findings of the process that stand (not withdrawn), to tick the ones a proposal addresses."""
    found = kajian.findings_of(mufakat, principal, process_id, 0, MAX_LISTED, language=current_language())
    return [item for item in found["items"] if item["status"] == "standing"]


def quorum_needed(quorum: float, invited: int) -> int:
    """How many of those invited must be present for the quorum (at least one)."""
    return max(1, math.ceil(round(quorum * invited, 9)))


@blp.route("/rapat/<uuid:meeting_id>")
def meeting_page(meeting_id: UUID) -> str:
    """A meeting: the attendance checklist with the quorum, then latecomers and closing."""
    principal = _require()
    mufakat = current_mufakat()
    meeting = queries.readable(mufakat, Meeting, meeting_id, principal)
    process = _run_by(principal, meeting.process_id)
    people = _names(mufakat, process)
    invited_ids = [str(i) for i in meeting.invited] if meeting.invited is not None else list(people)
    invited = [people[i] for i in invited_ids if i in people and not people[i]["forgotten"]]
    attending = {str(a) for a in meeting.attendees}
    proposals = [queries.readable(mufakat, Proposal, pid, principal, copy=False) for pid in process.proposal_ids]
    rankings = [r for r in ranking_reads.rankings_of(mufakat, process.id) if r.meeting_id == meeting.id]
    # A training's own evaluations (attendance and satisfaction), each linked to its page.
    evaluations = evaluation_reads.evaluations_of(mufakat, meeting.id) if meeting.kind == "training" else []
    return render_template(
        "console/meeting.html",
        rankings=rankings,
        evaluations=evaluations,
        meeting=meeting,
        process=process,
        people=people,
        invited=invited,
        attending=attending,
        proposals=proposals,
        quorum_needed=quorum_needed(process.rules.quorum, len(invited)),
        notice=_notice(),
    )


@blp.route("/janji/<uuid:commitment_id>/risiko")
def risks_page(commitment_id: UUID) -> str:
    """A commitment's risks (risiko) with where each stands and its latest review; forms to add one and review one
    at a meeting of the process."""
    principal = _require()
    mufakat = current_mufakat()
    commitment = queries.readable(mufakat, Commitment, commitment_id, principal, copy=False)
    process = _run_by(principal, commitment.process_id)
    meetings = [
        m
        for m in (mufakat.uow.get(Meeting, mid, "meeting", copy=False) for mid in process.meeting_ids)
        if m.status != "scheduled"
    ]
    partners = partner_reads.partners_of(mufakat, principal, process.id, 0, 500)["items"]
    return render_template(
        "console/risks.html",
        commitment=commitment,
        risks=commitment.risks_with_latest_review(),
        process=process,
        meetings=meetings,
        partners=partners,
        notice=_notice(),
    )


@blp.route("/peringkat/<uuid:ranking_id>")
def ranking_page(ranking_id: UUID) -> str:
    """A ranking round: one section per attendee's ballot (order by tapping, or scores 1-5), then closing and
    the result against the pagu."""
    principal = _require()
    mufakat = current_mufakat()
    found = ranking_reads.ranking(mufakat, principal, ranking_id)
    process = _run_by(principal, found["process_id"])
    meeting = queries.readable(mufakat, Meeting, found["meeting_id"], principal, copy=False)
    people = _names(mufakat, process)
    titles = {
        str(pid): queries.readable(mufakat, Proposal, UUID(str(pid)), principal, copy=False).title
        for pid in found["proposals"]
    }
    attendees = [people[str(a)] for a in meeting.attendees if str(a) in people and not people[str(a)]["forgotten"]]
    cast = {str(ballot["participant_id"]) for ballot in found.get("ballots", [])}
    return render_template(
        "console/ranking.html",
        ranking=found,
        process=process,
        meeting=meeting,
        titles=titles,
        attendees=attendees,
        cast=cast,
        notice=_notice(),
    )


@blp.route("/usulan/<uuid:proposal_id>")
def proposal_page(proposal_id: UUID) -> str:
    """A proposal: every deliberation step one tap away."""
    principal = _require()
    mufakat = current_mufakat()
    proposal = queries.readable(mufakat, Proposal, proposal_id, principal)
    process = _run_by(principal, proposal.process_id)
    people = _names(mufakat, process)
    meetings = {str(mid): queries.readable(mufakat, Meeting, mid, principal, copy=False) for mid in process.meeting_ids}
    open_meetings = [m for m in meetings.values() if m.status == "open"]
    checks = [
        {"check": check, "attendees": [people[str(a)] for a in meetings[check.meeting_id].attendees]}
        for check in proposal.checks.values()
        if check.meeting_id in meetings
    ]
    votes = [
        {"vote": vote, "attendees": [people[str(a)] for a in meetings[vote.meeting_id].attendees]}
        for vote in proposal.votes.values()
        if vote.meeting_id in meetings
    ]
    return render_template(
        "console/proposal.html",
        proposal=proposal,
        process=process,
        people=people,
        active=[p for p in people.values() if not p["forgotten"]],
        open_meetings=open_meetings,
        checks=checks,
        votes=votes,
        commitments=queries.published_commitments(mufakat, principal, proposal_id) if process.is_public else [],
        contributions=contributions_of(mufakat.repository.event_store, proposal),
        all_meetings=list(meetings.values()),
        correctable=CORRECTABLE_FIELDS,
        findings=_standing_findings(mufakat, principal, process.id),
        notice=_notice(),
    )


@blp.route("/rapat/<uuid:meeting_id>/berita-acara-<int:sealed_version>.pdf")
def full_minutes(meeting_id: UUID, sealed_version: int) -> Response:
    """The full berita acara (with names) as sealed, byte for byte, for the facilitator signed in here."""
    principal = _require()
    mufakat = current_mufakat()
    meeting = queries.readable(mufakat, Meeting, meeting_id, principal, copy=False)
    _run_by(principal, meeting.process_id)
    pdf = sealed_pdf(mufakat.sealed_documents, meeting, "full", sealed_version, True)
    answer = Response(pdf.content, mimetype="application/pdf")
    answer.headers["Cache-Control"] = "private, no-store"
    answer.headers["Content-Disposition"] = f'inline; filename="berita-acara-{meeting_id}-v{sealed_version}-full.pdf"'
    return answer


@blp.route("/mitra/<uuid:partner_id>")
def partner_page(partner_id: UUID) -> str:
    """A partner (mitra): its contributions, the resources it opens access to (offers) and the needs each answers;
    a form to record an offer, and one per offer to link it to more needs."""
    principal = _require()
    mufakat = current_mufakat()
    found = partner_reads.partner(mufakat, principal, partner_id)
    process = _run_by(principal, found["process_id"])
    findings = _standing_findings(mufakat, principal, process.id)
    return render_template(
        "console/partner.html",
        partner=found,
        process=process,
        findings=findings,
        finding_titles={item["finding_id"]: item["title"] for item in findings},
        OFFER_KINDS=OFFER_KINDS,
        notice=_notice(),
    )


@blp.route("/proses/<uuid:process_id>/laporan-<int:report_version>.pdf")
def sealed_programme_report(process_id: UUID, report_version: int) -> Response:
    """A sealed programme report, byte for byte, for the facilitator signed in here (a restricted process too)."""
    principal = _require()
    mufakat = current_mufakat()
    _run_by(principal, process_id)
    pdf = sealed_report(mufakat.uow, mufakat.sealed_documents, principal, process_id, report_version)
    answer = Response(pdf.content, mimetype="application/pdf")
    answer.headers["ETag"] = f'"{pdf.sha256}"'
    answer.headers["Content-Disposition"] = (
        f'inline; filename="laporan-hasil-dan-dampak-{process_id}-v{report_version}.pdf"'
    )
    return answer


@blp.route("/kajian/<uuid:assessment_id>")
def assessment_page(assessment_id: UUID) -> str:
    """An assessment (kajian): its respondents, evidence photos and findings; a finding, a photo, closing."""
    principal = _require()
    mufakat = current_mufakat()
    found = kajian.assessment(mufakat, principal, assessment_id, current_language())
    process = _run_by(principal, found.process_id)
    meetings = {str(mid): queries.readable(mufakat, Meeting, mid, principal, copy=False) for mid in process.meeting_ids}
    return render_template(
        "console/assessment.html",
        assessment=found,
        process=process,
        meeting=meetings.get(str(found.meeting_id)) if found.meeting_id else None,
        evidence_names={item["sha256"]: item["name"] for item in found.evidence},
        max_evidence_mb=MAX_EVIDENCE_BYTES // (1024 * 1024),
        notice=_notice(),
    )


@blp.route("/kajian/<uuid:assessment_id>/bukti/<string:sha256>")
def evidence(assessment_id: UUID, sha256: str) -> Response:
    """An evidence file of the assessment, for the facilitator signed in here (photos as kept: without EXIF)."""
    principal = _require()
    content, media_type = kajian.evidence_file(current_mufakat(), principal, assessment_id, sha256)
    answer = Response(content, mimetype=media_type)
    answer.headers["Cache-Control"] = "private, max-age=3600"
    answer.headers["X-Content-Type-Options"] = "nosniff"
    return answer


#: The form of the evidence photo on the assessment's page.
PHOTO_FORM = "photo"
#: Multipart overhead allowed beyond the file itself.
_FORM_OVERHEAD = 64 * 1024


@blp.route("/kajian/<uuid:assessment_id>/foto", methods=["POST"])
def attach_photo(assessment_id: UUID) -> BaseResponse:
    """Keeps a photo (or PDF) of the assessment, sent by its own form (multipart, not the text queue: a photo
    needs a connection), and records its SHA-256; the finding form then offers it to cite."""
    return keep_uploaded_evidence(
        PHOTO_FORM,
        url_for("console.assessment_page", assessment_id=assessment_id),
        assessment_id,
        f"/console/kajian/{assessment_id}/foto",
        lambda context, content, name: current_mufakat().assessments.attach_evidence(
            context, assessment_id, content, name
        )[0],
    )


def keep_uploaded_evidence(
    form_id: str, here: str, record_id: UUID, path: str, attach: Callable[[CommandContext, bytes, str], Receipt]
) -> BaseResponse:
    """An evidence file sent by its own multipart form (an assessment's photo, a commitment's receipt), kept by
    the use case the API calls (`attach`), with the form's idempotency key; refusals shown on the form."""
    request.max_content_length = MAX_EVIDENCE_BYTES + _FORM_OVERHEAD
    principal = signed_in()
    if principal is None:
        return redirect(url_for("console.sign_in"))
    try:
        upload = request.files.get("file")
    except RequestEntityTooLarge:
        return _refused_answer(form_id, "evidence_too_large", ["file"], here, 413)
    if not _check_csrf():
        return _refused_answer(form_id, "csrf", [], here, 400)
    key = (request.form.get("idempotency_key") or "").strip()
    if upload is None or not upload.filename or not key or len(key) > MAX_KEY_LENGTH:
        return _refused_answer(form_id, "evidence_missing", ["file"], here, 422)
    content = upload.read(MAX_EVIDENCE_BYTES + 1)
    name = upload.filename.strip()[:200] or "bukti"
    context = CommandContext(
        principal=principal,
        idempotency=IdempotencyKey.for_request(
            caller=principal.actor.id,
            key=f"web:{key}",
            method="POST",
            path=path,
            body=[str(record_id), name, len(content)],
            secret=current_mufakat().vault.fingerprint_secret(),
        ),
    )
    try:
        receipt = attach(context, content, name)
    except EvidenceRefused as refused:
        code = "evidence_too_large" if refused.status == 413 else "evidence_not_accepted"
        return _refused_answer(form_id, code, ["file"], here, refused.status)
    except (RuleBroken, NotFound, Forbidden, VersionMismatch, IdempotencyKeyReused, TooMuchContention) as error:
        return _refused_answer(form_id, str(getattr(error, "code", "rule_broken")), [], here, 409)
    message = gettext("Recorded earlier; not recorded twice.") if receipt.replayed else gettext("Recorded.")
    if _wants_json():
        return jsonify(ok=True, replayed=receipt.replayed, message=message, location=here, id=str(record_id))
    session[NOTICE] = {"form_id": form_id, "ok": True, "message": message}
    return redirect(here, 303)


# --- steps -------------------------------------------------------------------------------

_CREATED_PAGE = {
    "open_process": "console.process_page",
    "schedule_meeting": "console.meeting_page",
    "submit": "console.proposal_page",
    "start_assessment": "console.assessment_page",
    "open_ranking": "console.ranking_page",
    "open_dispute": "console.dispute_page",
    "open_evaluation": "console.evaluation_page",
}
_CREATED_ARG = {
    "console.process_page": "process_id",
    "console.meeting_page": "meeting_id",
    "console.proposal_page": "proposal_id",
    "console.assessment_page": "assessment_id",
    "console.ranking_page": "ranking_id",
    "console.dispute_page": "dispute_id",
    "console.evaluation_page": "evaluation_id",
}


#: Refusals of what was typed (answered 422); a broken rule of the record is a conflict (409).
_UNPROCESSABLE = ("validation_failed", "occurred_at_invalid", "occurred_in_future", NAMING_CODE)


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


@blp.route("/langkah/<action>", methods=["POST"])
def step(action: str) -> BaseResponse:
    """Records one step; the page again (or JSON for the offline queue) with what happened."""
    if action not in STEPS:
        abort(404)
    form_id = request.form.get("form_id") or action
    fallback = url_for("console.processes")
    principal = signed_in()
    if principal is None:
        if _wants_json():
            return _answer(False, "unauthorized", refusal("unauthorized"), 401)
        return redirect(url_for("console.sign_in"))
    if not _check_csrf():
        return _refused_answer(form_id, "csrf", [], fallback, 400)
    outcome = run_step(current_mufakat(), principal, action, request.form)
    target = _safe_next(request.form.get("next"), fallback)
    if outcome.receipt is None:
        status = 422 if outcome.code in _UNPROCESSABLE else 409
        return _refused_answer(form_id, outcome.code or "rule_broken", outcome.invalid_fields, target, status)
    page = _CREATED_PAGE.get(action)
    if page is not None:
        target = url_for(page, **{_CREATED_ARG[page]: str(outcome.receipt.id)})  # type: ignore[arg-type]
    message = gettext("Recorded earlier; not recorded twice.") if outcome.receipt.replayed else gettext("Recorded.")
    if _wants_json():
        return jsonify(
            ok=True, replayed=outcome.receipt.replayed, message=message, location=target, id=str(outcome.receipt.id)
        )
    session[NOTICE] = {"form_id": form_id, "ok": True, "message": message}
    return redirect(target, 303)


def _answer(ok: bool, code: str, message: str, status: int, invalid: list[str] | None = None) -> BaseResponse:
    answer = jsonify(ok=ok, code=code, message=message, fields=invalid or [])
    answer.status_code = status
    return answer


def _refused_answer(form_id: str, code: str, invalid: list[str], target: str, status: int) -> BaseResponse:
    message = refusal(code)
    if code == NAMING_CODE and invalid:
        # Which of the form's texts names someone (never whom: the facilitator reads it in the text).
        message = f"{message} ({', '.join(words(name) for name in invalid)})"
    if _wants_json():
        # The offline queue delivered the step and the ledger judged it: 200, and the body says "refused"
        # (a 4xx would also be logged by the browser as a failed resource, on every refused tap).
        return _answer(False, code, message, 200, invalid)
    session[NOTICE] = {"form_id": form_id, "ok": False, "message": message, "code": code, "fields": invalid}
    return redirect(target, 303)


# --- offline ------------------------------------------------------------------------------


@blp.route("/sw.js")
def service_worker() -> Response:
    """The service worker, served from /console/ so that it controls every console page."""
    answer = Response((HERE / "static" / "sw.js").read_text(encoding="utf-8"), mimetype="text/javascript")
    answer.headers["Cache-Control"] = "no-cache"
    answer.headers["X-Content-Type-Options"] = "nosniff"
    return answer


@blp.route("/luring")
def offline() -> str:
    """Shown by the service worker for a console page never visited while online."""
    return render_template("console/offline.html")


@blp.errorhandler(404)
@blp.errorhandler(NotFound)
def _not_found(error: Exception) -> tuple[str, int]:
    """A page in the reader's language, for an address that is no page and for a record the caller cannot read
    (its use case's `NotFound`: unknown, or of a process the caller does not run); the API keeps answering
    problem details."""
    return render_template("not_found.html"), 404
