"""The demo's berita acara, sealed from the ledger's events: what each version says, and `mufakat verify-minutes`.

The demo is recorded and both meetings sealed once for the module (four PDFs
rendered and signed); each test reads what was kept.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from uuid import UUID

import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pypdf import PdfReader, PdfWriter

from domain.meeting import Meeting
from service.adapters.minutes_seal import SealingIdentity, check_minutes_signature
from service.adapters.personal_data import FORGOTTEN_PLACEHOLDER
from service.adapters.sealed_documents import SealedDocumentForgotten
from service.app.application import CommandContext, Mufakat
from service.app.minutes_sealing import forget_minutes_names
from service.audit.minutes_certificates import certificate_bindings
from service.audit.signing import load_or_create_signing_key, pdf_key_file, public_key_text
from service.cli.demo import DEMO_SIGNATORIES, PARTICIPANTS, record_demo
from service.cli.main import main

NAMES = tuple(name for _, name, *_ in PARTICIPANTS)
ROOT = Path(__file__).resolve().parents[3]


@dataclass
class SealedDemo:
    """The demo on a SQLite file, both meetings sealed with the key in `key_file`."""

    ledger: Mufakat
    secret: str
    database_url: str
    key_file: Path
    meetings: list[UUID]
    folder: Path

    def sealed(self, meeting_id: UUID) -> dict[str, object]:
        meeting: object = self.ledger.repository.get(meeting_id)
        assert isinstance(meeting, Meeting)
        record = meeting.sealed()
        assert record is not None
        return record

    def pdf(self, meeting_id: UUID, version: str) -> bytes:
        content = self.ledger.sealed_documents.load(str(self.sealed(meeting_id)[f"{version}_sha256"]))
        assert content is not None
        return content

    def saved(self, name: str, content: bytes) -> Path:
        path = self.folder / name
        path.write_bytes(content)
        return path


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SealedDemo]:
    folder = tmp_path_factory.mktemp("sealed-demo")
    database_url = f"sqlite:///{folder / 'mufakat.db'}"
    key_file = folder / "signing.key"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MUFAKAT_DATABASE_URL", database_url)
        patch.setenv("MUFAKAT_SECRET_KEY_FILE", str(key_file))
        ledger = Mufakat()
        _, secret = ledger.tokens.issue("facilitator", "Fasilitator Demo", [])
        record = record_demo(ledger, secret, minutes_key_file=key_file)
        yield SealedDemo(ledger, secret, database_url, key_file, record.meetings, folder)
        ledger.close()


def text_of(pdf: bytes) -> str:
    """Every page's text, whitespace collapsed."""
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages))


def verify(demo: SealedDemo, path: Path, *options: str) -> tuple[int, str]:
    """Runs `mufakat verify-minutes` on a file against the demo's ledger and key."""
    result = CliRunner().invoke(
        main,
        ["verify-minutes", str(path), *options],
        env={"MUFAKAT_DATABASE_URL": demo.database_url, "MUFAKAT_SECRET_KEY_FILE": str(demo.key_file)},
    )
    return result.exit_code, result.output


