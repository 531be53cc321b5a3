"""Complaints (pengaduan) and partners (mitra) of a process.

Anyone may file a complaint on a public process without a token, and follow it by its tracking code; too many
from one client address in an hour answer 429 with `Retry-After`. The process's facilitator or an admin responds;
they and auditors read the inbox. Partners are organisations, public by design.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import replace
from typing import Any
from uuid import UUID

from flask import Response, request
from flask.views import MethodView
from flask_smorest import Blueprint

from service.app import complaints as complaint_reads
from service.app import partners as partner_reads
from service.app.access import Principal
from service.app.receipts import CommandContext
from service.http.api.answers import Answer
from service.http.auth import expected_version, idempotency_key, optional_principal, principal
from service.http.current import current_mufakat
from service.http.problems import problem
from service.http.schemas.common import PageArgs, page_of
from service.http.schemas.complaints import (
    ComplaintRedactionRequestSchema,
    ComplaintRequestSchema,
    ComplaintSchema,
    ContactForgettingSchema,
    ContributionRequestSchema,
    FiledSchema,
    OfferLinksRequestSchema,
    OfferMadeSchema,
    OfferRequestSchema,
    PartnerRequestSchema,
    PartnerSchema,
    ResponseRequestSchema,
    TrackingSchema,
)

blp = Blueprint("complaints", __name__, description="Complaints (pengaduan) and partners (mitra) of a process")

#: Bytes of randomness in a tracking code: 100 bits, written as 20 base32 letters and digits in groups of four.
_TRACKING_BITS = 100
_TOO_MANY = "too many complaints from this address; try again later"


def _tracking_code(caller: str) -> str:
    """The tracking code of this filing: random, or, with an Idempotency-Key, derived from it, the caller and the
    body with the server's secret (so a retry answers the code of the complaint it filed, and nobody else can)."""
    return tracking_code(request.headers.get("Idempotency-Key"), request.get_data(cache=True), caller)


