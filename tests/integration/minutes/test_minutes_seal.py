"""The service's PAdES signature on a berita acara: made with the ledger's Ed25519 key, the same bytes every time."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from functools import cache
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from minutes_samples import public_minutes

from service.adapters.minutes_pdf import render_minutes_pdf, sha256_hex
from service.adapters.minutes_seal import check_minutes_signature, minutes_certificate, sign_minutes_pdf

ROOT = Path(__file__).resolve().parents[3]
LEDGER_KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
SEALED_AT = datetime(2026, 9, 22, 12, 0, tzinfo=timezone(timedelta(hours=7)))


@cache
def unsigned() -> bytes:
    return render_minutes_pdf(public_minutes())


@cache
def signed() -> bytes:
    return sign_minutes_pdf(unsigned(), LEDGER_KEY, SEALED_AT)


def test_a_signed_berita_acara_was_made_by_the_ledgers_key_at_the_time_it_was_sealed() -> None:
    check = check_minutes_signature(signed())

    assert check is not None
    assert check.made_by(LEDGER_KEY.public_key())
    assert check.signed_at == SEALED_AT


def test_another_key_did_not_sign_it() -> None:
    check = check_minutes_signature(signed())

    assert check is not None
    assert not check.made_by(Ed25519PrivateKey.from_private_bytes(bytes(32)).public_key())


def test_signing_adds_to_the_rendered_bytes_and_changes_none_of_them() -> None:
    assert signed().startswith(unsigned())
    assert check_minutes_signature(unsigned()) is None


def test_signing_the_same_pdf_with_the_same_key_at_the_same_time_gives_the_same_bytes() -> None:
    again = sign_minutes_pdf(unsigned(), LEDGER_KEY, SEALED_AT)
    later = sign_minutes_pdf(unsigned(), LEDGER_KEY, SEALED_AT + timedelta(minutes=1))

    assert again == signed()
    assert later != signed()


def test_the_signed_bytes_do_not_depend_on_the_process_clock_zone_or_hash_seed() -> None:
    script = (
        "import sys; sys.path.insert(0, 'tests/integration/minutes')\n"
        "from datetime import datetime, timedelta, timezone\n"
        "from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey\n"
        "from minutes_samples import public_minutes\n"
        "from service.adapters.minutes_pdf import render_minutes_pdf, sha256_hex\n"
        "from service.adapters.minutes_seal import sign_minutes_pdf\n"
        "key = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))\n"
        "at = datetime(2026, 9, 22, 12, 0, tzinfo=timezone(timedelta(hours=7)))\n"
        "print(sha256_hex(sign_minutes_pdf(render_minutes_pdf(public_minutes()), key, at)))\n"
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
    assert not check.made_by(LEDGER_KEY.public_key())


def test_bytes_appended_after_the_signature_are_not_covered_by_it() -> None:
    check = check_minutes_signature(signed() + b"\n% appended afterwards\n")

    assert check is not None
    assert check.intact
    assert not check.covers_whole_file
    assert not check.made_by(LEDGER_KEY.public_key())


def test_the_same_key_always_gives_the_same_certificate() -> None:
    first = minutes_certificate(LEDGER_KEY)
    second = minutes_certificate(Ed25519PrivateKey.from_private_bytes(bytes(range(32))))

    assert first == second
    assert first.subject == first.issuer


def test_sealing_and_checking_work_from_a_thread_that_already_runs_an_event_loop() -> None:
    """pyHanko's own entry points call asyncio.run, which refuses inside a running loop (Playwright's sync API)."""

    async def inside_a_running_loop() -> tuple[bytes, bool]:
        sealed = sign_minutes_pdf(unsigned(), LEDGER_KEY, SEALED_AT)
        check = check_minutes_signature(sealed)
        return sealed, check is not None and check.made_by(LEDGER_KEY.public_key())

    # On a thread of its own: this test process may already run a loop on its main thread (Playwright's).
    with ThreadPoolExecutor(max_workers=1) as executor:
        sealed, made_by_the_ledger = executor.submit(asyncio.run, inside_a_running_loop()).result()

    assert sealed == signed()
    assert made_by_the_ledger
