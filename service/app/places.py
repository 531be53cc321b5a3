"""Finding a village by name or code: what a resident types into the portal's search (`GET /?q=`).

A process names its place twice: a BPS / Kemendagri region code (`33.02.10.2001`:
province, kabupaten, kecamatan, desa) and the name the facilitator wrote
(`Desa Sukamaju, Kecamatan Sumbang, Kabupaten Banyumas`). A search matches a
place when every word typed is in that name (letter case, accents and
punctuation aside, so `sukamaju banyumas` finds it), or when it is the start of
the code, with or without dots (`33.02`, `3302`). Words of the administrative
levels (desa, kecamatan, kab., ...) are not needed: `Kabupaten Banyumas` and
`Banyumas` find the same places.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

#: A query longer than this is cut: no place name is that long, and the work stays small.
MAX_QUERY_CHARACTERS = 100
#: Words naming an administrative level, which a search does not need to contain.
LEVEL_WORDS = frozenset(
    {"desa", "kelurahan", "kel", "dusun", "kecamatan", "kec", "kabupaten", "kab", "kota", "provinsi", "prov"}
)
_CODE = re.compile(r"^\d[\d.]*$")


class Placed(Protocol):
    """Anything with a region: a process."""

    @property
    def region_code(self) -> str: ...

    @property
    def region_name(self) -> str: ...


P = TypeVar("P", bound=Placed)


def words_of(text: str) -> list[str]:
    """The words of a text as a search compares them: lower case, without accents, split at anything not a letter
    or digit."""
    plain = unicodedata.normalize("NFKD", text[: MAX_QUERY_CHARACTERS * 4]).encode("ascii", "ignore").decode("ascii")
    return [word for word in re.split(r"[^0-9a-z]+", plain.casefold()) if word]


@dataclass(frozen=True)
class PlaceQuery:
    """What a reader searched for: words of a name, or the start of a region code."""

    text: str
    words: tuple[str, ...]
    code_digits: str

    @classmethod
    def parse(cls, text: str) -> PlaceQuery:
        """The query as typed (cut to `MAX_QUERY_CHARACTERS`); an empty one matches every place."""
        text = text.strip()[:MAX_QUERY_CHARACTERS]
        code_digits = text.replace(".", "") if _CODE.match(text) else ""
        words = tuple(word for word in words_of(text) if word not in LEVEL_WORDS)
        return cls(text, words, code_digits)

    @property
    def is_empty(self) -> bool:
        """Whether nothing was asked."""
        return not self.text

    def matches(self, region_code: str, region_name: str) -> bool:
        """Whether a place with this code and name is what was asked for (text with no word in it matches none)."""
        if self.is_empty:
            return True
        if self.code_digits:
            return region_code.replace(".", "").startswith(self.code_digits)
        if not self.words:
            return False
        named = words_of(region_name)
        return all(any(word == found or found.startswith(word) for found in named) for word in self.words)


def matching(query: PlaceQuery, placed: Iterable[P]) -> list[P]:
    """The places (processes) that match, in the order given."""
    return [found for found in placed if query.matches(found.region_code, found.region_name)]


@dataclass(frozen=True)
class Region:
    """One place and its processes, as the portal lists them under one heading."""

    code: str
    name: str
    processes: tuple[Placed, ...]


def by_region(placed: Sequence[P]) -> list[Region]:
    """Processes grouped by their place (code and name), in order of code, each group in the order given."""
    groups: dict[tuple[str, str], list[P]] = {}
    for found in placed:
        groups.setdefault((found.region_code, found.region_name), []).append(found)
    return [Region(code, name, tuple(found)) for (code, name), found in sorted(groups.items())]
