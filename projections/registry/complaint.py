"""The steps of a complaint (pengaduan): worded in Bahasa Indonesia and English.

Neither wording quotes the complaint's text, its response or the complainant's contact: outsiders see only counts
by status (`GET /processes/{id}`), and the complainant follows their own complaint by its tracking code.
"""

from __future__ import annotations

from domain.complaint import Complaint
from projections.registry.entry import Entry

_STATUS = {
    "received": ("diterima", "received"),
    "in_review": ("sedang ditelaah", "in review"),
    "responded": ("dijawab", "responded"),
    "resolved": ("selesai", "resolved"),
    "rejected": ("ditolak", "rejected"),
    "escalated": ("diteruskan ke pihak lain", "escalated"),
}


def _status(status: object, language: int) -> str:
    return _STATUS.get(str(status), (str(status), str(status)))[language]


ENTRIES = (
    Entry(
        Complaint.Filed,
        id=lambda d, who: "Pengaduan diterima",
        en=lambda d, who: "Complaint received",
    ),
    Entry(
        Complaint.Responded,
        id=lambda d, who: f"Pengaduan ditanggapi oleh {who}: {_status(d.get('status'), 0)}",
        en=lambda d, who: f"Complaint answered by {who}: {_status(d.get('status'), 1)}",
    ),
    Entry(
        Complaint.Redacted,
        id=lambda d, who: f"Kata-kata pengaduan pada langkah {d.get('version', '')} disunting: {d.get('reason', '')}",
        en=lambda d, who: f"Words of the complaint at step {d.get('version', '')} redacted: {d.get('reason', '')}",
    ),
    Entry(
        Complaint.ContactForgotten,
        id=lambda d, who: "Kontak pengadu dihapus untuk selamanya",
        en=lambda d, who: "The complainant's contact forgotten for good",
    ),
)
