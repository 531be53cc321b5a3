"""Schemas of proposals (usulan) and every step of their deliberation."""

from __future__ import annotations

from marshmallow import fields, validate

from domain.deliberation import CHOICES, CONTRIBUTION_KINDS, METHODS, OBJECTION_OUTCOMES, OUTCOMES, STANCES
from service.http.schemas.common import (
    NOTE_LENGTH,
    TEXT_LENGTH,
    TITLE_LENGTH,
    Count,
    Resource,
    Strict,
    UtcDateTime,
    Values,
    created_at,
    ids,
    updated_at,
)
from service.http.schemas.processes import RulesSchema

_TEXT_EXAMPLE = "Pembangunan posyandu di Dusun Krajan dengan dana desa Rp 150.000.000."


class SubmissionSchema(Strict):
    """A proposal to submit."""

    title = fields.String(required=True, validate=TITLE_LENGTH, metadata={"example": "Posyandu Dusun Krajan"})
    body = fields.String(required=True, validate=TEXT_LENGTH, metadata={"example": _TEXT_EXAMPLE})
    submitted_by = ids(required=True)
    meeting_id = ids(load_default=None, allow_none=True)


class ContributionSchema(Strict):
    """Support, a concern, a question or information."""

    participant_id = ids(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(CONTRIBUTION_KINDS), metadata={"example": "concern"})
    text = fields.String(
        required=True, validate=TEXT_LENGTH, metadata={"example": "Lokasinya terlalu jauh dari dusun Sukamulya."}
    )


class AmendmentSchema(Strict):
    """A new text of the proposal, with the reason for it."""

    body = fields.String(
        required=True,
        validate=TEXT_LENGTH,
        metadata={"example": "Pembangunan posyandu di tengah desa, terjangkau dari semua dusun."},
    )
    reason = fields.String(
        required=True, validate=TEXT_LENGTH, metadata={"example": "Menampung keberatan warga Dusun Sukamulya."}
    )
    proposed_by = ids(required=True)


class ObjectionSchema(Strict):
    """An objection (keberatan)."""

    raised_by = ids(required=True)
    grounds = fields.String(
        required=True, validate=TEXT_LENGTH, metadata={"example": "Lahan yang diusulkan adalah tanah ulayat."}
    )
    blocking = fields.Boolean(required=True, metadata={"example": True})


class ResolutionSchema(Strict):
    """How an objection ended."""

    outcome = fields.String(
        required=True, validate=validate.OneOf(OBJECTION_OUTCOMES), metadata={"example": "addressed"}
    )
    note = fields.String(
        required=True, validate=TEXT_LENGTH, metadata={"example": "Lokasi dipindah sesuai amandemen kedua."}
    )


class AtMeetingSchema(Strict):
    """The open meeting where a consensus check or a vote takes place."""

    meeting_id = ids(required=True)


class StanceSchema(Strict):
    """A participant's stance in a consensus check."""

    participant_id = ids(required=True)
    stance = fields.String(required=True, validate=validate.OneOf(STANCES), metadata={"example": "agree"})
    reason = fields.String(
        load_default=None, allow_none=True, validate=NOTE_LENGTH, metadata={"example": "Sudah sesuai kebutuhan warga."}
    )


class BallotSchema(Strict):
    """A participant's ballot in a vote."""

    participant_id = ids(required=True)
    choice = fields.String(required=True, validate=validate.OneOf(CHOICES), metadata={"example": "yes"})


class DecisionRequestSchema(Strict):
    """The decision on a proposal."""

    outcome = fields.String(required=True, validate=validate.OneOf(OUTCOMES), metadata={"example": "adopted"})
    method = fields.String(required=True, validate=validate.OneOf(METHODS), metadata={"example": "vote"})
    rationale = fields.String(
        required=True,
        validate=TEXT_LENGTH,
        metadata={"example": "Mufakat tidak tercapai; pemungutan suara 14 setuju, 5 tidak setuju."},
    )


class ObjectionStateSchema(Resource):
    """An objection and how it stands."""

    class Meta:
        exclude = ("id", "version")

    objection_id = ids()
    raised_by = ids()
    grounds = fields.String()
    blocking = fields.Boolean()
    state = fields.String(metadata={"example": "unresolved", "enum": ["unresolved", *OBJECTION_OUTCOMES]})
    note = fields.String(allow_none=True)


class ConsensusCheckStateSchema(Resource):
    """A consensus check with its tally once closed."""

    class Meta:
        exclude = ("id", "version")

    check_id = ids()
    meeting_id = ids()
    status = fields.String(metadata={"example": "closed", "enum": ["open", "closed"]})
    result = fields.String(allow_none=True, metadata={"example": "not_reached", "enum": ["reached", "not_reached"]})
    tally = fields.Dict(allow_none=True, metadata={"example": {"agree": 12, "abstain": 2, "disagree": 1, "block": 1}})
    stances = fields.Dict(
        keys=fields.String(), values=fields.String(), metadata={"description": "latest stance of each participant id"}
    )


class VoteStateSchema(Resource):
    """A vote with its tally once closed."""

    class Meta:
        exclude = ("id", "version")

    vote_id = ids()
    meeting_id = ids()
    status = fields.String(metadata={"example": "closed", "enum": ["open", "closed"]})
    result = fields.String(allow_none=True, metadata={"example": "passed", "enum": ["passed", "failed"]})
    tally = fields.Dict(allow_none=True, metadata={"example": {"yes": 14, "no": 5, "abstain": 1}})
    ballots_cast = Count(attribute="ballots", metadata={"example": 20})


class DecisionSchema(Resource):
    """The decision, with a copy of the rules it was made under."""

    class Meta:
        exclude = ("id", "version")

    outcome = fields.String(metadata={"example": "adopted"})
    method = fields.String(metadata={"example": "vote"})
    rationale = fields.String()
    rules = fields.Nested(RulesSchema)
    decided_at = UtcDateTime()


class ProposalSchema(Resource):
    """A proposal as it stands now."""

    process_id = ids()
    title = fields.String(metadata={"example": "Posyandu Dusun Krajan"})
    body = fields.String(metadata={"example": _TEXT_EXAMPLE, "description": "the current text"})
    text_version = fields.Integer(metadata={"example": 2})
    submitted_by = ids()
    meeting_id = ids(allow_none=True)
    status = fields.String(metadata={"example": "open", "enum": ["open", "decided"]})
    contribution_count = fields.Integer(metadata={"example": 5})
    objections = Values(fields.Nested(ObjectionStateSchema))
    consensus_checks = Values(fields.Nested(ConsensusCheckStateSchema), attribute="checks")
    votes = Values(fields.Nested(VoteStateSchema))
    decision = fields.Nested(DecisionSchema, allow_none=True)
    created_at = created_at()
    updated_at = updated_at()


class ProposalStepSchema(ProposalSchema):
    """The proposal after a step, with the id of the part the step created and, for closes, its result."""

    objection_id = ids()
    check_id = ids()
    vote_id = ids()
    result = fields.String(metadata={"example": "passed"})
    tally = fields.Dict(metadata={"example": {"yes": 14, "no": 5, "abstain": 1, "quorum_met": True}})
