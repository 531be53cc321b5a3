"""The API's problems in the caller's language: English, or Bahasa Indonesia by `Accept-Language`.

Translations come from the Babel message catalogue `api` under `service/http/translations/`
(compiled `.mo` beside its `.po`), apart from the web pages' own catalogue and language choice:
the API answers English unless `Accept-Language` asks for Indonesian, whatever the pages
remember in their cookie. A message is looked up as it is; a message built from a template
(`only 3 of 20 invited attend; ...`) is matched against the catalogue's templates, whose `{name}`
parts are translated in turn and put back into the translated template. The problem's `code` is
never translated: clients branch on it in every language.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel.support import NullTranslations, Translations
from flask import has_request_context, request

TRANSLATIONS = Path(__file__).parent / "translations"
CATALOGUE = "api"
#: English first: the default when `Accept-Language` names neither.
LANGUAGES = ("en", "id")


def language() -> str:
    """The language of this request's problems, by `Accept-Language` (English when none is offered)."""
    if not has_request_context():
        return "en"
    return request.accept_languages.best_match(LANGUAGES, default="en") or "en"


@lru_cache(maxsize=len(LANGUAGES))
def catalogue(lang: str) -> NullTranslations:
    """The compiled catalogue of a language (nothing translated for English)."""
    if lang == "en":
        return NullTranslations()
    return Translations.load(str(TRANSLATIONS), [lang], CATALOGUE)


@lru_cache(maxsize=len(LANGUAGES))
def _templates(lang: str) -> list[tuple[str, re.Pattern[str]]]:
    """The catalogue's templates (messages with `{name}` parts), each with the pattern of what it builds."""
    messages: dict[Any, Any] = getattr(catalogue(lang), "_catalog", {})
    compiled = []
    for template in sorted((m for m in messages if isinstance(m, str) and "{" in m), key=len, reverse=True):
        pattern = re.sub(r"\\\{(\w+)\\\}", lambda m: f"(?P<{m.group(1)}>.*?)", re.escape(template))
        compiled.append((template, re.compile(pattern, re.S)))
    return compiled


def translate(text: str, lang: str) -> str:
    """A message in `lang`: as it is in the catalogue, or through the template it was built from."""
    if lang == "en" or not text:
        return text
    messages = catalogue(lang)
    translated = messages.gettext(text)
    if translated != text:
        return translated
    for template, pattern in _templates(lang):
        found = pattern.fullmatch(text)
        if found:
            parts = {name: translate(value, lang) for name, value in found.groupdict().items()}
            return messages.gettext(template).format(**parts)
    return text


def translate_messages(messages: Any, lang: str) -> Any:
    """Per-field validation messages (lists and dicts of them, nested) in `lang`."""
    if isinstance(messages, str):
        return translate(messages, lang)
    if isinstance(messages, list):
        return [translate_messages(m, lang) for m in messages]
    if isinstance(messages, dict):
        return {key: translate_messages(value, lang) for key, value in messages.items()}
    return messages


def localized_problem(body: dict[str, Any]) -> dict[str, Any]:
    """A problem's title, detail and per-field messages in the request's language; `code` stays as it is."""
    lang = language()
    if lang == "en":
        return body
    translated = dict(body)
    for name in ("title", "detail"):
        if isinstance(translated.get(name), str):
            translated[name] = translate(translated[name], lang)
    if "errors" in translated:
        translated["errors"] = translate_messages(translated["errors"], lang)
    return translated
