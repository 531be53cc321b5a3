"""Schemas of community evaluations (community score cards)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from domain.evaluation import SCORES
from service.http.schemas.common import Resource, StatementStep, UtcDateTime, ids

_COUNT = fields.Raw(metadata={"description": 'a whole number, or "<3" / "≥3" where outsiders read a small count'})


class EvaluationRequestSchema(StatementStep):
    """A community evaluation of a commitment to open at an open meeting of its process."""

    meeting_id = ids(required=True)
    question = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=500),
        metadata={"example": "Seberapa puas Bapak/Ibu dengan sumur bor ini?"},
    )


class TrainingEvaluationRequestSchema(StatementStep):
    """An evaluation of a training (attendance and satisfaction) to open at that training while it is open."""

    question = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=500),
        metadata={"example": "Seberapa bermanfaat pelatihan pembukuan BUMDes ini?"},
    )


class EvaluationScoreSchema(StatementStep):
    """An attendee's score from 1 to 5 and optional comment (a statement: sealed, redactable)."""

    participant_id = ids(required=True)
    score = fields.Integer(required=True, strict=True, validate=validate.OneOf(SCORES), metadata={"example": 4})
    comment = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))


class TallySchema(Schema):
    """The scores counted: count, mean (a decimal string) and distribution, by group and by gender."""

    count = fields.Integer()
    mean = fields.String(allow_none=True, metadata={"example": "4.25"})
    distribution = fields.Dict(keys=fields.String(), values=fields.Integer(), metadata={"example": {"5": 3}})
    by_group = fields.Dict(keys=fields.String(), values=fields.Dict(keys=fields.String(), values=_COUNT))
    by_gender = fields.Dict(keys=fields.String(), values=fields.Dict(keys=fields.String(), values=_COUNT))


class EvaluationSchema(Resource):
    """A community evaluation: outsiders read its tally, never who scored what nor any comment."""

    evaluation_id = ids()
    process_id = ids()
    subject = fields.String(
        metadata={"enum": ["commitment", "training"], "description": "what is evaluated: a commitment or a training"}
    )
    commitment_id = fields.UUID(allow_none=True, metadata={"description": "null for the evaluation of a training"})
    meeting_id = ids()
    question = fields.String(allow_none=True)
    status = fields.String(metadata={"enum": ["open", "closed"]})
    opened_at = UtcDateTime()
    closed_at = UtcDateTime(allow_none=True)
    score_count = fields.Integer(allow_none=True, metadata={"description": "null to outsiders while it is open"})
    tally = fields.Nested(TallySchema, allow_none=True)
    scores = fields.List(
        fields.Dict(), metadata={"description": "each participant's latest score: only for who may see participants"}
    )
