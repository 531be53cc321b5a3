"""`mufakat serve`, `mufakat demo` and `mufakat token create|list|revoke`.

Every command opens the ledger configured by `MUFAKAT_DATABASE_URL` (default
`mufakat.db` in the data folder, `~/.local/state/mufakat/`: `service.settings`)
and closes it when done.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import click
from flask import Flask
from gunicorn.app.base import BaseApplication

from domain.actor import Actor
from service.adapters.storage import UnsupportedDatabaseUrl, ledger_environment
from service.adapters.writer_token import WriterTokenBusy
from service.app import queries
from service.app.access import ROLES, AccessToken, Principal
from service.app.application import CommandContext
from service.app.errors import NotFound
from service.cli.demo import record_demo
from service.cli.gunicorn_settings import gunicorn_settings
from service.cli.opened import command_settings, opened_ledger
from service.settings import Settings

_COMMAND_LINE = Principal(actor=Actor(id="command-line", role="admin", name="mufakat command line"))


class MufakatServer(BaseApplication):  # type: ignore[misc]
    """gunicorn running Mufakat in-process; each worker builds the app (and later its ledger) itself.

    The tables are created once in gunicorn's `on_starting` hook (service.cli.gunicorn_settings).
    """

    def __init__(self, server_settings: dict[str, Any], settings: Settings) -> None:
        self.server_settings = server_settings
        self.mufakat_settings = settings
        super().__init__()

    def load_config(self) -> None:
        """Applies the settings of `service.cli.gunicorn_settings`."""
        for key, value in self.server_settings.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        """The Flask application of one worker, with the settings `mufakat serve` read."""
        from service.http.app_factory import create_app

        return create_app(settings=self.mufakat_settings)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on.")
@click.option("--workers", type=click.IntRange(min=1), help="Worker processes (default: 2 * cores + 1, at most 8).")
def serve(host: str, port: int, workers: int | None) -> None:
    """Serve the HTTP API with gunicorn."""
    settings = command_settings()
    try:
        ledger_environment(settings)
    except UnsupportedDatabaseUrl as error:
        raise click.UsageError(str(error)) from None
    click.echo(f"Mufakat serving {_safe_url(settings.database_url)} on http://{host}:{port}/api/v1")
    click.echo(f"signing key: {settings.secret_key_file.absolute()}")
    MufakatServer(gunicorn_settings(host, port, workers, settings), settings).run()


@click.command()
def demo() -> None:
    """Record a sample process (Musrenbang Desa Sukamaju 2027) into the store.

    The demo is one unit: it holds the writer token from its first write to its last, so a
    demo (or server) writing at the same time waits for it instead of interleaving or failing
    half-way; one that waits longer than the lock timeout stops before writing anything.
    """
    with opened_ledger() as ledger:
        try:
            with ledger.writing_alone():
                _, secret = ledger.tokens.issue("facilitator", "Fasilitator Demo", [])
                started = time.perf_counter()
                record = record_demo(ledger, secret, minutes_key_file=ledger.settings.secret_key_file)
                seconds = time.perf_counter() - started
        except WriterTokenBusy as busy:
            raise click.ClickException(f"{busy}; nothing of the demo was recorded") from None
    click.echo("Recorded Musrenbang Desa Sukamaju 2027 (Bahasa Indonesia, invented people).")
    summary = [("process", str(record.process_id))]
    summary += [(f"proposal {outcome}", str(proposal_id)) for outcome, proposal_id in record.proposals.items()]
    summary += [
        ("participants", str(len(record.participants))),
        ("meetings", str(len(record.meetings))),
        ("commitments", str(len(record.commitments))),
        ("assessments", str(len(record.assessments))),
        ("partners", str(len(record.partners))),
        ("score cards", str(len(record.evaluations))),
        ("complaints", str(len(record.complaints))),
        ("disputes", str(len(record.disputes))),
        ("events recorded", str(record.events)),
        ("seconds", f"{seconds:.2f}"),
    ]
    for label, value in summary:
        click.echo(f"{label + ':':<31} {value}")
    click.echo(f"facilitator token (holds this process): {secret}")


@click.group()
def token() -> None:
    """Issue, list and revoke bearer tokens."""


class _Moment(click.ParamType):
    """An RFC 3339 moment with its offset (`2027-06-30T17:00:00+07:00`), bounded to years 1900-2200."""

    name = "moment"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> datetime:
        """The moment in UTC; a usage error without an offset or outside the bounds."""
        if isinstance(value, datetime):
            return value
        try:
            moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError:
            self.fail(f"{value!r} is not a moment such as 2027-06-30T17:00:00+07:00", param, ctx)
        if moment.tzinfo is None:
            self.fail(f"{value!r} needs its offset (e.g. +07:00 or Z)", param, ctx)
        if not 1900 <= moment.year <= 2200:
            self.fail(f"{value!r} is outside the years 1900-2200", param, ctx)
        return moment.astimezone(UTC)


@token.command("create")
@click.option("--role", required=True, type=click.Choice(ROLES), help="What the token may do.")
@click.option("--name", required=True, help="Who holds it (shown as the actor of every step they record).")
@click.option(
    "--process",
    "processes",
    multiple=True,
    type=click.UUID,
    help="A process the token is given (a facilitator writes to it, a partner reads it). Repeatable.",
)
@click.option("--expires-at", type=_Moment(), help="When the token stops working (RFC 3339 with offset).")
def create_token(role: str, name: str, processes: tuple[UUID, ...], expires_at: datetime | None) -> None:
    """Create a token; it is printed once, as the last line."""
    if not name.strip():
        raise click.BadParameter("the name must not be empty", param_hint="--name")
    with opened_ledger() as ledger:
        for process_id in processes:
            try:
                queries.readable_process(ledger, process_id, _COMMAND_LINE)
            except NotFound:
                raise click.BadParameter(f"no process {process_id}", param_hint="--process") from None
        issued, secret = ledger.tokens.issue(role, name.strip(), list(processes), expires_at=expires_at)
    given = ", ".join(str(p) for p in processes) or "none"
    until = f", expires {expires_at.isoformat()}" if expires_at else ""
    click.echo(f"Token for {issued.name!r}, role {issued.role}, processes: {given}{until}.")
    click.echo("It is shown only this once and stored only as a hash: keep it now.")
    click.echo(secret)


@token.command("list")
def list_tokens() -> None:
    """List the token records, one JSON object a line, in order of issue (never a secret)."""
    with opened_ledger() as ledger:
        after: int | None = None
        while True:
            page, after = queries.list_tokens(ledger, after, 200)
            for record in page:
                click.echo(json.dumps(_token_record(record), ensure_ascii=False))
            if after is None:
                break


@token.command("revoke")
@click.argument("token_id", type=click.UUID)
def revoke_token(token_id: UUID) -> None:
    """Revoke a token by its record id: from then on it gets 401 on every worker."""
    with opened_ledger() as ledger:
        try:
            ledger.tokens.revoke(CommandContext(principal=_COMMAND_LINE), token_id)
        except NotFound:
            raise click.BadParameter(f"no token {token_id}", param_hint="TOKEN_ID") from None
        revoked = queries.token_record(ledger, token_id)
    click.echo(f"Revoked the token of {revoked.name!r} (role {revoked.role}), id {token_id}.")


def _token_record(record: AccessToken) -> dict[str, Any]:
    """What `token list` prints of a token: never its secret nor its digest."""
    return {
        "id": str(record.id),
        "role": record.role,
        "name": record.name,
        "processes": [str(p) for p in record.processes],
        "expires_at": record.expires_at.isoformat() if record.expires_at else None,
        "revoked": record.revoked,
        "revoked_at": record.revoked_at.isoformat() if record.revoked_at else None,
    }


def _safe_url(url: str) -> str:
    """The database URL without its password, fit for a log line."""
    scheme, sep, rest = url.partition("://")
    if "@" not in rest:
        return url
    credentials, _, location = rest.rpartition("@")
    user = credentials.split(":", 1)[0]
    return f"{scheme}{sep}{user}@{location}"


COMMANDS = [serve, demo, token]
