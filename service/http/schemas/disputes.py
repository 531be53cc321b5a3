"""Schemas of disputes (pengelolaan konflik): opening one, its mediation sessions, issues, options and ending."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from domain.dispute import CORRECTABLE_FIELDS, ESCALATION_BODIES
from domain.process import GROUPS, VISIBILITIES
from service.http.schemas.common import (
    NAME_LENGTH,
    TEXT_LENGTH,
    TITLE_LENGTH,
    BoundedDate,
    StatementStep,
    Step,
    Strict,
    UtcDateTime,
    ids,
    no_control_characters,
)

_ROLE = validate.Length(min=1, max=100)


class DisputePartySchema(Strict):
    """One party: a group of the community, a partner, or a named organisation (never a person)."""

    group = fields.String(validate=validate.OneOf(GROUPS), metadata={"example": "indigenous"})
    partner_id = ids(metadata={"description": "a partner of the process"})
    organisation = fields.String(
        validate=[NAME_LENGTH, no_control_characters], metadata={"example": "Kelompok Nelayan Mina Jaya"}
    )

    @validates_schema
    def _one_kind(self, data: dict[str, Any], **kwargs: Any) -> None:
        """A party is exactly one of a group, a partner or an organisation."""
        if len([key for key in data if data[key] is not None]) != 1:
            raise ValidationError("a party is one of group, partner_id or organisation", field_name="_schema")


class DisputeAboutSchema(Strict):
    """What a dispute is about: one proposal, commitment or complaint of the process."""

    proposal_id = ids()
    commitment_id = ids()
    complaint_id = ids()

    @validates_schema
    def _one_record(self, data: dict[str, Any], **kwargs: Any) -> None:
        """One record at most."""
        if len([key for key in data if data[key] is not None]) != 1:
            raise ValidationError("about names one of proposal_id, commitment_id or complaint_id", field_name="_schema")


class DisputeRequestSchema(StatementStep):
    """A dispute opened between groups, partners or organisations."""

    title = fields.String(
        required=True,
        validate=[TITLE_LENGTH, no_control_characters],
        metadata={"example": "Tanah bengkok untuk embung Dusun Krajan"},
    )
    parties = fields.List(fields.Nested(DisputePartySchema), required=True, validate=validate.Length(min=2, max=20))
    about = fields.Nested(DisputeAboutSchema, load_default=None, allow_none=True)
    visibility = fields.String(
        load_default="restricted",
        validate=validate.OneOf(VISIBILITIES),
        metadata={"description": "restricted (default: conflicts are sensitive) or public"},
    )


class SessionRequestSchema(StatementStep):
    """A mediation session held in a meeting of the process."""

    meeting_id = ids(required=True)
    summary = fields.String(
        load_default=None,
        allow_none=True,
        validate=[TEXT_LENGTH, no_control_characters],
        metadata={"description": "sealed; read only by those who run or review the process"},
    )


class DisputeInterestSchema(Strict):
    """What one side needs (its interest) and what it demands (its position)."""

    party = fields.Integer(required=True, validate=validate.Range(min=0, max=19), metadata={"description": "index"})
    needs = fields.String(required=True, validate=[TEXT_LENGTH, no_control_characters])
    demands = fields.String(load_default=None, allow_none=True, validate=[TEXT_LENGTH, no_control_characters])


class IssueRequestSchema(Step):
    """An issue at stake and each side's interests."""

    title = fields.String(required=True, validate=[TITLE_LENGTH, no_control_characters])
    interests = fields.List(fields.Nested(DisputeInterestSchema), load_default=list, validate=validate.Length(max=20))


class OptionRequestSchema(Step):
    """An option considered, for one issue or the whole dispute."""

    text = fields.String(required=True, validate=[TEXT_LENGTH, no_control_characters])
    issue_id = ids(load_default=None, allow_none=True)


class DisputePromiseSchema(Strict):
    """A follow-up the agreement promises that has no commitment yet."""

    description = fields.String(required=True, validate=[TEXT_LENGTH, no_control_characters])
    owner = fields.String(required=True, validate=[NAME_LENGTH, no_control_characters], metadata={"example": "BPD"})
    due = BoundedDate(load_default=None, allow_none=True)


class AgreementRequestSchema(StatementStep):
    """The agreement (kesepakatan) that ends a dispute."""

    text = fields.String(required=True, validate=[TEXT_LENGTH, no_control_characters])
    signatory_roles = fields.List(
        fields.String(validate=[_ROLE, no_control_characters]),
        required=True,
        validate=validate.Length(min=1, max=20),
        metadata={"example": ["kepala desa", "ketua BPD", "ketua kelompok tani"]},
    )
    commitment_ids = fields.List(ids(), load_default=list, validate=validate.Length(max=50))
    promises = fields.List(fields.Nested(DisputePromiseSchema), load_default=list, validate=validate.Length(max=50))
    text_public = fields.Boolean(
        load_default=False, metadata={"description": "whether outsiders may read the text of a public dispute"}
    )


class EscalationRequestSchema(StatementStep):
    """A dispute taken beyond the village."""

    to = fields.String(required=True, validate=validate.OneOf(ESCALATION_BODIES), metadata={"example": "camat"})
    reason = fields.String(required=True, validate=[TEXT_LENGTH, no_control_characters])


