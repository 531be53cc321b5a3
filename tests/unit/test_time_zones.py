"""The zone of a process: WIB, WITA or WIT by the province of its region code, or the one it was given."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from domain.errors import ValueNotAllowed
from domain.time_zones import (
    local_time_text,
    named_time_zone,
    process_time_zone,
    zone_abbreviation,
    zone_of_region,
)

from .builders import open_process

#: The provinces by their BPS / Kemendagri code, and the zone Keppres 41/1987 gives them.
SUMATRA = ["11", "12", "13", "14", "15", "16", "17", "18", "19", "21"]
JAVA = ["31", "32", "33", "34", "35", "36"]
BALI_AND_NUSA_TENGGARA = ["51", "52", "53"]
WEST_AND_CENTRAL_KALIMANTAN = ["61", "62"]
SOUTH_EAST_AND_NORTH_KALIMANTAN = ["63", "64", "65"]
SULAWESI = ["71", "72", "73", "74", "75", "76"]
MALUKU = ["81", "82"]
PAPUA = ["91", "92", "93", "94", "95", "96", "97"]


@pytest.mark.parametrize("province", SUMATRA + JAVA + WEST_AND_CENTRAL_KALIMANTAN)
def test_sumatra_java_and_west_and_central_kalimantan_keep_wib(province: str) -> None:
    assert zone_of_region(f"{province}.01.01.2001") == "Asia/Jakarta"


@pytest.mark.parametrize("province", BALI_AND_NUSA_TENGGARA + SOUTH_EAST_AND_NORTH_KALIMANTAN + SULAWESI)
def test_bali_nusa_tenggara_the_rest_of_kalimantan_and_sulawesi_keep_wita(province: str) -> None:
    assert zone_of_region(f"{province}.01.01.2001") == "Asia/Makassar"


@pytest.mark.parametrize("province", MALUKU + PAPUA)
def test_maluku_and_papua_keep_wit(province: str) -> None:
    assert zone_of_region(f"{province}.01.01.2001") == "Asia/Jayapura"


def test_only_the_province_decides_and_a_code_indonesia_does_not_use_gets_the_capitals_zone() -> None:
    # 63.71 is Kota Banjarmasin (WITA) whatever follows; 99 and 00 are no province.
    assert zone_of_region("63") == zone_of_region("63.71.01.1001") == "Asia/Makassar"
    assert zone_of_region("99.01") == zone_of_region("00") == zone_of_region("") == "Asia/Jakarta"


def test_a_zone_is_named_by_its_indonesian_abbreviation_in_any_case_or_by_its_iana_name() -> None:
    assert [named_time_zone(name) for name in ("WIB", "wita", " Wit ")] == [
        "Asia/Jakarta",
        "Asia/Makassar",
        "Asia/Jayapura",
    ]
    assert named_time_zone("Asia/Makassar") == "Asia/Makassar"
    assert named_time_zone("Europe/Amsterdam") == "Europe/Amsterdam"
    for unknown in ("WITA+1", "Asia/Sukamaju", "../etc/passwd", ""):
        with pytest.raises(ValueNotAllowed):
            named_time_zone(unknown)


def test_a_time_reads_in_the_zone_with_its_name() -> None:
    moment = datetime(2027, 3, 1, 6, 30, tzinfo=UTC)

    assert local_time_text(moment, "Asia/Jakarta") == "2027-03-01 13.30 WIB"
    assert local_time_text(moment, "Asia/Makassar") == "2027-03-01 14.30 WITA"
    assert local_time_text(moment, "Asia/Jayapura") == "2027-03-01 15.30 WIT"
    assert local_time_text(moment, "Asia/Pontianak") == "2027-03-01 13.30 WIB"
    # Late in the evening in UTC is already the next day in Papua.
    assert local_time_text(datetime(2027, 3, 1, 16, 0, tzinfo=UTC), "Asia/Jayapura") == "2027-03-02 01.00 WIT"
    # Another country's zone is named as its clocks name it.
    assert zone_abbreviation("Europe/Amsterdam", moment) == "CET"


def test_a_process_keeps_the_zone_it_was_opened_with() -> None:
    # A zone other than the region's (Jawa Tengah: WIB), so a process that ignored it would fail.
    process = open_process(time_zone="Asia/Jayapura")

    assert (process.time_zone, process.time_zone_abbreviation) == ("Asia/Jayapura", "WIT")
    opened = process.collect_events()[0]
    assert opened.time_zone == "Asia/Jayapura"  # type: ignore[attr-defined]


def test_a_process_takes_the_zone_it_is_given_else_its_provinces() -> None:
    assert process_time_zone("wit", "33.02.10.2001") == "Asia/Jayapura"
    assert process_time_zone(None, "73.71.01.1001") == "Asia/Makassar"
    assert process_time_zone("", "94.71.01.1001") == "Asia/Jayapura"
