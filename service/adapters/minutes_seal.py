"""The service's PAdES signature on a berita acara (ISO/TS 32002), made deterministically.

A berita acara is signed with the service's ECDSA P-256 key and its
certificate (`pdf_certificate`): ordinary PDF readers and poppler's `pdfsig`
validate ECDSA, which they do not for Ed25519. The certificate is self-signed,
so a reader calls its issuer unknown or untrusted; what makes it the ledger's
is a logged event that binds its SHA-256 to the ledger's Ed25519 key
(`service.audit.minutes_certificates`), which `mufakat verify-minutes` checks.

Berita acara sealed before (until 2026-12) carry an Ed25519 signature under a
certificate made from the ledger's own key (`minutes_certificate`); they are
still read and checked here, and `SealingIdentity.ledger_key` can still make
one, so that the old path stays tested.

Signing is deterministic: ECDSA signatures use RFC 6979 nonces (Ed25519's are
deterministic by design), and what pyHanko would otherwise take from the
clock or a random source (the signing time, the XMP modification date, the
second half of the file /ID) is fixed from `signed_at` and the signed bytes,
so signing the same PDF with the same key at the same `signed_at` gives the
same bytes.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from io import BytesIO
from typing import Any, TypeVar

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.metadata.model import DocumentMetadata
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.signers.pdf_signer import PdfSignatureMetadata, PdfSigner, PdfSigningSession
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

T = TypeVar("T")

FIELD_NAME = "BeritaAcaraMufakat"
_VALID_FROM = datetime(2020, 1, 1, tzinfo=UTC)
_VALID_UNTIL = datetime(2100, 1, 1, tzinfo=UTC)
_SIGNING_USAGE = x509.KeyUsage(
    digital_signature=True,
    content_commitment=True,
    key_encipherment=False,
    data_encipherment=False,
    key_agreement=False,
    key_cert_sign=False,
    crl_sign=False,
    encipher_only=False,
    decipher_only=False,
)


def pdf_certificate(pdf_key: ec.EllipticCurvePrivateKey, ledger_key: Ed25519PublicKey) -> x509.Certificate:
    """The self-signed certificate of the PDF signing key, naming the ledger key it is bound to.

    The same two keys always give the same certificate (RFC 6979 signature), so its SHA-256 names it.
    """
    ledger_raw = _raw(ledger_key)
    pdf_public = pdf_key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, "Mufakat berita acara " + ledger_raw.hex()[:16]),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Mufakat"),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "ledger key " + ledger_raw.hex()),
        ]
    )
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(pdf_key.public_key())
        .serial_number(int.from_bytes(hashlib.sha256(pdf_public + ledger_raw).digest()[:16], "big") >> 1)
        .not_valid_before(_VALID_FROM)
        .not_valid_after(_VALID_UNTIL)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_SIGNING_USAGE, critical=True)
        .sign(pdf_key, hashes.SHA256(), ecdsa_deterministic=True)
    )


def certificate_sha256(certificate: x509.Certificate) -> str:
    """The SHA-256 of the certificate's DER bytes, in hex: what the binding event records."""
    return hashlib.sha256(certificate.public_bytes(serialization.Encoding.DER)).hexdigest()


def minutes_certificate(private_key: Ed25519PrivateKey) -> x509.Certificate:
    """The self-signed certificate of the ledger's Ed25519 key, as berita acara sealed before 2026-12 carry it."""
    public_raw = _raw(private_key.public_key())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, "Mufakat ledger " + public_raw.hex()[:16]),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Mufakat"),
        ]
    )
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(private_key.public_key())
        .serial_number(int.from_bytes(hashlib.sha256(public_raw).digest()[:16], "big") >> 1)
        .not_valid_before(_VALID_FROM)
        .not_valid_after(_VALID_UNTIL)
        .add_extension(_SIGNING_USAGE, critical=True)
        .sign(private_key, None)
    )


@dataclass(frozen=True)
class SealingIdentity:
    """The key that signs a berita acara and the certificate embedded with its signature."""

    key: ec.EllipticCurvePrivateKey | Ed25519PrivateKey
    certificate: x509.Certificate

    @classmethod
    def pdf_key(cls, pdf_key: ec.EllipticCurvePrivateKey, ledger_key: Ed25519PublicKey) -> SealingIdentity:
        """How the service seals: its P-256 key, under the certificate that names the ledger's key."""
        return cls(pdf_key, pdf_certificate(pdf_key, ledger_key))

    @classmethod
    def ledger_key(cls, ledger_key: Ed25519PrivateKey) -> SealingIdentity:
        """How berita acara were sealed before 2026-12: with the ledger's Ed25519 key itself."""
        return cls(ledger_key, minutes_certificate(ledger_key))

    @property
    def digest(self) -> str:
        """The message digest of the signature: SHA-512 for Ed25519 (RFC 8419), SHA-256 for P-256."""
        return "sha512" if isinstance(self.key, Ed25519PrivateKey) else "sha256"


def sign_minutes_pdf(pdf_bytes: bytes, identity: SealingIdentity, signed_at: datetime) -> bytes:
    """The PDF with the service's PAdES signature added as an incremental update, signed at `signed_at`."""
    if signed_at.utcoffset() is None:
        raise ValueError("signed_at must carry its UTC offset")
    certificate = _asn1_certificate(identity.certificate)
    key_der = identity.key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    signer = _DeterministicSigner(
        signing_cert=certificate,
        signing_key=asn1_keys.PrivateKeyInfo.load(key_der),
        cert_registry=SimpleCertificateStore.from_certs([certificate]),
    )
    metadata = PdfSignatureMetadata(
        field_name=FIELD_NAME,
        subfilter=SigSeedSubFilter.PADES,
        md_algorithm=identity.digest,
        reason="Berita acara disegel oleh Mufakat",
    )
    writer = _SealingWriter(pdf_bytes, signed_at)
    output = _run_to_completion(_SignerAt(metadata, signer=signer, signed_at=signed_at).async_sign_pdf(writer))
    return bytes(output.getvalue())


