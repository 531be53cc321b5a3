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
    public_form = fields.String(
        metadata={"description": "hash version 2 only: the public form as hashed, base64 (audit format, 3a)"}
    )
    salt = fields.String(metadata={"description": "hash version 2 only: the private digest's salt, hex"})


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

    trust = fields.String(
        metadata={
            "description": "the trust the report speaks with: `operator_key` over HTTP (the service's own key "
            "file, its word about itself); `anchored` only from a verifier given a pin out of band"
        }
    )
    trust_anchors = fields.List(fields.String(), metadata={"description": "what the trusted key came from"})
    tree_size = fields.Integer()
    root_hash = fields.String(allow_none=True)
    witnessed_tree_size = fields.Integer(allow_none=True)
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


class CosignatureSchema(Schema):
    """A witness's cosignature of a checkpoint (C2SP tlog-cosignature v1)."""

    witness = fields.String(metadata={"description": "the witness's key name"})
    tree_size = fields.Integer()
    root_hash = fields.String()
    timestamp = fields.Integer(metadata={"description": "when the witness signed, seconds since the epoch"})
    cosignature = fields.String(metadata={"description": "the note signature line to append to the checkpoint"})
    key_id = fields.String(metadata={"description": "the witness key ID, 8 hex digits"})
    event_position = fields.Integer(allow_none=True, metadata={"description": "where the log recorded it"})


class CheckpointSchema(Schema):
    """A signed checkpoint, as a partner keeps it."""

    number = fields.Integer()
    tree_size = fields.Integer(allow_none=True, metadata={"description": "how many events it covers"})
    position = fields.Integer(metadata={"description": "the position of the last event it covers"})
    root_hash = fields.String(metadata={"description": "the Merkle root over them, hex"})
    signed_at = fields.String()
    sealed_at = fields.String(metadata={"description": "the same as signed_at (older name)"})
    key_id = fields.String(allow_none=True, metadata={"description": "the signed-note key ID, 8 hex digits"})
    signature = fields.String(metadata={"description": "the Ed25519 signature over the note's body, base64"})
    public_key = fields.String(metadata={"description": "the key that signed it; check it against one you pinned"})
    note = fields.String(allow_none=True, metadata={"description": "the C2SP checkpoint signed note"})
    event_position = fields.Integer(allow_none=True, metadata={"description": "where the log recorded it"})
    cosignatures = fields.List(fields.Nested(CosignatureSchema))


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
    signed_position = fields.Integer(
        attribute="position",
        metadata={
            "description": "the position the hand-over's signature names: the last event when the old key "
            "signed it (its last checkpoint's event), always before from_position"
        },
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


class InclusionQuerySchema(Schema):
    """Which event, in which tree."""

    position = fields.Integer(required=True, validate=validate.Range(min=1, max=2**63 - 1))
    tree_size = fields.Integer(required=True, validate=validate.Range(min=1, max=2**63 - 1))


class InclusionProofSchema(Schema):
    """RFC 9162 inclusion proof: the event's leaf and the audit path to the root of `tree_size` events."""

    position = fields.Integer()
    leaf_index = fields.Integer(metadata={"description": "0-based rank of the event in position order"})
    tree_size = fields.Integer()
    leaf_hash = fields.String(metadata={"description": "SHA-256(0x00 ‖ event hash), hex"})
    root_hash = fields.String()
    audit_path = fields.List(fields.String(), metadata={"description": "hex, from the leaf up"})


class ConsistencyQuerySchema(Schema):
    """Two tree sizes, the first not larger than the second."""

    first = fields.Integer(required=True, validate=validate.Range(min=1, max=2**63 - 1))
    second = fields.Integer(required=True, validate=validate.Range(min=1, max=2**63 - 1))


class ConsistencyProofSchema(Schema):
    """RFC 9162 consistency proof: the tree of `second` events extends the tree of `first`."""

    first = fields.Integer()
    second = fields.Integer()
    first_root = fields.String()
    second_root = fields.String()
    proof = fields.List(fields.String(), metadata={"description": "hex; empty when first equals second"})


class CosignatureInSchema(Schema):
    """What a witness posts: the checkpoint it cosigned and its signature line."""

    checkpoint = fields.String(required=True, metadata={"description": "the checkpoint note (or its body)"})
    cosignature = fields.String(required=True, metadata={"description": "`— <witness name> <base64>`"})


class PublicFormsQuerySchema(Schema):
    """Which published item: the `log_position` it cites."""

    position = fields.Integer(required=True, validate=validate.Range(min=1, max=2**63 - 1))


class PublicFormSchema(Schema):
    """One event's public form and what an outsider needs to recompute its event hash (audit format, 3a)."""

    log_position = fields.Integer()
    public_form = fields.String(metadata={"description": "the canonical JSON as hashed, base64"})
    private_digest = fields.String(metadata={"description": "SHA-256(salt ‖ encoding(event)), hex"})
    previous_hash = fields.String(metadata={"description": "the hash of the aggregate's event before, hex"})
    event_hash = fields.String(metadata={"description": "informative: recompute it, never trust it"})
    statement_salts = fields.Dict(
        keys=fields.String(),
        values=fields.String(allow_none=True),
        metadata={"description": "each statement's commitment salt, hex; null once its words were redacted"},
    )


class PublicFormsSchema(Schema):
    """The public forms behind a published feed item: its cited event and the rounds it was founded on."""

    position = fields.Integer()
    kind = fields.String()
    public_forms = fields.List(fields.Nested(PublicFormSchema))
