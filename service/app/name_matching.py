"""Whether a text names someone: the words of a registered name, found whole in a statement.

Pure functions, no I/O. How a name is matched:

- Both sides are compared as words: letters only, case-insensitive, accents ignored (`Renée` is
  `renee`), apostrophes joined (`Ma'ruf` is `maruf`); a word is matched whole, never inside another
  (`Made` does not match `Madeira`).
- The words of a registered name are its parts of at least 3 letters, without honorifics and titles
  (`Pak`, `Bu`, `Ibu`, `Hj.`, `Mas`, `Mbak`, ... see `HONORIFICS`): `Hj. Nurhayati Rahmawati` is
  `nurhayati` and `rahmawati`; one part is enough (`Bu Lastri` names `Lastri Handayani`).
- A part that is also a common word of a statement (`COMMON_WORDS`: `desa`, `jalan`, `sari`, `budi`,
  `lestari`, ...) names the person only right after an honorific: `Pak Budi menolak` names Budi Santoso,
  `budi daya ikan` does not. So a participant registered as `Desa` refuses no statement about the village.
- A whole name made only of common words (`Dewi Lestari`) is matched as two of its parts in a row, in its
  order: `Dewi Lestari menolak` names her, `lestari` alone or `Dewi Sri` does not.
- Invisible characters (zero-width space, soft hyphen, joiners: Unicode format characters) are dropped
  before words are found: `Ma\u200bde` reads as `Made` on every page, so it is matched as `Made`.
- Parts of one or two letters are never matched (`I Made`, `Ni Luh`: `made` and `luh` are).

What it cannot see: nicknames and shortened names (`Bu Las` for Lastri), misspellings, a name
written inside another word, and a person described rather than named ("ketua kelompok tani").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise

#: Words that stand before a name in Indonesian (and a few regional ones); stripped from registered
#: names, and the context that lets a common word name someone.
HONORIFICS = frozenset(
    """
    pak bapak bpk bp bu ibu bunda mas mbak mba kak kakak bang abang dik adik dek om tante mbah nenek kakek
    eyang haji hajah hajjah hj ustad ustadz ustaz ustadzah ustazah kyai kiai romo pendeta pdt pastor saudara
    saudari sdr sdri tuan nyonya nona bli mbok gus ning cak kang akang teh teteh uda uni daeng ompung opung
    amang inang pakde bude budhe paklik bulik datuk tengku teuku cut raden dr ir drs dra prof
    """.split()  # noqa: SIM905 (a list of words reads as one)
)

#: Words a statement of a village deliberation says anyway: a registered name's part that is one of them
#: names the person only after an honorific. Indonesian function words, the words of planning and
#: deliberation, and names that are also ordinary words.
COMMON_WORDS = frozenset(
    """
    ada adalah agar air akan aku anak anda antar antara apa apabila atas atau bagi bahwa baik banyak baru
    bawah beberapa begitu belum benar berikut besar bisa boleh buat bukan bulan cukup dalam dan dapat dari
    daripada dekat demi dengan depan di dia diri dua dulu hal hampir hanya hari harus hingga ia ialah ini
    itu jadi jalan jika juga kalau kami kamu kan karena kata ke kecil kembali kemudian kepada ketika kini
    kita lagi lain lalu lama lebih luar maka mana masih masing mau meski mereka milik mulai namun nanti oleh
    orang pada paling para pernah perlu pula pun punya saat saja salah sama sampai sangat satu saya sebab
    sebagai sebelum sedang sehingga sejak sekali sekarang semua seperti serta setelah setiap siapa sudah
    supaya tahun tanpa tapi telah tengah tentang terhadap tetapi tiap tidak tiga tinggi untuk waktu yang
    empat lima enam tujuh delapan sembilan sepuluh ratus ribu juta miliar persen rupiah desa dusun kampung
    rukun warga kelurahan kecamatan kabupaten kota provinsi wilayah daerah balai kantor kepala ketua wakil
    sekretaris bendahara anggota pengurus perangkat pemerintah pemerintahan kades kadus badan forum kelompok
    lembaga yayasan koperasi organisasi tim panitia masyarakat penduduk keluarga rumah tangga perempuan
    wanita laki pria pemuda pemudi remaja lansia anak balita ibu hamil disabilitas difabel penyandang miskin
    rentan adat petani nelayan peternak pedagang buruh guru bidan kader musyawarah rapat usulan usul
    pertemuan mufakat kesepakatan keputusan alasan pertimbangan catatan keberatan dukungan pendapat suara
    setuju menolak menerima mendukung keberatan sepakat abstain pembangunan perbaikan pengadaan pemeliharaan
    rehabilitasi program kegiatan anggaran dana biaya bantuan prioritas rencana kerja tindak lanjut laporan
    kemajuan hasil target indikator jembatan gang irigasi saluran drainase sumur air bersih listrik lampu
    posyandu puskesmas sekolah masjid mushola gereja pura pasar lapangan makam gapura pagar tanggul embung
    waduk sungai kali sawah kebun ladang hutan pantai laut gunung bukit tanah lahan kas ulayat bank sampah
    limbah pupuk bibit benih ikan ternak sapi kambing ayam padi jagung kopi teh cengkeh karet sayur buah
    bunga madu garam batu pasir semen kayu besi aspal beton paving utara selatan timur barat tengah atas
    bawah hilir hulu baru lama krajan kidul lor wetan kulon jaya makmur sejahtera lestari mulia maju mandiri
    sentosa sehat bersih indah asri damai aman rukun harapan tunas karya bakti sakti mekar subur sumber
    rejeki rezeki berkah rahmat hidayah amanah budi daya sari dewi putri putra ayu bayu cahaya mentari
    bintang bulan surya intan mutiara permata agung besar suci murni setia tulus ikhlas sabar iman taufik
    hidayat rahman rahim nur cinta kasih sayang mawar melati anggrek kenanga cempaka dahlia kamboja teratai
    senin selasa rabu kamis jumat sabtu minggu januari februari maret april mei juni juli agustus september
    oktober november desember pagi siang sore malam the and for with from that this was were are not but all
    any can has have had its our their they them will would should could been being into onto over under
    about after before between because while which who whom what when where why how new old road water
    village meeting proposal
    """.split()  # noqa: SIM905 (a list of words reads as one)
)

#: Apostrophes inside a name (ASCII, right and left single quotes, modifier letter, grave accent).
_JOINED_MARKS = re.compile("['\u2019\u2018\u02bc`]")
_WORDS = re.compile(r"[^\W\d_]+")
#: A part shorter than this is never matched (initials, `I`, `Ni`).
SHORTEST_PART = 3


def words_of(text: str) -> list[str]:
    """The words of a text as they are compared: letters only, lower case, accents removed."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    # Format characters (zero-width space, soft hyphen, joiners) show nothing: a name with one inside reads whole.
    plain = "".join(c for c in folded if not unicodedata.combining(c) and unicodedata.category(c) != "Cf")
    return _WORDS.findall(_JOINED_MARKS.sub("", plain))