@dataclass(frozen=True)
class SignatureCheck:
    """What a PDF's signature says: whether it is intact, what it covers, and which key and certificate made it.

    `signed_length` is how many leading bytes of the file the signature covers: the file as it was sealed,
    when more was appended after it (an incremental update).
    """

    intact: bool
    covers_whole_file: bool
    public_key: Ed25519PublicKey | None
    signed_at: datetime | None
    certificate_sha256: str = ""
    signed_length: int | None = None

    @property
    def modified_after_signing(self) -> bool:
        """The signed part is intact, but bytes were added after it (e.g. an incremental update)."""
        return self.intact and not self.covers_whole_file and self.signed_length is not None

    def made_by(self, public_key: Ed25519PublicKey) -> bool:
        """Whether the signature is sound, covers every byte, and was made with this Ed25519 key (the old seal)."""
        return (
            self.intact
            and self.covers_whole_file
            and self.public_key is not None
            and _raw(self.public_key) == _raw(public_key)
        )

    def made_under(self, certificate_sha256s: set[str]) -> bool:
        """Whether the signature is sound, covers every byte, and was made under one of these certificates."""
        return self.intact and self.covers_whole_file and self.certificate_sha256 in certificate_sha256s


def check_minutes_signature(pdf_bytes: bytes) -> SignatureCheck | None:
    """The last signature of a PDF, checked; None when the PDF carries no signature."""
    reader = PdfFileReader(BytesIO(pdf_bytes), strict=False)
    if not reader.embedded_signatures:
        return None
    embedded = reader.embedded_signatures[-1]
    certificate = embedded.signer_cert
    # The trust anchor is the embedded certificate itself: what makes it trustworthy is that its key is the
    # ledger's published key, which `SignatureCheck.made_by` compares.
    context = ValidationContext(
        trust_roots=[certificate], allow_fetching=False, moment=embedded.self_reported_timestamp
    )
    status = _run_to_completion(async_validate_pdf_signature(embedded, context))
    der = certificate.dump()
    public = x509.load_der_x509_certificate(der).public_key()
    byte_range = [int(number) for number in embedded.sig_object["/ByteRange"]]
    return SignatureCheck(
        intact=bool(status.intact and status.valid),
        covers_whole_file=status.coverage is not None and status.coverage.name == "ENTIRE_FILE",
        public_key=public if isinstance(public, Ed25519PublicKey) else None,
        signed_at=embedded.self_reported_timestamp,
        certificate_sha256=hashlib.sha256(der).hexdigest(),
        signed_length=byte_range[-2] + byte_range[-1] if len(byte_range) == 4 else None,
    )


class _DeterministicSigner(signers.SimpleSigner):
    """pyHanko's signer, with RFC 6979 ECDSA nonces instead of random ones: the same input, the same bytes."""

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        key = serialization.load_der_private_key(self.signing_key.dump(), password=None)
        if isinstance(key, ec.EllipticCurvePrivateKey):
            digest = {"sha256": hashes.SHA256(), "sha384": hashes.SHA384(), "sha512": hashes.SHA512()}[digest_algorithm]
            return key.sign(data, ec.ECDSA(digest, deterministic_signing=True))
        return super().sign_raw(data, digest_algorithm)


class _SignerAt(PdfSigner):
    """pyHanko's signer, told the signing time instead of reading the clock."""

    def __init__(self, *args: Any, signed_at: datetime, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._signed_at = signed_at

    def init_signing_session(self, pdf_out: Any, existing_fields_only: bool = False) -> PdfSigningSession:
        session = super().init_signing_session(pdf_out, existing_fields_only)
        session.system_time = self._signed_at
        return session


class _SealingWriter(IncrementalPdfFileWriter):
    """An incremental update whose changed /ID half and modification date are fixed, not random or now."""

    def __init__(self, pdf_bytes: bytes, sealed_at: datetime) -> None:
        super().__init__(BytesIO(pdf_bytes))
        permanent = self._document_id[0]
        changed = hashlib.sha256(pdf_bytes + sealed_at.isoformat().encode()).digest()[:16]
        self._document_id = generic.ArrayObject([permanent, generic.ByteStringObject(changed)])
        self._meta = _MetadataModifiedAt(sealed_at=sealed_at)


@dataclass
class _MetadataModifiedAt(DocumentMetadata):
    # pyHanko sets `last_modified = "now"` just before writing; the seal's own time stands in for it.
    sealed_at: datetime | None = None

    def __setattr__(self, name: str, value: object) -> None:
        if name == "last_modified" and value == "now" and getattr(self, "sealed_at", None) is not None:
            value = self.sealed_at
        super().__setattr__(name, value)


def _asn1_certificate(certificate: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


def _raw(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def _run_to_completion(work: Coroutine[Any, Any, T]) -> T:
    """pyHanko's work run to its end, also from a thread that already runs an event loop.

    pyHanko's synchronous entry points call `asyncio.run`, which refuses to start inside a running loop (an async
    server, or Playwright's synchronous API in the same process); there the coroutine runs on a thread of its own.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(work)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="minutes-seal") as executor:
        return executor.submit(asyncio.run, work).result()
