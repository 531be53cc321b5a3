"""Times on the pages: in the process's own zone and named by it ("2027-03-01 14.30 WITA"), never bare UTC.

The API keeps RFC 3339 UTC; people at a musyawarah read the clock of their
region. Every page prints a time through `local_time`, and every form field
that takes a typed time says which zone it is read in (`zone_abbreviation`).
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask

from domain.time_zones import local_time_text, zone_abbreviation
from projections.feed_formats import item_time_zone
from projections.sql import parse_timestamp


def _moment(value: datetime | str) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    return parse_timestamp(value)


def local_time(value: datetime | str | None, zone: str) -> str:
    """A moment (aware datetime or RFC 3339 text) as the process's people read it, with the zone's name."""
    if value is None or value == "":
        return ""
    return local_time_text(_moment(value), zone)


def iso_time(value: datetime | str | None) -> str:
    """The machine-readable moment for `<time datetime=...>`: RFC 3339 in UTC."""
    if value is None or value == "":
        return ""
    return _moment(value).astimezone(UTC).isoformat().replace("+00:00", "Z")


def init_times(app: Flask) -> None:
    """The filters and functions the templates format times with."""
    app.jinja_env.filters.update(local_time=local_time, iso_time=iso_time)
    # A list of decisions from many processes shows each at its own process's zone.
    app.jinja_env.globals.update(zone_abbreviation=zone_abbreviation, zone_of_item=item_time_zone)
