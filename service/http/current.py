"""The Mufakat of this worker process, as the web layer reaches it (like Flask's `current_app`)."""

from __future__ import annotations

from flask import current_app

from service.app.application import Mufakat


def current_mufakat() -> Mufakat:
    """The application of this worker process, opened on first use (never before gunicorn forks)."""
    app = current_app
    existing = app.extensions.get("mufakat")
    if existing is not None:
        return existing  # type: ignore[no-any-return]
    with app.extensions["mufakat_lock"]:
        if "mufakat" not in app.extensions:
            app.extensions["mufakat"] = Mufakat(env=app.config["MUFAKAT_LEDGER_ENV"])
        return app.extensions["mufakat"]  # type: ignore[no-any-return]
