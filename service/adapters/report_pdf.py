"""A programme report (laporan hasil dan dampak) as PDF bytes, laid out with fpdf2 like the berita acara.

The same `ReportDocument` and language always give byte-identical PDFs: the
creation date is the report's `as_of`, the file /ID comes from the document's
own id, the font is the one shipped with the berita acara, and nothing reads a
clock or a random source. The sealed bytes are kept all the same (a different
fpdf2 or font may lay them out differently).
"""

from __future__ import annotations

from collections.abc import Sequence

from fpdf.enums import XPos, YPos

from service.adapters.minutes_blocks import FAMILY, LINE, PageBlocks, fixed_file_id
from service.adapters.minutes_words import LANGUAGES, written_date
from service.adapters.report_document import CommitmentLine, ReportDocument
from service.adapters.report_words import WORDS, groups_words, number, rupiah, term

_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX")
_QR_SIZE = 19.0  # mm
_FOOTER_TOP = 297 - 27.0
_ROW_LINE = 4.2  # mm, a line of a table cell
_PAD = 0.8  # mm, inside a table cell


def render_report_pdf(document: ReportDocument, language: str = "id") -> bytes:
    """The programme report as PDF bytes, in Bahasa Indonesia (default) or English ("en")."""
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}")
    return ReportPages(document, language).rendered(
        document.as_of,
        f"{WORDS[language]['title']}: {document.process_title}",
        f"{document.process_title}, {document.region_name} ({document.region_code})",
        language,
    )


def report_file_id(document: ReportDocument, language: str) -> str:
    """The PDF /ID of a rendering: the same for the same document and language; two equal halves."""
    return fixed_file_id("mufakat-programme-report", document.document_id, language)


