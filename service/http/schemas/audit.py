"""Schemas of the audit endpoints: the raw log, its verification, the checkpoints and the public key."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

MAX_PAGE = 1000


class PageQuerySchema(Schema):
    """A page of the log: positions after `after`, at most `limit` of them."""

    after = fields.Integer(load_default=0, validate=validate.Range(min=0, max=2**63 - 1))
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=MAX_PAGE))


class AuditEventSchema(Schema):
    """One stored event exactly as stored: state in base64, hash and global root in hex."""

    position = fields.Integer()
    originator_id = fields.String(allow_none=True)
    version = fields.Raw()
    topic = fields.String(allow_none=True)
    state = fields.String(allow_none=True, metadata={"description": "the stored bytes, base64"})
    hash = fields.String(allow_none=True)
    root = fields.String(allow_none=True)
    recorded_at = fields.Integer(metadata={"description": "only when the hash row names another position"})


class AuditEventPageSchema(Schema):
    """A page of the raw log and the cursor (`after`) of the next one."""

    items = fields.List(fields.Nested(AuditEventSchema))
    next = fields.Integer(allow_none=True)


class FailureSchema(Schema):
    """The first record that does not verify."""

    position = fields.Integer()
    reason = fields.String()


class VerificationSchema(Schema):
    """The verifier's report."""

    ok = fields.Boolean()
    events_checked = fields.Integer()
    first_failure = fields.Nested(FailureSchema, allow_none=True)
    checkpoints_checked = fields.Integer()
    last_position = fields.Integer()
    public_key = fields.String(allow_none=True)
    notes = fields.List(fields.String())
    signing_keys = fields.List(
        fields.Dict(),
        metadata={"description": "the log's chain of keys: each public_key and the position from which it signs"},
    )


class CheckpointSchema(Schema):
    """A signed checkpoint, as a partner keeps it."""

    number = fields.Integer()
    position = fields.Integer()
    root_hash = fields.String()
    sealed_at = fields.String()
    signature = fields.String()
    public_key = fields.String()


class CheckpointPageSchema(Schema):
    """Checkpoints in the order they were sealed and the cursor of the next page."""

    items = fields.List(fields.Nested(CheckpointSchema))
    next = fields.Integer(allow_none=True)


class RetiredKeySchema(Schema):
    """A key that signed checkpoints until it handed signing over to `replaced_by`."""

    public_key = fields.String(attribute="old_public_key", metadata={"description": "the retired key, base64"})
    replaced_by = fields.String(
        attribute="new_public_key", metadata={"description": "the key it handed over to, base64"}
    )
    from_position = fields.Integer(
        attribute="event_position",
        metadata={"description": "the rotation event's position: replaced_by signs after it"},
    )
    rotated_at = fields.String()
    signature = fields.String(metadata={"description": "the retired key's signature over the rotation message"})


class PublicKeySchema(Schema):
    """The service's Ed25519 public key, and the keys it replaced."""

    algorithm = fields.String()
    public_key = fields.String(metadata={"description": "the 32 raw bytes, base64"})
    pem = fields.String()
    signs_from_position = fields.Integer(
        allow_none=True, metadata={"description": "position of the rotation to this key; null if never rotated"}
    )
    retired_keys = fields.List(fields.Nested(RetiredKeySchema), metadata={"description": "oldest first"})
