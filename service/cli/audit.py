"""`mufakat verify`, `export`, `checkpoint`, `rotate-key` and `witness`: audit integrity from the command line.

`verify` exits 0 only when the whole log verifies against a trust anchor; it
prints the report as JSON. Exit 1: a failure was found; exit 3: nothing
failed but no trust anchor was given, so nothing is proved ("untrusted").
The trusted key may be any key of the log's chain of rotations (the original
one, or the current one): docs/audit-format.md, 6.1.
"""

from __future__ import annotations

import json
import sys
import time
import urllib.parse
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from service.audit.checkpoints import Checkpoint, SigningKeyRetired, seal_checkpoint
from service.audit.export import read_checkpoints, verify_export, write_export
from service.audit.item_check import verify_item
from service.audit.minutes_certificates import rotate_pdf_signing_key
from service.audit.note import COSIGNATURE, NoteError, parse_verifier_key
from service.audit.rotation import retired_key_file, rotate_signing_key
from service.audit.signing import (
    load_or_create_signing_key,
    load_signing_key,
    pdf_key_file,
    public_key_text,
    read_public_key,
)
from service.audit.verify import (
    CHECKPOINT_ANCHOR,
    KEY_FILE_ANCHOR,
    OPERATOR_KEY,
    PUBLIC_KEY_ANCHOR,
    VerificationReport,
    verify_store,
)
from service.audit.witness_client import SplitView, Witness, WitnessError, http_fetch
from service.cli.opened import command_settings, opened_ledger

UNTRUSTED_EXIT = 3


def _given_key(given: str, hint: str = "--public-key") -> str:
    path = Path(given)
    text = path.read_text(encoding="utf-8").strip() if path.is_file() else given.strip()
    try:
        return read_public_key(text)
    except ValueError:
        pass
    try:
        return parse_verifier_key(text)[1]  # a signed-note vkey: name+keyid+base64(type ‖ key)
    except NoteError as error:
        raise click.BadParameter(f"not an Ed25519 public key: {error}", param_hint=hint) from None


def _trusted_key(given: str | None, local_database: bool) -> tuple[str | None, list[str]]:
    """The key to trust and where it came from: a pin given out of band, or only the operator's key file."""
    if given:
        return _given_key(given), [PUBLIC_KEY_ANCHOR]
    key_file = command_settings().secret_key_file
    if local_database and key_file.exists():
        return public_key_text(load_signing_key(key_file)), [KEY_FILE_ANCHOR]
    return None, []


def _witness_keys(given: tuple[str, ...]) -> dict[str, str]:
    keys: dict[str, str] = {}
    for item in given:
        path = Path(item)
        text = path.read_text(encoding="utf-8").strip() if path.is_file() else item.strip()
        try:
            name, public_key, algorithm = parse_verifier_key(text)
        except NoteError as error:
            raise click.BadParameter(f"not a witness vkey: {error}", param_hint="--witness") from None
        if algorithm != COSIGNATURE:
            raise click.BadParameter(f"{name} is not a cosignature (0x04) key", param_hint="--witness")
        keys[name] = public_key
    return keys


VERIFY_HELP = """Checks the whole log: every hash, the Merkle tree, every checkpoint and rotation.

\b
Trust anchors: a log checked only against itself proves nothing, since a
forger can rewrite every event, hash, root and checkpoint with a key of their
own. So give at least one of
  --public-key KEY   the service's public key, obtained from the service
                     itself (GET /api/v1/audit/public-key) and kept; base64,
                     PEM, a signed-note vkey, or a file holding one;
  --checkpoint FILE  a checkpoint you kept earlier (JSON as
                     /api/v1/audit/checkpoints serves it): the log must still
                     contain exactly what it signed, and its key is trusted;
  (for the local database only, not --from-export) the service's own key
  file (MUFAKAT_SECRET_KEY_FILE), when it exists here: only the operator's
  word, since a forger replaces it with their own; the report says
  "trust": "operator_key", not "anchored".
--witness VKEY (repeatable) additionally requires a checkpoint cosigned by
--witnesses-required of them (default: all given); witnesses are a pin too.

\b
Exit status: 0 verified against a trust anchor ("trust": "anchored" for a
pin given out of band, "operator_key" for the key file alone); 1 a failure
was found (the report names the first failing position); 3 nothing failed
but no trust anchor was given: "untrusted", never "ok": true."""


