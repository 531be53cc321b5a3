"""The service's PAdES signature on a berita acara: ECDSA P-256 under a certificate that names the ledger's key,
valid in ordinary tools (poppler's pdfsig, OpenSSL), the same bytes every time; the Ed25519 seal of older
berita acara still checks."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from functools import cache
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from minutes_samples import public_minutes

from service.adapters.minutes_pdf import render_minutes_pdf, sha256_hex
from service.adapters.minutes_seal import (
    SealingIdentity,
    certificate_sha256,
    check_minutes_signature,
    minutes_certificate,
    pdf_certificate,
    sign_minutes_pdf,
)
from service.audit.signing import load_or_create_pdf_signing_key, load_pdf_signing_key, pdf_key_file

ROOT = Path(__file__).resolve().parents[3]
LEDGER_KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
PDF_KEY = ec.derive_private_key(int.from_bytes(bytes(range(1, 33)), "big"), ec.SECP256R1())
IDENTITY = SealingIdentity.pdf_key(PDF_KEY, LEDGER_KEY.public_key())
CERTIFICATE = certificate_sha256(IDENTITY.certificate)
SEALED_AT = datetime(2026, 9, 22, 12, 0, tzinfo=timezone(timedelta(hours=7)))
needs_poppler = pytest.mark.skipif(
    shutil.which("pdfsig") is None and not os.environ.get("CI"), reason="pdfsig (Debian's poppler-utils) is missing"
)


@cache
def unsigned() -> bytes:
    return render_minutes_pdf(public_minutes())


@cache
def signed() -> bytes:
    return sign_minutes_pdf(unsigned(), IDENTITY, SEALED_AT)


def test_a_signed_berita_acara_was_made_under_the_services_certificate_at_the_time_it_was_sealed() -> None:
    check = check_minutes_signature(signed())

    assert check is not None
    assert check.made_under({CERTIFICATE})
    assert check.signed_at == SEALED_AT


def test_another_certificate_did_not_sign_it() -> None:
    other = SealingIdentity.pdf_key(PDF_KEY, Ed25519PrivateKey.from_private_bytes(bytes(32)).public_key())
    check = check_minutes_signature(signed())

    assert check is not None
    assert not check.made_under({certificate_sha256(other.certificate)})
    assert not check.made_by(LEDGER_KEY.public_key())


@needs_poppler
def test_poppler_pdfsig_says_the_signature_is_valid_and_only_the_issuer_unknown(tmp_path: Path) -> None:
    """What a village secretary's PDF reader sees: a valid signature; the self-signed certificate is not trusted."""
    sealed = tmp_path / "berita-acara.pdf"
    sealed.write_bytes(signed())

    shown = subprocess.run(["pdfsig", str(sealed)], capture_output=True, text=True, check=False).stdout

    assert "Signature Validation: Signature is Valid." in shown
    assert "Total document signed" in shown
    assert "Signing Hash Algorithm: SHA-256" in shown
    assert re.search(r"Certificate Validation: Certificate (issuer is unknown|is not trusted)", shown)


@needs_poppler
def test_poppler_pdfsig_says_a_changed_byte_breaks_the_signature(tmp_path: Path) -> None:
    tampered = bytearray(signed())
    tampered[signed().index(b"/Producer") + 1] ^= 0x01
    sealed = tmp_path / "berita-acara.pdf"
    sealed.write_bytes(bytes(tampered))

    shown = subprocess.run(["pdfsig", str(sealed)], capture_output=True, text=True, check=False).stdout

    assert "Signature is Valid." not in shown


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is missing")
def test_openssl_cms_verifies_the_signature_over_the_signed_bytes(tmp_path: Path) -> None:
    pdf = signed()
    start, first, second, rest = map(int, re.findall(rb"/ByteRange \[(\d+) (\d+) (\d+) (\d+)\]", pdf)[-1])
    contents = pdf[start + first + 1 : second - 1]  # the hex string between < and >
    (tmp_path / "signature.der").write_bytes(bytes.fromhex(contents.decode("ascii")))
    (tmp_path / "content").write_bytes(pdf[start : start + first] + pdf[second : second + rest])
    (tmp_path / "certificate.pem").write_bytes(IDENTITY.certificate.public_bytes(serialization.Encoding.PEM))
    command = ["openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", str(tmp_path / "signature.der")]
    command += ["-content", str(tmp_path / "content"), "-CAfile", str(tmp_path / "certificate.pem")]
    command += ["-purpose", "any", "-out", os.devnull]

    verified = subprocess.run(command, capture_output=True, text=True, check=False)

    assert verified.returncode == 0, verified.stderr
    assert "Verification successful" in verified.stderr


def test_the_certificate_names_the_ledger_key_it_is_bound_to_and_signs_nothing_else() -> None:
    certificate = IDENTITY.certificate
    usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    constraints = certificate.extensions.get_extension_for_class(x509.BasicConstraints).value
    ledger_hex = LEDGER_KEY.public_key().public_bytes_raw().hex()

    assert ledger_hex in certificate.subject.rfc4514_string()
    assert certificate.subject == certificate.issuer
    assert usage.digital_signature and not usage.key_cert_sign
    assert constraints.ca is False
    assert pdf_certificate(PDF_KEY, LEDGER_KEY.public_key()) == certificate


