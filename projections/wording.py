"""The sentences people read about each step, in Bahasa Indonesia (default) or English.

A participant is named only by their group ("peserta kelompok perempuan"),
never by name. Words follow the glossary (docs: GLOSSARY.md).
"""

from __future__ import annotations

from typing import Any

LANGUAGES = ("id", "en")
DEFAULT_LANGUAGE = "id"

GROUPS = {
    "id": {
        "resident": "warga",
        "women": "perempuan",
        "youth": "pemuda",
        "elderly": "lansia",
        "disability": "penyandang disabilitas",
        "indigenous": "masyarakat adat",
        "vulnerable": "rentan",
        "government": "pemerintah desa",
        "ngo": "LSM",
        "private": "sektor swasta",
        "academic": "akademisi",
        "donor": "lembaga donor",
        "other": "lainnya",
    },
    "en": {
        "resident": "residents",
        "women": "women",
        "youth": "youth",
        "elderly": "elderly",
        "disability": "persons with disabilities",
        "indigenous": "indigenous community",
        "vulnerable": "vulnerable households",
        "government": "village government",
        "ngo": "NGO",
        "private": "private sector",
        "academic": "academia",
        "donor": "donor",
        "other": "other",
    },
}

_WORDS: dict[str, dict[str, str]] = {
    "id": {
        "support": "Dukungan",
        "concern": "Kekhawatiran",
        "question": "Pertanyaan",
        "information": "Informasi",
        "addressed": "ditanggapi",
        "withdrawn": "dicabut",
        "overruled": "dikesampingkan",
        "agree": "setuju",
        "abstain": "abstain",
        "disagree": "tidak setuju",
        "block": "menolak (blok)",
        "yes": "setuju",
        "no": "tidak setuju",
        "reached": "mufakat tercapai",
        "not_reached": "mufakat tidak tercapai",
        "passed": "usulan diterima",
        "failed": "usulan tidak diterima",
        "adopted": "disepakati",
        "rejected": "ditolak",
        "deferred": "ditunda",
        "consensus": "melalui mufakat",
        "vote": "melalui pemungutan suara",
        "none": "diputuskan tanpa mufakat atau pemungutan suara",
    },
    "en": {
        "support": "Support",
        "concern": "A concern",
        "question": "A question",
        "information": "Information",
        "addressed": "addressed",
        "withdrawn": "withdrawn",
        "overruled": "overruled",
        "agree": "agree",
        "abstain": "abstain",
        "disagree": "disagree",
        "block": "block",
        "yes": "yes",
        "no": "no",
        "reached": "consensus reached",
        "not_reached": "consensus not reached",
        "passed": "passed",
        "failed": "failed",
        "adopted": "adopted",
        "rejected": "rejected",
        "deferred": "deferred",
        "consensus": "by consensus",
        "vote": "by vote",
        "none": "decided without consensus or vote",
    },
}


def group_name(group: str, language: str) -> str:
    """A group as readers call it."""
    return GROUPS[language].get(group, group)


def who(group: str | None, language: str) -> str:
    """A participant as a sentence names them: by their group, never by name."""
    name = group_name(group or "other", language)
    return f"peserta kelompok {name}" if language == "id" else f"a participant from the {name} group"


def someone(language: str) -> str:
    """A participant as a sentence names them to outsiders when their group is too small to name."""
    return "seorang peserta" if language == "id" else "a participant"


def word(value: object, language: str, default: str | None = None) -> str:
    """A value of an event (`block`, `adopted`, ...) in the reader's words."""
    text = str(value)
    return _WORDS[language].get(text, text if default is None else default)


def capital(text: str) -> str:
    """The sentence's first letter in capitals."""
    return text[:1].upper() + text[1:]


def tally(counts: dict[str, Any] | None, keys: tuple[str, ...], language: str) -> str:
    """The counts of a closed check or vote, in brackets (nothing without counts)."""
    if not counts:
        return ""
    return " (" + ", ".join(f"{word(key, language)} {counts.get(key, 0)}" for key in keys) + ")"


def verdict(outcome: object, method: object, language: str) -> str:
    """How a proposal was decided (`disepakati melalui mufakat`; `ditolak, diputuskan tanpa mufakat atau
    pemungutan suara`): a decision without either says so, never reads as if the room had agreed."""
    separator = ", " if method == "none" else " "
    return separator.join(part for part in (word(outcome, language, ""), word(method, language, "")) if part)
