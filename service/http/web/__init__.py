"""The web pages: a public portal at `/` and a facilitator's console at `/console`.

Server-rendered with Jinja, worded through Flask-Babel (Bahasa Indonesia by
default, English by choice), with a little vendored-free JavaScript of our own
for the console's offline queue. Every page calls the same use cases and read
models as the JSON API; none has a path of its own to the domain.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from flask import Flask, Response, request

from service.http.web.i18n import init_babel

HERE = Path(__file__).resolve().parent

#: No inline script or style anywhere: the pages load only their own files.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'; "
    "worker-src 'self'; manifest-src 'self'"
)
SESSION_KEY_FILE_SETTING = "MUFAKAT_WEB_SESSION_KEY_FILE"
DEFAULT_SESSION_KEY_FILE = "mufakat-web-session.key"


def register_web(app: Flask) -> None:
    """Adds the portal and the console to the application (called once by `create_app`)."""
    from service.http.web.console import blp as console
    from service.http.web.portal import blp as portal

    # Flask's defaults are replaced; a value the caller configured is kept.
    for name, value in (
        ("SESSION_COOKIE_HTTPONLY", True),
        ("SESSION_COOKIE_SAMESITE", "Strict"),
        ("SESSION_COOKIE_NAME", "mufakat_console"),
        ("SESSION_COOKIE_PATH", "/console"),
    ):
        if app.config.get(name) in (None, "session"):
            app.config[name] = value
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)  # valid as long as the session: steps queue offline for hours
    init_babel(app)
    app.register_blueprint(portal)
    app.register_blueprint(console)
    app.after_request(_page_headers)


def _page_headers(response: Response) -> Response:
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