class DropRequestSchema(StatementStep):
    """A dispute dropped, and why."""

    reason = fields.String(required=True, validate=[TEXT_LENGTH, no_control_characters])


class DisputeCorrectionSchema(StatementStep):
    """An erratum of the title, a summary, the agreement's text or a reason."""

    field = fields.String(required=True, validate=validate.OneOf(CORRECTABLE_FIELDS))
    session_id = ids(load_default=None, allow_none=True, metadata={"description": "for a summary"})
    text = fields.String(required=True, validate=[TEXT_LENGTH, no_control_characters])
    reason = fields.String(required=True, validate=[TEXT_LENGTH, no_control_characters])


class SummaryRedactionSchema(StatementStep):
    """(admin) A session's summary redacted for good."""

    session_id = ids(required=True)
    reason = fields.String(required=True, validate=[TEXT_LENGTH, no_control_characters])


class DisputeSessionSchema(Schema):
    """A mediation session; its summary only to those who run or review the process."""

    session_id = fields.UUID()
    meeting_id = fields.UUID()
    held_at = UtcDateTime()
    summary = fields.String(allow_none=True)
    redacted = fields.Boolean()


class DisputePromiseShownSchema(Schema):
    """A follow-up promised."""

    description = fields.String()
    owner = fields.String()
    due = fields.String(allow_none=True)


class AgreementSealSchema(Schema):
    """One sealing of the agreement as a signed PDF: its SHA-256, size, the log position it covers, where it is."""

    sealed_version = fields.Integer()
    sha256 = fields.String()
    size = fields.Integer()
    log_position = fields.Integer()
    language = fields.String()
    sealed_at = UtcDateTime()
    url = fields.String()


class AgreementSealingSchema(Step):
    """The agreement to seal as a signed PDF, in Bahasa Indonesia (default) or English."""

    language = fields.String(load_default="id", validate=validate.OneOf(["id", "en"]))


class AgreementSealQuerySchema(Schema):
    """Which sealing of the agreement: the latest unless one is named."""

    sealed = fields.Integer(load_default=None, validate=validate.Range(min=1, max=1_000_000))


class DisputeAgreementSchema(Schema):
    """The agreement; outsiders read its text only when it says so, and never its promises."""

    text = fields.String(allow_none=True)
    signatory_roles = fields.List(fields.String())
    commitment_ids = fields.List(fields.String())
    promises = fields.List(fields.Nested(DisputePromiseShownSchema))
    text_public = fields.Boolean()
    agreed_at = UtcDateTime()
    sealings = fields.List(
        fields.Nested(AgreementSealSchema), metadata={"description": "each signed PDF made of it, oldest first"}
    )


class DisputeEscalationSchema(Schema):
    """To whom the dispute was taken; why only to those who run or review the process."""

    to = fields.String()
    reason = fields.String(allow_none=True)
    escalated_at = UtcDateTime()


class DisputeDropSchema(Schema):
    """When the dispute was dropped; why only to those who run or review the process."""

    reason = fields.String(allow_none=True)
    dropped_at = UtcDateTime()


class DisputeInterestShownSchema(Schema):
    """What one side needs and demands."""

    party = fields.Integer()
    needs = fields.String()
    demands = fields.String(allow_none=True)


class DisputeIssueSchema(Schema):
    """An issue at stake."""

    issue_id = fields.String()
    title = fields.String()
    interests = fields.List(fields.Nested(DisputeInterestShownSchema))
    recorded_at = UtcDateTime()


class DisputeOptionSchema(Schema):
    """An option considered."""

    option_id = fields.String()
    issue_id = fields.String(allow_none=True)
    text = fields.String()
    considered_at = UtcDateTime()


class DisputeErratumSchema(Schema):
    """An erratum: which text, when, why (the corrected text stands in its place)."""

    field = fields.String()
    session_id = fields.String(allow_none=True)
    version = fields.Integer()
    reason = fields.String()
    corrected_at = UtcDateTime()


class DisputeSchema(Schema):
    """A dispute as the caller may read it (outsiders: a public one, without words or persons)."""

    dispute_id = fields.UUID()
    version = fields.Integer()
    process_id = fields.UUID()
    title = fields.String()
    status = fields.String(metadata={"example": "in_mediation"})
    visibility = fields.String()
    parties = fields.List(fields.Dict())
    about = fields.Dict(allow_none=True)
    opened_at = UtcDateTime()
    updated_at = UtcDateTime()
    sessions = fields.List(fields.Nested(DisputeSessionSchema))
    issues = fields.List(fields.Nested(DisputeIssueSchema), allow_none=True)
    options = fields.List(fields.Nested(DisputeOptionSchema), allow_none=True)
    agreement = fields.Nested(DisputeAgreementSchema, allow_none=True)
    escalation = fields.Nested(DisputeEscalationSchema, allow_none=True)
    drop = fields.Nested(DisputeDropSchema, allow_none=True)
    corrections = fields.List(fields.Nested(DisputeErratumSchema), allow_none=True)


class DisputeStepSchema(DisputeSchema):
    """A dispute after a step, with the id of the part the step made."""

    session_id = fields.UUID(allow_none=True)
    issue_id = fields.UUID(allow_none=True)
    option_id = fields.UUID(allow_none=True)


class DisputePageSchema(Schema):
    """A page of a process's disputes."""

    items = fields.List(fields.Nested(DisputeSchema))
    next = fields.String(allow_none=True)
