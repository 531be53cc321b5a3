"""The pages' message catalogue: every visible string has its Indonesian words, and the compiled .mo is the .po."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

WEB = Path(__file__).resolve().parents[2] / "service" / "http" / "web"
CATALOGUE = WEB / "translations" / "id" / "LC_MESSAGES"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _messages_in_sources() -> set[str]:
    method_map = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
    found = set()
    for _, _, message, _, _ in extract_from_dir(str(WEB), method_map, keywords=KEYWORDS):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_string_of_the_pages_has_an_indonesian_translation_with_the_same_placeholders() -> None:
    with (CATALOGUE / "messages.po").open("rb") as handle:
        catalogue = read_po(handle)
    sources = _messages_in_sources()
    assert len(sources) > 200
    missing = sorted(m for m in sources if not (catalogue.get(m) and catalogue.get(m).string))
    assert missing == []
    for message in sources:
        translated = catalogue.get(message).string
        assert set(PLACEHOLDER.findall(translated)) == set(PLACEHOLDER.findall(message)), message


def test_the_compiled_catalogue_says_exactly_what_the_po_file_says() -> None:
    with (CATALOGUE / "messages.po").open("rb") as handle:
        written = {m.id: m.string for m in read_po(handle) if m.id}
    with (CATALOGUE / "messages.mo").open("rb") as handle:
        compiled = {m.id: m.string for m in read_mo(handle) if m.id}
    assert compiled == written
