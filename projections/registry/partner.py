"""The steps of a partner (mitra): worded in Bahasa Indonesia and English. Partners are organisations, public by
design: their names and contributions name no person."""

from __future__ import annotations

from domain.partner import Partner
from projections.registry.entry import Entry

_KIND = {"cash": ("dana", "cash"), "in_kind": ("barang", "in kind"), "technical": ("bantuan teknis", "technical")}


_OFFER = {
    "credit": ("kredit", "credit"),
    "market": ("akses pasar", "market access"),
    "information": ("informasi", "information"),
    "technology": ("teknologi", "technology"),
    "programme": ("program", "programme"),
    "grant": ("hibah", "grant"),
    "training": ("pelatihan", "training"),
}
_FINDING = {"need": ("kebutuhan", "need"), "potential": ("potensi", "potential")}


def _kind(kind: object, language: int) -> str:
    return _KIND.get(str(kind), (str(kind), str(kind)))[language]


def _offer(kind: object, language: int) -> str:
    return _OFFER.get(str(kind), (str(kind), str(kind)))[language]


def _answers(d: dict[str, object], language: int) -> str:
    found = d.get("answers") or []
    return "; ".join(
        f"{_FINDING.get(str(a.get('kind')), ('', ''))[language]} \u201c{a.get('title', '')}\u201d"
        for a in found  # type: ignore[attr-defined]
        if isinstance(a, dict)
    )


ENTRIES = (
    Entry(
        Partner.Registered,
        id=lambda d, who: f"Mitra {d.get('name')} dicatat oleh {who}",
        en=lambda d, who: f"Partner {d.get('name')} registered by {who}",
    ),
    Entry(
        Partner.ContributionRecorded,
        id=lambda d, who: f"Kontribusi mitra dicatat ({_kind(d.get('kind'), 0)})",
        en=lambda d, who: f"Partner contribution recorded ({_kind(d.get('kind'), 1)})",
    ),
    Entry(
        Partner.OfferMade,
        id=lambda d, who: (
            f"Mitra membuka akses sumber daya ({_offer(d.get('kind'), 0)}): \u201c{d.get('title', '')}\u201d"
            + (f", menjawab {_answers(d, 0)}" if d.get("answers") else "")
        ),
        en=lambda d, who: (
            f"Partner opens access to a resource ({_offer(d.get('kind'), 1)}): \u201c{d.get('title', '')}\u201d"
            + (f", answering {_answers(d, 1)}" if d.get("answers") else "")
        ),
    ),
    Entry(
        Partner.OfferLinked,
        id=lambda d, who: f"Tawaran mitra menjawab temuan kajian: {_answers(d, 0)}",
        en=lambda d, who: f"Partner offer answers assessment findings: {_answers(d, 1)}",
    ),
)
