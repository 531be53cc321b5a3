"""A dispute's agreement (kesepakatan perdamaian) as PDF bytes, laid out like the berita acara and with its fonts.

The same `AgreementDocument` and language always give byte-identical PDFs: the
creation date is the moment of the agreement, the file /ID comes from the
document's own id, and nothing reads a clock or a random source. What it holds
is what the agreement is: the dispute's title, its parties (groups, partners and
organisations, never a person), the agreed text, the commitments made for it, and
a signature block per role that signed. Never a mediation session's summary, an
issue or an option: those are the mediation's, not the agreement's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from fpdf.enums import XPos, YPos

from service.adapters.minutes_blocks import FAMILY, LINE, PageBlocks, fixed_file_id
from service.adapters.minutes_words import LANGUAGES, written_date

_FOOTER_TOP = 297 - 24.0

WORDS: dict[str, dict[str, str]] = {
    "id": {
        "title": "KESEPAKATAN PERDAMAIAN",
        "region_code": "Kode wilayah",
        "dispute": "Sengketa",
        "parties": "Para pihak",
        "agreed": "Pada {date} para pihak menyepakati hal berikut:",
        "commitments": "Tindak lanjut yang dibuat untuk kesepakatan ini",
        "closing": "Demikian kesepakatan ini dibuat dengan sebenarnya dan ditandatangani oleh para pihak.",
        "signed_on_paper": "ditandatangani pada salinan kertas",
        "footer": (
            "Dibuat dari log Mufakat sampai posisi {position}. SHA-256 berkas ini dicatat pada peristiwa "
            "penyegelan kesepakatan sesudah posisi itu. Periksa: bandingkan sha256sum berkas ini dengan riwayat "
            "sengketa."
        ),
        "page": "Halaman {page} dari {pages}",
    },
    "en": {
        "title": "SETTLEMENT AGREEMENT",
        "region_code": "Region code",
        "dispute": "Dispute",
        "parties": "Parties",
        "agreed": "On {date} the parties agreed as follows:",
        "commitments": "Commitments made for this agreement",
        "closing": "This agreement was made truthfully and is signed by the parties.",
        "signed_on_paper": "signed on the paper copy",
        "footer": (
            "Made from the Mufakat log up to position {position}. This file's SHA-256 is recorded by the agreement's "
            "sealing event after that position. To verify: compare this file's sha256sum with the dispute's history."
        ),
        "page": "Page {page} of {pages}",
    },
}


@dataclass(frozen=True)
class AgreementDocument:
    """One agreement, ready to render: every field already as the reader reads it."""

    document_id: str
    process_title: str
    region_name: str
    region_code: str
    dispute_title: str
    parties: tuple[str, ...]
    text: str
    commitments: tuple[str, ...]
    signatory_roles: tuple[str, ...]
    agreed_at: datetime
    log_position: int

    def __post_init__(self) -> None:
        if self.agreed_at.utcoffset() is None:
            raise ValueError("agreed_at must carry its UTC offset (the region's time zone)")


def render_agreement_pdf(document: AgreementDocument, language: str = "id") -> bytes:
    """The agreement as PDF bytes, in Bahasa Indonesia (default) or English ("en")."""
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}")
    return AgreementPages(document, language).rendered(
        document.agreed_at,
        f"{WORDS[language]['title']}: {document.dispute_title}",
        f"{document.process_title}, {document.region_name} ({document.region_code})",
        language,
    )


def agreement_file_id(document: AgreementDocument, language: str) -> str:
    """The PDF /ID of a rendering: the same for the same document and language; two equal halves."""
    return fixed_file_id("mufakat-agreement", document.document_id, language)


class AgreementPages(PageBlocks):
    """An A4 agreement: kop, title, parties, the agreed text, commitments, signature blocks, a footer."""

    def __init__(self, document: AgreementDocument, language: str) -> None:
        super().__init__(_FOOTER_TOP)
        self.document = document
        self.language = language
        self.words = WORDS[language]

    def file_id(self) -> str:
        """A /ID made from the document, never random (fpdf2 would otherwise draw one)."""
        return agreement_file_id(self.document, self.language)

    def footer(self) -> None:
        """The log position, how to check this file, and the page number."""
        self.footer_rule()
        self.multi_cell(
            0,
            3.4,
            self.words["footer"].format(position=self.document.log_position),
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        self.set_font(FAMILY, "B", 7)
        self.cell(0, 4, self.words["page"].format(page=self.page_no(), pages="{pages}"))
        self.set_text_color(0)

    def compose(self) -> None:
        """Lays out the whole agreement."""
        document, w = self.document, self.words
        self.add_page()
        self.set_font(FAMILY, "B", 12)
        self.multi_cell(0, 6, document.process_title.upper(), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(FAMILY, "", 10)
        region = f"{document.region_name} · {w['region_code']} {document.region_code}"
        self.multi_cell(0, 5, region, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        y = self.get_y() + 1.5
        self.set_line_width(0.8)
        self.line(self.l_margin, y, self.w - self.r_margin, y)
        self.set_line_width(0.2)
        self.set_y(y + 5)
        self.set_font(FAMILY, "B", 13)
        self.multi_cell(0, 6.5, w["title"], align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(3)
        self._key_value(w["dispute"], document.dispute_title)
        self._heading(w["parties"])
        for number, party in enumerate(document.parties, start=1):
            self._item(f"{number}.", party)
        self.ln(2)
        self._paragraph(w["agreed"].format(date=written_date(document.agreed_at, self.language)))
        self._paragraph(document.text, indent=4)
        if document.commitments:
            self._heading(w["commitments"])
            for number, commitment in enumerate(document.commitments, start=1):
                self._item(f"{number}.", commitment)
        self.ln(3)
        self._paragraph(w["closing"])
        self._signatures()

    def _signatures(self) -> None:
        """One block per role that signed, two side by side: the role, room to sign on the paper copy."""
        self.ln(4)
        self.set_font(FAMILY, "", 10)
        place = f"{self.document.region_name}, {written_date(self.document.agreed_at, self.language)}"
        self.cell(0, LINE, place, align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        roles = list(self.document.signatory_roles)
        column = (self.w - self.l_margin - self.r_margin) / 2
        for start in range(0, len(roles), 2):
            if self.will_page_break(30):
                self.add_page()
            top = self.get_y() + 2
            for index, role in enumerate(roles[start : start + 2]):
                x = self.l_margin + index * column
                self.set_xy(x, top)
                self.set_font(FAMILY, "", 10)
                self.multi_cell(column - 4, LINE, role, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
                self.set_font(FAMILY, "", 7)
                self.set_text_color(110)
                self.multi_cell(
                    column - 4, 3.5, f"({self.words['signed_on_paper']})", align="C", new_x=XPos.LEFT, new_y=YPos.NEXT
                )
                self.set_text_color(0)
            self.set_xy(self.l_margin, top + 28)
