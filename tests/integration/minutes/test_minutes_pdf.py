"""The berita acara as a PDF: what a reader finds in it, what the public never finds, and that its bytes hold still."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from functools import cache
from io import BytesIO
from pathlib import Path

import pytest
from minutes_samples import NAMES, full_minutes, public_minutes
from pypdf import PdfReader

from service.adapters.minutes_document import Attendee, Signatory
from service.adapters.minutes_pdf import matches_sealed_hash, render_minutes_pdf, sha256_hex
from service.adapters.minutes_words import opening_sentence, zone_name

ROOT = Path(__file__).resolve().parents[3]


@cache
def rendered(version: str, language: str = "id") -> bytes:
    """The sample meeting's minutes, rendered once for the tests that only read them."""
    return render_minutes_pdf(full_minutes() if version == "full" else public_minutes(), language)


def text_of(pdf: bytes) -> str:
    """Every page's text, whitespace collapsed (justified lines stretch their spaces)."""
    pages = PdfReader(BytesIO(pdf)).pages
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in pages))


def test_the_full_version_reads_as_the_berita_acara_of_the_meeting() -> None:
    pdf = rendered("full")
    text = text_of(pdf)
    pages = len(PdfReader(BytesIO(pdf)).pages)

    # The kop and the title
    assert "MUSRENBANG DESA SUKAMAJU 2027" in text
    assert "Kode wilayah 33.02.10.2001" in text
    assert "BERITA ACARA MUSYAWARAH" in text
    # Day, date, time and place of the room, written out in Bahasa Indonesia
    assert "Pada hari ini, Selasa, tanggal 22 September 2026, pukul 08.30 WIB, bertempat di Balai Desa Sukamaju" in text
    assert "Pembahasan dan penetapan usulan prioritas RKP Desa 2027" in text
    # Attendance and the quorum with the rule that set it
    assert "Jumlah yang diundang : 14 orang" in text
    assert "Jumlah yang hadir (dari yang diundang) : 12 orang" in text
    assert "2/3 dari yang diundang, yaitu sedikitnya 10 orang (terpenuhi); Permendesa PDTT No. 16 Tahun 2019" in text
    assert "penyandang disabilitas 1" in text
    assert "laki-laki 7" in text
    # Each proposal: text as decided, objections and how they ended, checks, votes, decision, dissent, follow-up
    assert "Teks usulan yang diputuskan (versi 2):" in text
    assert "Keberatan mendasar diajukan oleh Agus Setiawan" in text
    assert "ditanggapi (Rancangan diubah" in text
    assert "mufakat tercapai: setuju 11, abstain 1, tidak setuju 0, menolak (blok) 0" in text
    assert "mufakat tidak tercapai (1 keberatan mendasar belum diselesaikan): setuju 9" in text
    assert "usulan diterima: setuju 9, tidak setuju 2, abstain 1" in text
    assert "Usulan disepakati melalui mufakat." in text
    assert "Usulan diterima melalui pemungutan suara." in text
    assert "Usulan ditolak melalui pemungutan suara." in text
    assert "Usulan ditunda (diputuskan tanpa mufakat atau pemungutan suara)." in text
    assert "Warga RT 02 meminta TPS3R dipindah minimal 200 m dari permukiman." in text
    assert "31 Agustus 2027" in text and "BUMDes Sukamaju Mandiri 30 Juni 2027" in text
    # Signatures and the footer
    assert "Pimpinan Rapat" in text and "Notulis" in text
    assert "Dibuat dari log Mufakat sampai posisi 412." in text
    assert "dicatat pada peristiwa penyegelan sesudah posisi itu" in text
    assert "https://mufakat.example/processes/3f1c/meetings/5b0e" in text
    assert [f"Halaman {page} dari {pages}" in text for page in range(1, pages + 1)] == [True] * pages


def test_the_full_version_carries_the_daftar_hadir_and_every_signatory_by_name() -> None:
    text = text_of(rendered("full"))

    assert "Daftar hadir" in text
    for name in NAMES:
        assert name in text


def test_the_public_version_names_nobody_and_prints_the_counts_as_suppressed() -> None:
    text = text_of(rendered("public"))

    name_parts = {part for name in NAMES for part in name.replace(".", " ").split() if len(part) >= 4}
    found = sorted(part for part in name_parts if re.search(rf"\b{re.escape(part)}\b", text))
    assert found == []
    assert "Daftar hadir" not in text
    assert "Versi publik" in text
    assert "penyandang disabilitas <3" in text
    assert "tidak disebutkan <3" in text
    assert "Keberatan mendasar diajukan oleh peserta kelompok penyandang disabilitas" in text
    assert "(nama tidak dimuat dalam versi publik)" in text
    # What the community decided is all there
    assert "Usulan diterima melalui pemungutan suara." in text
    assert "2/3 dari yang diundang, yaitu sedikitnya 10 orang (terpenuhi)" in text


def test_a_public_version_that_would_name_someone_is_refused() -> None:
    public = public_minutes()
    with_list = replace(public.attendance, attendance_list=(Attendee(name="Siti Aminah", group="women"),))

    with pytest.raises(ValueError, match="names nobody"):
        replace(public, attendance=with_list)
    with pytest.raises(ValueError, match="names nobody"):
        replace(public, chair=Signatory(role="Ketua BPD", name="Bambang Sugiarto"))


