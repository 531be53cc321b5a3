"""The Mufakat of this worker process and its settings, as the web layer reaches them (like Flask's `current_app`)."""

from __future__ import annotations

from flask import current_app

from service.app.application import Mufakat
from service.settings import Settings

#: Where `create_app` keeps the settings it was built with.
SETTINGS_EXTENSION = "mufakat_settings"


def current_settings() -> Settings:
    """The settings the app was created with (the environment, overridden by its config)."""
    return current_app.extensions[SETTINGS_EXTENSION]  # type: ignore[no-any-return]


def current_mufakat() -> Mufakat:
    """The application of this worker process, opened on first use (never before gunicorn forks)."""
    app = current_app
    existing = app.extensions.get("mufakat")
    if existing is not None:
        return existing  # type: ignore[no-any-return]
    with app.extensions["mufakat_lock"]:
        if "mufakat" not in app.extensions:
            app.extensions["mufakat"] = Mufakat(
                env=app.config["MUFAKAT_LEDGER_ENV"], settings=app.extensions[SETTINGS_EXTENSION]
            )
        return app.extensions["mufakat"]  # type: ignore[no-any-return]
