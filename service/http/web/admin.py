"""The admin's pages of the console (`/console/admin/...`) and signing in by a one-time link.

Tokens: issue one (role, name, processes, expiry), list them, revoke one, and
make a one-time sign-in link with its QR code for a facilitator's phone.
Personal data: forget a participant, redact a statement. Revoking, forgetting
and redacting are steps (`steps.STEPS`) posted through the console's own step
route; issuing a token and making a link are not, because their answer holds a
secret that is shown once and could not be shown again to a step sent twice.

Every page here is `no-store` (as every console page), is kept off the phone by
the service worker, and a page that shows a secret sends no Referer.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from flask import Response, abort, redirect, render_template, request, session, url_for
from flask_babel import gettext
from marshmallow import ValidationError
from werkzeug.wrappers import Response as BaseResponse

from domain.proposal import REDACTABLE_FIELDS, Proposal
from domain.time_zones import WIB
from service.app import queries
from service.app.access import ROLES, AccessToken, Principal, TokenNotValid, UnknownProcesses
from service.app.application import CommandContext, Mufakat
from service.app.errors import Forbidden, NotFound
from service.app.sign_in_links import IssuedLink, issue_sign_in_link, sign_in_by_link
from service.http.current import SETTINGS_EXTENSION, current_mufakat
from service.http.schemas.tokens import TokenRequestSchema
from service.http.web.console import (
    SESSION_ID,
    _check_csrf,
    _end_session,
    _names,
    _notice,
    _require,
    blp,
)
from service.http.web.i18n import refusal
from service.http.web.steps import Refused, invalid_fields, moment

#: The query parameter of a sign-in link that carries its secret (kept out of the access logs, which log paths).
LINK_SECRET = "kunci"
#: How many token records the token page lists.
TOKENS_LISTED = 500


def _admin() -> Principal:
    """The signed-in admin; anyone else finds no such page."""
    principal = _require()
    if not principal.may_issue_tokens:
        abort(404)
    return principal


def _no_referrer(answer: str | BaseResponse, status: int = 200) -> Response:
    """A page whose address or content holds a secret: never cached, and no Referer leaves it."""
    if isinstance(answer, Response):
        response = answer
    elif isinstance(answer, str):
        response = Response(answer, status=status, mimetype="text/html")
    else:
        response = Response(answer.get_data(), status=answer.status_code, headers=dict(answer.headers))
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response


# --- tokens ------------------------------------------------------------------------------


def _token_page(principal: Principal, error: str | None = None, fields: list[str] | None = None) -> Response:
    mufakat = current_mufakat()
    tokens, _ = queries.list_tokens(mufakat, None, TOKENS_LISTED)
    processes, _ = queries.list_processes(mufakat, principal, None, TOKENS_LISTED)
    answer = render_template(
        "console/admin_tokens.html",
        tokens=list(reversed(tokens)),
        processes=processes,
        titles={process.id: process.title for process in processes},
        roles=ROLES,
        now=mufakat.clock(),
        error=error,
        invalid=fields or [],
        form=request.form if error else {},
        notice=_notice(),
    )
    return Response(answer, status=422 if error else 200, mimetype="text/html")


@blp.route("/admin/token", methods=["GET"])
def tokens() -> Response:
    """(admin) The tokens: issue one, make a sign-in link, revoke."""
    return _token_page(_admin())


def _token_request() -> dict[str, Any]:
    """The issuing form as the API's body (an expiry typed without an offset is read in WIB, as its label says)."""
    body: dict[str, Any] = {
        "role": request.form.get("role", ""),
        "name": (request.form.get("name") or "").strip(),
        "processes": request.form.getlist("processes"),
    }
    typed = (request.form.get("expires_at") or "").strip()
    if typed:
        body["expires_at"] = moment(typed, WIB, "expires_at").isoformat()
    loaded: dict[str, Any] = TokenRequestSchema().load(body)
    return loaded


@blp.route("/admin/token", methods=["POST"])
def issue_token() -> Response:
    """(admin) Issues a token; its secret is on this answer only (never stored, never in the session)."""
    principal = _admin()
    if not _check_csrf():
        return _token_page(principal, refusal("csrf"))
    try:
        issuing = _token_request()
        receipt, secret = current_mufakat().tokens.issue_as(CommandContext(principal=principal), **issuing)
    except Refused as refused:
        return _token_page(principal, refusal(refused.code), refused.invalid_fields)
    except ValidationError as error:
        messages = error.messages if isinstance(error.messages, dict) else {}
        return _token_page(principal, refusal("validation_failed"), invalid_fields(messages))
    except UnknownProcesses:
        return _token_page(principal, refusal("not_found"), ["processes"])
    token = queries.token_record(current_mufakat(), receipt.id)
    answer = render_template("console/admin_token_issued.html", token=token, secret=secret)
    return _no_referrer(answer, 201)


