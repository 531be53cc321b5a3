"""What the portal and the console share: their folder, security headers and the key that signs sessions."""

from __future__ import annotations

import os
import time
from pathlib import Path

from flask import Flask, Response, request

HERE = Path(__file__).resolve().parent

#: No inline script or style anywhere: the pages load only their own files.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'; "
    "worker-src 'self'; manifest-src 'self'"
)
SESSION_KEY_FILE_SETTING = "MUFAKAT_WEB_SESSION_KEY_FILE"
DEFAULT_SESSION_KEY_FILE = "mufakat-web-session.key"


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


def session_secret(app: Flask) -> str:
    """The key that signs console sessions: SECRET_KEY when set, else a file every worker shares.

    The file is created once (mode 0600, never overwritten), so sessions survive a
    restart and are valid on every gunicorn worker.
    """
    configured = app.config.get("SECRET_KEY")
    if configured:
        return str(configured)
    path = Path(os.environ.get(SESSION_KEY_FILE_SETTING, DEFAULT_SESSION_KEY_FILE))
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        secret = ""
        for _ in range(100):  # another worker may be writing it this very moment
            secret = path.read_text(encoding="ascii").strip()
            if secret:
                break
            time.sleep(0.01)
    else:
        secret = os.urandom(32).hex()
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(secret + "\n")
    app.config["SECRET_KEY"] = secret
    return secret
