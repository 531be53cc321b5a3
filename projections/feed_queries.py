"""Reading the transparency feed: cursor pages with filters, each an index range, never a scan."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from projections.sql import Database, from_json, timestamp

MAX_LIMIT = 500
DEFAULT_LIMIT = 100


class BadCursor(ValueError):
    """A cursor this feed never handed out."""


def encode_cursor(seq: int) -> str:
    """The opaque cursor of a feed item."""
    return base64.urlsafe_b64encode(f"f{seq}".encode("ascii")).decode("ascii").rstrip("=")


#: The largest integer a database column holds (a position past it cannot exist).
_LARGEST_POSITION = 2**63 - 1


def decode_cursor(cursor: str) -> int:
    """The sequence number behind a cursor."""
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
        if not text.startswith("f"):
            raise ValueError(text)
        sequence = int(text[1:])
        if not 0 <= sequence <= _LARGEST_POSITION:
            raise ValueError(text)
        return sequence
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise BadCursor("this cursor was not issued by this feed") from None


@dataclass(frozen=True)
class FeedFilter:
    """What a reader asks of the feed."""

    region_code: str | None = None
    process_id: str | None = None
    outcome: str | None = None
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True)
class FeedPage:
    """One page of feed items and the cursor of the next page (None at the end of the feed for now)."""

    items: list[dict[str, Any]]
    next: str | None


def _first_seq(database: Database, comparison: str, moment: datetime) -> int | None:
    # Item times never decrease along the feed, so a time bound is a sequence bound.
    row = database.fetch_one(
        f"SELECT seq FROM projection_feed_items WHERE at {comparison} ? ORDER BY at, seq LIMIT 1",
        (timestamp(moment),),
    )
    return None if row is None else int(row[0])


def feed_page(
    database: Database,
    after: str | None = None,
    limit: int = DEFAULT_LIMIT,
    where: FeedFilter | None = None,
    exact: bool = False,
) -> FeedPage:
    """The items after the cursor, oldest first; decisions carry their commitments as they stand now.

    With `exact` False, breakdowns by group and gender show counts of 1 or 2 as "<3".
    """
    where = where or FeedFilter()
    limit = max(1, min(limit, MAX_LIMIT))
    clauses = ["seq > ?"]
    params: list[Any] = [decode_cursor(after) if after else 0]
    if where.since is not None:
        since_seq = _first_seq(database, ">=", where.since)
        if since_seq is None:
            return FeedPage([], None)
        clauses.append("seq >= ?")
        params.append(since_seq)
    if where.until is not None:
        until_seq = _first_seq(database, ">", where.until)
        if until_seq is not None:
            clauses.append("seq < ?")
            params.append(until_seq)
    for column, value in (
        ("process_id", where.process_id),
        ("region_code", where.region_code),
        ("outcome", where.outcome),
    ):
        if value is not None:
            clauses.append(f"{column} = ?")
            params.append(value)
    # Outsiders read the rendering stored for them when the item was written (projections.feed).
    column = "body" if exact else "public_body"
    rows = database.fetch_all(
        f"SELECT seq, {column} FROM projection_feed_items WHERE {' AND '.join(clauses)} ORDER BY seq LIMIT ?",
        [*params, limit + 1],
    )
    more = len(rows) > limit
    rows = rows[:limit]
    items = []
    for seq, body in rows:
        item = from_json(body)
        item["cursor"] = encode_cursor(int(seq))
        items.append(item)
    _attach_commitments(database, items)
    return FeedPage(items, encode_cursor(int(rows[-1][0])) if more else None)


def _attach_commitments(database: Database, items: list[dict[str, Any]]) -> None:
    decisions = {item["proposal"]["id"]: item for item in items if item["kind"] == "decision"}
    for item in decisions.values():
        item["commitments"] = []
    if not decisions:
        return
    marks = ", ".join("?" for _ in decisions)
    rows = database.fetch_all(
        f"SELECT proposal_id, doc FROM projection_feed_commitments WHERE proposal_id IN ({marks}) "
        "ORDER BY proposal_id, made_seq",
        list(decisions),
    )
    for proposal_id, doc in rows:
        commitment = from_json(doc)
        commitment.pop("proposal_id", None)
        commitment.pop("made_seq", None)
        decisions[proposal_id]["commitments"].append(commitment)
