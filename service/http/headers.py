"""Response headers that keep answers where they belong: out of shared caches, unsniffed, scripts pinned.

- Every answer: `X-Content-Type-Options: nosniff` (a JSON answer quoting a
  typed title is never run as HTML or script).
- Every answer to a request that carried `Authorization` (anything a token
  may see: participants, personal data, restricted processes):
  `Cache-Control: no-store`, so no proxy, browser or CDN keeps it. Every API
  answer says `Vary: Authorization`, so a cache never serves a token's answer
  to someone else; the anonymous public feed stays cacheable.
- HTML pages (the API docs at `/api/v1/docs`): a Content-Security-Policy that
  allows scripts from this origin and the page's own inline scripts by their
  hash, nothing from elsewhere, and no framing.
"""

from __future__ import annotations

import base64
import hashlib
import re

from flask import Flask, Response, request

NO_STORE = "no-store"
_INLINE_SCRIPT = re.compile(rb"<script>(.*?)</script>", re.DOTALL)


def content_security_policy(page: bytes) -> str:
    """The policy of one HTML page: its own inline scripts allowed by their SHA-256, nothing else inline."""
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(script).digest()).decode("ascii") + "'"
        for script in _INLINE_SCRIPT.findall(page)
    )
    return (
        f"default-src 'none'; script-src 'self' {hashes}".rstrip()
        + "; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self'; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )


def _add_vary(response: Response, header: str) -> None:
    if "Vary" not in response.headers:
        response.headers["Vary"] = header
        return
    present = {value.strip().lower() for value in response.headers.get("Vary", "").split(",") if value.strip()}
    if header.lower() not in present:
        response.vary.add(header)


def _has_policy(response: Response) -> bool:
    return "Content-Security-Policy" in response.headers


def secure_headers(response: Response) -> Response:
    """Adds the headers of this module to one answer (an `after_request` hook)."""
    headers = response.headers
    headers["X-Content-Type-Options"] = "nosniff"
    if request.path.startswith("/api/"):
        _add_vary(response, "Authorization")
    if "HTTP_AUTHORIZATION" in request.environ:  # `Authorization` present (read without parsing the headers)
        headers["Cache-Control"] = NO_STORE
        if "Expires" in headers:
            del headers["Expires"]
    # The portal and console set their own, stricter policy (no inline script or style at all).
    if response.mimetype == "text/html" and not response.direct_passthrough and not _has_policy(response):
        response.headers["Content-Security-Policy"] = content_security_policy(response.get_data())
        response.headers.setdefault("Referrer-Policy", "no-referrer")
    return response


def init_app(app: Flask) -> None:
    """Registers the headers on every answer of the app: by the one after-request hook of
    `service.http.observability` when the app has it (one hook per answer, not two), else by their own."""
    if "mufakat_observability" not in app.extensions:
        app.after_request(secure_headers)
