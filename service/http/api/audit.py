"""Audit endpoints: the raw log, its verification, checkpoints, proofs, witnesses and the public key.

Reading the raw log and verifying it is for auditors and admins; checkpoints,
proofs and the public key are public, so that any partner can keep a
checkpoint and check it later against what the service shows. Witnesses post
cosignatures without a token: the cosignature itself, under a witness key the
service was configured with (`MUFAKAT_WITNESSES`), is the credential.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import Response, current_app
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from service.app.errors import Forbidden
from service.audit.checkpoints import Checkpoint, list_checkpoints, newest_checkpoints
from service.audit.export import record_as_json
from service.audit.proofs import ProofError, StoredTree
from service.audit.records import RawRecord, log_snapshot
from service.audit.rotation import rotations
from service.audit.signing import key_file_from_environment, load_or_create_signing_key, public_key_pem, public_key_text
from service.audit.verify import verify_store
from service.audit.witness import (
    Cosignature,
    CosignatureRefused,
    UnknownWitness,
    configured_witnesses,
    cosignatures_by_checkpoint,
    record_cosignature,
)
from service.http.auth import principal
from service.http.current import current_mufakat
from service.http.problems import problem

blp = Blueprint("audit", __name__, description="Audit: raw log, verification, checkpoints")

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

    public_key = fields.String(metadata={"description": "the retired key, base64"})
    replaced_by = fields.String(metadata={"description": "the key it handed over to, base64"})
    from_position = fields.Integer(
        metadata={"description": "the rotation event's position: replaced_by signs the checkpoints after it"}
    )
    signed_position = fields.Integer(
        metadata={
            "description": "the position the hand-over's signature names: the last event when the old key "
            "signed it (its last checkpoint's event), always before from_position"
        }
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


def signing_key() -> Ed25519PrivateKey:
    """The service's signing key (made on first use): `MUFAKAT_SECRET_KEY_FILE` in config or environment.

    Read again when the file changes (`mufakat rotate-key`, or a rotated key copied in), so a
    running host serves the new public key without a restart.
    """
    configured = current_app.config.get("MUFAKAT_SECRET_KEY_FILE")
    path = Path(configured) if configured else key_file_from_environment()
    try:
        status = path.stat()
        version: tuple[str, int, int] | None = (str(path), status.st_ino, status.st_mtime_ns)
    except FileNotFoundError:
        version = None
    cached = current_app.extensions.get("mufakat_signing_key")
    if cached is None or version is None or cached[0] != version:
        key = load_or_create_signing_key(path)
        status = path.stat()
        cached = ((str(path), status.st_ino, status.st_mtime_ns), key)
        current_app.extensions["mufakat_signing_key"] = cached
    return cached[1]  # type: ignore[no-any-return]


def _auditor() -> None:
    if principal().role not in ("auditor", "admin"):
        raise Forbidden("only auditors and admins read the raw log and its verification")


@blp.route("/audit/events")
class AuditEvents(MethodView):
    """The raw event log."""

    @blp.arguments(PageQuerySchema, location="query")
    @blp.response(200, AuditEventPageSchema)
    def get(self, page: dict[str, int]) -> dict[str, Any]:
        """(auditor, admin) Stored events after a position, oldest first, each with its hash and root."""
        _auditor()
        with log_snapshot(current_mufakat().recorder) as snapshot:
            items = [record_as_json(RawRecord._make(row)) for row in snapshot.records(page["after"], page["limit"])]
        full = len(items) == page["limit"]
        return {"items": items, "next": items[-1]["position"] if items and full else None}


@blp.route("/audit/verify")
class AuditVerification(MethodView):
    """Verification of the whole log."""

    @blp.response(200, VerificationSchema)
    def get(self) -> dict[str, Any]:
        """(auditor, admin) Recomputes every hash, root and checkpoint; names the first failure."""
        _auditor()
        return verify_store(current_mufakat().recorder, trusted_key=public_key_text(signing_key())).as_dict()


@blp.route("/audit/checkpoints")
class AuditCheckpoints(MethodView):
    """The signed checkpoints."""

    @blp.arguments(PageQuerySchema, location="query")
    @blp.response(200, CheckpointPageSchema)
    def get(self, page: dict[str, int]) -> dict[str, Any]:
        """Checkpoints in the order they were sealed (public: keep one to check the log later)."""
        found = list_checkpoints(current_mufakat(), after=page["after"], limit=page["limit"])
        cosigned = cosignatures_by_checkpoint(current_mufakat())
        items = [_shown(number, checkpoint, cosigned) for number, checkpoint in found]
        full = len(items) == page["limit"]
        return {"items": items, "next": items[-1]["number"] if items and full else None}


def _shown(number: int, checkpoint: Checkpoint, cosigned: dict[tuple[int, str], list[Cosignature]]) -> dict[str, Any]:
    key = (checkpoint.tree_size or 0, checkpoint.root_hash)
    shown = [c.as_dict() for c in cosigned.get(key, [])] if checkpoint.note is not None else []
    return {"number": number, **checkpoint.as_dict(), "cosignatures": shown}


@blp.route("/audit/checkpoints/latest")
class AuditLatestCheckpoint(MethodView):
    """The newest checkpoint (what a witness fetches)."""

    @blp.response(200, CheckpointSchema)
    def get(self) -> Any:
        """The newest C2SP checkpoint with its cosignatures (public); 404 before the first one."""
        found = _latest(current_mufakat())
        if found is None:
            return problem(404, "not_found", "no checkpoint was sealed yet")
        return _shown(found[0], found[1], cosignatures_by_checkpoint(current_mufakat()))


def _latest(app: Any) -> tuple[int, Checkpoint] | None:
    # The newest C2SP checkpoint, read backwards: a handful of events, however long the log.
    return next((found for found in newest_checkpoints(app) if found[1].note is not None), None)


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


def _unprovable(error: ProofError) -> Response:
    return problem(422, "proof_unavailable", str(error), title="No such proof")


@blp.route("/audit/proofs/inclusion")
class InclusionProof(MethodView):
    """Proof that one event is in a signed tree."""

    @blp.arguments(InclusionQuerySchema, location="query")
    @blp.response(200, InclusionProofSchema)
    def get(self, query: dict[str, int]) -> Any:
        """The RFC 9162 inclusion proof of the event at `position` in the tree of `tree_size` events (public)."""
        try:
            return StoredTree(current_mufakat().recorder).inclusion(query["position"], query["tree_size"])
        except ProofError as error:
            return _unprovable(error)


@blp.route("/audit/proofs/consistency")
class ConsistencyProof(MethodView):
    """Proof that the log only grew between two tree sizes."""

    @blp.arguments(ConsistencyQuerySchema, location="query")
    @blp.response(200, ConsistencyProofSchema)
    def get(self, query: dict[str, int]) -> Any:
        """The RFC 9162 consistency proof from the tree of `first` events to that of `second` (public)."""
        try:
            return StoredTree(current_mufakat().recorder).consistency(query["first"], query["second"])
        except ProofError as error:
            return _unprovable(error)


class CosignatureInSchema(Schema):
    """What a witness posts: the checkpoint it cosigned and its signature line."""

    checkpoint = fields.String(required=True, metadata={"description": "the checkpoint note (or its body)"})
    cosignature = fields.String(required=True, metadata={"description": "`— <witness name> <base64>`"})


@blp.route("/audit/witnesses/<path:name>/cosignatures")
class WitnessCosignatures(MethodView):
    """Cosignatures of one witness."""

    @blp.arguments(CosignatureInSchema)
    @blp.response(201, CosignatureSchema)
    def post(self, body: dict[str, str], name: str) -> Any:
        """A witness's cosignature of a checkpoint of this log: verified, then recorded as an event (no token)."""
        try:
            known = configured_witnesses(current_app.config.get("MUFAKAT_WITNESSES"))
            return record_cosignature(current_mufakat(), name, body["checkpoint"], body["cosignature"], known).as_dict()
        except UnknownWitness:
            return problem(404, "not_found", f"no witness named {name} is configured here (MUFAKAT_WITNESSES)")
        except CosignatureRefused as error:
            return problem(422, "cosignature_refused", str(error), title="Cosignature refused")


@blp.route("/audit/public-key")
class AuditPublicKey(MethodView):
    """The key checkpoints are signed with."""

    @blp.response(200, PublicKeySchema)
    def get(self) -> dict[str, Any]:
        """The service's Ed25519 public key and the keys it replaced, with where each hand-over is (public)."""
        key = signing_key()
        current = public_key_text(key)
        handed_over = rotations(current_mufakat())
        retired = [
            {
                "public_key": rotation.old_public_key,
                "replaced_by": rotation.new_public_key,
                "from_position": rotation.event_position,
                "signed_position": rotation.position,
                "rotated_at": rotation.rotated_at,
                "signature": rotation.signature,
            }
            for rotation in handed_over
        ]
        to_current = [rotation.event_position for rotation in handed_over if rotation.new_public_key == current]
        return {
            "algorithm": "Ed25519",
            "public_key": current,
            "pem": public_key_pem(key),
            "signs_from_position": to_current[-1] if to_current else None,
            "retired_keys": retired,
        }