def test_the_english_version_says_the_same_in_english() -> None:
    text = text_of(rendered("full", "en"))

    assert "MINUTES OF THE MUSYAWARAH" in text
    assert "On Tuesday, 22 September 2026, at 08:30 WIB, at Balai Desa Sukamaju" in text
    assert "2/3 of those invited, that is at least 10 people (met)" in text
    assert "consensus reached: agree 11, abstain 1, disagree 0, block 0" in text
    assert "Proposal adopted by consensus." in text
    assert "Proposal rejected by vote." in text
    assert "31 August 2027" in text
    assert "Made from Mufakat's log up to position 412." in text


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="language"):
        render_minutes_pdf(full_minutes(), language="jv")


def test_the_time_of_the_room_is_named_by_indonesias_time_zones_or_its_offset() -> None:
    def at(hours: float) -> datetime:
        return datetime(2026, 3, 2, 9, 0, tzinfo=timezone(timedelta(hours=hours)))

    assert [zone_name(at(7)), zone_name(at(8)), zone_name(at(9))] == ["WIB", "WITA", "WIT"]
    assert zone_name(at(5.5)) == "UTC+05:30"
    assert zone_name(at(-3)) == "UTC-03:00"
    assert opening_sentence(at(8), None, "Musdes", "RKP Desa", "id").startswith(
        "Pada hari ini, Senin, tanggal 2 Maret 2026, pukul 09.00 WITA, telah diselenggarakan Musdes"
    )


def test_the_same_document_renders_to_the_same_bytes() -> None:
    first = render_minutes_pdf(full_minutes())
    second = render_minutes_pdf(full_minutes())

    assert first == second
    assert sha256_hex(first) == sha256_hex(second)


def test_the_bytes_do_not_depend_on_the_process_time_zone_or_hash_seed() -> None:
    script = (
        "import sys; sys.path.insert(0, 'tests/integration/minutes')\n"
        "from minutes_samples import public_minutes\n"
        "from service.adapters.minutes_pdf import render_minutes_pdf, sha256_hex\n"
        "print(sha256_hex(render_minutes_pdf(public_minutes())))\n"
    )
    environment = {**os.environ, "TZ": "America/Lima", "PYTHONHASHSEED": "12345", "LANG": "C"}

    other_process = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=environment, capture_output=True, text=True, check=True
    )

    assert other_process.stdout.strip() == sha256_hex(rendered("public"))


def test_the_pdf_is_dated_by_the_meeting_and_identified_by_the_document() -> None:
    full = full_minutes()
    reader = PdfReader(BytesIO(rendered("full")))
    other = PdfReader(BytesIO(render_minutes_pdf(replace(full, document_id="meeting-5b0e7d9c-sesi-2/v2"))))

    assert reader.metadata is not None and reader.metadata.creation_date == full.occurred_at
    assert reader.trailer["/ID"][0] == reader.trailer["/ID"][1]
    assert reader.trailer["/ID"][0] != other.trailer["/ID"][0]


def test_changing_one_byte_changes_the_hash() -> None:
    pdf = rendered("public")
    sealed = sha256_hex(pdf)
    tampered = bytearray(pdf)
    position = pdf.index(b"/Producer")
    tampered[position + 1] ^= 0x01

    assert matches_sealed_hash(pdf, sealed)
    assert matches_sealed_hash(pdf, sealed.upper())
    assert not matches_sealed_hash(bytes(tampered), sealed)
    assert len(sealed) == 64


def test_the_public_and_full_versions_and_languages_are_different_files() -> None:
    hashes = {sha256_hex(rendered(version, language)) for version in ("full", "public") for language in ("id", "en")}

    assert len(hashes) == 4


def test_a_meeting_that_decided_nothing_without_quorum_still_gets_its_minutes() -> None:
    full = full_minutes()
    inquorate = replace(full.attendance, present=8, quorum_met=False, walk_ins=3, quorum_basis=None)
    bare = replace(full, place=None, agenda=(), attendance=inquorate, proposals=(), signatories=(), notes=None)

    text = text_of(render_minutes_pdf(bare))

    assert "Pada hari ini, Selasa, tanggal 22 September 2026, pukul 08.30 WIB, telah diselenggarakan" in text
    assert "2/3 dari yang diundang, yaitu sedikitnya 10 orang (tidak terpenuhi)" in text
    assert "Hadir tanpa undangan (tidak dihitung untuk kuorum) : 3 orang" in text
    assert "Tidak ada usulan yang diputuskan dalam musyawarah ini." in text
    assert "Yang menandatangani" not in text


def test_a_long_meeting_runs_over_as_many_pages_as_it_needs() -> None:
    full = full_minutes()
    many = replace(full, proposals=full.proposals * 3)

    pdf = render_minutes_pdf(many)
    pages = len(PdfReader(BytesIO(pdf)).pages)

    assert pages > 5
    assert f"Halaman {pages} dari {pages}" in text_of(pdf)
    assert "12. Usulan: Pembangunan embung desa untuk irigasi musim kemarau" in text_of(pdf)


def test_the_berita_acara_of_a_training_or_monitoring_meeting_is_titled_by_its_kind() -> None:
    training = text_of(render_minutes_pdf(replace(public_minutes(), meeting_kind="training")))
    monitoring = text_of(render_minutes_pdf(replace(public_minutes(), meeting_kind="monitoring"), "en"))

    # The heading: the kind's title above the meeting's own.
    assert "BERITA ACARA PELATIHAN MUSRENBANG DESA SUKAMAJU SESI 2" in training
    assert "MINUTES OF THE MONITORING MEETING MUSRENBANG DESA SUKAMAJU SESI 2" in monitoring
    assert "BERITA ACARA MUSYAWARAH MUSRENBANG DESA SUKAMAJU SESI 2" in text_of(rendered("public"))