def mufakat_process(*arguments: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """`mufakat` in a process of its own, so that everything it prints (logging included) is seen."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("MUFAKAT_")} | env
    environment["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-c", "from service.cli.main import main; main()", *arguments],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def with_a_page_appended(pdf: bytes) -> bytes:
    """The file with a blank page added as an incremental update, as a PDF editor saves it."""
    writer = PdfWriter(BytesIO(pdf), incremental=True)
    writer.add_blank_page()
    out = BytesIO()
    writer.write(out)
    assert out.getvalue().startswith(pdf)
    return out.getvalue()


def test_both_meetings_of_the_demo_carry_a_sealed_berita_acara_whose_bytes_match_the_log(demo: SealedDemo) -> None:
    # The Musrenbang's two sessions are sealed; the Musdes typed in afterwards from paper follows them.
    musrenbang_sessions = demo.meetings[:2]
    assert len(demo.meetings) == 4
    for meeting_id in musrenbang_sessions:
        sealed = demo.sealed(meeting_id)
        assert sealed["sealed_version"] == 1
        for version in ("public", "full"):
            pdf = demo.pdf(meeting_id, version)
            assert hashlib.sha256(pdf).hexdigest() == sealed[f"{version}_sha256"]
            assert len(pdf) == sealed[f"{version}_size"]


def test_the_public_version_of_the_decisions_meeting_reads_as_its_minutes_and_names_nobody(demo: SealedDemo) -> None:
    text = text_of(demo.pdf(demo.meetings[1], "public"))

    assert "BERITA ACARA MUSYAWARAH" in text
    assert "Kode wilayah 33.02.10.2001" in text
    assert "Jumlah yang diundang : 14 orang" in text
    assert "Pembangunan jalan rabat beton Dusun Krajan" in text
    assert "Usulan disepakati melalui mufakat." in text
    assert "Usulan disepakati melalui pemungutan suara." in text
    assert "BUMDes Sukamaju Mandiri" in text  # a commitment's owner is an institution, not a person
    assert "<3" in text  # small counts by group are suppressed
    assert f"Dibuat dari log Mufakat sampai posisi {demo.sealed(demo.meetings[1])['log_position']}." in text
    assert "Kepala Desa Sukamaju" in text  # signatories by role
    assert not [name for name in NAMES if name in text]


def test_the_full_version_adds_the_daftar_hadir_and_the_signatories_names(demo: SealedDemo) -> None:
    text = text_of(demo.pdf(demo.meetings[1], "full"))

    assert "Bambang Sugiarto" in text
    assert all(name in text for _, name in DEMO_SIGNATORIES)
    assert "Keberatan mendasar diajukan oleh Agus Setiawan" in text


def test_the_footer_names_the_log_the_minutes_were_made_from_and_sends_the_reader_to_the_sealing_event(
    demo: SealedDemo,
) -> None:
    # The sealing event that records this file's hash comes after the log the minutes were made from; the file
    # cannot print its position, so the footer says what it is and verify-minutes names the event.
    meeting = demo.meetings[0]
    covers = demo.sealed(meeting)["log_position"]
    text = text_of(demo.pdf(meeting, "public"))
    code, output = verify(demo, demo.saved("berita-acara-kaki.pdf", demo.pdf(meeting, "public")))
    sealing_position = int(re.findall(r"event at log position (\d+)", output)[0])

    assert code == 0, output
    assert "Posisi log" not in text
    assert f"Dibuat dari log Mufakat sampai posisi {covers}. SHA-256 berkas ini dicatat pada peristiwa" in text
    assert "mufakat verify-minutes berkas.pdf menyebut rapat, versi dan posisi peristiwa penyegelan" in text
    assert "pembaca PDF menyebut penerbitnya tidak dikenal" in text
    assert f"covering the log up to {covers}." in output
    assert sealing_position > covers


def test_the_first_meeting_records_no_decision_taken_at_the_second(demo: SealedDemo) -> None:
    text = text_of(demo.pdf(demo.meetings[0], "public"))

    assert "Pembangunan jalan rabat beton Dusun Krajan" in text
    assert "Usulan disepakati" not in text
    assert "Tindak lanjut" not in text


def test_the_sealed_event_keeps_roles_and_hashes_in_the_open_and_names_only_sealed(demo: SealedDemo) -> None:
    events = [
        e for e in demo.ledger.repository.event_store.get(demo.meetings[1]) if isinstance(e, Meeting.MinutesSealed)
    ]
    (sealed,) = events
    assert sealed.chair_role == "Ketua BPD Sukamaju"
    stored = b"".join(
        bytes(n.state)
        for n in demo.ledger.recorder.select_notifications(1, 100_000)
        if n.originator_id == sealed.originator_id
    )
    assert b"Bambang Sugiarto" not in stored
    assert b"Nurhayati" not in stored
    assert "Bambang Sugiarto" in (demo.ledger.vault.open(sealed.names_key_id, sealed.sealed_names) or "")


def test_verify_minutes_names_the_meeting_and_version_of_a_sealed_file(demo: SealedDemo) -> None:
    path = demo.saved("berita-acara.pdf", demo.pdf(demo.meetings[1], "public"))

    code, output = verify(demo, path)

    assert code == 0, output
    assert f"meeting {demo.meetings[1]}, sealed version 1 (public version)" in output
    assert "Latest: yes." in output
    assert "Signature: valid." in output


def test_verify_minutes_fails_on_a_one_byte_change(demo: SealedDemo) -> None:
    altered = bytearray(demo.pdf(demo.meetings[1], "full"))
    altered[len(altered) // 2] ^= 0x01
    path = demo.saved("berita-acara-diubah.pdf", bytes(altered))

    code, output = verify(demo, path)

    assert code == 1
    assert "NOT a berita acara sealed in this ledger" in output
    assert "NOT VERIFIED." in output


def test_verify_minutes_refuses_a_file_signed_by_another_key(demo: SealedDemo) -> None:
    path = demo.saved("berita-acara.pdf", demo.pdf(demo.meetings[0], "public"))
    stranger = public_key_text(Ed25519PrivateKey.generate())

    code, output = verify(demo, path, "--public-key", stranger)

    assert code == 1
    assert "Signature: other key." in output


def test_a_correction_replaces_the_latest_and_the_first_is_genuine_but_no_longer_latest(demo: SealedDemo) -> None:
    first = demo.saved("berita-acara-v1.pdf", demo.pdf(demo.meetings[0], "public"))
    facilitator = demo.ledger.tokens.authenticate(demo.secret)
    assert facilitator is not None
    demo.ledger.sealing.seal(
        CommandContext(facilitator),
        demo.meetings[0],
        chair={"name": "Bambang Sugiarto", "role": "Ketua BPD Sukamaju"},
        secretary={"name": "Rina Kartika Sari", "role": "Notulis"},
        agenda=["Pembukaan", "Penyampaian usulan dusun"],
        notes="Ralat: agenda diperbaiki.",
        signatories=[],
        occurred_at=datetime.now(UTC),
        signing_key=load_or_create_signing_key(demo.key_file),
    )
    assert demo.sealed(demo.meetings[0])["replaces"] == 1

    code, output = verify(demo, first)
    strict, _ = verify(demo, first, "--require-latest")
    latest_code, latest = verify(demo, demo.saved("berita-acara-v2.pdf", demo.pdf(demo.meetings[0], "public")))

    assert code == 0
    assert "Latest: NO, replaced by a correction (latest sealed version 2)." in output
    assert strict == 2
    assert latest_code == 0 and "sealed version 2" in latest


def test_the_full_version_is_kept_encrypted_and_forgetting_its_names_leaves_the_public_version_and_the_proof(
    demo: SealedDemo,
) -> None:
    meeting_id = demo.meetings[0]
    sealed = demo.sealed(meeting_id)
    full = demo.saved("berita-acara-lengkap.pdf", demo.pdf(meeting_id, "full"))
    (stored,) = demo.ledger.side_tables.fetch_all(
        "SELECT content FROM sealed_documents WHERE sha256 = ?", (sealed["full_sha256"],)
    )
    assert b"%PDF" not in bytes(stored[0])

    meeting: object = demo.ledger.repository.get(meeting_id)
    assert isinstance(meeting, Meeting)
    assert forget_minutes_names(demo.ledger, demo.ledger.sealed_documents, meeting) == 2

    with pytest.raises(SealedDocumentForgotten):
        demo.ledger.sealed_documents.load(str(sealed["full_sha256"]))
    assert demo.pdf(meeting_id, "public").startswith(b"%PDF")
    names = demo.ledger.vault.open(UUID(str(sealed["names_key_id"])), "c2VhbGVk")
    assert names == FORGOTTEN_PLACEHOLDER
    # Whoever kept a copy of the full version can still prove it was sealed here
    code, output = verify(demo, full)
    assert code == 0
    assert "(full version)" in output


def test_the_berita_acara_is_signed_under_a_certificate_the_log_binds_to_the_ledgers_key(demo: SealedDemo) -> None:
    check = check_minutes_signature(demo.pdf(demo.meetings[1], "public"))
    ledger_key = public_key_text(load_or_create_signing_key(demo.key_file))

    assert check is not None and check.public_key is None  # not the Ed25519 key: the PDF key's certificate
    (binding,) = [b for b in certificate_bindings(demo.ledger) if b.certificate_sha256 == check.certificate_sha256]

    assert binding.ledger_public_key == ledger_key
    assert binding.holds()
    # The PDF key lives beside the ledger's key file, readable by its owner only.
    assert pdf_key_file(demo.key_file).parent == demo.key_file.parent
    assert pdf_key_file(demo.key_file).stat().st_mode & 0o777 == 0o600


@pytest.mark.skipif(shutil.which("pdfsig") is None and not os.environ.get("CI"), reason="poppler-utils is missing")
def test_poppler_pdfsig_says_the_sealed_berita_acara_is_signed_and_valid(demo: SealedDemo) -> None:
    path = demo.saved("berita-acara-pdfsig.pdf", demo.pdf(demo.meetings[1], "public"))

    shown = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=False).stdout

    assert "Signature Validation: Signature is Valid." in shown
    assert "Total document signed" in shown


def test_verify_minutes_calls_a_sealed_file_with_a_page_appended_modified_after_sealing_without_exception_text(
    demo: SealedDemo,
) -> None:
    sealed = demo.pdf(demo.meetings[1], "public")
    path = demo.saved("berita-acara-tambah-halaman.pdf", with_a_page_appended(sealed))
    env = {"MUFAKAT_DATABASE_URL": demo.database_url, "MUFAKAT_SECRET_KEY_FILE": str(demo.key_file)}

    verified = mufakat_process("verify-minutes", str(path), env=env, cwd=demo.folder)
    shown = verified.stdout + verified.stderr

    assert verified.returncode == 1
    assert "Signature: modified after sealing." in shown
    assert f"the berita acara sealed for meeting {demo.meetings[1]}, sealed version 1 (public version)" in shown
    assert "NOT VERIFIED." in shown
    assert "broken" not in shown
    assert not re.search(r"Traceback|Error|Exception|pyhanko", shown)


def test_verify_minutes_without_a_ledger_says_so_and_creates_none(demo: SealedDemo, tmp_path: Path) -> None:
    path = demo.saved("berita-acara-tanpa-log.pdf", demo.pdf(demo.meetings[1], "public"))

    verified = mufakat_process("verify-minutes", str(path), env={}, cwd=tmp_path)

    assert verified.returncode == 1
    assert "no ledger configured: MUFAKAT_DATABASE_URL is not set and there is no mufakat.db" in verified.stderr
    assert "Traceback" not in verified.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_berita_acara_sealed_with_the_ed25519_key_before_2026_12_still_verifies(
    demo: SealedDemo, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The Musdes, sealed as the service sealed until 2026-12: signed with the ledger's Ed25519 key itself.
    musdes = demo.meetings[2]
    monkeypatch.setattr(
        "service.app.application.sealing_identity", lambda app, key, now, key_file=None: SealingIdentity.ledger_key(key)
    )
    facilitator = demo.ledger.tokens.authenticate(demo.secret)
    assert facilitator is not None
    demo.ledger.sealing.seal(
        CommandContext(facilitator),
        musdes,
        chair={"name": "Bambang Sugiarto", "role": "Ketua BPD Sukamaju"},
        secretary={"name": "Rina Kartika Sari", "role": "Notulis"},
        agenda=["Penambahan BLT"],
        notes=None,
        signatories=[],
        occurred_at=datetime.now(UTC),
        signing_key=load_or_create_signing_key(demo.key_file),
    )
    old = demo.pdf(musdes, "public")
    check = check_minutes_signature(old)
    assert check is not None and check.public_key is not None  # an Ed25519 signature

    code, output = verify(demo, demo.saved("berita-acara-lama.pdf", old))

    assert code == 0, output
    assert "Signature: valid." in output
    assert f"meeting {musdes}, sealed version 1 (public version)" in output
