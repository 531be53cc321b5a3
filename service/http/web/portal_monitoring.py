"""The portal's monitoring: score cards, complaint counts, partners, and the complaint form and its tracking page.

A resident files a complaint from a phone without an account: the form posts to the portal, which calls the same
use case as the API (`complaints.file`), rate-limited per address as the API is (a friendly page instead of a bare
429). The form is protected against cross-site posting by a cookie of its own (SameSite=Strict, HttpOnly, scoped
to `/proses`) whose HMAC the form carries: the console's session cookie is scoped to `/console` and never reaches
the portal. The tracking code is shown once, on the answer to the filing (not cached), and derived from the form's
idempotency key, so a second tap files nothing new and shows the same code. Nothing here shows a complaint's words
or contact, nor who scored what: only counts, suppressed where small, and the responses by tracking code.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from typing import Any
from uuid import UUID, uuid4

from flask import Response, abort, current_app, render_template, request
from marshmallow import ValidationError

from domain.errors import RuleBroken
from domain.process import Process
from service.app import complaints as complaint_reads
from service.app import queries
from service.app.access import ANONYMOUS
from service.app.errors import Forbidden, IdempotencyKeyReused, NotFound, TooMuchContention, VersionMismatch
from service.app.idempotency import IdempotencyKey
from service.app.receipts import CommandContext
from service.http.api.complaints import filing_caller, is_a_retry, seconds_to_wait, tracking_code
from service.http.current import current_mufakat
from service.http.schemas.complaints import ComplaintRequestSchema
from service.http.web.i18n import refusal
from service.http.web.portal import blp
from service.http.web.steps import MAX_KEY_LENGTH

#: The cookie the complaint form's token is the HMAC of.
FORM_COOKIE = "mufakat_portal_form"
FORM_COOKIE_PATH = "/proses"
#: How many commitments the complaint form offers to name.
MONITORED = 200


def _form_token(cookie: str) -> str:
    key = str(current_app.config["SECRET_KEY"]).encode("utf-8")
    return hmac.new(key, b"portal-complaint\n" + cookie.encode("utf-8"), hashlib.sha256).hexdigest()


def _public_process(process_id: UUID) -> Process:
    try:
        return queries.readable_process(current_mufakat(), process_id, ANONYMOUS, copy=False)
    except NotFound:
        abort(404)


def _form_page(process: Process, status: int, **shown: Any) -> Response:
    """The complaint form, with a cookie of its own when the browser has none yet."""
    mufakat = current_mufakat()
    cookie = request.cookies.get(FORM_COOKIE) or ""
    fresh = len(cookie) != 32
    if fresh:
        cookie = secrets.token_hex(16)
    commitments, _ = queries.commitments_of(mufakat, process, None, MONITORED, None)
    page = render_template(
        "portal/complaint.html",
        process=process,
        counts=complaint_reads.public_counts(mufakat, process.id),
        commitments=commitments,
        form_token=_form_token(cookie),
        key=uuid4().hex,
        typed=shown.pop("typed", {}),
        **shown,
    )
    answer = Response(page, status=status, mimetype="text/html")
    answer.headers["Cache-Control"] = "no-store"
    if fresh:
        answer.set_cookie(
            FORM_COOKIE, cookie, path=FORM_COOKIE_PATH, httponly=True, samesite="Strict", secure=request.is_secure
        )
    return answer


@blp.route("/proses/<uuid:process_id>/pengaduan", methods=["GET"])
def complaint_form(process_id: UUID) -> Response:
    """The complaint form of a public process, and its counts: no account needed."""
    return _form_page(_public_process(process_id), 200)


def _form_is_ours() -> bool:
    cookie = request.cookies.get(FORM_COOKIE) or ""
    sent = request.form.get("csrf_token") or ""
    return len(cookie) == 32 and hmac.compare_digest(_form_token(cookie), sent)


@blp.route("/proses/<uuid:process_id>/pengaduan", methods=["POST"])
def file_complaint(process_id: UUID) -> Response:
    """Files a complaint through the use case the API calls; answers the tracking code once."""
    process = _public_process(process_id)
    typed = {name: (request.form.get(name) or "").strip() for name in ("text", "contact", "commitment_id")}
    if not _form_is_ours():
        return _form_page(process, 400, typed=typed, error=refusal("csrf"))
    key = (request.form.get("idempotency_key") or "").strip()
    if not key or len(key) > MAX_KEY_LENGTH:
        return _form_page(process, 422, typed=typed, error=refusal("validation_failed"))
    body: dict[str, Any] = {"text": typed["text"]}
    if typed["contact"]:
        body["contact"] = typed["contact"]
    if typed["commitment_id"]:
        body["about"] = {"commitment_id": typed["commitment_id"]}
    try:
        loaded = ComplaintRequestSchema().load(body)
    except ValidationError as error:
        fields = sorted(error.messages) if isinstance(error.messages, dict) else []
        return _form_page(process, 422, typed=typed, error=refusal("validation_failed"), invalid=fields)
    mufakat = current_mufakat()
    caller = filing_caller(ANONYMOUS)
    code = tracking_code(f"portal:{key}", json.dumps(body, sort_keys=True).encode("utf-8"), caller)
    context = CommandContext(
        principal=ANONYMOUS,
        idempotency=IdempotencyKey.for_request(
            caller=caller,
            key=f"portal:{key}",
            method="POST",
            path=request.path,
            body=body,
            secret=mufakat.vault.fingerprint_secret(),
        ),
    )
    try:
        retried = is_a_retry(context)
    except IdempotencyKeyReused as error:
        return _form_page(process, 409, typed=typed, error=refusal(str(error.code)))
    wait = None if retried else seconds_to_wait()
    if wait is not None:
        page = render_template("portal/complaint_wait.html", process=process, minutes=max(1, (wait + 59) // 60))
        return Response(page, status=429, mimetype="text/html", headers={"Retry-After": str(wait)})
    try:
        mufakat.complaints.file(
            context,
            process.id,
            text=loaded["text"],
            tracking_code=code,
            about=loaded.get("about"),
            contact=loaded.get("contact"),
        )
    except NotFound:
        return _form_page(process, 422, typed=typed, error=refusal("validation_failed"), invalid=["about"])
    except (RuleBroken, Forbidden, VersionMismatch, IdempotencyKeyReused, TooMuchContention) as error:
        return _form_page(process, 409, typed=typed, error=refusal(str(getattr(error, "code", "rule_broken"))))
    page = render_template("portal/complaint_filed.html", process=process, code=code)
    answer = Response(page, status=201, mimetype="text/html")
    answer.headers["Cache-Control"] = "no-store"
    answer.headers["Referrer-Policy"] = "no-referrer"
    return answer


@blp.route("/pengaduan/lacak", methods=["GET", "POST"])
def track_complaint() -> Response:
    """Following a complaint by its tracking code: its status and the responses (as the API's tracking answers),
    never its words. The code is posted, so that it stays out of addresses and logs; a GET shows the form."""
    code = (request.form.get("kode") or "").strip()[:100] if request.method == "POST" else ""
    found = None
    status = 200
    if code:
        try:
            found = complaint_reads.track(current_mufakat(), code)
        except NotFound:
            status = 404
    page = render_template("portal/tracking.html", found=found, asked=bool(code))
    answer = Response(page, status=status, mimetype="text/html")
    answer.headers["Cache-Control"] = "no-store"
    return answer
