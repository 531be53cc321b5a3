"""The web pages: a public portal at `/` and a facilitator's console at `/console`.

Server-rendered with Jinja, worded through Flask-Babel (Bahasa Indonesia by
default, English by choice), with a little vendored-free JavaScript of our own
for the console's offline queue. Every page calls the same use cases and read
models as the JSON API; none has a path of its own to the domain.
"""

from __future__ import annotations

from flask import Flask

from service.http.web.i18n import init_babel
from service.http.web.site import load_session_key, page_headers
from service.http.web.times import init_times


def register_web(app: Flask) -> None:
    """Adds the portal and the console to the application (called once by `create_app`)."""
    from service.http.web import (
        admin,  # noqa: F401  (its pages join the console's blueprint before it registers)
        console_monitoring,  # noqa: F401  (as admin's: the console's monitoring pages)
        portal_monitoring,  # noqa: F401  (the portal's complaint form and tracking page)
    )
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
    load_session_key(app)  # before any request: a worker's first request must find it
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)  # valid as long as the session: steps queue offline for hours
    init_babel(app)
    init_times(app)
    app.register_blueprint(portal)
    app.register_blueprint(console)
    app.after_request(page_headers)
