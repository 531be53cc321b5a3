"""The events of a commitment (tindak lanjut): each makes an item of the feed."""

from __future__ import annotations

from domain.commitment import Commitment
from projections.registry.entry import IN_FEED, Entry


def _spent(d: dict[str, object], word: str) -> str:
    """The money a report says was spent, as the decimal it was typed (nothing when it gave none)."""
    spent = d.get("spent")
    return "" if spent is None else f", {word} Rp {spent}"


ENTRIES = (
    Entry(
        Commitment.Made,
        id=lambda d, who: f"Tindak lanjut dicatat: {d.get('description', '')}",
        en=lambda d, who: f"Follow-up committed: {d.get('description', '')}",
        published=IN_FEED,
    ),
    Entry(
        Commitment.ProgressReported,
        id=lambda d, who: f"Laporan kemajuan {d.get('percent', 0)}%" + _spent(d, "dibelanjakan"),
        en=lambda d, who: f"Progress report {d.get('percent', 0)}%" + _spent(d, "spent"),
        published=IN_FEED,
    ),
    Entry(
        Commitment.EvidenceAttached,
        id=lambda d, who: f"Bukti kemajuan dilampirkan: {d.get('name', '')}",
        en=lambda d, who: f"Evidence of progress attached: {d.get('name', '')}",
    ),
)
