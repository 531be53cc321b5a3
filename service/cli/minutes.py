"""`mufakat verify-minutes FILE.pdf`: is this PDF a berita acara sealed in this ledger, and is it the latest?

The proof is the file's SHA-256 among the `Meeting.MinutesSealed` events of
the log (which the audit chain protects); the PAdES signature inside the PDF is
checked too: made under a certificate that a `MinutesCertificate.Bound` event
binds to the service's key (or any key of its rotation chain, or
`--public-key`), or, for berita acara sealed before 2026-12, made by that
Ed25519 key itself. A file with bytes added after its signature (an
incremental update, e.g. an appended page) is "modified after sealing", and
the report names the sealing its signed part matches. Exit 0: sealed here and
signed by the ledger's key; 1: not a berita acara of this ledger, its
signature does not hold, or no ledger is configured (none in the data folder
nor in the working directory, and no `MUFAKAT_DATABASE_URL`); 2 with
`--require-latest`: genuine, but replaced by a later correction.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import click
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from eventsourcing.utils import get_topic

from domain.meeting import Meeting
from service.adapters.minutes_seal import SignatureCheck, check_minutes_signature
from service.adapters.storage import UnsupportedDatabaseUrl, ledger_environment
from service.app.application import Mufakat
from service.audit.minutes_certificates import certificate_bindings
from service.audit.rotation import rotations
from service.audit.signing import load_signing_key, public_key_text, read_public_key
from service.cli.opened import command_settings, opened_ledger

_PAGE = 500


@dataclass(frozen=True)
class SealedMatch:
    """Where the log sealed these bytes: which meeting, which sealing and version, and what followed."""

    meeting_id: str
    sealed_version: int
    version: str
    log_position: int
    covers_position: int
    sealed_at: str
    latest_sealed_version: int

    @property
    def latest(self) -> bool:
        """Whether no later correction replaced this sealing."""
        return self.sealed_version == self.latest_sealed_version


@dataclass(frozen=True)
class MinutesVerification:
    """What `verify-minutes` found about one file."""

    file: str
    sha256: str
    sealed: SealedMatch | None
    signature: str
    #: For a file modified after sealing: the sealing its signed part (the file as sealed) matches.
    signed_part: SealedMatch | None = None

    @property
    def holds(self) -> bool:
        """Sealed in this ledger and signed by the ledger's key."""
        return self.sealed is not None and self.signature == "valid"

    def as_dict(self) -> dict[str, Any]:
        """The verification as JSON-ready primitives."""
        found = asdict(self)
        if self.sealed is not None:
            found["sealed"]["latest"] = self.sealed.latest
        if self.signed_part is not None:
            found["signed_part"]["latest"] = self.signed_part.latest
        found["holds"] = self.holds
        return found


def sealed_matches(ledger: Mufakat, sha256: str) -> SealedMatch | None:
    """The sealing whose public or full version has this SHA-256, read from the log's MinutesSealed events."""
    found: SealedMatch | None = None
    latest: dict[str, int] = {}
    start = 1
    while True:
        page = ledger.recorder.select_notifications(start, _PAGE, topics=[get_topic(Meeting.MinutesSealed)])
        for notification in page:
            sealed = ledger.mapper.to_domain_event(notification)
            assert isinstance(sealed, Meeting.MinutesSealed)
            meeting_id = str(sealed.originator_id)
            latest[meeting_id] = max(latest.get(meeting_id, 0), sealed.sealed_version)
            for version in ("public", "full"):
                if getattr(sealed, f"{version}_sha256") == sha256:
                    found = SealedMatch(
                        meeting_id=meeting_id,
                        sealed_version=sealed.sealed_version,
                        version=version,
                        log_position=notification.id,
                        covers_position=sealed.log_position,
                        sealed_at=sealed.occurred_at.isoformat(),
                        latest_sealed_version=0,
                    )
        if len(page) < _PAGE:
            break
        start = page[-1].id + 1
    if found is None:
        return None
    return SealedMatch(**{**asdict(found), "latest_sealed_version": latest[found.meeting_id]})


def trusted_keys(ledger: Mufakat, given: str | None) -> list[Ed25519PublicKey]:
    """The keys a genuine seal may carry: `--public-key`, or the service's key and every key it rotated from."""
    texts: set[str] = set()
    if given:
        path = Path(given)
        try:
            texts.add(read_public_key(path.read_text(encoding="ascii") if path.exists() else given))
        except ValueError as error:
            raise click.BadParameter(f"not an Ed25519 public key: {error}", param_hint="--public-key") from None
    else:
        key_file = ledger.settings.secret_key_file
        if key_file.exists():
            texts.add(public_key_text(load_signing_key(key_file)))
        for rotation in rotations(ledger.ledger):
            if rotation.signature_holds():
                texts |= {rotation.old_public_key, rotation.new_public_key}
    return [Ed25519PublicKey.from_public_bytes(base64.b64decode(text)) for text in sorted(texts)]


def trusted_certificates(ledger: Mufakat, keys: list[Ed25519PublicKey]) -> set[str]:
    """The SHA-256 of every certificate the log binds to one of these keys with a signature that holds."""
    texts = {public_key_text(key) for key in keys}
    return {
        binding.certificate_sha256
        for binding in certificate_bindings(ledger.ledger)
        if binding.ledger_public_key in texts and binding.holds()
    }


