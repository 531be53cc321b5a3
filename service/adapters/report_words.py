"""The words of a programme report (laporan hasil dan dampak) in Bahasa Indonesia (default) and English.

Words follow the glossary; dates and money are written out by hand so that the
bytes of a PDF never depend on the machine that renders it.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from service.adapters.minutes_words import group_word

WORDS: dict[str, dict[str, str]] = {
    "id": {
        "title": "LAPORAN HASIL DAN DAMPAK",
        "subtitle": "Laporan pertanggungjawaban proses partisipatif untuk papan informasi desa, BPD dan mitra",
        "as_of": "Keadaan per {date}, mencakup log Mufakat hingga posisi {position}.",
        "public_note": "Versi publik: tidak memuat nama orang, hanya peran dan kelompok; isi pengaduan tidak dimuat.",
        "findings": "Kebutuhan dan potensi (hasil kajian)",
        "findings_none": "Belum ada temuan kajian yang dicatat.",
        "finding_headings": "Jenis|Temuan|Kelompok|Dijawab",
        "answered": "ya, usulan disepakati",
        "addressed": "diusulkan, belum disepakati",
        "unanswered": "belum terjawab",
        "priorities": "Daftar prioritas",
        "priorities_none": "Belum ada pemeringkatan usulan yang ditutup.",
        "priorities_rule": "Metode {method}, {ballots} suara, ditutup {date}; pagu indikatif: {ceiling}.",
        "priority_headings": "Peringkat|Usulan|Perkiraan biaya|Kumulatif|Dalam pagu",
        "no_ceiling": "tidak ada",
        "decisions": "Keputusan",
        "decisions_none": "Belum ada usulan yang diputuskan.",
        "decision_headings": "Usulan|Keputusan|Cara memutuskan",
        "commitments": "Tindak lanjut: indikator dan realisasi anggaran",
        "commitments_none": "Belum ada tindak lanjut yang dicatat.",
        "commitment_line": "Penanggung jawab: {owner}; tenggat {due}; kemajuan {percent}%.",
        "money_line": "Realisasi anggaran: {spent} dari {budget}.",
        "money_no_budget": "Realisasi anggaran: {spent} (tanpa anggaran tercatat).",
        "indicator_headings": "Indikator|Nilai awal|Target|Terakhir",
        "overdue": "Tindak lanjut terlambat",
        "overdue_none": "Tidak ada tindak lanjut yang terlambat.",
        "overdue_headings": "Tindak lanjut|Penanggung jawab|Tenggat|Kemajuan",
        "score_cards": "Penilaian warga (kartu penilaian)",
        "score_cards_none": "Belum ada penilaian warga yang ditutup.",
        "score_line": "{count} nilai; rata-rata {mean}.",
        "score_rule": (
            "Sel berisi 1 atau 2 nilai ditulis \u201c<3\u201d, dan rata-rata dari kurang dari 3 nilai tidak dimuat, "
            "agar nilai seseorang tidak dapat dikenali."
        ),
        "withheld": "tidak dimuat",
        "distribution_headings": "Nilai|Jumlah",
        "complaints": "Pengaduan",
        "complaints_line": "{total} pengaduan diterima. Median hari hingga tanggapan pertama: {median}.",
        "complaint_headings": "Status|Jumlah",
        "complaints_note": "Isi pengaduan, kontak dan tanggapannya tidak dimuat dalam laporan publik.",
        "none_yet": "belum ada tanggapan",
        "contributions": "Kontribusi mitra",
        "contributions_none": "Belum ada kontribusi mitra yang dicatat.",
        "contribution_headings": "Mitra|Kontribusi|Uraian|Nilai|Untuk tindak lanjut",
        "disputes": "Sengketa publik",
        "disputes_none": "Tidak ada sengketa yang terbuka untuk publik.",
        "dispute_headings": "Sengketa|Para pihak|Status",
        "footer_hash": "SHA-256 berkas ini tercatat di log Mufakat; laporan mencakup log hingga posisi {position}.",
        "page": "Halaman {page} dari {pages}",
        "region_code": "Kode wilayah",
    },
    "en": {
        "title": "PROGRAMME REPORT",
        "subtitle": "Accountability report of a participatory process for the village notice board, the BPD and donors",
        "as_of": "As of {date}, covering the Mufakat log up to position {position}.",
        "public_note": "Public version: no person is named, only roles and groups; complaints' words are left out.",
        "findings": "Needs and potential (assessment findings)",
        "findings_none": "No assessment finding recorded yet.",
        "finding_headings": "Kind|Finding|Groups|Answered",
        "answered": "yes, proposal adopted",
        "addressed": "proposed, not adopted yet",
        "unanswered": "not answered yet",
        "priorities": "Priority list",
        "priorities_none": "No ranking round closed yet.",
        "priorities_rule": "Method {method}, {ballots} ballots, closed {date}; budget ceiling: {ceiling}.",
        "priority_headings": "Rank|Proposal|Estimated cost|Cumulative|Within ceiling",
        "no_ceiling": "none",
        "decisions": "Decisions",
        "decisions_none": "No proposal decided yet.",
        "decision_headings": "Proposal|Decision|How decided",
        "commitments": "Commitments: indicators and money spent",
        "commitments_none": "No commitment recorded yet.",
        "commitment_line": "Responsible: {owner}; due {due}; progress {percent}%.",
        "money_line": "Money spent: {spent} of {budget}.",
        "money_no_budget": "Money spent: {spent} (no budget recorded).",
        "indicator_headings": "Indicator|Baseline|Target|Latest",
        "overdue": "Overdue commitments",
        "overdue_none": "No commitment is overdue.",
        "overdue_headings": "Commitment|Responsible|Due|Progress",
        "score_cards": "Community evaluations (score cards)",
        "score_cards_none": "No community evaluation closed yet.",
        "score_line": "{count} scores; mean {mean}.",
        "score_rule": (
            "Cells of 1 or 2 scores read \u201c<3\u201d, and the mean of fewer than 3 scores is left out, so that "
            "no one's score can be told."
        ),
        "withheld": "left out",
        "distribution_headings": "Score|Count",
        "complaints": "Complaints",
        "complaints_line": "{total} complaints received. Median days to a first response: {median}.",
        "complaint_headings": "Status|Count",
        "complaints_note": "Complaints' words, contacts and responses are not in the public report.",
        "none_yet": "no response yet",
        "contributions": "Partners' contributions",
        "contributions_none": "No partner contribution recorded yet.",
        "contribution_headings": "Partner|Contribution|Description|Value|Toward commitment",
        "disputes": "Public disputes",
        "disputes_none": "No dispute is open to the public.",
        "dispute_headings": "Dispute|Parties|Status",
        "footer_hash": "This file's SHA-256 is recorded in the Mufakat log; the report covers the log up to position "
        "{position}.",
        "page": "Page {page} of {pages}",
        "region_code": "Region code",
    },
}

_TERMS: dict[str, dict[str, str]] = {
    "id": {
        "need": "kebutuhan",
        "potential": "potensi",
        "adopted": "disepakati",
        "rejected": "ditolak",
        "deferred": "ditunda",
        "consensus": "mufakat",
        "vote": "pemungutan suara",
        "none": "tanpa musyawarah mufakat atau voting",
        "borda": "Borda",
        "score": "skor",
        "received": "diterima",
        "in_review": "diperiksa",
        "responded": "ditanggapi",
        "resolved": "selesai",
        "escalated": "diteruskan",
        "open": "terbuka",
        "agreed": "kesepakatan tercapai",
        "dropped": "dihentikan",
        "cash": "dana",
        "in_kind": "barang",
        "technical": "pendampingan teknis",
        "government": "pemerintah",
        "ngo": "LSM",
        "private": "swasta (CSR)",
        "donor": "donor",
        "academic": "perguruan tinggi",
        "community": "komunitas",
        "yes": "ya",
        "no": "tidak",
    },
    "en": {
        "need": "need",
        "potential": "potential",
        "adopted": "adopted",
        "rejected": "rejected",
        "deferred": "deferred",
        "consensus": "consensus",
        "vote": "vote",
        "none": "neither consensus nor vote",
        "borda": "Borda",
        "score": "score",
        "received": "received",
        "in_review": "in review",
        "responded": "responded",
        "resolved": "resolved",
        "escalated": "escalated",
        "open": "open",
        "agreed": "agreement reached",
        "dropped": "dropped",
        "cash": "cash",
        "in_kind": "in kind",
        "technical": "technical assistance",
        "government": "government",
        "ngo": "NGO",
        "private": "private (CSR)",
        "donor": "donor",
        "academic": "academic",
        "community": "community",
        "yes": "yes",
        "no": "no",
    },
}


def term(value: str, language: str) -> str:
    """A value of the domain's vocabulary in words (the value itself when it has none)."""
    return _TERMS[language].get(value, value)


def groups_words(groups: tuple[str, ...], language: str) -> str:
    """Groups in words, joined ("kelompok perempuan, pemuda")."""
    return ", ".join(group_word(group, language) for group in groups) or "-"


def rupiah(amount: str | None, language: str) -> str:
    """A decimal string of rupiah written for people ("Rp 150.000.000"; English "Rp 150,000,000"); "-" for none."""
    if amount is None:
        return "-"
    try:
        value = Decimal(amount).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        return amount
    grouped = f"{value:,}"
    return "Rp " + (grouped.replace(",", ".") if language == "id" else grouped)


def number(value: object) -> str:
    """A number as the report prints it ("-" when there is none)."""
    return "-" if value is None else str(value)
