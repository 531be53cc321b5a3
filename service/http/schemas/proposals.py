"""Schemas of proposals (usulan) and every step of their deliberation."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from domain.deliberation import CHOICES, CONTRIBUTION_KINDS, METHODS, OBJECTION_OUTCOMES, OUTCOMES, STANCES
from domain.proposal import CORRECTABLE_FIELDS, REDACTABLE_FIELDS, REDACTED_TEXT, Proposal
from domain.rules import DecisionRules
from service.http.schemas.common import (
    NOTE_LENGTH,
    TEXT_LENGTH,
    TITLE_LENGTH,
    Count,
    Resource,
    StatementStep,
    Step,
    UtcDateTime,
    Values,
    created_at,
    ids,
    updated_at,
)
from service.http.schemas.planning import PlanningFields, PlanningRequestFields
from service.http.schemas.processes import RulesSchema


class RulesSnapshot(fields.Nested):
    """The copy of the rules a decision keeps; a copy made before a rule existed reads as its default."""

    def _serialize(self, nested_obj: Any, attr: Any, obj: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        if isinstance(nested_obj, dict):
            nested_obj = DecisionRules.from_dict(nested_obj)
        return super()._serialize(nested_obj, attr, obj, **kwargs)


#: Said of every field that names a participant.
_WITHHELD_FROM_OUTSIDERS = (
    "a participant id; null for readers who may not see participants (the public, partners, facilitators of other"
    " processes)"
)
_TEXT_EXAMPLE = "Pembangunan posyandu di Dusun Krajan dengan dana desa Rp 150.000.000."


class SubmissionSchema(StatementStep, PlanningRequestFields):
    """A proposal to submit, with its planning fields."""

    title = fields.String(required=True, validate=TITLE_LENGTH, metadata={"example": "Posyandu Dusun Krajan"})
    body = fields.String(required=True, validate=TEXT_LENGTH, metadata={"example": _TEXT_EXAMPLE})
    submitted_by = ids(required=True)
    meeting_id = ids(load_default=None, allow_none=True)
    addresses = fields.List(
        ids(),
        validate=validate.Length(max=100),
        metadata={"description": "findings of the process's assessments it addresses (needs, potentials)"},
    )


class ContributionSchema(StatementStep):
    """Support, a concern, a question or information."""

    participant_id = ids(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(CONTRIBUTION_KINDS), metadata={"example": "concern"})
    text = fields.String(
        required=True, validate=TEXT_LENGTH, metadata={"example": "Lokasinya terlalu jauh dari dusun Sukamulya."}
    )


class AmendmentSchema(StatementStep, PlanningRequestFields):
    """A new text of the proposal, with the reason for it (planning fields given replace the earlier ones)."""

    body = fields.String(
        required=True,
        validate=TEXT_LENGTH,
        metadata={"example": "Pembangunan posyandu di tengah desa, terjangkau dari semua dusun."},
    )
    reason = fields.String(
        required=True, validate=TEXT_LENGTH, metadata={"example": "Menampung keberatan warga Dusun Sukamulya."}
    )
    proposed_by = ids(required=True)


class ObjectionSchema(StatementStep):
    """An objection (keberatan)."""

    raised_by = ids(required=True)
    grounds = fields.String(
        required=True, validate=TEXT_LENGTH, metadata={"example": "Lahan yang diusulkan adalah tanah ulayat."}
    )
    blocking = fields.Boolean(required=True, metadata={"example": True})


class ResolutionSchema(StatementStep):
    """How an objection ended."""

    outcome = fields.String(
        required=True, validate=validate.OneOf(OBJECTION_OUTCOMES), metadata={"example": "addressed"}
    )
    note = fields.String(
        required=True, validate=TEXT_LENGTH, metadata={"example": "Lokasi dipindah sesuai amandemen kedua."}
    )


class AtMeetingSchema(Step):
    """The open meeting where a consensus check or a vote takes place."""

    meeting_id = ids(required=True)


class StanceSchema(StatementStep):
    """A participant's stance in a consensus check."""

    participant_id = ids(required=True)
    stance = fields.String(required=True, validate=validate.OneOf(STANCES), metadata={"example": "agree"})
    reason = fields.String(
        load_default=None, allow_none=True, validate=NOTE_LENGTH, metadata={"example": "Sudah sesuai kebutuhan warga."}
    )


class BallotSchema(Step):
    """A participant's ballot in a vote."""

    participant_id = ids(required=True)
    choice = fields.String(required=True, validate=validate.OneOf(CHOICES), metadata={"example": "yes"})


