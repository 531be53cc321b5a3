"""What the portal and the console share: their folder, security headers and the key that signs their cookies.

The key only keeps a cookie from being altered: what signs a facilitator in is
the random session id inside it, which the server handed out and keeps
(`service.adapters.console_sessions`). The key is read once, when the app is
created, so that no request ever sees the app without it.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path

from flask import Flask, Response, request

from service.adapters.storage import ledger_environment
from service.http.current import SETTINGS_EXTENSION
from service.settings import Settings

HERE = Path(__file__).resolve().parent

#: No inline script or style anywhere: the pages load only their own files.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'; "
    "worker-src 'self'; manifest-src 'self'"
)
SESSION_KEY_FILE_SETTING = "MUFAKAT_WEB_SESSION_KEY_FILE"
#: The file's name in the data folder (beside the SQLite ledger, or beside the service's signing key).
SESSION_KEY_FILE_NAME = "mufakat-web-session.key"
#: A key read from a file must be at least this long (a new one is 64 hex digits, 256 bits).
MIN_SESSION_KEY_CHARACTERS = 32


def page_headers(response: Response) -> Response:
    """Security headers on every HTML page (the API sets its own on JSON)."""
    if response.mimetype == "text/html" and request.blueprint in ("portal", "console"):
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
    if request.blueprint == "console" and response.mimetype in ("text/html", "application/json"):
        # Names of participants: never in a shared or browser HTTP cache (the service worker keeps its own copy).
        response.headers["Cache-Control"] = "no-store"
        response.vary.add("Cookie")
    if request.blueprint in ("portal", "console"):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
    return response


class SessionKeyUnusable(RuntimeError):
    """The console's session key file exists but holds no usable key: the server refuses to start."""


def session_key_file(settings: Settings, ledger_env: Mapping[str, str] | None = None) -> Path:
    """Where the console's session key lives: `MUFAKAT_WEB_SESSION_KEY_FILE`, else in a data folder, never in
    the working directory for want of one.

    The data folder is the SQLite ledger's folder; on PostgreSQL (or a ledger in memory) the folder of the
    service's signing key when `MUFAKAT_SECRET_KEY_FILE` names one (every process of a deployment shares it),
    else this user's state folder (`$XDG_STATE_HOME/mufakat`, by default `~/.local/state/mufakat`).
    `ledger_env` overrides the ledger's eventsourcing environment, as the app's `MUFAKAT_LEDGER_ENV` does.
    """
    if settings.web_session_key_file is not None:
        return settings.web_session_key_file
    ledger = ledger_environment(settings)
    ledger.update(ledger_env or {})
    sqlite_file = ledger.get("SQLITE_DBNAME", "")
    on_sqlite = not ledger.get("PERSISTENCE_MODULE", "").startswith("eventsourcing.postgres")
    if on_sqlite and sqlite_file and sqlite_file != ":memory:" and "mode=memory" not in sqlite_file:
        return Path(sqlite_file).absolute().parent / SESSION_KEY_FILE_NAME
    if settings.is_given("MUFAKAT_SECRET_KEY_FILE"):
        return settings.secret_key_file.absolute().parent / SESSION_KEY_FILE_NAME
    settings.data_folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return settings.data_folder / SESSION_KEY_FILE_NAME


def load_session_key(app: Flask) -> None:
    """Sets the key that signs the console's cookies, once, at app creation: `SECRET_KEY` when configured,
    else the key file, made on first use (mode 0600) so that every worker and restart shares it."""
    if app.config.get("SECRET_KEY"):
        return
    settings = app.extensions[SETTINGS_EXTENSION]
    app.config["SECRET_KEY"] = load_or_create_session_key(session_key_file(settings, app.config["MUFAKAT_LEDGER_ENV"]))


def load_or_create_session_key(path: Path) -> str:
    """The key in `path`, written there first if missing; workers that create it at once agree on one key.

    The key is written whole and synced under a private name, then linked into place: `link` never
    replaces an existing file, so the first creator wins and everyone else reads its key; nobody ever
    reads a half-written file.
    """
    if not path.exists():
        draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(secrets.token_hex(32) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(draft, path)
        except FileExistsError:
            pass  # another worker made it first: its key is the one
        finally:
            draft.unlink(missing_ok=True)
    key = path.read_text(encoding="utf-8", errors="replace").strip()
    if len(key) < MIN_SESSION_KEY_CHARACTERS:
        raise SessionKeyUnusable(
            f"{path} ({SESSION_KEY_FILE_SETTING}) holds no usable key (fewer than {MIN_SESSION_KEY_CHARACTERS} "
            "characters): delete it and start again to have a new one made"
        )
    return key
