"""The steps of a dispute (pengelolaan konflik): worded in Bahasa Indonesia and English.

A dispute's parties are groups, partners and organisations, never a person, so no field names a participant. The
sentences say what happened and never quote a summary, an issue or an agreement: a dispute about a proposal shows
its steps in that proposal's history (`service.app.queries.decision_history`) worded so that no one is named, and
only where the reader may read the dispute.
"""

from __future__ import annotations

from domain.dispute import Dispute
from projections.registry.entry import Entry

#: To whom a dispute is taken, as a person reads it.
ESCALATION_WORDS = {
    "bpd": ("BPD (Badan Permusyawaratan Desa)", "the BPD (village consultative body)"),
    "camat": ("camat", "the camat (sub-district head)"),
    "police": ("kepolisian", "the police"),
    "court": ("pengadilan", "a court"),
}
#: A corrected text, as a person reads it.
FIELD_WORDS = {
    "title": ("judul", "title"),
    "summary": ("ringkasan sesi mediasi", "mediation session summary"),
    "agreement": ("teks kesepakatan", "agreement text"),
    "escalation_reason": ("alasan eskalasi", "escalation reason"),
    "drop_reason": ("alasan penghentian", "reason for dropping"),
}


def _to(body: object, language: int) -> str:
    return ESCALATION_WORDS.get(str(body), (str(body), str(body)))[language]


def _field(field: object, language: int) -> str:
    return FIELD_WORDS.get(str(field), (str(field), str(field)))[language]


ENTRIES = (
    Entry(
        Dispute.Opened,
        id=lambda d, who: f"Konflik dicatat antara {len(d.get('parties') or [])} pihak",
        en=lambda d, who: f"Dispute recorded between {len(d.get('parties') or [])} parties",
    ),
    Entry(
        Dispute.SessionHeld,
        id=lambda d, who: "Sesi mediasi konflik diadakan dalam pertemuan",
        en=lambda d, who: "Mediation session of the dispute held in a meeting",
    ),
    Entry(
        Dispute.IssueRecorded,
        id=lambda d, who: "Pokok masalah konflik dan kepentingan para pihak dicatat",
        en=lambda d, who: "An issue at stake and the parties' interests recorded",
    ),
    Entry(
        Dispute.OptionConsidered,
        id=lambda d, who: "Pilihan penyelesaian konflik dipertimbangkan",
        en=lambda d, who: "An option to settle the dispute considered",
    ),
    Entry(
        Dispute.Agreed,
        id=lambda d, who: f"Kesepakatan konflik ditandatangani oleh {len(d.get('signatory_roles') or [])} pihak",
        en=lambda d, who: f"Dispute agreement signed by {len(d.get('signatory_roles') or [])} signatories",
    ),
    Entry(
        Dispute.Escalated,
        id=lambda d, who: f"Konflik dibawa ke {_to(d.get('to'), 0)}",
        en=lambda d, who: f"Dispute taken to {_to(d.get('to'), 1)}",
    ),
    Entry(
        Dispute.Dropped,
        id=lambda d, who: "Penanganan konflik dihentikan",
        en=lambda d, who: "Dispute dropped",
    ),
    Entry(
        Dispute.Corrected,
        id=lambda d, who: f"Ralat {_field(d.get('field'), 0)} konflik dicatat",
        en=lambda d, who: f"Erratum of the dispute's {_field(d.get('field'), 1)} recorded",
    ),
    Entry(
        Dispute.SummaryRedacted,
        id=lambda d, who: "Ringkasan sesi mediasi konflik disunting",
        en=lambda d, who: "A mediation session's summary redacted",
    ),
    Entry(
        Dispute.AgreementSealed,
        id=lambda d, who: (
            f"Kesepakatan konflik disegel sebagai dokumen bertanda tangan (versi {d.get('sealed_version')})"
        ),
        en=lambda d, who: f"Dispute agreement sealed as a signed document (version {d.get('sealed_version')})",
    ),
)
