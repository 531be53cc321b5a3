"""The steps of a partner (mitra): worded in Bahasa Indonesia and English. Partners are organisations, public by
design: their names and contributions name no person."""

from __future__ import annotations

from domain.partner import Partner
from projections.registry.entry import Entry

_KIND = {"cash": ("dana", "cash"), "in_kind": ("barang", "in kind"), "technical": ("bantuan teknis", "technical")}


def _kind(kind: object, language: int) -> str:
    return _KIND.get(str(kind), (str(kind), str(kind)))[language]


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
)