@click.command(help=VERIFY_HELP)
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
@click.option("--witness", "witnesses", multiple=True, help="A witness's vkey (or a file with it); repeatable.")
@click.option(
    "--witnesses-required",
    type=click.IntRange(min=1),
    default=None,
    help="How many of the --witness keys must have cosigned one checkpoint (default: all).",
)
def verify(
    export_file: Path | None,
    public_key: str | None,
    checkpoint_files: tuple[Path, ...],
    witnesses: tuple[str, ...],
    witnesses_required: int | None,
) -> None:
    kept: list[Checkpoint] = []
    for path in checkpoint_files:
        try:
            kept.extend(read_checkpoints(path))
        except (ValueError, KeyError, TypeError) as error:
            raise click.BadParameter(f"{path} is not a checkpoint: {error}", param_hint="--checkpoint") from None
    trusted, anchors = _trusted_key(public_key, local_database=export_file is None)
    if kept:
        anchors = [anchor for anchor in anchors if anchor != KEY_FILE_ANCHOR] + [CHECKPOINT_ANCHOR]
        if public_key is None:
            trusted = kept[0].public_key  # the key of a checkpoint the auditor kept is the one they trust
    witness_keys = _witness_keys(witnesses)
    required = 0 if not witness_keys else min(witnesses_required or len(witness_keys), len(witness_keys))
    if witnesses_required and witnesses_required > len(witness_keys):
        raise click.BadParameter("more witnesses required than --witness keys given", param_hint="--witnesses-required")
    report: VerificationReport
    if export_file is not None:
        report = verify_export(export_file, trusted, kept, witness_keys, required)
    else:
        with opened_ledger() as ledger:
            report = verify_store(ledger.recorder, trusted, kept, witness_keys, required)
    found_failure = report.first_failure is not None
    if trusted is None:
        report.distrust()
    else:
        report.speak_with(anchors)
    click.echo(json.dumps(report.as_dict(), indent=2))
    if found_failure:
        sys.exit(1)
    if report.untrusted:
        click.echo("untrusted: no trust anchor given (see mufakat verify --help); nothing is proved", err=True)
        sys.exit(UNTRUSTED_EXIT)
    if not report.ok:
        sys.exit(1)
    if report.trust == OPERATOR_KEY:
        click.echo(
            "operator_key: verified only against the key file beside the database (the operator's word); "
            "pin the public key with --public-key or --checkpoint to rule out a re-signed forgery",
            err=True,
        )


