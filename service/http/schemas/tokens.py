"""Schemas of bearer tokens."""

from __future__ import annotations

from marshmallow import fields, validate

from service.app.access import ROLES
from service.http.schemas.common import NAME_LENGTH, Strict


class TokenRequestSchema(Strict):
    """A token to issue."""

    role = fields.String(required=True, validate=validate.OneOf(ROLES), metadata={"example": "facilitator"})
    name = fields.String(required=True, validate=NAME_LENGTH, metadata={"example": "Fasilitator Kecamatan Sukamaju"})
    processes = fields.List(fields.UUID(), load_default=list, validate=validate.Length(max=1000))


class TokenSchema(Strict):
    """An issued token; `token` is the secret, shown here once and never again."""

    id = fields.UUID(metadata={"description": "the token record's id"})
    token = fields.String(metadata={"example": "mfk_q2V8..."})
    role = fields.String(metadata={"example": "facilitator"})
    name = fields.String(metadata={"example": "Fasilitator Kecamatan Sukamaju"})
    processes = fields.List(fields.UUID())
