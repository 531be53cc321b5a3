"""The steps of an assessment (kajian kebutuhan dan potensi): worded in Bahasa Indonesia and English.

An assessment names nobody (respondents are counts by group and gender; findings belong to the community), so no
field names a participant. Its steps are not part of a proposal's history nor of the feed: a proposal's history
names the findings it answers through `Proposal.FindingsLinked`.
"""

from __future__ import annotations

from domain.assessment import Assessment
from projections.registry.entry import Entry

#: A method of assessment as a person reads it.
METHOD_WORDS = {
    "survey": ("survei", "survey"),
    "interview": ("wawancara", "interview"),
    "fgd": ("diskusi kelompok terarah (FGD)", "focus group discussion (FGD)"),
    "observation": ("observasi lapangan", "field observation"),
    "mapping": ("pemetaan sosial", "social mapping"),
    "transect": ("penelusuran desa (transek)", "transect walk"),
    "seasonal_calendar": ("kalender musim", "seasonal calendar"),
    "other": ("cara lain", "another method"),
}
#: A kind of finding as a person reads it.
KIND_WORDS = {"need": ("Kebutuhan", "Need"), "potential": ("Potensi", "Potential")}


def _method(method: object, language: int) -> str:
    return METHOD_WORDS.get(str(method), (str(method), str(method)))[language]


def _kind(kind: object, language: int) -> str:
    return KIND_WORDS.get(str(kind), (str(kind), str(kind)))[language]


ENTRIES = (
    Entry(
        Assessment.Started,
        id=lambda d, who: f"Kajian \u201c{d.get('title', '')}\u201d dicatat ({_method(d.get('method'), 0)})",
        en=lambda d, who: f"Assessment \u201c{d.get('title', '')}\u201d recorded ({_method(d.get('method'), 1)})",
    ),
    Entry(
        Assessment.EvidenceAttached,
        id=lambda d, who: f"Bukti dilampirkan: {d.get('name', '')}",
        en=lambda d, who: f"Evidence attached: {d.get('name', '')}",
    ),
    Entry(
        Assessment.FindingRecorded,
        id=lambda d, who: f"{_kind(d.get('kind'), 0)} dicatat: {d.get('title', '')}",
        en=lambda d, who: f"{_kind(d.get('kind'), 1)} recorded: {d.get('title', '')}",
    ),
    Entry(
        Assessment.FindingCorrected,
        id=lambda d, who: f"Temuan diralat: {d.get('reason', '')}",
        en=lambda d, who: f"Finding corrected: {d.get('reason', '')}",
    ),
    Entry(
        Assessment.FindingWithdrawn,
        id=lambda d, who: f"Temuan dicabut: {d.get('reason', '')}",
        en=lambda d, who: f"Finding withdrawn: {d.get('reason', '')}",
    ),
    Entry(
        Assessment.Closed,
        id=lambda d, who: "Kajian ditutup",
        en=lambda d, who: "Assessment closed",
    ),
)