class DecisionRequestSchema(StatementStep):
    """The decision on a proposal."""

    outcome = fields.String(required=True, validate=validate.OneOf(OUTCOMES), metadata={"example": "adopted"})
    method = fields.String(required=True, validate=validate.OneOf(METHODS), metadata={"example": "vote"})
    rationale = fields.String(
        required=True,
        validate=TEXT_LENGTH,
        metadata={"example": "Mufakat tidak tercapai; pemungutan suara 14 setuju, 5 tidak setuju."},
    )


class WithdrawalSchema(StatementStep):
    """Why an undecided proposal is withdrawn."""

    reason = fields.String(
        required=True,
        validate=TEXT_LENGTH,
        metadata={"example": "Pengusul menarik usulan; digabung dengan usulan lain."},
    )


class AnnulmentRequestSchema(StatementStep):
    """Why a decision is annulled, on which legal basis, at which musyawarah."""

    reason = fields.String(
        required=True,
        validate=TEXT_LENGTH,
        metadata={"example": "Musdes khusus membatalkan keputusan: lahan ternyata tanah kas desa yang disewakan."},
    )
    legal_basis = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=500),
        metadata={"example": "Permendesa PDTT No. 16 Tahun 2019, Pasal 24"},
    )
    meeting_id = ids(load_default=None, allow_none=True)


class CorrectionRequestSchema(StatementStep):
    """An erratum of the free text recorded at one version of the proposal."""

    version = fields.Integer(
        required=True,
        validate=validate.Range(min=1),
        metadata={"example": 1, "description": "the version of the step whose text is corrected (see its history)"},
    )
    field = fields.String(
        required=True,
        validate=validate.OneOf(sorted({name for names in CORRECTABLE_FIELDS.values() for name in names})),
        metadata={"example": "title", "description": "which free text of that step: title, body, text, reason, ..."},
    )
    text = fields.String(required=True, validate=TEXT_LENGTH, metadata={"example": "Posyandu Dusun Krajan"})
    reason = fields.String(
        required=True, validate=TEXT_LENGTH, metadata={"example": "Salah ketik nama dusun saat menyalin notulen."}
    )


class RedactionRequestSchema(StatementStep):
    """A statement whose words are to be made unreadable for good (a name typed into it, say); its reason is
    public and stays."""

    version = fields.Integer(
        required=True,
        strict=True,
        validate=validate.Range(min=1),
        metadata={"example": 3, "description": "the version of the step whose statement is redacted (see its history)"},
    )
    field = fields.String(
        required=True,
        validate=validate.OneOf(sorted({name for names in REDACTABLE_FIELDS.values() for name in names})),
        metadata={
            "example": "text",
            "description": "text (a contribution), grounds or note (an objection raised, resolved), reason (a"
            " stance), rationale (a decision)",
        },
    )
    reason = fields.String(
        required=True,
        validate=TEXT_LENGTH,
        metadata={
            "example": "Memuat nama warga yang tidak hadir.",
            "description": "why, published with the redaction: never quote the words",
        },
    )


class ObjectionStateSchema(Resource):
    """An objection and how it stands."""

    class Meta:
        exclude = ("id", "version")

    objection_id = ids()
    raised_by = ids(allow_none=True, metadata={"description": _WITHHELD_FROM_OUTSIDERS})
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
    text_version = fields.Integer(metadata={"example": 2, "description": "the version of the text it was held on"})
    status = fields.String(metadata={"example": "closed", "enum": ["open", "closed"]})
    result = fields.String(allow_none=True, metadata={"example": "reached", "enum": ["reached", "not_reached"]})
    tally = fields.Dict(
        allow_none=True,
        metadata={
            "example": {"agree": 12, "abstain": 2, "disagree": 1, "block": 0, "rule": "consent", "dissent": 1},
            "description": "the stances counted, the quorum, the `rule` that decided and the `dissent` on record",
        },
    )
    stances = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        metadata={
            "description": "latest stance of each participant id; empty for readers who may not see participants"
            " (they read the tally)"
        },
    )


class VoteStateSchema(Resource):
    """A vote with its tally once closed."""

    class Meta:
        exclude = ("id", "version")

    vote_id = ids()
    meeting_id = ids()
    text_version = fields.Integer(metadata={"example": 2, "description": "the version of the text it was held on"})
    status = fields.String(metadata={"example": "closed", "enum": ["open", "closed"]})
    result = fields.String(allow_none=True, metadata={"example": "passed", "enum": ["passed", "failed"]})
    tally = fields.Dict(allow_none=True, metadata={"example": {"yes": 14, "no": 5, "abstain": 1}})
    ballots_cast = Count(
        attribute="ballots",
        allow_none=True,
        metadata={"example": 20, "description": "null to outsiders while the vote is open: they read only its tally"},
    )


class DecisionSchema(Resource):
    """The decision, with a copy of the rules it was made under."""

    class Meta:
        exclude = ("id", "version")

    outcome = fields.String(metadata={"example": "adopted"})
    method = fields.String(metadata={"example": "vote"})
    rationale = fields.String()
    rules = RulesSnapshot(RulesSchema)
    decided_at = UtcDateTime(metadata={"description": "when it was decided in the room"})


