"""The certificate that signs berita acara PDFs, bound to the ledger's Ed25519 key by an event in the log.

A PDF reader validates the berita acara's ECDSA signature but cannot know whose
certificate made it (it is self-signed). The ledger says so itself: a
`MinutesCertificate.Bound` event records the certificate, its SHA-256, the
ledger's Ed25519 public key, and that key's signature over
`binding_message(sha256, public key)`. The event sits in the log like any
other (hashed into the audit chain, covered by the next checkpoint), so a
verifier who trusts the ledger's key checks that a PDF's certificate is the
ledger's: find the event with the certificate's SHA-256, check its signature.

The aggregate's id is derived from the certificate's SHA-256, and the same keys
always give the same certificate: two workers binding it at once record one
event. A key rotation binds a new certificate, signed by the new key.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from uuid import UUID, uuid5

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import IntegrityError
from eventsourcing.utils import get_topic

from service.adapters.minutes_seal import SealingIdentity, certificate_sha256
from service.audit.signing import (
    load_or_create_pdf_signing_key,
    load_pdf_signing_key,
    load_signing_key,
    pdf_key_file,
    public_key_text,
    sign,
    signature_holds,
    sync_directory,
    write_key_draft,
)

_NAMESPACE = UUID("5f0c8d52-0d5e-4b7a-9c61-2b6f1d3e8a40")
_PAGE = 500


def binding_message(sha256: str, ledger_public_key: str) -> bytes:
    """What the ledger's key signs to vouch for a PDF certificate: a fixed label, its SHA-256, the key."""
    return f"mufakat berita acara certificate v1\n{sha256}\n{ledger_public_key}\n".encode("ascii")


def minutes_certificate_id(sha256: str) -> UUID:
    """The id of the binding of the certificate with this SHA-256: the same certificate, the same id."""
    return uuid5(_NAMESPACE, sha256)


class MinutesCertificate(Aggregate):
    """A certificate that signs berita acara, and the ledger key that vouched for it."""

    class Bound(Aggregate.Created):
        """The ledger's key vouched for a certificate that signs berita acara PDFs."""

        certificate: str
        certificate_sha256: str
        ledger_public_key: str
        signature: str
        bound_at: datetime

    @event(Bound)
    def __init__(
        self, certificate: str, certificate_sha256: str, ledger_public_key: str, signature: str, bound_at: datetime
    ) -> None:
        self.certificate = certificate
        self.certificate_sha256 = certificate_sha256
        self.ledger_public_key = ledger_public_key
        self.signature = signature
        self.bound_at = bound_at

    @classmethod
    def create_id(cls, certificate_sha256: str, **_: Any) -> UUID:
        """The id derived from the certificate's SHA-256 (see `minutes_certificate_id`)."""
        return minutes_certificate_id(certificate_sha256)


@dataclass(frozen=True)
class CertificateBinding:
    """One binding read from the log: which certificate, which ledger key, its signature, where it sits."""

    certificate_sha256: str
    ledger_public_key: str
    signature: str
    position: int

    def holds(self) -> bool:
        """Whether the ledger key's signature over the binding verifies."""
        return signature_holds(
            self.ledger_public_key, self.signature, binding_message(self.certificate_sha256, self.ledger_public_key)
        )


def bind_certificate(
    app: Application[UUID], certificate: x509.Certificate, ledger_key: Ed25519PrivateKey, now: datetime
) -> bool:
    """Records that the ledger's key vouches for this certificate, unless the log already says so; whether it
    recorded the binding now."""
    sha256 = certificate_sha256(certificate)
    try:
        app.repository.get(minutes_certificate_id(sha256))
        return False
    except AggregateNotFoundError:
        pass
    public = public_key_text(ledger_key)
    bound = MinutesCertificate(
        certificate=certificate.public_bytes(serialization.Encoding.PEM).decode("ascii"),
        certificate_sha256=sha256,
        ledger_public_key=public,
        signature=sign(ledger_key, binding_message(sha256, public)),
        bound_at=now,
    )
    try:
        app.save(bound)
    except IntegrityError:
        return False  # another worker bound the same certificate meanwhile
    return True


def sealing_identity(
    app: Application[UUID], ledger_key: Ed25519PrivateKey, now: datetime, key_file: Path
) -> SealingIdentity:
    """The P-256 key (beside the ledger's key file, made there on first use) and its certificate, bound in the
    log to the ledger's key before anything is signed with it."""
    pdf_key = load_or_create_pdf_signing_key(pdf_key_file(key_file))
    identity = SealingIdentity.pdf_key(pdf_key, ledger_key.public_key())
    bind_certificate(app, identity.certificate, ledger_key, now)
    return identity


def rotate_pdf_signing_key(app: Application[UUID], key_file: Path, retired: Path, now: datetime) -> str:
    """After the ledger's key rotated: a new P-256 key in place (the old one kept as `retired`, mode 0600), its
    certificate bound in the log by the new ledger key; returns that certificate's SHA-256.

    Berita acara signed before stay valid: the old certificate's binding, signed by the old key, stays in the
    log, and the verifier trusts every key of the rotation chain. Interrupted before the binding, the next
    sealing binds the certificate itself.
    """
    path = pdf_key_file(key_file)
    if path.exists():
        with contextlib.suppress(FileExistsError):  # a resumed run linked it already
            os.link(path, retired)
        os.chmod(retired, 0o600)
    draft = write_key_draft(path, ec.generate_private_key(ec.SECP256R1()))
    os.replace(draft, path)
    sync_directory(path.parent)
    identity = SealingIdentity.pdf_key(load_pdf_signing_key(path), load_signing_key(key_file).public_key())
    bind_certificate(app, identity.certificate, load_signing_key(key_file), now)
    return certificate_sha256(identity.certificate)


def certificate_bindings(app: Application[UUID]) -> list[CertificateBinding]:
    """Every binding the log records, oldest first."""
    found = []
    start = 1
    while True:
        page = app.recorder.select_notifications(start, _PAGE, topics=[get_topic(MinutesCertificate.Bound)])
        for notification in page:
            bound = app.mapper.to_domain_event(notification)
            assert isinstance(bound, MinutesCertificate.Bound)
            found.append(
                CertificateBinding(bound.certificate_sha256, bound.ledger_public_key, bound.signature, notification.id)
            )
        if len(page) < _PAGE:
            return found
        start = page[-1].id + 1
