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

from projections.runner import fresh_read_models
from service.app import queries
from service.audit.item_forms import NotPublished, published_public_forms
from service.audit.proofs import ProofError, StoredTree
from service.audit.signing import load_or_create_signing_key
from service.audit.witness import CosignatureRefused, UnknownWitness, configured_witnesses, record_cosignature
from service.http.auth import principal
from service.http.current import current_mufakat, current_settings
from service.http.problems import problem
from service.http.schemas.audit import (
    AuditEventPageSchema,
    CheckpointPageSchema,
    CheckpointSchema,
    ConsistencyProofSchema,
    ConsistencyQuerySchema,
    CosignatureInSchema,
    CosignatureSchema,
    InclusionProofSchema,
    InclusionQuerySchema,
    PageQuerySchema,
    PublicFormsQuerySchema,
    PublicFormsSchema,
    PublicKeySchema,
    VerificationSchema,
)

blp = Blueprint("audit", __name__, description="Audit: raw log, verification, checkpoints")


def signing_key_file() -> Path:
    """Where the service's signing key lives: `MUFAKAT_SECRET_KEY_FILE` of the app's settings."""
    return current_settings().secret_key_file


def signing_key() -> Ed25519PrivateKey:
    """The service's signing key (made on first use): `MUFAKAT_SECRET_KEY_FILE` in config or environment.

    Read again when the file changes (`mufakat rotate-key`, or a rotated key copied in), so a
    running host serves the new public key without a restart.
    """
    path = signing_key_file()
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

    @blp.arguments(PageQuerySchema(), location="query")
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

    @blp.arguments(PageQuerySchema(), location="query")
    @blp.response(200, CheckpointPageSchema)
    def get(self, page: dict[str, int]) -> queries.Page[dict[str, Any]]:
        """Checkpoints in the order they were sealed (public: keep one to check the log later)."""
        return queries.checkpoints(current_mufakat(), page["after"], page["limit"])


@blp.route("/audit/checkpoints/latest")
class AuditLatestCheckpoint(MethodView):
    """The newest checkpoint (what a witness fetches)."""

    @blp.response(200, CheckpointSchema)
    def get(self) -> Any:
        """The newest C2SP checkpoint with its cosignatures (public); 404 before the first one."""
        found = queries.latest_checkpoint(current_mufakat())
        return found if found is not None else problem(404, "not_found", "no checkpoint was sealed yet")


def _unprovable(error: ProofError) -> Response:
    return problem(422, "proof_unavailable", str(error), title="No such proof")


@blp.route("/audit/proofs/inclusion")
class InclusionProof(MethodView):
    """Proof that one event is in a signed tree."""

    @blp.arguments(InclusionQuerySchema(), location="query")
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

    @blp.arguments(ConsistencyQuerySchema(), location="query")
    @blp.response(200, ConsistencyProofSchema)
    def get(self, query: dict[str, int]) -> Any:
        """The RFC 9162 consistency proof from the tree of `first` events to that of `second` (public)."""
        try:
            return StoredTree(current_mufakat().recorder).consistency(query["first"], query["second"])
        except ProofError as error:
            return _unprovable(error)


@blp.route("/audit/public-forms")
class PublishedPublicForms(MethodView):
    """What a published item's events say, in the form the log commits to."""

    @blp.arguments(PublicFormsQuerySchema(), location="query")
    @blp.response(200, PublicFormsSchema)
    def get(self, query: dict[str, int]) -> Any:
        """The public forms behind the feed item citing `position` (public; 404 unless the feed published it)."""
        mufakat = current_mufakat()
        fresh_read_models(mufakat)  # what the feed published, caught up with every acknowledged write
        try:
            return published_public_forms(mufakat.side_tables, query["position"], mufakat.vault.key)
        except NotPublished:
            return problem(404, "not_found", "no published item with public forms cites this log position")


@blp.route("/audit/witnesses/<path:name>/cosignatures")
class WitnessCosignatures(MethodView):
    """Cosignatures of one witness."""

    @blp.arguments(CosignatureInSchema)
    @blp.response(201, CosignatureSchema)
    def post(self, body: dict[str, str], name: str) -> Any:
        """A witness's cosignature of a checkpoint of this log: verified, then recorded as an event (no token)."""
        try:
            known = configured_witnesses(current_settings().witnesses)
            return record_cosignature(
                current_mufakat().ledger, name, body["checkpoint"], body["cosignature"], known
            ).as_dict()
        except UnknownWitness:
            return problem(404, "not_found", f"no witness named {name} is configured here (MUFAKAT_WITNESSES)")
        except CosignatureRefused as error:
            return problem(422, "cosignature_refused", str(error), title="Cosignature refused")


@blp.route("/audit/public-key")
class AuditPublicKey(MethodView):
    """The key checkpoints are signed with."""

    @blp.response(200, PublicKeySchema)
    def get(self) -> queries.SigningKeys:
        """The service's Ed25519 public key and the keys it replaced, with where each hand-over is (public)."""
        return queries.signing_keys(current_mufakat(), signing_key())