class AnnulledDecisionSchema(Schema):
    """A decision annulled by a later musyawarah: it stays on record."""

    decision = fields.Nested(DecisionSchema)
    reason = fields.String()
    legal_basis = fields.String(allow_none=True)
    meeting_id = ids(allow_none=True)
    annulled_at = UtcDateTime(metadata={"description": "when it was annulled in the room"})


class WithdrawalStateSchema(Schema):
    """Why and when a proposal was withdrawn."""

    reason = fields.String(metadata={"example": "Digabung dengan usulan Posyandu Terpadu."})
    withdrawn_at = UtcDateTime(metadata={"description": "when it was withdrawn in the room"})


class CorrectionSchema(Schema):
    """An erratum: the corrected text of one free-text field of the step recorded at `version`."""

    version = fields.Integer(metadata={"example": 1})
    field = fields.String(metadata={"example": "title"})
    text = fields.String(metadata={"example": "Posyandu Dusun Krajan"})
    reason = fields.String(metadata={"example": "Salah ketik nama dusun saat menyalin notulen."})
    corrected_at = UtcDateTime()


class Errata(fields.List):
    """Every erratum in force (the proposal keeps them by step version, then field), oldest step first."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> list[Any] | None:
        if value is None:
            return None
        by_step = sorted(value.items(), key=lambda item: int(item[0]))
        return super()._serialize([c for _, fields_ in by_step for c in fields_.values()], attr, obj, **kwargs)


def _title_corrected(proposal: Proposal) -> bool:
    return proposal.corrected(1, "title") is not None


def _body_corrected(proposal: Proposal) -> bool:
    return proposal.body_version is not None and proposal.corrected(proposal.body_version, "body") is not None


class ProposalSchema(Resource, PlanningFields):
    """A proposal as it stands now."""

    process_id = ids()
    title = fields.String(metadata={"example": "Posyandu Dusun Krajan"})
    body = fields.String(metadata={"example": _TEXT_EXAMPLE, "description": "the current text"})
    text_version = fields.Integer(metadata={"example": 2})
    submitted_by = ids(allow_none=True, metadata={"description": _WITHHELD_FROM_OUTSIDERS})
    meeting_id = ids(allow_none=True)
    title_corrected = fields.Function(
        _title_corrected, metadata={"type": "boolean", "description": "the title shown is an erratum (dikoreksi)"}
    )
    body_corrected = fields.Function(
        _body_corrected, metadata={"type": "boolean", "description": "the text shown is an erratum (dikoreksi)"}
    )
    status = fields.String(metadata={"example": "open", "enum": ["open", "decided", "withdrawn", "merged"]})
    withdrawal = fields.Nested(WithdrawalStateSchema, allow_none=True)
    origin = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        allow_none=True,
        metadata={"description": "{proposal_id, process_id} of the proposal below it continues, when forwarded"},
    )
    forwarded = fields.Function(
        lambda p: None if p.forwarded is None else {k: p.forwarded[k] for k in ("to_process_id", "proposal_id", "at")},
        allow_none=True,
        metadata={"type": "object", "description": "{to_process_id, proposal_id, at}: where it went up the chain"},
    )
    merged_into = fields.Function(
        lambda p: p.merge,
        allow_none=True,
        metadata={"type": "object", "description": "{into, reason, at}: the proposal it was merged into"},
    )
    contribution_count = fields.Integer(metadata={"example": 5})
    objections = Values(fields.Nested(ObjectionStateSchema))
    consensus_checks = Values(fields.Nested(ConsensusCheckStateSchema), attribute="checks")
    votes = Values(fields.Nested(VoteStateSchema))
    decision = fields.Nested(DecisionSchema, allow_none=True)
    annulled_decisions = fields.List(fields.Nested(AnnulledDecisionSchema))
    corrections = Errata(fields.Nested(CorrectionSchema))
    addresses = fields.List(
        ids(), metadata={"description": "the findings of the process's assessments it addresses (needs, potentials)"}
    )
    redactions = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String()),
        metadata={
            "example": {"3": ["text"]},
            "description": "the redacted statements: by the version of their step, the fields whose words read as"
            f" {REDACTED_TEXT!r}",
        },
    )
    created_at = created_at()
    updated_at = updated_at()


class ProposalStepSchema(ProposalSchema):
    """The proposal after a step, with the id of the part the step created and, for closes, its result."""

    objection_id = ids()
    check_id = ids()
    vote_id = ids()
    result = fields.String(metadata={"example": "passed"})
    tally = fields.Dict(metadata={"example": {"yes": 14, "no": 5, "abstain": 1, "quorum_met": True}})