class ReportPages(PageBlocks):
    """An A4 programme report: the pages of one document in one language."""

    def __init__(self, document: ReportDocument, language: str) -> None:
        super().__init__(_FOOTER_TOP)
        self.document = document
        self.language = language
        self.words = WORDS[language]

    def file_id(self) -> str:
        """The same /ID for the same document (fpdf2 would otherwise draw a random one)."""
        return report_file_id(self.document, self.language)

    def footer(self) -> None:
        """The log position, the portal's address, the page number, and on the first page a QR code to the process."""
        document = self.document
        self.footer_rule()
        width = self.w - self.l_margin - self.r_margin - _QR_SIZE - 4
        for text in (
            self.words["footer_hash"].format(position=document.log_position),
            document.verification,
            document.public_url,
        ):
            for line in self._wrapped(text, width):
                self.cell(width, 3.4, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(FAMILY, "B", 7)
        self.cell(width, 4, self.words["page"].format(page=self.page_no(), pages="{pages}"))
        self.set_text_color(0)
        if self.page_no() == 1:  # once: drawn square by square, on every page it would cost a tenth of a second each
            self._qr(document.public_url, self.w - self.r_margin - _QR_SIZE, _FOOTER_TOP + 2, _QR_SIZE)

    def compose(self) -> None:
        """Lays out the whole report."""
        self.add_page()
        self._kop()
        sections = (
            ("findings", self._findings),
            ("priorities", self._priorities),
            ("decisions", self._decisions),
            ("commitments", self._commitments),
            ("overdue", self._overdue),
            ("score_cards", self._score_cards),
            ("complaints", self._complaints),
            ("contributions", self._contributions),
            ("disputes", self._disputes),
        )
        for roman, (key, section) in zip(_ROMAN, sections, strict=True):
            self._heading(f"{roman}. {self.words[key]}")
            section()

    def _kop(self) -> None:
        document, w = self.document, self.words
        self.set_font(FAMILY, "B", 12)
        self.multi_cell(0, 6, document.process_title.upper(), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(FAMILY, "", 10)
        region = f"{document.region_name} · {w['region_code']} {document.region_code}"
        self.multi_cell(0, 5, region, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        y = self.get_y() + 1.5
        self.set_line_width(0.8)
        self.line(self.l_margin, y, self.w - self.r_margin, y)
        self.set_line_width(0.2)
        self.set_y(y + 4)
        self.set_font(FAMILY, "B", 13)
        self.multi_cell(0, 6.5, w["title"], align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(FAMILY, "", 9)
        self.multi_cell(0, 4.5, w["subtitle"], align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        as_of = w["as_of"].format(
            date=written_date(document.as_of.date(), self.language), position=document.log_position
        )
        self.multi_cell(0, 4.5, as_of, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(90)
        self.multi_cell(0, 4.5, w["public_note"], align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(0)
        self.ln(3)

    def _headings(self, key: str) -> tuple[str, ...]:
        return tuple(self.words[key].split("|"))

    # fpdf2's `table()` lays out each cell with its full line breaker (about 2 ms a cell): a report of a real
    # process has over a thousand cells, so its tables are drawn here from plain cells, words wrapped by width.

    def _table(self, headings: tuple[str, ...], rows: Sequence[tuple[str, ...]], widths: tuple[float, ...]) -> None:
        self.set_draw_color(120)
        self._grid_row(headings, widths, heading=True)
        for row in rows:
            self._grid_row(row, widths, heading=False, headings=headings)
        self.ln(2)

    def _grid_row(
        self, row: Sequence[str], widths: tuple[float, ...], heading: bool, headings: Sequence[str] = ()
    ) -> None:
        self.set_font(FAMILY, "B" if heading else "", 9)
        lines = [self._wrapped(text, width - 2 * _PAD) for text, width in zip(row, widths, strict=True)]
        height = max(len(cell) for cell in lines) * _ROW_LINE + 2 * _PAD
        if self.will_page_break(height + (0 if heading else _ROW_LINE + 2 * _PAD)):
            self.add_page()
            if not heading and headings:
                self._grid_row(headings, widths, heading=True)
                self.set_font(FAMILY, "", 9)
        x, top = self.l_margin, self.get_y()
        if heading:
            self.set_fill_color(235)
        for cell, width in zip(lines, widths, strict=True):
            self.rect(x, top, width, height, style="DF" if heading else "D")
            for index, text in enumerate(cell):
                self.set_xy(x + _PAD, top + _PAD + index * _ROW_LINE)
                self.cell(width - 2 * _PAD, _ROW_LINE, text)
            x += width
        self.set_xy(self.l_margin, top + height)

    def _paragraph(self, text: str, indent: float = 0, size: float = 10) -> None:
        """Lines of text, left-aligned, wrapped by width (fpdf2's justified `multi_cell` is slow the same way)."""
        self.set_font(FAMILY, "", size)
        height = LINE if size >= 10 else 4.2
        for line in self._wrapped(text, self.w - self.r_margin - self.l_margin - indent):
            if self.will_page_break(height):
                self.add_page()
            self.set_x(self.l_margin + indent)
            self.cell(0, height, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def _wrapped(self, text: str, width: float) -> list[str]:
        """The text broken into lines no wider than `width` at spaces (a word too long alone is cut)."""
        lines: list[str] = []
        current = ""
        for word in text.split():
            candidate = f"{current} {word}" if current else word
            if self.get_string_width(candidate) <= width:
                current = candidate
                continue
            if current:
                lines.append(current)
            while self.get_string_width(word) > width and len(word) > 1:
                cut = len(word) - 1
                while cut > 1 and self.get_string_width(word[:cut]) > width:
                    cut -= 1
                lines.append(word[:cut])
                word = word[cut:]
            current = word
        return [*lines, current] if current or not lines else lines

    def _findings(self) -> None:
        if not self.document.findings:
            self._paragraph(self.words["findings_none"])
            return
        rows = [
            (
                term(f.kind, self.language),
                f.title,
                groups_words(f.groups, self.language),
                self.words["answered" if f.answered else "addressed" if f.addressed_by else "unanswered"],
            )
            for f in self.document.findings
        ]
        self._table(self._headings("finding_headings"), rows, (22, 62, 42, 40))

    def _priorities(self) -> None:
        found = self.document.priorities
        if found is None:
            self._paragraph(self.words["priorities_none"])
            return
        ceiling = rupiah(found.budget_ceiling, self.language) if found.budget_ceiling else self.words["no_ceiling"]
        when = written_date(found.closed_at.date(), self.language)
        method = term(found.method, self.language)
        self._paragraph(
            self.words["priorities_rule"].format(method=method, ballots=found.ballot_count, date=when, ceiling=ceiling)
        )
        rows = [
            (
                str(p.rank),
                p.title,
                rupiah(p.estimated_cost, self.language),
                rupiah(p.cumulative_cost, self.language),
                term("yes" if p.within_ceiling else "no", self.language),
            )
            for p in found.items
        ]
        self._table(self._headings("priority_headings"), rows, (18, 58, 34, 34, 22))

    def _decisions(self) -> None:
        if not self.document.decisions:
            self._paragraph(self.words["decisions_none"])
            return
        rows = [
            (d.title, term(d.outcome, self.language), term(d.method, self.language)) for d in self.document.decisions
        ]
        self._table(self._headings("decision_headings"), rows, (86, 36, 44))

    def _commitments(self) -> None:
        if not self.document.commitments:
            self._paragraph(self.words["commitments_none"])
            return
        for index, commitment in enumerate(self.document.commitments, start=1):
            self._commitment(index, commitment)

    def _commitment(self, index: int, commitment: CommitmentLine) -> None:
        w = self.words
        self._label(f"{index}. {commitment.description}")
        due = written_date(commitment.due, self.language)
        self._paragraph(w["commitment_line"].format(owner=commitment.owner, due=due, percent=commitment.percent), 4)
        spent = rupiah(commitment.spent, self.language)
        money = (
            w["money_line"].format(spent=spent, budget=rupiah(commitment.budget, self.language))
            if commitment.budget is not None
            else w["money_no_budget"].format(spent=spent)
        )
        self._paragraph(money, 4)
        if commitment.indicators:
            rows = [
                (
                    f"{i.name}" + (f" ({i.unit})" if i.unit else ""),
                    number(i.baseline),
                    number(i.target),
                    number(i.latest),
                )
                for i in commitment.indicators
            ]
            self.set_x(self.l_margin)
            self._table(self._headings("indicator_headings"), rows, (70, 30, 30, 30))

    def _overdue(self) -> None:
        late = [c for c in self.document.commitments if c.overdue]
        if not late:
            self._paragraph(self.words["overdue_none"])
            return
        rows = [(c.description, c.owner, written_date(c.due, self.language), f"{c.percent}%") for c in late]
        self._table(self._headings("overdue_headings"), rows, (70, 40, 34, 22))

    def _score_cards(self) -> None:
        w = self.words
        if not self.document.score_cards:
            self._paragraph(w["score_cards_none"])
            return
        self._paragraph(w["score_rule"], size=8.5)
        for card in self.document.score_cards:
            self._label(card.commitment + (f" \u2014 {card.question}" if card.question else ""))
            self._paragraph(w["score_line"].format(count=card.count, mean=card.mean or w["withheld"]), 4)
            if card.distribution:
                rows = [(score, str(n)) for score, n in card.distribution]
                self._table(self._headings("distribution_headings"), rows, (30, 30))

    def _complaints(self) -> None:
        w, counts = self.words, self.document.complaints
        median = w["none_yet"] if counts.median_days_to_response is None else str(counts.median_days_to_response)
        self._paragraph(w["complaints_line"].format(total=counts.total, median=median))
        rows = [(term(status, self.language), str(n)) for status, n in counts.by_status]
        self._table(self._headings("complaint_headings"), rows, (60, 30))
        self._paragraph(w["complaints_note"], size=8.5)

    def _contributions(self) -> None:
        if not self.document.contributions:
            self._paragraph(self.words["contributions_none"])
            return
        rows = [
            (
                f"{c.partner} ({term(c.partner_kind, self.language)})",
                term(c.kind, self.language),
                c.description,
                rupiah(c.amount, self.language),
                c.commitment or "-",
            )
            for c in self.document.contributions
        ]
        self._table(self._headings("contribution_headings"), rows, (38, 24, 42, 28, 34))

    def _disputes(self) -> None:
        if not self.document.disputes:
            self._paragraph(self.words["disputes_none"])
            return
        rows = [(d.title, ", ".join(d.parties), term(d.status, self.language)) for d in self.document.disputes]
        self._table(self._headings("dispute_headings"), rows, (70, 62, 34))
