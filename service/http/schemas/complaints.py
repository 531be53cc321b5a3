"""Requests and answers of complaints (pengaduan) and partners (mitra)."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from domain.complaint import RESPONSE_STATUSES, STATUSES
from domain.partner import CONTRIBUTION_KINDS, OFFER_KINDS, PARTNER_KINDS
from service.http.schemas.commitments import DecimalText
from service.http.schemas.common import StatementStep, Step, Strict, ids


class AboutSchema(Strict):
    """What a complaint is about: one proposal or one commitment of the process."""

    proposal_id = ids()
    commitment_id = ids()

    @validates_schema
    def _one(self, data: dict[str, Any], **kwargs: Any) -> None:
        if len(data) != 1:
            raise ValidationError("name one proposal_id or one commitment_id")


class ComplaintRequestSchema(Step):
    """A complaint: what went wrong, what it is about, and how to reach the complainant (kept encrypted)."""

    text = fields.String(required=True, validate=validate.Length(min=1, max=5000))
    about = fields.Nested(AboutSchema, load_default=None, allow_none=True)
    contact = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))


class FiledSchema(Schema):
    """A filed complaint: its id and the tracking code to follow it by (shown once, kept only hashed)."""

    complaint_id = fields.UUID()
    tracking_code = fields.String(metadata={"example": "K7QM-2XRB-PD4T-9VHA-NC3E"})
    status = fields.String()


class ResponseRequestSchema(Step):
    """An answer to a complaint: its new status and the words for the complainant."""

    status = fields.String(required=True, validate=validate.OneOf(RESPONSE_STATUSES))
    response = fields.String(required=True, validate=validate.Length(min=1, max=5000))


class ComplaintRedactionRequestSchema(StatementStep):
    """(admin) A statement of a complaint (its text, or a response) made unreadable for good; the reason stays."""

    version = fields.Integer(
        required=True,
        strict=True,
        validate=validate.Range(min=1),
        metadata={"example": 1, "description": "the step whose words are redacted: 1 for the text, a response's"},
    )
    field = fields.String(required=True, validate=validate.OneOf(("text", "response")))
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class ContactForgettingSchema(Step):
    """The complainant's contact forgotten for good (no body needed beyond `occurred_at`)."""


class ComplaintRedactionSchema(Schema):
    """One redaction of a complaint's words: which step, which field, why, when."""

    version = fields.Integer()
    field = fields.String()
    reason = fields.String()
    at = fields.String()


class HistoryEntrySchema(Schema):
    """One status a complaint took."""

    status = fields.String(validate=validate.OneOf(STATUSES))
    at = fields.String()
    response = fields.String()


class TrackingSchema(Schema):
    """What the complainant reads by the tracking code."""

    status = fields.String(validate=validate.OneOf(STATUSES))
    history = fields.List(fields.Nested(HistoryEntrySchema))


class ComplaintSchema(Schema):
    """A complaint as the process's facilitator, an auditor or an admin reads it."""

    complaint_id = fields.UUID()
    version = fields.Integer()
    process_id = fields.UUID()
    status = fields.String()
    text = fields.String()
    about = fields.Dict(allow_none=True)
    contact = fields.String(allow_none=True)
    contact_forgotten = fields.Boolean()
    filed_at = fields.DateTime()
    history = fields.List(fields.Nested(HistoryEntrySchema))
    redactions = fields.List(fields.Nested(ComplaintRedactionSchema))


class PartnerRequestSchema(Step):
    """An organisation taking part in the process."""

    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    kind = fields.String(required=True, validate=validate.OneOf(PARTNER_KINDS))


class ContributionRequestSchema(StatementStep):
    """What a partner brings: cash, goods or technical help, with an amount in rupiah as a plain decimal string
    (its description is a statement: held to the names rule)."""

    kind = fields.String(required=True, validate=validate.OneOf(CONTRIBUTION_KINDS))
    description = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    amount = DecimalText(
        money=True,
        text_only=True,
        load_default=None,
        allow_none=True,
        metadata={
            "type": "string",
            "pattern": r"^[0-9]+(\.[0-9]{1,2})?$",
            "example": "15000000",
            "description": "rupiah: ASCII digits, an optional dot and at most two decimals, below 10^18",
        },
    )
    commitment_id = ids(load_default=None, allow_none=True)


class PartnerContributionSchema(Schema):
    """One contribution of a partner."""

    contribution_id = fields.String()
    kind = fields.String()
    description = fields.String()
    amount = fields.String(allow_none=True)
    commitment_id = fields.String(allow_none=True)
    occurred_at = fields.String()


class OfferRequestSchema(StatementStep):
    """A resource a partner opens access to (credit such as KUR, a market, information, a technology, a programme,
    a grant, a training), and the findings of the process's assessments it answers."""

    kind = fields.String(required=True, validate=validate.OneOf(OFFER_KINDS))
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    description = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))
    answers = fields.List(
        ids(),
        load_default=list,
        validate=validate.Length(max=100),
        metadata={"description": "findings (needs, potentials) of the process's assessments it answers"},
    )


class OfferLinksRequestSchema(Step):
    """More findings of the process an offer answers."""

    answers = fields.List(ids(), required=True, validate=validate.Length(min=1, max=100))


class PartnerOfferSchema(Schema):
    """One resource a partner opens access to, with the findings it answers."""

    offer_id = fields.String()
    kind = fields.String(validate=validate.OneOf(OFFER_KINDS))
    title = fields.String()
    description = fields.String(allow_none=True)
    answers = fields.List(fields.String(), metadata={"description": "ids of the findings it answers"})
    occurred_at = fields.String()


class PartnerSchema(Schema):
    """A partner, its contributions and its offers (public by design)."""

    partner_id = fields.UUID()
    version = fields.Integer()
    process_id = fields.UUID()
    name = fields.String()
    kind = fields.String()
    contributions = fields.List(fields.Nested(PartnerContributionSchema))
    offers = fields.List(fields.Nested(PartnerOfferSchema))


class OfferMadeSchema(PartnerSchema):
    """The partner after an offer was recorded or linked, with the offer's id."""

    offer_id = fields.UUID()