def test_a_berita_acara_sealed_with_the_ledgers_ed25519_key_before_2026_12_still_checks() -> None:
    old = sign_minutes_pdf(unsigned(), SealingIdentity.ledger_key(LEDGER_KEY), SEALED_AT)

    check = check_minutes_signature(old)

    assert check is not None
    assert check.made_by(LEDGER_KEY.public_key())
    assert not check.made_by(Ed25519PrivateKey.from_private_bytes(bytes(32)).public_key())
    assert check.signed_at == SEALED_AT


def test_signing_adds_to_the_rendered_bytes_and_changes_none_of_them() -> None:
    assert signed().startswith(unsigned())
    assert check_minutes_signature(unsigned()) is None


def test_signing_the_same_pdf_with_the_same_key_at_the_same_time_gives_the_same_bytes() -> None:
    again = sign_minutes_pdf(unsigned(), IDENTITY, SEALED_AT)
    later = sign_minutes_pdf(unsigned(), IDENTITY, SEALED_AT + timedelta(minutes=1))

    assert again == signed()
    assert later != signed()


def test_the_signed_bytes_do_not_depend_on_the_process_clock_zone_or_hash_seed() -> None:
    script = (
        "import sys; sys.path.insert(0, 'tests/integration/minutes')\n"
        "from datetime import datetime, timedelta, timezone\n"
        "from cryptography.hazmat.primitives.asymmetric import ec\n"
        "from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey\n"
        "from minutes_samples import public_minutes\n"
        "from service.adapters.minutes_pdf import render_minutes_pdf, sha256_hex\n"
        "from service.adapters.minutes_seal import SealingIdentity, sign_minutes_pdf\n"
        "ledger = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))\n"
        "pdf_key = ec.derive_private_key(int.from_bytes(bytes(range(1, 33)), 'big'), ec.SECP256R1())\n"
        "identity = SealingIdentity.pdf_key(pdf_key, ledger.public_key())\n"
        "at = datetime(2026, 9, 22, 12, 0, tzinfo=timezone(timedelta(hours=7)))\n"
        "print(sha256_hex(sign_minutes_pdf(render_minutes_pdf(public_minutes()), identity, at)))\n"
    )
    environment = {**os.environ, "TZ": "Pacific/Auckland", "PYTHONHASHSEED": "987"}

    other_process = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=environment, capture_output=True, text=True, check=True
    )

    assert other_process.stdout.strip() == sha256_hex(signed())


def test_one_changed_byte_breaks_the_signature() -> None:
    tampered = bytearray(signed())
    tampered[signed().index(b"/Producer") + 1] ^= 0x01

    check = check_minutes_signature(bytes(tampered))

    assert check is not None
    assert not check.intact
    assert not check.made_under({CERTIFICATE})


def test_bytes_appended_after_the_signature_are_not_covered_by_it() -> None:
    check = check_minutes_signature(signed() + b"\n% appended afterwards\n")

    assert check is not None
    assert check.intact
    assert not check.covers_whole_file
    assert check.modified_after_signing
    assert check.signed_length == len(signed())
    assert not check.made_under({CERTIFICATE})


def test_the_same_key_always_gives_the_same_ed25519_certificate_of_older_seals() -> None:
    first = minutes_certificate(LEDGER_KEY)
    second = minutes_certificate(Ed25519PrivateKey.from_private_bytes(bytes(range(32))))

    assert first == second
    assert first.subject == first.issuer


def test_sealing_and_checking_work_from_a_thread_that_already_runs_an_event_loop() -> None:
    """pyHanko's own entry points call asyncio.run, which refuses inside a running loop (Playwright's sync API)."""

    async def inside_a_running_loop() -> tuple[bytes, bool]:
        sealed = sign_minutes_pdf(unsigned(), IDENTITY, SEALED_AT)
        check = check_minutes_signature(sealed)
        return sealed, check is not None and check.made_under({CERTIFICATE})

    # On a thread of its own: this test process may already run a loop on its main thread (Playwright's).
    with ThreadPoolExecutor(max_workers=1) as executor:
        sealed, made_by_the_ledger = executor.submit(asyncio.run, inside_a_running_loop()).result()

    assert sealed == signed()
    assert made_by_the_ledger


def test_the_pdf_key_is_made_once_beside_the_ledgers_key_file_readable_by_its_owner_only(tmp_path: Path) -> None:
    key_file = tmp_path / "keys" / "signing.key"
    key_file.parent.mkdir()

    # Eight workers start at once: they agree on one key, and nobody reads a half-written file.
    with ThreadPoolExecutor(max_workers=8) as executor:
        made = list(executor.map(lambda _: load_or_create_pdf_signing_key(pdf_key_file(key_file)), range(8)))

    path = pdf_key_file(key_file)
    assert path == tmp_path / "keys" / "signing.key.berita-acara"
    assert path.stat().st_mode & 0o777 == 0o600
    kept = load_pdf_signing_key(path).private_numbers().private_value
    assert {key.private_numbers().private_value for key in made} == {kept}
    assert sorted(p.name for p in path.parent.iterdir()) == ["signing.key.berita-acara"]  # no draft left behind