@blp.route("/admin/token/<uuid:token_id>/tautan", methods=["POST"])
def make_sign_in_link(token_id: UUID) -> Response:
    """(admin) A one-time sign-in link for a token, with its QR code: shown once, on this answer only."""
    principal = _admin()
    if not _check_csrf():
        return _token_page(principal, refusal("csrf"))
    mufakat = current_mufakat()
    try:
        link = issue_sign_in_link(mufakat, CommandContext(principal=principal), token_id)
    except NotFound:
        abort(404)
    except (TokenNotValid, Forbidden) as refused:
        return _token_page(principal, refusal(str(refused.code)))
    token = queries.token_record(mufakat, token_id)
    address = sign_in_address(mufakat, link)
    answer = render_template(
        "console/admin_sign_in_link.html",
        token=token,
        link=link,
        address=address,
        qr_code=qr_code_svg(address),
        minutes=round((link.expires_at - mufakat.clock()).total_seconds() / 60),
    )
    return _no_referrer(answer, 201)


def sign_in_address(mufakat: Mufakat, link: IssuedLink) -> str:
    """The link's full address: under `MUFAKAT_PUBLIC_URL` when it is set, else where the admin reached us."""
    settings = current_settings()
    path = f"{url_for('console.sign_in_by_link_page')}?{urlencode({LINK_SECRET: link.secret})}"
    if settings.is_given("MUFAKAT_PUBLIC_URL"):
        return settings.public_url.rstrip("/") + path
    return request.host_url.rstrip("/") + path


def current_settings() -> Any:
    """The app's settings (`Settings`), as the app factory keeps them."""
    from flask import current_app

    return current_app.extensions[SETTINGS_EXTENSION]


def qr_code_svg(address: str) -> str:
    """The address as a QR code, an inline SVG (no file, no script): dark modules on white, quiet zone kept."""
    import segno

    code = segno.make(address, error="m", micro=False)
    return str(code.svg_inline(scale=4, border=4, dark="#000", light="#fff", omitsize=True, svgclass="qr"))


def token_state(token: AccessToken, now: datetime) -> str:
    """`revoked`, `expired` or `valid`, for the token list."""
    if token.revoked:
        return "revoked"
    return "valid" if token.is_valid_at(now) else "expired"


blp.add_app_template_global(token_state, "token_state")


# --- signing in by link ------------------------------------------------------------------


@blp.route("/masuk/tautan", methods=["GET"])
def sign_in_by_link_page() -> Response:
    """The page a sign-in link opens: one button that signs in. A GET uses nothing up, so a chat app's preview of
    the link does not spend it."""
    secret = request.args.get(LINK_SECRET, "")
    if not secret:
        abort(404)
    return _no_referrer(render_template("console/sign_in_link.html", secret=secret, error=None))


@blp.route("/masuk/tautan", methods=["POST"])
def sign_in_with_link() -> Response:
    """Uses the link (once) and opens a console session for its token."""
    secret = (request.form.get(LINK_SECRET) or "").strip()
    if not _check_csrf():
        return _no_referrer(render_template("console/sign_in_link.html", secret=secret, error=refusal("csrf")), 400)
    mufakat = current_mufakat()
    principal = sign_in_by_link(mufakat, secret) if secret else None
    if principal is None or principal.token_record_id is None:
        error = gettext("This sign-in link is unknown, used already or expired, or its token was revoked.")
        return _no_referrer(render_template("console/sign_in_link.html", secret="", error=error), 401)
    _end_session()
    session[SESSION_ID] = mufakat.console_sessions.open(principal.token_record_id, mufakat.clock())
    return _no_referrer(redirect(url_for("console.processes"), 303))


# --- personal data -----------------------------------------------------------------------


@blp.route("/admin/proses/<uuid:process_id>")
def process_personal_data(process_id: UUID) -> str:
    """(admin) A process's participants with their organisation and contact, each with a way to forget them; its
    proposals, each with a way to redact what was said."""
    principal = _admin()
    mufakat = current_mufakat()
    try:
        process = queries.readable_process(mufakat, process_id, principal, copy=False)
    except NotFound:
        abort(404)
    proposals = [queries.readable(mufakat, Proposal, pid, principal, copy=False) for pid in process.proposal_ids]
    return render_template(
        "console/admin_process.html",
        process=process,
        people=_names(mufakat, process).values(),
        proposals=proposals,
        notice=_notice(),
    )


@blp.route("/admin/usulan/<uuid:proposal_id>")
def proposal_statements(proposal_id: UUID) -> str:
    """(admin) What was said on a proposal, statement by statement, each with a way to redact it for good."""
    principal = _admin()
    mufakat = current_mufakat()
    try:
        proposal = queries.readable(mufakat, Proposal, proposal_id, principal)
        process = queries.readable_process(mufakat, proposal.process_id, principal, copy=False)
    except NotFound:
        abort(404)
    return render_template(
        "console/admin_statements.html",
        proposal=proposal,
        process=process,
        statements=statements_of(mufakat, proposal),
        notice=_notice(),
    )


def statements_of(mufakat: Mufakat, proposal: Proposal) -> list[dict[str, Any]]:
    """Every redactable statement of a proposal, oldest first: its step, field, words (or that they are gone)."""
    found = []
    for event in mufakat.events.get(proposal.id):
        kind = type(event).__name__
        for name in REDACTABLE_FIELDS.get(kind, ()):
            version = event.originator_version
            redacted = proposal.is_redacted(version, name)
            words = None if redacted else getattr(event, name, None)
            if redacted or words:
                found.append({"version": version, "kind": kind, "field": name, "words": words, "redacted": redacted})
    return found
