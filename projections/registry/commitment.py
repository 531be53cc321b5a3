"""The events of a commitment (tindak lanjut): each makes an item of the feed."""

from __future__ import annotations

from domain.commitment import Commitment
from projections.registry.entry import IN_FEED, Entry


def _spent(d: dict[str, object], word: str) -> str:
    """The money a report says was spent, as the decimal it was typed (nothing when it gave none)."""
    spent = d.get("spent")
    return "" if spent is None else f", {word} Rp {spent}"


def _partner(d: dict[str, object], word: str) -> str:
    """The partner that owns a commitment or a risk, by its name (nothing when a role owns it)."""
    return f" ({word} {d.get('owner', '')})" if d.get("owner_partner_id") else ""


#: A risk's likelihood and impact, and where it stands, in Bahasa Indonesia.
LEVELS_ID = {"low": "rendah", "medium": "sedang", "high": "tinggi"}
STATUSES_ID = {"open": "terbuka", "mitigated": "dimitigasi", "occurred": "terjadi", "closed": "ditutup"}

ENTRIES = (
    Entry(
        Commitment.Made,
        id=lambda d, who: f"Tindak lanjut dicatat: {d.get('description', '')}" + _partner(d, "oleh mitra"),
        en=lambda d, who: f"Follow-up committed: {d.get('description', '')}" + _partner(d, "by partner"),
        published=IN_FEED,
    ),
    Entry(
        Commitment.RiskIdentified,
        id=lambda d, who: (
            f"Risiko dicatat (kemungkinan {LEVELS_ID.get(str(d.get('likelihood')), '')}, "
            f"dampak {LEVELS_ID.get(str(d.get('impact')), '')}): {d.get('description', '')}" + _partner(d, "mitra")
        ),
        en=lambda d, who: (
            f"Risk identified (likelihood {d.get('likelihood', '')}, impact {d.get('impact', '')}): "
            f"{d.get('description', '')}" + _partner(d, "owned by partner")
        ),
    ),
    Entry(
        Commitment.RiskReviewed,
        id=lambda d, who: f"Risiko ditinjau: {STATUSES_ID.get(str(d.get('status')), '')}",
        en=lambda d, who: f"Risk reviewed: {d.get('status', '')}",
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
