"""The daftar prioritas as a spreadsheet: CSV (UTF-8 with a BOM, so Excel opens it) and XLSX (openpyxl).

The columns follow the village's "Daftar Usulan RKP Desa" as far as the record allows; a header above them says
which ranking (and which version of it in the ledger) the list was made from, by which rule, against which ceiling.
A text cell that a spreadsheet would read as a formula is neutralised (a leading `'`), as the feed's CSV does.
Money stays exact: the CSV holds the decimal strings, the XLSX the decimals as numbers with two places.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from projections.feed_formats import neutralised_cell

#: The columns, in Bahasa Indonesia and English.
COLUMNS = {
    "id": (
        "No",
        "Bidang/Sub-bidang",
        "Kegiatan",
        "Lokasi",
        "Volume",
        "Sasaran/Manfaat",
        "Perkiraan Biaya (Rp)",
        "Biaya Kumulatif (Rp)",
        "Dalam Pagu",
        "Sumber Dana",
        "Pola Pelaksanaan",
        "Poin",
    ),
    "en": (
        "No",
        "Sector/Sub-sector",
        "Activity",
        "Location",
        "Volume",
        "Beneficiaries",
        "Estimated cost (IDR)",
        "Cumulative cost (IDR)",
        "Within ceiling",
        "Funding source",
        "Implementation pattern",
        "Points",
    ),
}
_FUNDING = {
    "dana_desa": "Dana Desa (DD)",
    "add": "Alokasi Dana Desa (ADD)",
    "pades": "Pendapatan Asli Desa (PADes)",
    "bantuan_provinsi": "Bantuan Keuangan Provinsi",
    "bantuan_kabupaten": "Bantuan Keuangan Kabupaten/Kota",
    "swadaya": "Swadaya Masyarakat",
    "csr": "CSR",
    "other": "Lainnya",
}
_PATTERN = {"swakelola": "Swakelola", "kerja_sama": "Kerja sama antar desa", "pihak_ketiga": "Pihak ketiga"}
_YES_NO = {"id": ("Ya", "Tidak"), "en": ("Yes", "No")}
_HEADER = {
    "id": (
        "Daftar Usulan RKP Desa",
        "Aturan pemeringkatan",
        "Pagu indikatif (Rp)",
        "Dibuat dari",
        "Jumlah surat suara",
    ),
    "en": ("Proposals for the village plan (RKP Desa)", "Ranking rule", "Budget ceiling (IDR)", "Made from", "Ballots"),
}
_METHOD = {"borda": "Borda", "score": "Skor 1-5"}


def _location(location: Mapping[str, str] | None) -> str:
    if not location:
        return ""
    names = {"dusun": "Dusun", "rw": "RW", "rt": "RT"}
    return ", ".join(f"{names[part]} {location[part]}" for part in ("dusun", "rw", "rt") if location.get(part))


def _beneficiaries(counts: Mapping[str, int] | None, language: str) -> str:
    if not counts:
        return ""
    words = {"households": ("KK", "households"), "people": ("jiwa", "people")}
    return ", ".join(f"{counts[k]} {words[k][language == 'en']}" for k in ("households", "people") if k in counts)


def header(priorities: Mapping[str, Any], language: str = "id") -> list[tuple[str, str]]:
    """The lines above the table: title, rule (and criteria), ceiling, the ledger position, the ballots."""
    words = _HEADER[language]
    rule = _METHOD[priorities["method"]]
    if priorities.get("criteria"):
        rule += " (" + ", ".join(f"{c['name']} x{c['weight']}" for c in priorities["criteria"]) + ")"
    made_from = f"{priorities['ranking_id']} v{priorities['ranking_version']}"
    ceiling = priorities.get("budget_ceiling") or "-"
    return [
        (words[0], str(priorities.get("process_title", ""))),
        (words[1], rule),
        (words[2], ceiling),
        (words[3], made_from),
        (words[4], str(priorities["ballot_count"])),
    ]


def rows(priorities: Mapping[str, Any], language: str = "id") -> list[list[Any]]:
    """The table's rows, one per ranked proposal, in rank order; money as Decimal (None when not estimated)."""
    yes, no = _YES_NO[language]
    table = []
    for item in priorities["items"]:
        volume = " ".join(part for part in (item.get("volume"), item.get("unit")) if part)
        sector = f"{item['sector']} {item['sector_name']}" if item.get("sector") else ""
        table.append(
            [
                item["rank"],
                sector,
                item["title"],
                _location(item.get("location")),
                volume,
                _beneficiaries(item.get("beneficiaries"), language),
                None if item.get("estimated_cost") is None else Decimal(item["estimated_cost"]),
                Decimal(item["cumulative_cost"]),
                yes if item["within_ceiling"] else no,
                _FUNDING.get(item.get("funding_source") or "", ""),
                _PATTERN.get(item.get("implementation_pattern") or "", ""),
                Decimal(item["points"]),
            ]
        )
    return table


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    return neutralised_cell(str(value))


def priorities_csv(priorities: Mapping[str, Any], language: str = "id") -> bytes:
    """The list as CSV: UTF-8 with a BOM, the header lines, a blank line, then the table."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for name, value in header(priorities, language):
        writer.writerow([name, neutralised_cell(value)])
    writer.writerow([])
    writer.writerow(COLUMNS[language])
    for row in rows(priorities, language):
        writer.writerow([_text(cell) for cell in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def priorities_xlsx(priorities: Mapping[str, Any], language: str = "id") -> bytes:
    """The list as an XLSX workbook of one sheet: the header lines, a blank row, the table with money as numbers."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook always has its first sheet
    sheet.title = "Daftar Prioritas" if language == "id" else "Priorities"
    for name, value in header(priorities, language):
        sheet.append([name, neutralised_cell(value)])
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
    sheet.append([])
    sheet.append(list(COLUMNS[language]))
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
    for row in rows(priorities, language):
        sheet.append(
            [cell if isinstance(cell, Decimal | int) or cell is None else neutralised_cell(cell) for cell in row]
        )
        for column in (7, 8):
            sheet.cell(row=sheet.max_row, column=column).number_format = "#,##0.00"
    _widen(sheet, COLUMNS[language])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _widen(sheet: Any, names: Sequence[str]) -> None:
    for index, name in enumerate(names, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = max(8, min(40, len(name) + 4))
