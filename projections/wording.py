"""The sentences people read about each step, in Bahasa Indonesia (default) or English.

A participant is named only by their group ("peserta kelompok perempuan"),
never by name. Words follow the glossary (docs: GLOSSARY.md).
"""

from __future__ import annotations

from collections.abc import Callable
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
        "none": "",
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
        "none": "",
    },
}


def group_name(group: str, language: str) -> str:
    """A group as readers call it."""
    return GROUPS[language].get(group, group)


def _participant(context: dict[str, Any], language: str) -> str:
    group = group_name(str(context.get("group", "other")), language)
    return f"peserta kelompok {group}" if language == "id" else f"a participant from the {group} group"


def _tally(tally: dict[str, Any] | None, keys: tuple[str, ...], language: str) -> str:
    if not tally:
        return ""
    words = _WORDS[language]
    return " (" + ", ".join(f"{words[key]} {tally.get(key, 0)}" for key in keys) + ")"


def _id(kind: str, data: dict[str, Any], context: dict[str, Any]) -> str:
    who = _participant(context, "id")
    w = _WORDS["id"]
    sentences: dict[str, Callable[[], str]] = {
        "Submitted": lambda: f"Usulan \u201c{data.get('title', '')}\u201d diajukan oleh {who}",
        "Contributed": lambda: f"{w.get(str(data.get('kind')), 'Masukan')} disampaikan oleh {who}",
        "Amended": lambda: f"Teks usulan diubah atas usulan {who}",
        "ObjectionRaised": lambda: (
            f"Keberatan mendasar diajukan oleh {who}" if data.get("blocking") else f"Keberatan diajukan oleh {who}"
        ),
        "ObjectionResolved": lambda: f"Keberatan {w.get(str(data.get('outcome')), str(data.get('outcome')))}",
        "ConsensusCheckOpened": lambda: "Pengecekan mufakat dibuka",
        "StanceTaken": lambda: (
            f"{who[0].upper()}{who[1:]} menyatakan sikap {w.get(str(data.get('stance')), str(data.get('stance')))}"
        ),
        "ConsensusCheckClosed": lambda: (
            f"Pengecekan mufakat ditutup: {w.get(str(data.get('result')), '')}"
            + _tally(data.get("tally"), ("agree", "abstain", "disagree", "block"), "id")
        ),
        "VoteOpened": lambda: "Pemungutan suara dibuka",
        "BallotCast": lambda: f"{who[0].upper()}{who[1:]} memberikan suara",
        "VoteClosed": lambda: (
            f"Pemungutan suara ditutup: {w.get(str(data.get('result')), '')}"
            + _tally(data.get("tally"), ("yes", "no", "abstain"), "id")
        ),
        "Decided": lambda: " ".join(
            part for part in ("Usulan", w.get(str(data.get("outcome")), ""), w.get(str(data.get("method")), "")) if part
        ),
    }
    return sentences.get(kind, lambda: f"Langkah {kind} dicatat")()


def _en(kind: str, data: dict[str, Any], context: dict[str, Any]) -> str:
    who = _participant(context, "en")
    w = _WORDS["en"]
    sentences: dict[str, Callable[[], str]] = {
        "Submitted": lambda: f"Proposal \u201c{data.get('title', '')}\u201d submitted by {who}",
        "Contributed": lambda: f"{w.get(str(data.get('kind')), 'A contribution')} given by {who}",
        "Amended": lambda: f"Proposal text amended at the request of {who}",
        "ObjectionRaised": lambda: (
            f"Blocking objection raised by {who}" if data.get("blocking") else f"Objection raised by {who}"
        ),
        "ObjectionResolved": lambda: f"Objection {w.get(str(data.get('outcome')), str(data.get('outcome')))}",
        "ConsensusCheckOpened": lambda: "Consensus check opened",
        "StanceTaken": lambda: (
            f"{who[0].upper()}{who[1:]} took the stance: {w.get(str(data.get('stance')), str(data.get('stance')))}"
        ),
        "ConsensusCheckClosed": lambda: (
            f"Consensus check closed: {w.get(str(data.get('result')), '')}"
            + _tally(data.get("tally"), ("agree", "abstain", "disagree", "block"), "en")
        ),
        "VoteOpened": lambda: "Vote opened",
        "BallotCast": lambda: f"{who[0].upper()}{who[1:]} cast a ballot",
        "VoteClosed": lambda: (
            f"Vote closed: {w.get(str(data.get('result')), '')}"
            + _tally(data.get("tally"), ("yes", "no", "abstain"), "en")
        ),
        "Decided": lambda: " ".join(
            part
            for part in ("Proposal", w.get(str(data.get("outcome")), ""), w.get(str(data.get("method")), ""))
            if part
        ),
    }
    return sentences.get(kind, lambda: f"Step {kind} recorded")()


def step_summary(kind: str, data: dict[str, Any], context: dict[str, Any], language: str = DEFAULT_LANGUAGE) -> str:
    """One sentence saying what a step of a proposal's history did."""
    return _en(kind, data, context) if language == "en" else _id(kind, data, context)


def feed_title(item: dict[str, Any], language: str = DEFAULT_LANGUAGE) -> str:
    """The headline of a feed item (Atom entry title, CSV column)."""
    kind = item.get("kind")
    w = _WORDS[language]
    proposal = (item.get("proposal") or {}).get("title", "")
    if kind == "decision":
        decision = item.get("decision") or {}
        verdict = " ".join(
            part for part in (w.get(decision.get("outcome", ""), ""), w.get(decision.get("method", ""), "")) if part
        )
        return f"{proposal}: {verdict}"
    if kind == "commitment":
        commitment = item.get("commitment") or {}
        prefix = "Tindak lanjut dicatat" if language == "id" else "Follow-up committed"
        return f"{prefix}: {commitment.get('description', '')} ({proposal})"
    if kind == "progress":
        progress = item.get("progress") or {}
        prefix = "Laporan kemajuan" if language == "id" else "Progress report"
        return f"{prefix} {progress.get('percent', 0)}%: {proposal}"
    if kind == "checkpoint":
        checkpoint = item.get("checkpoint") or {}
        if language == "id":
            return f"Titik periksa log audit disegel pada posisi {checkpoint.get('position')}"
        return f"Audit log checkpoint sealed at position {checkpoint.get('position')}"
    return str(kind)
