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

from service.app import queries
from service.audit.signing import key_file_from_environment, load_or_create_signing_key
from service.http.auth import principal
from service.http.current import current_mufakat
from service.http.schemas.audit import (
    AuditEventPageSchema,
    CheckpointPageSchema,
    PageQuerySchema,
    PublicKeySchema,
    VerificationSchema,
)

blp = Blueprint("audit", __name__, description="Audit: raw log, verification, checkpoints")


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


@blp.route("/audit/events")
class AuditEvents(MethodView):
    """The raw event log."""

    @blp.arguments(PageQuerySchema, location="query")
    @blp.response(200, AuditEventPageSchema)
    def get(self, page: dict[str, int]) -> queries.Page[dict[str, Any]]:
        """(auditor, admin) Stored events after a position, oldest first, each with its hash and root."""
        return queries.audit_events(current_mufakat(), principal(), page["after"], page["limit"])


@blp.route("/audit/verify")
class AuditVerification(MethodView):
    """Verification of the whole log."""

    @blp.response(200, VerificationSchema)
    def get(self) -> dict[str, Any]:
        """(auditor, admin) Recomputes every hash, root and checkpoint; names the first failure."""
        return queries.verification(current_mufakat(), principal(), signing_key())


@blp.route("/audit/checkpoints")
class AuditCheckpoints(MethodView):
    """The signed checkpoints."""

    @blp.arguments(PageQuerySchema, location="query")
    @blp.response(200, CheckpointPageSchema)
    def get(self, page: dict[str, int]) -> queries.Page[dict[str, Any]]:
        """Checkpoints in the order they were sealed (public: keep one to check the log later)."""
        return queries.checkpoints(current_mufakat(), page["after"], page["limit"])


@blp.route("/audit/public-key")
class AuditPublicKey(MethodView):
    """The key checkpoints are signed with."""

    @blp.response(200, PublicKeySchema)
    def get(self) -> queries.SigningKeys:
        """The service's Ed25519 public key and the keys it replaced, with where each hand-over is (public)."""
        return queries.signing_keys(current_mufakat(), signing_key())
