"""Schemas of a proposal's decision history."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from service.http.schemas.common import UtcDateTime
from service.http.schemas.proposals import ProposalSchema


class HistoryArgs(Schema):
    """Replay to a version or a moment (at most one of them)."""

    as_of_version = fields.Integer(
        load_default=None,
        validate=validate.Range(min=1, max=2**63 - 1),
        metadata={"description": "replay to this version"},
    )
    as_of = UtcDateTime(
        load_default=None,
        default_timezone=UTC,
        metadata={"description": "replay to the last step at or before this RFC 3339 moment"},
    )

    @validates_schema
    def _one_moment(self, data: dict[str, Any], **kwargs: Any) -> None:
        """A replay goes to a version or to a moment, not to both."""
        if data.get("as_of_version") is not None and data.get("as_of") is not None:
            raise ValidationError("give as_of_version or as_of, not both", field_name="as_of")


class ActorSchema(Schema):
    """Who recorded a step: the account's display name and role, never a token."""

    name = fields.String(metadata={"example": "Fasilitator Desa Sukamaju"})
    role = fields.String(metadata={"example": "facilitator"})


class StepSchema(Schema):
    """One step of a proposal's history."""

    version = fields.Integer(metadata={"example": 5})
    type = fields.String(metadata={"example": "ObjectionRaised"})
    at = fields.String(metadata={"example": "2026-09-05T02:14:03.120000Z", "description": "when it happened"})
    occurred_at = fields.String(
        metadata={"example": "2026-09-05T02:14:03.120000Z", "description": "when it happened in the room"}
    )
    recorded_at = fields.String(
        metadata={"example": "2026-11-30T08:01:12.004000Z", "description": "when it was recorded (`as_of` reads by it)"}
    )
    actor = fields.Nested(ActorSchema)
    summary = fields.String(metadata={"example": "Keberatan mendasar diajukan oleh peserta kelompok perempuan"})
    data = fields.Dict(
        metadata={
            "description": "the step's fields; participants by id, never by name. Outsiders (the public, "
            "partners, facilitators of other processes) get no field naming a participant, no stance or ballot "
            "step (the closing step's tally counts them) and whoever recorded a step by role only"
        }
    )


class HistorySchema(Schema):
    """The steps, oldest first; with `as_of_version` or `as_of`, also the proposal as it stood then."""

    state = fields.Nested(ProposalSchema, allow_none=True)
    items = fields.List(fields.Nested(StepSchema))