def tracking_code(key: str | None, body: bytes, caller: str) -> str:
    """A tracking code: random without an idempotency key, else derived from the key, the caller (for the public:
    its client address, see `filing_caller`) and the request's body with the server's secret (the portal's
    complaint form derives its code the same way from its form's key)."""
    if key is None:
        raw = secrets.token_bytes(13)
    else:
        secret = current_mufakat().vault.fingerprint_secret()
        message = b"complaint-tracking\n" + caller.encode() + b"\n" + key.encode() + b"\n" + body
        raw = hmac.new(secret, message, hashlib.sha256).digest()[:13]
    letters = base64.b32encode(raw).decode("ascii")[: _TRACKING_BITS // 5]
    return "-".join(letters[i : i + 4] for i in range(0, len(letters), 4))


def seconds_to_wait() -> int | None:
    """How long this client address waits before filing another complaint without a token (None: it may now)."""
    mufakat = current_mufakat()
    digest = mufakat.complaint_limits.digest(request.remote_addr or "", mufakat.vault.fingerprint_secret())
    wait: int | None = mufakat.complaint_limits.admit(digest, mufakat.clock(), mufakat.settings.complaints_per_hour)
    return wait


def _rate_limited() -> Response | None:
    """A 429 when this client address filed too many complaints without a token this hour."""
    wait = seconds_to_wait()
    if wait is None:
        return None
    return problem(429, "too_many_complaints", _TOO_MANY, headers={"Retry-After": str(wait)})


def filing_caller(caller: Principal) -> str:
    """Who files, as a filing's idempotency record and tracking code know them: a token's actor, or the public at
    this client address (an HMAC of the address, never the address itself). Bound to the address, one member of
    the public can never replay another's filing with a guessed key and body, and so read its tracking code."""
    if caller.is_authenticated:
        return str(caller.actor.id)
    mufakat = current_mufakat()
    address = mufakat.complaint_limits.digest(request.remote_addr or "", mufakat.vault.fingerprint_secret())
    return f"{caller.actor.id}@{address}"


def is_a_retry(context: CommandContext) -> bool:
    """Whether this filing was answered before (the same Idempotency-Key, caller and body): a retry is answered
    again, never counted against the address's hourly limit."""
    return context.idempotency is not None and current_mufakat().uow.earlier_answer(context.idempotency) is not None


def _filing_context(body: dict[str, Any]) -> CommandContext:
    """The context of a filing: the caller's token if any, else the public at this client address (the
    idempotency key bound to it)."""
    caller = optional_principal()
    key = idempotency_key(caller)
    if key is not None and not caller.is_authenticated:
        key = replace(key, caller=filing_caller(caller))
    return CommandContext(
        principal=caller,
        expected_version=expected_version(),
        idempotency=key,
        occurred_at=body.pop("occurred_at", None),
    )


def _step(body: dict[str, Any]) -> CommandContext:
    caller = principal()
    context = CommandContext(principal=caller, expected_version=expected_version(), idempotency=idempotency_key(caller))
    return replace(
        context, occurred_at=body.pop("occurred_at", None), names_are_public=body.pop("names_are_public", False)
    )


@blp.route("/processes/<uuid:process_id>/complaints")
class Complaints(MethodView):
    """The complaints of a process."""

    @blp.arguments(ComplaintRequestSchema())
    @blp.response(201, FiledSchema)
    @blp.doc(
        responses={
            "429": {
                "description": "too many complaints from this address this hour (`too_many_complaints`); retry "
                "after `Retry-After` seconds",
                "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
            }
        }
    )
    def post(self, complaint: dict[str, Any], process_id: UUID) -> Any:
        """Files a complaint on a process, without a token on a public one; answers the tracking code once."""
        context = _filing_context(complaint)
        if not context.principal.is_authenticated and not is_a_retry(context):
            refused = _rate_limited()
            if refused is not None:
                return refused
        code = _tracking_code(filing_caller(context.principal))
        about = complaint.pop("about", None)
        receipt = current_mufakat().complaints.file(context, process_id, tracking_code=code, about=about, **complaint)
        body = {"complaint_id": receipt.id, "tracking_code": code, "status": "received"}
        return body, {"Location": f"/api/v1/complaints/{receipt.id}"}

    @blp.arguments(PageArgs(), location="query")
    @blp.response(200, page_of(ComplaintSchema))
    def get(self, page: dict[str, Any], process_id: UUID) -> dict[str, Any]:
        """The complaints of the process with their words and contacts: its facilitator, auditors and admins."""
        return complaint_reads.inbox(current_mufakat(), principal(), process_id, page["after"] or 0, page["limit"])


@blp.route("/complaints/<uuid:complaint_id>")
class OneComplaint(MethodView):
    """One complaint."""

    @blp.response(200, ComplaintSchema)
    def get(self, complaint_id: UUID) -> Answer:
        """The complaint as the inbox shows it."""
        found = complaint_reads.complaint(current_mufakat(), principal(), complaint_id)
        return found, {"ETag": f'"{found["version"]}"'}


@blp.route("/complaints/<uuid:complaint_id>/respond")
class Responding(MethodView):
    """Answering a complaint."""

    @blp.arguments(ResponseRequestSchema())
    @blp.response(200, ComplaintSchema)
    def post(self, answer: dict[str, Any], complaint_id: UUID) -> Answer:
        """Answers the complaint with a status and words (the process's facilitator or an admin)."""
        context = _step(answer)
        receipt = current_mufakat().complaints.respond(context, complaint_id, **answer)
        found = complaint_reads.complaint(current_mufakat(), context.principal, complaint_id)
        return found, {"ETag": f'"{receipt.version}"'}


@blp.route("/complaints/<uuid:complaint_id>/redactions")
class ComplaintRedactions(MethodView):
    """(admin) Redactions of a complaint's words."""

    @blp.arguments(ComplaintRedactionRequestSchema())
    @blp.response(200, ComplaintSchema)
    def post(self, redaction: dict[str, Any], complaint_id: UUID) -> Answer:
        """(admin) Redacts the complaint's text (version 1, `text`) or a response (its version, `response`) for
        good: its key is destroyed, every hash still verifies, and the complaint lists the redaction."""
        context = _step(redaction)
        receipt = current_mufakat().complaint_redaction.redact(context, complaint_id, **redaction)
        found = complaint_reads.complaint(current_mufakat(), context.principal, complaint_id)
        return found, {"ETag": f'"{receipt.version}"'}


@blp.route("/complaints/<uuid:complaint_id>/forget-contact")
class ContactForgetting(MethodView):
    """Forgetting a complainant's contact."""

    @blp.arguments(ContactForgettingSchema())
    @blp.response(200, ComplaintSchema)
    def post(self, forgetting: dict[str, Any], complaint_id: UUID) -> Answer:
        """Forgets the complainant's contact for good (the process's facilitator or an admin): its key is
        destroyed, so it can never be read again."""
        context = _step(forgetting)
        receipt = current_mufakat().complaint_redaction.forget_contact(context, complaint_id)
        found = complaint_reads.complaint(current_mufakat(), context.principal, complaint_id)
        return found, {"ETag": f'"{receipt.version}"'}


@blp.route("/complaints/track/<string:tracking_code>")
class Tracking(MethodView):
    """Following a complaint by its tracking code."""

    @blp.response(200, TrackingSchema)
    def get(self, tracking_code: str) -> dict[str, Any]:
        """The status and the responses of the complaint this code follows; no token needed."""
        return complaint_reads.track(current_mufakat(), tracking_code[:100])


@blp.route("/processes/<uuid:process_id>/partners")
class Partners(MethodView):
    """The partners of a process."""

    @blp.arguments(PartnerRequestSchema())
    @blp.response(201, PartnerSchema)
    def post(self, partner: dict[str, Any], process_id: UUID) -> Answer:
        """Registers an organisation (government, NGO, private, donor, academic, community) as a partner."""
        context = _step(partner)
        receipt = current_mufakat().partners.register(context, process_id, **partner)
        found = partner_reads.partner(current_mufakat(), context.principal, receipt.id)
        return found, {"ETag": f'"{receipt.version}"', "Location": f"/api/v1/partners/{receipt.id}"}

    @blp.arguments(PageArgs(), location="query")
    @blp.response(200, page_of(PartnerSchema))
    def get(self, page: dict[str, Any], process_id: UUID) -> dict[str, Any]:
        """The process's partners and their contributions, in order of registration (public by design)."""
        return partner_reads.partners_of(
            current_mufakat(), optional_principal(), process_id, page["after"] or 0, page["limit"]
        )


@blp.route("/partners/<uuid:partner_id>/contributions")
class Contributions(MethodView):
    """What a partner brings."""

    @blp.arguments(ContributionRequestSchema())
    @blp.response(201, PartnerSchema)
    def post(self, contribution: dict[str, Any], partner_id: UUID) -> Answer:
        """Records a partner's contribution (cash, in kind, technical), toward a commitment when one is named."""
        context = _step(contribution)
        receipt = current_mufakat().partners.contribute(context, partner_id, **contribution)
        found = partner_reads.partner(current_mufakat(), context.principal, partner_id)
        return found, {"ETag": f'"{receipt.version}"', "Location": f"/api/v1/partners/{partner_id}"}


@blp.route("/partners/<uuid:partner_id>/offers")
class Offers(MethodView):
    """The resources a partner opens access to (membuka akses sumber daya)."""

    @blp.arguments(OfferRequestSchema())
    @blp.response(201, OfferMadeSchema)
    def post(self, offer: dict[str, Any], partner_id: UUID) -> Answer:
        """Records an offer (credit, market, information, technology, programme, grant, training) and the needs
        of the process it answers; a finding of another process is 422."""
        context = _step(offer)
        receipt = current_mufakat().partners.offer(context, partner_id, **offer)
        found = partner_reads.partner(current_mufakat(), context.principal, partner_id)
        return {**found, "offer_id": receipt.part_id}, {
            "ETag": f'"{receipt.version}"',
            "Location": f"/api/v1/partners/{partner_id}",
        }


@blp.route("/partners/<uuid:partner_id>/offers/<uuid:offer_id>/links")
class OfferLinks(MethodView):
    """What an offer answers."""

    @blp.arguments(OfferLinksRequestSchema())
    @blp.response(200, OfferMadeSchema)
    def post(self, links: dict[str, Any], partner_id: UUID, offer_id: UUID) -> Answer:
        """Records more findings of the process the offer answers; a finding of another process is 422."""
        context = _step(links)
        receipt = current_mufakat().partners.link_offer(context, partner_id, offer_id, **links)
        found = partner_reads.partner(current_mufakat(), context.principal, partner_id)
        return {**found, "offer_id": offer_id}, {"ETag": f'"{receipt.version}"'}
