"""The docs page's assets, served from the installed `swagger_ui_bundle` package (no CDN).

flask-smorest renders the page at `/api/v1/docs`; its scripts and styles come
from here, so the page works on a laptop with no internet in a village hall.
This module defines no `blp`: these routes are not part of the API document.
"""

from __future__ import annotations

from flask import Flask, Response, send_from_directory
from swagger_ui_bundle import swagger_ui_path

SWAGGER_UI_ASSETS_URL = "/api/v1/docs/static/"


def swagger_ui_asset(filename: str) -> Response:
    """One file of Swagger UI, from the package's vendored build."""
    return send_from_directory(swagger_ui_path, filename, max_age=86400)


def register_docs_assets(app: Flask) -> None:
    """Adds the route of the docs page's assets."""
    app.add_url_rule(f"{SWAGGER_UI_ASSETS_URL}<path:filename>", "swagger_ui_asset", swagger_ui_asset)
