"""The berita acara's PDF key across `mufakat rotate-key`: a new key and certificate, bound in the log by the new
ledger key; what was sealed before still verifies; a certificate bound by a key outside the rotation chain is not
trusted. On SQLite and on PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from uuid import UUID

import pytest
from click.testing import CliRunner, Result
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from minutes_samples import public_minutes

from domain.meeting import Meeting
from service.adapters.minutes_pdf import render_minutes_pdf
from service.adapters.minutes_seal import SealingIdentity, check_minutes_signature, sign_minutes_pdf
from service.app.application import CommandContext, Mufakat
from service.audit.minutes_certificates import bind_certificate, certificate_bindings
from service.audit.signing import load_signing_key, pdf_key_file, public_key_text
from service.cli.demo import record_demo
from service.cli.main import main


class SealedLedger:
    """A ledger whose demo meetings are sealed, and the command line run against it."""

    def __init__(self, ledger: Mufakat, database_url: str, key_file: Path, folder: Path) -> None:
        self.ledger = ledger
        self.key_file = key_file
        self.folder = folder
        self.env = {"MUFAKAT_DATABASE_URL": database_url, "MUFAKAT_SECRET_KEY_FILE": str(key_file)}
        _, self.secret = ledger.tokens.issue("facilitator", "Fasilitator Demo", [])
        self.meetings = record_demo(ledger, self.secret, minutes_key_file=key_file).meetings

    def mufakat(self, *arguments: str) -> Result:
        return CliRunner().invoke(main, list(arguments), env=self.env)

    def public_pdf(self, meeting_id: UUID) -> Path:
        meeting = self.ledger.repository.get(meeting_id)
        assert isinstance(meeting, Meeting)
        record = meeting.sealed()
        assert record is not None
        content = self.ledger.sealed_documents.load(str(record["public_sha256"]))
        assert content is not None
        path = self.folder / f"{meeting_id}-v{record['sealed_version']}.pdf"
        path.write_bytes(content)
        return path

    def seal_a_correction(self, meeting_id: UUID) -> None:
        facilitator = self.ledger.tokens.authenticate(self.secret)
        assert facilitator is not None
        self.ledger.sealing.seal(
            CommandContext(facilitator),
            meeting_id,
            chair={"name": "Bambang Sugiarto", "role": "Ketua BPD Sukamaju"},
            secretary={"name": "Rina Kartika Sari", "role": "Notulis"},
            agenda=["Pembukaan", "Penyampaian usulan dusun"],
            notes="Ralat: agenda diperbaiki.",
            signatories=[],
            occurred_at=datetime.now(UTC),
            signing_key=load_signing_key(self.key_file),
        )


class MinutesKeyRotationContract:
    """What rotating the keys does to the berita acara's signatures."""

    @pytest.fixture
    def sealed(self, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[SealedLedger]:
        key_file = tmp_path / "signing.key"
        monkeypatch.setenv("MUFAKAT_DATABASE_URL", database_url)
        monkeypatch.setenv("MUFAKAT_SECRET_KEY_FILE", str(key_file))
        ledger = Mufakat()
        yield SealedLedger(ledger, database_url, key_file, tmp_path)
        ledger.close()

    def test_rotate_key_binds_a_new_pdf_certificate_with_the_new_key_and_old_berita_acara_still_verify(
        self, sealed: SealedLedger
    ) -> None:
        meeting = sealed.meetings[0]
        before = sealed.public_pdf(meeting)
        old_pdf_key = pdf_key_file(sealed.key_file).read_bytes()

        rotated = sealed.mufakat("rotate-key")

        assert rotated.exit_code == 0, rotated.output
        outcome = json.loads(rotated.stdout)
        new_ledger_key = public_key_text(load_signing_key(sealed.key_file))
        bound = outcome["minutes_certificate_sha256"]
        (binding,) = [b for b in certificate_bindings(sealed.ledger) if b.certificate_sha256 == bound]
        assert binding.ledger_public_key == new_ledger_key and binding.holds()
        # The PDF key was replaced too; the old one is kept beside it, readable by its owner only.
        assert pdf_key_file(sealed.key_file).read_bytes() != old_pdf_key
        (retired,) = sealed.folder.glob(pdf_key_file(sealed.key_file).name + ".retired-*")
        assert retired.read_bytes() == old_pdf_key
        assert retired.stat().st_mode & 0o777 == 0o600
        # A berita acara sealed before the rotation still verifies, through the rotation chain.
        old_check = sealed.mufakat("verify-minutes", str(before))
        assert old_check.exit_code == 0, old_check.output
        assert "Signature: valid." in old_check.output
        # One sealed now is signed under the new certificate, and verifies.
        sealed.seal_a_correction(meeting)
        after = sealed.public_pdf(meeting)
        check = check_minutes_signature(after.read_bytes())
        assert check is not None and check.certificate_sha256 == outcome["minutes_certificate_sha256"]
        new_check = sealed.mufakat("verify-minutes", str(after))
        assert new_check.exit_code == 0, new_check.output
        assert "sealed version 2" in new_check.output

    def test_a_certificate_bound_by_a_key_outside_the_rotation_chain_is_not_the_ledgers(
        self, sealed: SealedLedger
    ) -> None:
        # Someone who can write to the database binds a certificate of their own with a key of their own, and
        # signs a berita acara with it: its signature is intact, but not the ledger's.
        stranger = Ed25519PrivateKey.generate()
        forged = SealingIdentity.pdf_key(ec.generate_private_key(ec.SECP256R1()), stranger.public_key())
        assert bind_certificate(sealed.ledger, forged.certificate, stranger, datetime.now(UTC))
        path = sealed.folder / "palsu.pdf"
        path.write_bytes(sign_minutes_pdf(render_minutes_pdf(public_minutes()), forged, datetime.now(UTC)))

        refused = sealed.mufakat("verify-minutes", str(path))
        trusted_only_if_told = sealed.mufakat("verify-minutes", str(path), "--public-key", public_key_text(stranger))

        assert refused.exit_code == 1
        assert "Signature: other key." in refused.output
        assert "Signature: valid." in trusted_only_if_told.output
        assert "NOT a berita acara sealed in this ledger" in trusted_only_if_told.output


class TestMinutesKeyRotationOnSQLite(MinutesKeyRotationContract):
    """The tests on an SQLite file."""

    @pytest.fixture
    def database_url(self, sqlite_database_url: str) -> str:
        return sqlite_database_url


@pytest.mark.postgres
class TestMinutesKeyRotationOnPostgreSQL(MinutesKeyRotationContract):
    """The same tests on PostgreSQL."""

    @pytest.fixture
    def database_url(self, postgres_database_url: str) -> Iterator[str]:
        yield postgres_database_url
