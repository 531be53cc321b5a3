"""Audit endpoints: the raw log page by page, its verification, the checkpoints and the public key.

Reading the raw log and verifying it is for auditors and admins; checkpoints
and the public key are public, so that any partner can keep a checkpoint and
check it later against what the service shows.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from service.app.errors import Forbidden
from service.audit.checkpoints import list_checkpoints
from service.audit.export import record_as_json
from service.audit.records import RawRecord, log_snapshot
from service.audit.rotation import rotations
from service.audit.signing import key_file_from_environment, load_or_create_signing_key, public_key_pem, public_key_text
from service.audit.verify import verify_store
from service.http.auth import principal
from service.http.current import current_mufakat

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

    public_key = fields.String(metadata={"description": "the retired key, base64"})
    replaced_by = fields.String(metadata={"description": "the key it handed over to, base64"})
    from_position = fields.Integer(
        metadata={"description": "the rotation event's position: replaced_by signs after it"}
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
        items = [{"number": number, **checkpoint.as_dict()} for number, checkpoint in found]
        full = len(items) == page["limit"]
        return {"items": items, "next": items[-1]["number"] if items and full else None}


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
