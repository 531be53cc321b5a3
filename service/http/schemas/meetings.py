"""Schemas of meetings (musyawarah)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from domain.meeting import MEETING_KINDS
from service.http.schemas.common import (
    NAME_LENGTH,
    TEXT_LENGTH,
    TITLE_LENGTH,
    Resource,
    StatementStep,
    Step,
    UtcDateTime,
    created_at,
    ids,
    updated_at,
)
from service.http.schemas.evaluations import EvaluationSchema

_MAX_ATTENDEES = 5000


class MeetingSchedulingSchema(StatementStep):
    """A meeting to schedule (its title and location are public, like a statement)."""

    title = fields.String(required=True, validate=TITLE_LENGTH, metadata={"example": "Musyawarah Dusun Krajan"})
    kind = fields.String(
        load_default="musyawarah",
        validate=validate.OneOf(MEETING_KINDS),
        metadata={"example": "training", "description": "musyawarah (default), training, fgd, monitoring or other"},
    )
    scheduled_for = UtcDateTime(required=True, metadata={"example": "2027-01-15T09:00:00+07:00"})
    location = fields.String(
        load_default=None, allow_none=True, validate=NAME_LENGTH, metadata={"example": "Balai Desa Sukamaju"}
    )
    invited = fields.List(
        fields.UUID(),
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=_MAX_ATTENDEES),
        metadata={"description": "participant ids; default: everyone registered when the meeting opens"},
    )


class AttendanceSchema(Step):
    """Who attends (daftar hadir)."""

    attendees = fields.List(fields.UUID(), required=True, validate=validate.Length(max=_MAX_ATTENDEES))


class MeetingClosingSchema(StatementStep):
    """The minutes (notulen) of a meeting being closed."""

    minutes = fields.String(
        load_default=None,
        allow_none=True,
        validate=TEXT_LENGTH,
        metadata={"example": "Musyawarah menyepakati pembangunan posyandu di Dusun Krajan."},
    )


_COUNT = fields.Raw(metadata={"description": 'a whole number, or "<3" / "≥3" where outsiders read a small count'})


class TrainingAttendanceSchema(Schema):
    """How many attend a training, by group and by gender (small counts suppressed for outsiders)."""

    count = fields.Integer(metadata={"example": 18})
    by_group = fields.Dict(keys=fields.String(), values=_COUNT, metadata={"example": {"women": 11, "youth": 7}})
    by_gender = fields.Dict(keys=fields.String(), values=_COUNT, metadata={"example": {"female": 11, "male": 7}})


class TrainingSchema(Schema):
    """What a training shows beside the meeting: attendance and its evaluations (satisfaction)."""

    attendance = fields.Nested(TrainingAttendanceSchema)
    evaluations = fields.List(fields.Nested(EvaluationSchema))


class MeetingSchema(Resource):
    """A meeting of a process."""

    process_id = ids()
    title = fields.String(metadata={"example": "Musyawarah Dusun Krajan"})
    kind = fields.String(metadata={"example": "musyawarah", "enum": list(MEETING_KINDS)})
    scheduled_for = UtcDateTime()
    location = fields.String(allow_none=True, metadata={"example": "Balai Desa Sukamaju"})
    status = fields.String(metadata={"example": "open", "enum": ["scheduled", "open", "closed"]})
    invited = fields.List(
        fields.UUID(),
        allow_none=True,
        metadata={
            "description": "participant ids (null: everyone registered when it opens); absent for readers who may"
            " not see participants (the public, partners, facilitators of other processes)"
        },
    )
    attendees = fields.List(
        fields.UUID(),
        metadata={"description": "participant ids; absent for readers who may not see participants"},
    )
    invited_count = fields.Integer(metadata={"example": 24, "description": "how many were invited (0 until it opens)"})
    attendee_count = fields.Integer(metadata={"example": 20, "description": "how many attend (walk-ins included)"})
    minutes = fields.String(allow_none=True)
    training = fields.Nested(
        TrainingSchema,
        metadata={"description": "only for a training: its attendance by group and gender and its evaluations"},
    )
    created_at = created_at()
    updated_at = updated_at()
