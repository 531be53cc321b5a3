"""The reader's language: Bahasa Indonesia unless `Accept-Language` prefers English."""

from __future__ import annotations

from flask import request

from projections.wording import DEFAULT_LANGUAGE, LANGUAGES


def reader_language() -> str:
    """Bahasa Indonesia unless the reader prefers English (`Accept-Language`)."""
    return request.accept_languages.best_match(LANGUAGES, default=DEFAULT_LANGUAGE) or DEFAULT_LANGUAGE


def worded_in(language: str) -> dict[str, str]:
    """The headers of an answer whose sentences depend on `Accept-Language`."""
    return {"Content-Language": language, "Vary": "Accept-Language, Authorization"}