def verify_minutes_file(ledger: Mufakat, pdf: bytes, name: str, public_key: str | None) -> MinutesVerification:
    """Whether these bytes are a berita acara sealed in this ledger, and whether the ledger's key signed them."""
    sha256 = hashlib.sha256(pdf).hexdigest()
    signed_part: SealedMatch | None = None
    try:
        check = check_minutes_signature(pdf)
    except Exception:  # a damaged file is an answer ("unreadable"), not a traceback
        check = None
        signature = "unreadable"
    else:
        keys = trusted_keys(ledger, public_key)
        if check is None:
            signature = "missing"
        elif check.modified_after_signing:
            signature = "modified after sealing"
            signed_part = _signed_part(ledger, pdf, check)
        elif not check.intact or not check.covers_whole_file:
            signature = "broken"
        elif not keys:
            signature = "no trusted key"
        elif any(check.made_by(key) for key in keys) or check.made_under(trusted_certificates(ledger, keys)):
            signature = "valid"
        else:
            signature = "other key"
    return MinutesVerification(
        file=name, sha256=sha256, sealed=sealed_matches(ledger, sha256), signature=signature, signed_part=signed_part
    )


def _signed_part(ledger: Mufakat, pdf: bytes, check: SignatureCheck) -> SealedMatch | None:
    """The sealing whose bytes are the part of the file the signature covers (the file before it was modified)."""
    if check.signed_length is None or not 0 < check.signed_length < len(pdf):
        return None
    return sealed_matches(ledger, hashlib.sha256(pdf[: check.signed_length]).hexdigest())


def missing_ledger() -> str | None:
    """Why no ledger can be read here (an SQLite file that does not exist), or None when one is configured."""
    settings = command_settings()
    try:
        ledger_env = ledger_environment(settings)
    except UnsupportedDatabaseUrl:
        return None  # `opened_ledger` explains the URL
    path = ledger_env.get("SQLITE_DBNAME")
    if path is None or os.path.exists(path):
        return None
    if not settings.is_given("MUFAKAT_DATABASE_URL"):
        return (
            f"no ledger configured: MUFAKAT_DATABASE_URL is not set and there is no mufakat.db in the data folder "
            f"{settings.data_folder}/ nor in this folder; run this as the user (XDG_STATE_HOME) whose ledger it is, "
            "or set MUFAKAT_DATABASE_URL to it"
        )
    return f"no ledger at {path}: MUFAKAT_DATABASE_URL names an SQLite file that does not exist"


def _report(found: MinutesVerification) -> str:
    lines = [f"{found.file}", f"  SHA-256: {found.sha256}"]
    sealed = found.sealed
    if sealed is None:
        lines.append("  NOT a berita acara sealed in this ledger: no MinutesSealed event records this SHA-256.")
    else:
        lines.append(
            f"  Sealed: meeting {sealed.meeting_id}, sealed version {sealed.sealed_version} ({sealed.version} version),"
            f" at {sealed.sealed_at}; event at log position {sealed.log_position}, covering the log up to"
            f" {sealed.covers_position}."
        )
        lines.append(
            f"  Proof that the log holds this event: GET /api/v1/audit/proofs/inclusion?position={sealed.log_position}"
            "&tree_size=N (N: the size of a checkpoint you hold)."
        )
        lines.append(
            "  Latest: yes."
            if sealed.latest
            else f"  Latest: NO, replaced by a correction (latest sealed version {sealed.latest_sealed_version})."
        )
    lines.append(f"  Signature: {found.signature}.")
    if found.signature == "modified after sealing":
        part = found.signed_part
        lines.append(
            "  Bytes were added to this file after it was signed (an incremental update, e.g. a page or an"
            " annotation); the signed part is "
            + (
                f"the berita acara sealed for meeting {part.meeting_id}, sealed version {part.sealed_version}"
                f" ({part.version} version): that file, not this one, is the record."
                if part is not None
                else "no berita acara sealed in this ledger."
            )
        )
    lines.append("  Verdict: " + ("GENUINE." if found.holds else "NOT VERIFIED."))
    return "\n".join(lines)


def sealed_pdf_check(name: str, replaced_when: str) -> Callable[[Callable[..., None]], click.Command]:
    """A command that checks a sealed PDF against this ledger: its FILE.pdf argument, `--public-key`,
    `--require-latest` (exit 2 when `replaced_when`) and `--json`."""

    def command(check: Callable[..., None]) -> click.Command:
        check = click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")(check)
        check = click.option("--require-latest", is_flag=True, help=f"Also fail (exit 2) when {replaced_when}.")(check)
        check = click.option(
            "--public-key", "public_key", help="The service's public key (base64 or PEM, or a file with it)."
        )(check)
        check = click.argument("pdf_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))(check)
        return click.command(name)(check)

    return command


@contextmanager
def ledger_to_check_against() -> Iterator[Mufakat]:
    """The ledger a sealed PDF is checked against; a click error when none is configured here (reading would
    create an empty ledger, which proves nothing)."""
    missing = missing_ledger()
    if missing is not None:
        raise click.ClickException(missing)
    # pyHanko logs what it finds odd in a damaged or modified file, with Python's exception text: the verdict
    # says it in words instead.
    for library in ("pyhanko", "pyhanko_certvalidator"):
        logging.getLogger(library).addHandler(logging.NullHandler())
        logging.getLogger(library).propagate = False
    with opened_ledger() as ledger:
        yield ledger


@sealed_pdf_check("verify-minutes", "a later correction replaced it")
def verify_minutes(pdf_file: Path, public_key: str | None, require_latest: bool, as_json: bool) -> None:
    """Says whether FILE.pdf is a berita acara sealed in this ledger, which meeting and version, and if latest."""
    with ledger_to_check_against() as ledger:
        found = verify_minutes_file(ledger, pdf_file.read_bytes(), str(pdf_file), public_key)
    click.echo(json.dumps(found.as_dict(), indent=2) if as_json else _report(found))
    if not found.holds:
        sys.exit(1)
    if require_latest and found.sealed is not None and not found.sealed.latest:
        sys.exit(2)


COMMANDS = [verify_minutes]