@dataclass(frozen=True)
class NameParts:
    """The parts of registered names that a statement must not contain: `anywhere`, `after_honorific`
    (parts that are also common words), and `in_a_row` (two common-word parts of one name, in its order)."""

    anywhere: frozenset[str] = frozenset()
    after_honorific: frozenset[str] = frozenset()
    in_a_row: frozenset[tuple[str, str]] = frozenset()

    @classmethod
    def of_name(cls, name: str) -> NameParts:
        """The parts of one registered name."""
        ordered = [w for w in words_of(name) if len(w) >= SHORTEST_PART and w not in HONORIFICS]
        parts = set(ordered)
        common_pairs = {
            (first, second) for first, second in pairwise(ordered) if first in COMMON_WORDS and second in COMMON_WORDS
        }
        return cls(frozenset(parts - COMMON_WORDS), frozenset(parts & COMMON_WORDS), frozenset(common_pairs))

    @classmethod
    def of_names(cls, parts: Iterable[NameParts]) -> NameParts:
        """The parts of a whole register."""
        anywhere: set[str] = set()
        after_honorific: set[str] = set()
        in_a_row: set[tuple[str, str]] = set()
        for one in parts:
            anywhere |= one.anywhere
            after_honorific |= one.after_honorific
            in_a_row |= one.in_a_row
        return cls(frozenset(anywhere), frozenset(after_honorific), frozenset(in_a_row))

    def __bool__(self) -> bool:
        return bool(self.anywhere or self.after_honorific)


def names_someone(text: str, parts: NameParts) -> bool:
    """Whether the text contains a part of a registered name, as the module's rules say."""
    if not parts:
        return False
    said = words_of(text)
    if not parts.anywhere.isdisjoint(said):
        return True
    if parts.in_a_row and any(pair in parts.in_a_row for pair in pairwise(said)):
        return True
    if parts.after_honorific:
        return any(word in parts.after_honorific and said[i - 1] in HONORIFICS for i, word in enumerate(said) if i > 0)
    return False
