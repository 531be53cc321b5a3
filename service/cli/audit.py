"""`mufakat verify`, `export`, `checkpoint` and `rotate-key`: audit integrity from the command line.

`verify` exits 0 only when the whole log verifies; it prints the report as
JSON. It checks checkpoints against `--public-key` (base64 or PEM, or a file
holding either), else against the service's key file when present, else
against the first checkpoint's own key (and says so in the report's notes).
The trusted key may be any key of the log's chain of rotations (the original
one, or the current one): docs/audit-format.md, 6.1.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click

from service.audit.checkpoints import Checkpoint, SigningKeyRetired, seal_checkpoint
from service.audit.export import read_checkpoints, verify_export, write_export
from service.audit.rotation import rotate_signing_key
from service.audit.signing import (
    key_file_from_environment,
    load_or_create_signing_key,
    load_signing_key,
    public_key_text,
    read_public_key,
)
from service.audit.verify import VerificationReport, verify_store
from service.cli.opened import opened_ledger


def _trusted_key(given: str | None) -> str | None:
    if given:
        path = Path(given)
        text = path.read_text(encoding="ascii") if path.exists() else given
        try:
            return read_public_key(text)
        except ValueError as error:
            raise click.BadParameter(f"not an Ed25519 public key: {error}", param_hint="--public-key") from None
    key_file = key_file_from_environment()
    return public_key_text(load_signing_key(key_file)) if key_file.exists() else None


@click.command()
@click.option(
    "--from-export",
    "export_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Verify an export file (JSON Lines) instead of the database; needs no database.",
)
@click.option("--public-key", "public_key", help="The service's public key (base64 or PEM, or a file with it).")
@click.option(
    "--checkpoint",
    "checkpoint_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A checkpoint you kept (JSON, as /api/v1/audit/checkpoints serves it); repeatable.",
)
def verify(export_file: Path | None, public_key: str | None, checkpoint_files: tuple[Path, ...]) -> None:
    """Checks the whole log: every hash, root and checkpoint. Exit 0 only when it verifies."""
    kept: list[Checkpoint] = []
    for path in checkpoint_files:
        try:
            kept.extend(read_checkpoints(path))
        except (ValueError, KeyError, TypeError) as error:
            raise click.BadParameter(f"{path} is not a checkpoint: {error}", param_hint="--checkpoint") from None
    trusted = _trusted_key(public_key)
    report: VerificationReport
    if export_file is not None:
        report = verify_export(export_file, trusted, kept)
    else:
        with opened_ledger() as ledger:
            report = verify_store(ledger.recorder, trusted, kept)
    click.echo(json.dumps(report.as_dict(), indent=2))
    if not report.ok:
        sys.exit(1)


@click.command()
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file (default: standard output).",
)
def export(output: Path | None) -> None:
    """Writes the whole log, then its checkpoints, as JSON Lines (streaming)."""
    key_file = key_file_from_environment()
    public_key = public_key_text(load_signing_key(key_file)) if key_file.exists() else None
    with opened_ledger() as ledger:
        if output is None:
            count = write_export(ledger.recorder, sys.stdout, public_key)
        else:
            with output.open("w", encoding="utf-8") as out:
                count = write_export(ledger.recorder, out, public_key)
    click.echo(f"exported {count} events", err=True)


@click.command()
@click.option(
    "--every",
    "every_seconds",
    type=click.FloatRange(min=1),
    default=None,
    help="Keep sealing every N seconds (only when something new was recorded) until stopped.",
)
@click.option(
    "--adopt-key",
    is_flag=True,
    help="Only after the previous key was LOST: sign with this key file although no rotation names it.",
)
def checkpoint(every_seconds: float | None, adopt_key: bool) -> None:
    """Seals the log now: signs its last position and root with the service key and records that."""
    key_file = key_file_from_environment()
    key = load_or_create_signing_key(key_file)
    with opened_ledger() as ledger:
        while True:
            try:
                sealed = seal_checkpoint(ledger, key, only_if_new=every_seconds is not None, adopt_key=adopt_key)
            except SigningKeyRetired as retired:
                # The key file may have been rotated (here, or copied from the host that rotated):
                # read it again rather than sign with a key the log no longer accepts.
                key = load_or_create_signing_key(key_file)
                try:
                    sealed = seal_checkpoint(ledger, key, only_if_new=every_seconds is not None, adopt_key=adopt_key)
                except SigningKeyRetired:
                    click.echo(f"not sealed: {retired}", err=True)
                    if every_seconds is None:
                        sys.exit(1)
                    sealed = None
            if sealed is not None:
                click.echo(json.dumps(sealed.as_dict()))
            elif every_seconds is None:
                click.echo("nothing to seal: the log is empty", err=True)
            if every_seconds is None:
                return
            time.sleep(every_seconds)


@click.command("rotate-key")
def rotate_key() -> None:
    """Hands checkpoint signing over to a new key: the old key signs the hand-over into the log.

    Seals a last checkpoint with the current key, records the rotation signed
    by it, keeps the old key file as `<keyfile>.retired-<time>` (mode 0600),
    puts the new key in place and seals a first checkpoint with it. Run it
    again after an interruption: it finishes a rotation it had recorded.
    Then copy the key file to every other host and restart them.
    """
    key_file = key_file_from_environment()
    if not key_file.exists():
        raise click.ClickException(f"no signing key at {key_file}: there is nothing to rotate")
    with opened_ledger() as ledger:
        try:
            outcome = rotate_signing_key(ledger, key_file)
        except SigningKeyRetired as retired:
            raise click.ClickException(f"not rotated: {retired}") from None
    click.echo(
        json.dumps(
            {
                "key_file": str(key_file),
                "retired_key_file": str(outcome.retired_key_file),
                "resumed": outcome.resumed,
                "last_checkpoint": None if outcome.last_checkpoint is None else outcome.last_checkpoint.as_dict(),
                "rotation": outcome.rotation.as_dict(),
                "first_checkpoint": None if outcome.first_checkpoint is None else outcome.first_checkpoint.as_dict(),
            },
            indent=2,
        )
    )


COMMANDS = [verify, export, checkpoint, rotate_key]
