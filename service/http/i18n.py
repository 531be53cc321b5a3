"""The API's problems in the caller's language: English, or Bahasa Indonesia by `Accept-Language`.

Translations come from the message catalogue `api` under `service/http/translations/` (Flask-Babel,
compiled `.mo` beside its `.po`). A message is looked up as it is; a message built from a template
(`only 3 of 20 invited attend; ...`) is matched against the catalogue's templates, whose `{name}`
parts are translated in turn and put back into the translated template. The problem's `code` is never
translated: clients branch on it in every language.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel.support import Translations
from flask import Flask, has_request_context, request
from flask_babel import Babel, Domain, get_locale

TRANSLATIONS = Path(__file__).parent / "translations"
CATALOGUE = "api"
LANGUAGES = ("en", "id")

api_messages = Domain(translation_directories=str(TRANSLATIONS), domain=CATALOGUE)


def requested_language() -> str:
    """The language the caller asked for by `Accept-Language` (English when none is offered)."""
    if not has_request_context():
        return "en"
    return request.accept_languages.best_match(LANGUAGES, default="en") or "en"


def init_i18n(app: Flask) -> None:
    """Lets Flask-Babel choose the language of each request by `Accept-Language` (unless already set up)."""
    if "babel" not in app.extensions:
        Babel(app, locale_selector=requested_language)


def language() -> str:
    """The language of this request's answers."""
    if not has_request_context():
        return "en"
    locale = get_locale()
    return locale.language if locale is not None else "en"


@lru_cache(maxsize=len(LANGUAGES))
def _templates(lang: str) -> list[tuple[str, re.Pattern[str]]]:
    """The catalogue's templates (messages with `{name}` parts), each with the pattern of what it builds."""
    catalogue: dict[Any, Any] = getattr(Translations.load(str(TRANSLATIONS), [lang], CATALOGUE), "_catalog", {})
    templates = [msgid for msgid in catalogue if isinstance(msgid, str) and "{" in msgid]
    compiled = []
    for template in sorted(templates, key=len, reverse=True):
        pattern = re.escape(template)
        pattern = re.sub(r"\\\{(\w+)\\\}", lambda m: f"(?P<{m.group(1)}>.+?)", pattern)
        compiled.append((template, re.compile(pattern, re.S)))
    return compiled


def translate(text: str) -> str:
    """A message in the request's language: as it is, or through the template it was built from."""
    lang = language()
    if lang == "en" or not text:
        return text
    translated = api_messages.gettext(text)
    if translated != text:
        return translated
    for template, pattern in _templates(lang):
        found = pattern.fullmatch(text)
        if found:
            parts = {name: translate(value) for name, value in found.groupdict().items()}
            return api_messages.gettext(template).format(**parts)
    return text


def translate_messages(messages: Any) -> Any:
    """Per-field validation messages (lists and dicts of them, nested) in the request's language."""
    if isinstance(messages, str):
        return translate(messages)
    if isinstance(messages, list):
        return [translate_messages(m) for m in messages]
    if isinstance(messages, dict):
        return {key: translate_messages(value) for key, value in messages.items()}
    return messages


def localized_problem(body: dict[str, Any]) -> dict[str, Any]:
    """A problem's title, detail and per-field messages in the request's language; `code` stays as it is."""
    if language() == "en":
        return body
    translated = dict(body)
    for name in ("title", "detail"):
        if isinstance(translated.get(name), str):
            translated[name] = translate(translated[name])
    if "errors" in translated:
        translated["errors"] = translate_messages(translated["errors"])
    return translated
