"""The sectors of village spending (bidang and sub-bidang) of Permendagri 20/2018, Lampiran: one table, reused.

A finding of an assessment (and, later, a proposal) may name the sector it belongs to by its code ("2.3"); the
code is what is stored, the names are for reading, Bahasa Indonesia first. Only codes in this table are accepted.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Sector:
    """A bidang ("2") or sub-bidang ("2.3") with its names."""

    code: str
    id: str
    en: str

    @property
    def bidang(self) -> str:
        """The code of the bidang it belongs to (itself for a bidang)."""
        return self.code.split(".")[0]


SECTORS: tuple[Sector, ...] = (
    Sector("1", "Penyelenggaraan Pemerintahan Desa", "Village governance"),
    Sector(
        "1.1",
        "Penyelenggaraan Belanja Siltap, Tunjangan dan Operasional Pemerintahan Desa",
        "Fixed income, allowances and operations of the village government",
    ),
    Sector("1.2", "Sarana dan Prasarana Pemerintahan Desa", "Facilities of the village government"),
    Sector(
        "1.3",
        "Administrasi Kependudukan, Pencatatan Sipil, Statistik dan Kearsipan",
        "Population administration, civil registration, statistics and archives",
    ),
    Sector(
        "1.4",
        "Tata Praja Pemerintahan, Perencanaan, Keuangan dan Pelaporan",
        "Governance, planning, finance and reporting",
    ),
    Sector("1.5", "Pertanahan", "Land affairs"),
    Sector("2", "Pelaksanaan Pembangunan Desa", "Village development"),
    Sector("2.1", "Pendidikan", "Education"),
    Sector("2.2", "Kesehatan", "Health"),
    Sector("2.3", "Pekerjaan Umum dan Penataan Ruang", "Public works and spatial planning"),
    Sector("2.4", "Kawasan Permukiman", "Housing and settlements"),
    Sector("2.5", "Kehutanan dan Lingkungan Hidup", "Forestry and environment"),
    Sector("2.6", "Perhubungan, Komunikasi dan Informatika", "Transport, communication and informatics"),
    Sector("2.7", "Energi dan Sumber Daya Mineral", "Energy and mineral resources"),
    Sector("2.8", "Pariwisata", "Tourism"),
    Sector("3", "Pembinaan Kemasyarakatan", "Community development"),
    Sector(
        "3.1",
        "Ketenteraman, Ketertiban Umum dan Pelindungan Masyarakat",
        "Peace, public order and protection of the community",
    ),
    Sector("3.2", "Kebudayaan dan Keagamaan", "Culture and religion"),
    Sector("3.3", "Kepemudaan dan Olah Raga", "Youth and sports"),
    Sector("3.4", "Kelembagaan Masyarakat", "Community institutions"),
    Sector("4", "Pemberdayaan Masyarakat", "Community empowerment"),
    Sector("4.1", "Kelautan dan Perikanan", "Marine affairs and fisheries"),
    Sector("4.2", "Pertanian dan Peternakan", "Agriculture and livestock"),
    Sector("4.3", "Peningkatan Kapasitas Aparatur Desa", "Capacity of village officials"),
    Sector(
        "4.4",
        "Pemberdayaan Perempuan, Perlindungan Anak dan Keluarga",
        "Empowerment of women, protection of children and families",
    ),
    Sector(
        "4.5", "Koperasi, Usaha Mikro Kecil dan Menengah (UMKM)", "Cooperatives, micro, small and medium enterprises"
    ),
    Sector("4.6", "Dukungan Penanaman Modal", "Support for investment"),
    Sector("4.7", "Perdagangan dan Perindustrian", "Trade and industry"),
    Sector("5", "Penanggulangan Bencana, Keadaan Darurat dan Mendesak Desa", "Disasters, emergencies and urgent needs"),
    Sector("5.1", "Penanggulangan Bencana", "Disaster management"),
    Sector("5.2", "Keadaan Darurat", "Emergencies"),
    Sector("5.3", "Keadaan Mendesak", "Urgent needs"),
)

#: Every sector by its code.
BY_CODE: dict[str, Sector] = {sector.code: sector for sector in SECTORS}
#: The codes a step may name.
SECTOR_CODES: tuple[str, ...] = tuple(BY_CODE)


def sector_name(code: str | None, language: str = "id") -> str | None:
    """The name of a sector in `language` (`id` or `en`), None for no sector."""
    if code is None:
        return None
    sector = BY_CODE[code]
    return sector.en if language == "en" else sector.id
