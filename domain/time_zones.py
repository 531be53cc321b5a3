"""The time zone of a process: Indonesia's three (WIB, WITA, WIT), found from the province of its region code.

Indonesia keeps three zones (Keppres 41/1987): WIB (UTC+7) for Sumatra, Java,
West and Central Kalimantan; WITA (UTC+8) for Bali, Nusa Tenggara, South, East
and North Kalimantan and Sulawesi; WIT (UTC+9) for Maluku and Papua. The
province is the first two digits of the BPS / Kemendagri region code
(`33.02.10.2001` is Jawa Tengah). A process keeps the IANA name of its zone;
people read the Indonesian abbreviation beside every time ("14.30 WITA").
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

from domain.errors import ValueNotAllowed

WIB = "Asia/Jakarta"
WITA = "Asia/Makassar"
WIT = "Asia/Jayapura"

#: The Indonesian names of the zones, as people write them after a time, and the IANA zone each stands for.
ZONE_OF_ABBREVIATION = {"WIB": WIB, "WITA": WITA, "WIT": WIT}
#: IANA zones that keep Indonesian time (Pontianak is WIB too), by the abbreviation people read.
ABBREVIATION_OF_ZONE = {WIB: "WIB", "Asia/Pontianak": "WIB", WITA: "WITA", WIT: "WIT"}

#: Each province (first two digits of its region code) and its zone.
PROVINCE_ZONES: dict[str, str] = {
    # Sumatra and its islands
    **dict.fromkeys(("11", "12", "13", "14", "15", "16", "17", "18", "19", "21"), WIB),
    # Java
    **dict.fromkeys(("31", "32", "33", "34", "35", "36"), WIB),
    # Bali and Nusa Tenggara
    **dict.fromkeys(("51", "52", "53"), WITA),
    # Kalimantan: the west and centre keep WIB, the south, east and north WITA
    **dict.fromkeys(("61", "62"), WIB),
    **dict.fromkeys(("63", "64", "65"), WITA),
    # Sulawesi
    **dict.fromkeys(("71", "72", "73", "74", "75", "76"), WITA),
    # Maluku and Papua (Papua's provinces of 2022 are numbered 92 to 97 in one or the other register)
    **dict.fromkeys(("81", "82"), WIT),
    **dict.fromkeys(("91", "92", "93", "94", "95", "96", "97"), WIT),
}


def zone_of_region(region_code: str) -> str:
    """The IANA zone of a region, by its province; WIB (the capital's) for a province code Indonesia does not use."""
    return PROVINCE_ZONES.get(region_code[:2], WIB)


def process_time_zone(given: str | None, region_code: str) -> str:
    """The zone of a process: the one it was given (`named_time_zone`), else its region's province's."""
    return named_time_zone(given) if given else zone_of_region(region_code)


@lru_cache(maxsize=1)
def _known_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def named_time_zone(name: str) -> str:
    """The IANA zone a process is given: `WIB`, `WITA`, `WIT` (any case) or an IANA name such as `Asia/Makassar`.

    Raises ValueNotAllowed for a name that is neither.
    """
    text = name.strip()
    if text.upper() in ZONE_OF_ABBREVIATION:
        return ZONE_OF_ABBREVIATION[text.upper()]
    if text in _known_zones():
        return text
    raise ValueNotAllowed("time_zone must be WIB, WITA, WIT or an IANA time zone name such as Asia/Makassar")


def zone_abbreviation(zone: str, moment: datetime | None = None) -> str:
    """What people read after a time in this zone: WIB, WITA or WIT, else the zone's own abbreviation then."""
    if zone in ABBREVIATION_OF_ZONE:
        return ABBREVIATION_OF_ZONE[zone]
    local = (moment or datetime.now(ZoneInfo("UTC"))).astimezone(ZoneInfo(zone))
    return local.tzname() or zone


def in_zone(moment: datetime, zone: str) -> datetime:
    """The moment as the clocks of the zone showed it."""
    return moment.astimezone(ZoneInfo(zone))


def local_time_text(moment: datetime, zone: str) -> str:
    """A moment as people of the process read it: date, hours.minutes and the zone (`2027-03-01 14.30 WITA`)."""
    local = in_zone(moment, zone)
    return f"{local:%Y-%m-%d %H.%M} {zone_abbreviation(zone, moment)}"