@click.command()
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file (default: standard output).",
)
def export(output: Path | None) -> None:
    """Writes the whole log, then its checkpoints, as JSON Lines (streaming)."""
    key_file = command_settings().secret_key_file
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
    key_file = command_settings().secret_key_file
    key = load_or_create_signing_key(key_file)
    with opened_ledger() as ledger:
        while True:
            try:
                sealed = seal_checkpoint(ledger.ledger, key, only_if_new=every_seconds is not None, adopt_key=adopt_key)
            except SigningKeyRetired as retired:
                # The key file may have been rotated (here, or copied from the host that rotated):
                # read it again rather than sign with a key the log no longer accepts.
                key = load_or_create_signing_key(key_file)
                try:
                    sealed = seal_checkpoint(
                        ledger.ledger, key, only_if_new=every_seconds is not None, adopt_key=adopt_key
                    )
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
    The key that signs berita acara PDFs is replaced too, and its new
    certificate bound in the log by the new key. Then copy the key files
    (`<keyfile>` and `<keyfile>.berita-acara`) to every other host and
    restart them.
    """
    key_file = command_settings().secret_key_file
    if not key_file.exists():
        raise click.ClickException(f"no signing key at {key_file}: there is nothing to rotate")
    with opened_ledger() as ledger:
        try:
            outcome = rotate_signing_key(ledger.ledger, key_file)
        except SigningKeyRetired as retired:
            raise click.ClickException(f"not rotated: {retired}") from None
        retired_pdf_key = retired_key_file(pdf_key_file(key_file), outcome.rotation.rotated_at)
        certificate = rotate_pdf_signing_key(ledger.ledger, key_file, retired_pdf_key, datetime.now(UTC))
    click.echo(
        json.dumps(
            {
                "key_file": str(key_file),
                "retired_key_file": str(outcome.retired_key_file),
                "resumed": outcome.resumed,
                "last_checkpoint": None if outcome.last_checkpoint is None else outcome.last_checkpoint.as_dict(),
                "rotation": outcome.rotation.as_dict(),
                "first_checkpoint": None if outcome.first_checkpoint is None else outcome.first_checkpoint.as_dict(),
                "minutes_certificate_sha256": certificate,
            },
            indent=2,
        )
    )


@click.command()
@click.option("--log", "log_url", help="The log's URL, e.g. https://mufakat.desa.example.id (required to witness)")
@click.option("--public-key", "public_key", help="The log's public key you pinned, or a file (required to witness).")
@click.option(
    "--state",
    "state",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="This witness's directory: its key, its name, the last checkpoint it cosigned.",
)
@click.option("--name", help="This witness's name (first run only), a schema-less URL: bappeda.example.id/witness")
@click.option("--every", "every_seconds", type=click.FloatRange(min=1), default=None, help="Keep witnessing.")
@click.option("--print-key", is_flag=True, help="Print this witness's vkey (for the log's MUFAKAT_WITNESSES) and stop.")
def witness(
    log_url: str | None,
    public_key: str | None,
    state: Path,
    name: str | None,
    every_seconds: float | None,
    print_key: bool,
) -> None:
    """Witnesses a log: cosigns each new checkpoint that extends the last one, refuses a split view.

    \b
    Exit status: 0 cosigned (or nothing new); 2 REFUSED: the log showed a
    checkpoint inconsistent with one this witness cosigned (same size with
    another root, smaller, another origin, or a failing consistency proof);
    1 the check could not be done (unreachable, bad signature).
    """
    try:
        keeper = Witness(state, name)
    except WitnessError as error:
        raise click.ClickException(str(error)) from None
    if print_key:
        click.echo(keeper.verifier_key())
        return
    if not log_url or not public_key:
        raise click.UsageError("witnessing needs --log and --public-key")
    log_key = _given_key(public_key)
    while True:
        try:
            done = keeper.run(log_url, log_key)
            click.echo(
                json.dumps(
                    {
                        "cosigned": done.tree_size,
                        "root_hash": done.root_hash,
                        "previous_size": done.previous_size,
                        "cosignature": done.cosignature,
                    }
                )
            )
        except SplitView as refused:
            click.echo(f"REFUSED: {refused}", err=True)
            sys.exit(2)
        except WitnessError as error:
            click.echo(f"not witnessed: {error}", err=True)
            if every_seconds is None:
                sys.exit(1)
        if every_seconds is None:
            return
        time.sleep(every_seconds)


def _load_json(source: str) -> Any:
    if source.startswith(("http://", "https://")):
        try:
            return http_fetch(source)
        except WitnessError as error:
            raise click.ClickException(str(error)) from None
    try:
        return json.loads(Path(source).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise click.BadParameter(f"{source} is not a JSON file or URL: {error}") from None


@click.command("verify-item")
@click.argument("source")
@click.option("--public-key", "public_key", required=True, help="The log's public key you pinned (or a file).")
@click.option("--log", "log_url", help="The log's URL (default: the scheme and host of SOURCE).")
@click.option("--id", "item_id", help="Which item, when SOURCE is a feed page.")
@click.option(
    "--checkpoint",
    "kept_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A checkpoint you kept: also prove the log only grew since.",
)
def verify_item_command(
    source: str, public_key: str, log_url: str | None, item_id: str | None, kept_file: Path | None
) -> None:
    """Proves a feed item's event is in the log's newest signed checkpoint (SOURCE: a feed item or page, file or URL).

    \b
    Exit status: 0 proved; 1 not proved (the item or the log was altered, or
    the checkpoint is not signed by the pinned key).
    """
    data = _load_json(source)
    items: list[Any] = list(data["items"]) if isinstance(data, dict) and "items" in data else [data]
    chosen = [item for item in items if isinstance(item, dict) and (item_id is None or item.get("id") == item_id)]
    if len(chosen) != 1:
        raise click.BadParameter("SOURCE holds several items (or none with that id): name one with --id")
    if log_url is None:
        parts = urllib.parse.urlsplit(source)
        if not parts.scheme:
            raise click.BadParameter("give --log when SOURCE is a file")
        log_url = f"{parts.scheme}://{parts.netloc}"
    kept = None
    if kept_file is not None:
        kept = json.loads(kept_file.read_text(encoding="utf-8"))
        if isinstance(kept, dict) and "items" in kept:
            kept = kept["items"][-1]
    report = verify_item(chosen[0], log_url, _given_key(public_key), kept)
    click.echo(json.dumps(report.as_dict(), indent=2))
    if not report.ok:
        sys.exit(1)


COMMANDS = [verify, export, checkpoint, rotate_key, witness, verify_item_command]
