"""The events of a commitment (tindak lanjut): each makes an item of the feed."""

from __future__ import annotations

from domain.commitment import Commitment
from projections.registry.entry import IN_FEED, Entry

ENTRIES = (
    Entry(
        Commitment.Made,
        id=lambda d, who: f"Tindak lanjut dicatat: {d.get('description', '')}",
        en=lambda d, who: f"Follow-up committed: {d.get('description', '')}",
        published=IN_FEED,
    ),
    Entry(
        Commitment.ProgressReported,
        id=lambda d, who: f"Laporan kemajuan {d.get('percent', 0)}%",
        en=lambda d, who: f"Progress report {d.get('percent', 0)}%",
        published=IN_FEED,
    ),
)
