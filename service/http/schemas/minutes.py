"""Schemas of a meeting's berita acara: sealing it, and what the sealing recorded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates

from service.http.schemas.common import NAME_LENGTH, TEXT_LENGTH, TITLE_LENGTH, Strict, UtcDateTime, ids

#: How far ahead of the server's clock a step may say it happened (clocks drift).
_CLOCK_SKEW = timedelta(minutes=5)
_MAX_SIGNATORIES = 100
_MAX_AGENDA = 50


class SignerSchema(Strict):
    """Someone who signs the paper copy: a name (shown only in the full version) and a role (shown to all)."""

    name = fields.String(required=True, validate=NAME_LENGTH, metadata={"example": "Bambang Sugiarto"})
    role = fields.String(required=True, validate=NAME_LENGTH, metadata={"example": "Ketua BPD Sukamaju"})


class MinutesSealingSchema(Strict):
    """A berita acara to seal: who chaired, who wrote it, the agenda, notes and who signed the paper copy."""

    chair = fields.Nested(SignerSchema, required=True, metadata={"description": "pimpinan rapat"})
    secretary = fields.Nested(SignerSchema, required=True, metadata={"description": "notulis"})
    agenda = fields.List(
        fields.String(validate=TITLE_LENGTH),
        load_default=list,
        validate=validate.Length(max=_MAX_AGENDA),
        metadata={"example": ["Pembukaan", "Penetapan prioritas RKP Desa 2027"]},
    )
    notes = fields.String(load_default=None, allow_none=True, validate=TEXT_LENGTH)
    signatories = fields.List(
        fields.Nested(SignerSchema),
        load_default=list,
        validate=validate.Length(max=_MAX_SIGNATORIES),
        metadata={"description": "the facilitator confirms they signed the paper copy"},
    )
    language = fields.String(load_default="id", validate=validate.OneOf(["id", "en"]))
    names_are_public = fields.Boolean(
        load_default=False,
        metadata={
            "description": "true when a name in the agenda or notes may be published (an official in office); "
            "otherwise agenda and notes naming a registered participant are refused with 422 "
            "`statement_names_a_participant`"
        },
    )
    occurred_at = fields.AwareDateTime(
        load_default=None,
        metadata={
            "description": "when it was sealed (RFC 3339 with an offset); default: now, or when the meeting closed "
            "while the server's clock is behind that"
        },
    )

    @validates("occurred_at")
    def _not_in_the_future(self, value: datetime | None, **_: Any) -> None:
        if value is not None and value > datetime.now(UTC) + _CLOCK_SKEW:
            raise ValidationError("occurred_at is more than 5 minutes ahead of the server's clock")


class SealedDocumentSchema(Schema):
    """One version of a sealed berita acara: its SHA-256, size and address."""

    sha256 = fields.String(metadata={"example": "3b6ff9e44c9eb87fa250473029660c3471f403dcc774152dd62acd756deec9f4"})
    size = fields.Integer(metadata={"example": 46049})
    url = fields.String(metadata={"example": "/api/v1/meetings/848aac28-9afe-4166-ad83-343fbf086d8e/minutes.pdf"})


class SealedMinutesSchema(Schema):
    """What the log recorded when the berita acara was sealed."""

    meeting_id = ids()
    version = fields.Integer(metadata={"description": "the meeting's version (ETag) after sealing"})
    sealed_version = fields.Integer(metadata={"example": 1, "description": "1 for the first, then each correction"})
    replaces = fields.Integer(allow_none=True, metadata={"description": "the sealed version this one corrects"})
    log_position = fields.Integer(metadata={"description": "the last position of the log the document covers"})
    language = fields.String(metadata={"example": "id"})
    sealed_at = UtcDateTime()
    public = fields.Nested(SealedDocumentSchema)
    full = fields.Nested(SealedDocumentSchema)


class MinutesQuerySchema(Schema):
    """Which sealed berita acara to download."""

    version = fields.String(load_default="public", validate=validate.OneOf(["public", "full"]))
    sealed = fields.Integer(
        load_default=None, validate=validate.Range(min=1), metadata={"description": "default: the latest"}
    )
