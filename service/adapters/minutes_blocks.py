"""The building blocks of a village minutes page in fpdf2: fonts, headings, paragraphs, tables, a QR code.

The font is DejaVu Sans, shipped beside this module (fonts/, with its licence),
so every glyph of Bahasa Indonesia and the typographic quotes and dashes print,
and the PDF never depends on the fonts of the machine that renders it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import segno
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from service.adapters.minutes_document import Count

FONTS = Path(__file__).parent / "fonts"
FAMILY = "DejaVuSans"
LINE = 5.0  # mm, body text
HEADINGS = FontFace(family=FAMILY, emphasis="BOLD", fill_color=(235, 235, 235))


#: The producer every sealed document names.
PRODUCER = "Mufakat (fpdf2)"


def fixed_file_id(*seed: object) -> str:
    """A PDF /ID made from what identifies a rendering (kind, document, version, language), never random (fpdf2
    would otherwise draw one): the same rendering gives the same bytes. Two equal halves."""
    identifier = hashlib.sha256("\x00".join(str(part) for part in seed).encode()).hexdigest()[:32].upper()
    return f"<{identifier}><{identifier}>"


class PageBlocks(FPDF):
    """An A4 portrait page in millimetres with the shipped font, and the blocks minutes are made of."""

    def __init__(self, footer_top: float) -> None:
        """A4 with the margins every sealed document has; the page breaks above its footer, which starts
        `footer_top` mm from the top of the page."""
        super().__init__(orientation="P", unit="mm", format="A4")
        self.add_font(FAMILY, "", str(FONTS / "DejaVuSans.ttf"))
        self.add_font(FAMILY, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
        self.footer_top = footer_top
        self.set_margins(left=22, top=18, right=22)
        self.set_auto_page_break(auto=True, margin=297 - footer_top + 4)
        self.alias_nb_pages("{pages}")

    def footer_rule(self) -> None:
        """The rule above a footer, and the footer's small grey type from just below it."""
        self.set_draw_color(120)
        self.line(self.l_margin, self.footer_top, self.w - self.r_margin, self.footer_top)
        self.set_xy(self.l_margin, self.footer_top + 2)
        self.set_font(FAMILY, "", 7)
        self.set_text_color(60)

    def compose(self) -> None:
        """Draws the whole document (each kind of sealed document draws its own)."""
        raise NotImplementedError

    def rendered(self, created: datetime, title: str, subject: str, language: str) -> bytes:
        """The composed document's bytes, with the metadata every sealed document carries: its creation date,
        title, subject and language, and Mufakat as author, creator and producer."""
        self.set_creation_date(created)
        self.set_title(title)
        self.set_subject(subject)
        self.set_author("Mufakat")
        self.set_creator("Mufakat")
        self.set_producer(PRODUCER)
        self.set_lang(language)
        self.compose()
        return bytes(self.output())

    def _qr(self, url: str, x: float, y: float, size: float) -> None:
        """A QR code of `url`, `size` mm square, its top left corner at (x, y)."""
        # Drawn as vector squares, one rectangle per run of dark modules: crisp at any zoom, no image codec.
        qr = segno.make(url, error="m", micro=False)
        rows = [list(row) for row in qr.matrix_iter(border=0)]
        module = size / len(rows)
        self.set_fill_color(0)
        for row_index, row in enumerate(rows):
            column = 0
            while column < len(row):
                if not row[column]:
                    column += 1
                    continue
                start = column
                while column < len(row) and row[column]:
                    column += 1
                self.rect(x + start * module, y + row_index * module, (column - start) * module, module, style="F")

    def _heading(self, text: str) -> None:
        if self.will_page_break(20):
            self.add_page()
        self.ln(2)
        self.set_font(FAMILY, "B", 11)
        self.multi_cell(0, 6, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(1)

    def _subheading(self, text: str) -> None:
        if self.will_page_break(16):
            self.add_page()
        self.set_font(FAMILY, "B", 9.5)
        self.multi_cell(0, LINE, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def _label(self, text: str) -> None:
        # A label never ends a page alone: it moves on with the first lines it introduces.
        if self.will_page_break(0.8 + LINE * 3):
            self.add_page()
        self.ln(0.8)
        self.set_font(FAMILY, "B", 9.5)
        self.set_x(self.l_margin + 4)
        self.multi_cell(0, LINE, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def _paragraph(self, text: str, indent: float = 0, size: float = 10) -> None:
        self.set_font(FAMILY, "", size)
        self.set_x(self.l_margin + indent)
        self.multi_cell(0, LINE if size >= 10 else 4.2, text, align="J", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def _item(self, mark: str, text: str) -> None:
        self.set_font(FAMILY, "", 10)
        self.set_x(self.l_margin + 4)
        self.cell(6, LINE, mark)
        self.multi_cell(0, LINE, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def _key_value(self, key: str, value: str) -> None:
        self.set_font(FAMILY, "", 10)
        top = self.get_y()
        self.multi_cell(80, LINE, key, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        below_key = self.get_y()
        self.set_xy(self.l_margin + 80, top)
        self.cell(4, LINE, ":")
        self.multi_cell(0, LINE, value, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_y(max(below_key, self.get_y()))

    def _side_by_side(self, count_heading: str, *tables: tuple[str, str, list[tuple[str, Count]]]) -> None:
        """Small count tables next to each other, each a title and (name, count) rows."""
        rows = max(len(counts) for _, _, counts in tables)
        if self.will_page_break(LINE + (rows + 1) * 4.8 + 4):
            self.add_page()
        top, bottom, left = self.get_y(), self.get_y(), self.l_margin
        column = (self.w - self.l_margin - self.r_margin) / len(tables)
        for index, (title, heading, counts) in enumerate(tables):
            self.set_left_margin(left + index * column)
            self.set_xy(self.l_margin, top)
            self.set_font(FAMILY, "B", 9.5)
            self.multi_cell(column - 6, LINE, title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            self._table((heading, count_heading), [(name, str(n)) for name, n in counts], (column - 26, 20))
            bottom = max(bottom, self.get_y())
        self.set_left_margin(left)
        self.set_xy(left, bottom)

    def _table(self, headings: tuple[str, ...], rows: Sequence[tuple[str, ...]], widths: tuple[float, ...]) -> None:
        self.set_font(FAMILY, "", 9)
        self.set_draw_color(120)
        with self.table(
            col_widths=widths,
            width=sum(widths),
            align="LEFT",
            line_height=4.8,
            first_row_as_headings=True,
            text_align="LEFT",
            headings_style=HEADINGS,
        ) as table:
            table.row(headings)
            for row in rows:
                table.row(row)
        self.ln(2)
