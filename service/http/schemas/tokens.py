"""Schemas of bearer tokens."""

from __future__ import annotations

from datetime import UTC

from marshmallow import fields, validate

from service.app.access import ROLES
from service.http.schemas.common import NAME_LENGTH, Resource, Strict, UtcDateTime


class TokenRequestSchema(Strict):
    """A token to issue; every process named must exist."""

    role = fields.String(required=True, validate=validate.OneOf(ROLES), metadata={"example": "facilitator"})
    name = fields.String(required=True, validate=NAME_LENGTH, metadata={"example": "Fasilitator Kecamatan Sukamaju"})
    processes = fields.List(fields.UUID(), load_default=list, validate=validate.Length(max=1000))
    expires_at = UtcDateTime(
        load_default=None,
        allow_none=True,
        default_timezone=UTC,
        metadata={"description": "when the token stops working (null or absent: never)"},
    )


class TokenSchema(Resource):
    """A token record; `token` is the secret, shown in the answer to its issue once and never again."""

    token = fields.String(metadata={"example": "mfk_q2V8..."})
    role = fields.String(metadata={"example": "facilitator"})
    name = fields.String(metadata={"example": "Fasilitator Kecamatan Sukamaju"})
    processes = fields.List(fields.UUID())
    expires_at = UtcDateTime(allow_none=True, metadata={"description": "null: never expires"})
    revoked = fields.Boolean(metadata={"description": "a revoked token gets 401 on every worker"})
    revoked_at = UtcDateTime(allow_none=True, metadata={"description": "when it was revoked; null: not revoked"})
