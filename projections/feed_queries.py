"""Reading the transparency feed: cursor pages with filters, each an index range, never a scan."""

from __future__ import annotations

import base64
import binascii
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from projections.sql import Database, from_json, timestamp, to_json

MAX_LIMIT = 500
DEFAULT_LIMIT = 100


class BadCursor(ValueError):
    """A cursor this feed never handed out."""


@lru_cache(maxsize=65_536)
def encode_cursor(seq: int) -> str:
    """The opaque cursor of a feed item (the same for ever: remembered for the items read most)."""
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
    #: One kind of item (`projections.feed.KINDS`, or `overdue`: computed at read time, never stored).
    kind: str | None = None


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
    rows, following = _page_rows(database, after, limit, where, exact)
    return FeedPage(_items(database, rows), following)


def feed_page_json(
    database: Database,
    after: str | None = None,
    limit: int = DEFAULT_LIMIT,
    where: FeedFilter | None = None,
    exact: bool = False,
) -> str:
    """The same page as `feed_page`, as the JSON text of `{items, next}`, made from the stored renderings
    without decoding them: each item's stored JSON with its `cursor` (and a decision's `commitments`) added."""
    rows, following = _page_rows(database, after, limit, where, exact)
    commitments = _commitments_of(database, rows)
    items = []
    for seq, kind, proposal_id, body in rows:
        added = f',"cursor":"{encode_cursor(int(seq))}"'
        if kind == "decision":
            made = commitments.get(proposal_id or "")
            added += ',"commitments":' + (to_json(made) if made else "[]")
        items.append(body[:-1] + added + "}")
    return '{"items":[' + ",".join(items) + '],"next":' + to_json(following) + "}"


class RenderedPages:
    """Feed pages as served (JSON text), by what was asked, for the newest log position read so far.

    A page read at position P is the same for every reader asking the same until the log moves on, so
    the pages most asked for (the first page that readers poll) are made once per change of the log; when
    the log moves on, every kept page goes. At most `budget` characters are kept, counting what each page
    was asked with (`KEY_COST`) as well, the least recently served dropped first.
    """

    #: What a kept page's key and bookkeeping cost, in characters of the budget (a filter, a cursor, a dict slot).
    KEY_COST = 1_024

    def __init__(self, budget: int = 16_000_000) -> None:
        self.budget = budget
        self._lock = threading.Lock()
        self._pages: OrderedDict[Hashable, str] = OrderedDict()
        self._size = 0
        self._position = -1

    def served(self, position: int, asked: Hashable, make: Callable[[], str]) -> str:
        """The page asked for at this log position: kept, or made now (and kept unless the log moved on)."""
        with self._lock:
            if position > self._position:
                self._pages.clear()
                self._size = 0
                self._position = position
            page = self._pages.get(asked) if position == self._position else None
            if page is not None:
                self._pages.move_to_end(asked)
                return page
        page = make()
        cost = len(page) + self.KEY_COST
        with self._lock:
            if position == self._position and asked not in self._pages and cost <= self.budget:
                self._pages[asked] = page
                self._size += cost
                while self._size > self.budget:
                    _, dropped = self._pages.popitem(last=False)
                    self._size -= len(dropped) + self.KEY_COST
        return page


#: One stored item as a page reads it: its sequence number, kind, proposal and rendering (JSON text).
_Row = tuple[int, str, str | None, str]
_COLUMNS = "seq, kind, proposal_id"


def _page_rows(
    database: Database, after: str | None, limit: int, where: FeedFilter | None, exact: bool
) -> tuple[list[_Row], str | None]:
    """The stored items of a page and the cursor of the next page (None when this is the last for now)."""
    where = where or FeedFilter()
    limit = max(1, min(limit, MAX_LIMIT))
    filtered = _filter_clauses(database, where)
    if filtered is None:
        return [], None
    clauses, params = filtered
    clauses = ["seq > ?", *clauses]
    params = [decode_cursor(after) if after else 0, *params]
    rows = database.fetch_all(
        f"SELECT {_COLUMNS}, {_body(exact)} FROM projection_feed_items "
        f"WHERE {' AND '.join(clauses)} ORDER BY seq LIMIT ?",
        [*params, limit + 1],
    )
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, encode_cursor(int(rows[-1][0])) if more else None


def _filter_clauses(database: Database, where: FeedFilter) -> tuple[list[str], list[Any]] | None:
    """The SQL conditions of a filter and their parameters; None when nothing can match."""
    clauses: list[str] = []
    params: list[Any] = []
    if where.since is not None:
        since_seq = _first_seq(database, ">=", where.since)
        if since_seq is None:
            return None
        clauses.append("seq >= ?")
        params.append(since_seq)
    if where.until is not None:
        until_seq = _first_seq(database, ">", where.until)
        if until_seq is not None:
            clauses.append("seq < ?")
            params.append(until_seq)
    for column, value in (
        ("process_id", where.process_id),
        ("outcome", where.outcome),
        ("kind", where.kind),
    ):
        if value is not None:
            clauses.append(f"{column} = ?")
            params.append(value)
    if where.region_code is not None:
        clause, region_params = region_clause(where.region_code)
        clauses.append(clause)
        params.extend(region_params)
    return clauses, params


def region_clause(region_code: str) -> tuple[str, list[Any]]:
    """Items of a region and of every region below it, on whole segments: `63.03` keeps `63.03` and
    `63.03.05.2011`, never `63.030`. LIKE compares characters whatever the database's collation; the code's
    own wildcards are escaped."""
    escaped = region_code.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return "(region_code = ? OR region_code LIKE ? ESCAPE '\\')", [region_code, f"{escaped}.%"]


def _body(exact: bool) -> str:
    """The column holding the rendering a reader gets: exact for insiders, the outsiders' one otherwise.

    Both are computed once when the item is written (projections.feed), so a read does no rendering.
    """
    return "body" if exact else "public_body"


def _items(database: Database, rows: list[_Row]) -> list[dict[str, Any]]:
    """The stored items decoded, each with its cursor; decisions with their commitments as they stand now."""
    commitments = _commitments_of(database, rows)
    items = []
    for seq, kind, proposal_id, body in rows:
        item = from_json(body)
        item["cursor"] = encode_cursor(int(seq))
        if kind == "decision":
            item["commitments"] = commitments.get(proposal_id or "", [])
        items.append(item)
    return items


def _commitments_of(database: Database, rows: list[_Row]) -> dict[str, list[dict[str, Any]]]:
    """The commitments made under the decisions among the rows, by proposal, in the order they were made."""
    decided = sorted({proposal_id for _, kind, proposal_id, _ in rows if kind == "decision" and proposal_id})
    found: dict[str, list[dict[str, Any]]] = {}
    if not decided:
        return found
    marks = ", ".join("?" for _ in decided)
    for proposal_id, doc in database.fetch_all(
        f"SELECT proposal_id, doc FROM projection_feed_commitments WHERE proposal_id IN ({marks}) "
        "ORDER BY proposal_id, made_seq",
        decided,
    ):
        commitment = from_json(doc)
        commitment.pop("proposal_id", None)
        commitment.pop("made_seq", None)
        found.setdefault(proposal_id, []).append(commitment)
    return found


# --- what the web pages show ---------------------------------------------------------------


def newest_decision_items(
    database: Database,
    where: FeedFilter,
    region_prefix: str = "",
    proposal_id: str | None = None,
    limit: int = 50,
    kinds: tuple[str, ...] = ("decision",),
) -> list[dict[str, Any]]:
    """The newest decision items (or items of `kinds`, such as annulments too), newest first, each exactly as the
    feed serves it to anyone (small counts hidden). `region_prefix` keeps a region and everything under it (the
    feed's own filter takes one code)."""
    clauses = [f"kind IN ({', '.join('?' for _ in kinds)})"]
    params: list[Any] = list(kinds)
    for column, value in (("process_id", where.process_id), ("outcome", where.outcome), ("proposal_id", proposal_id)):
        if value is not None:
            clauses.append(f"{column} = ?")
            params.append(value)
    if region_prefix:
        clause, region_params = region_clause(region_prefix)
        clauses.append(clause)
        params.extend(region_params)
    for comparison, moment in ((">=", where.since), ("<=", where.until)):
        if moment is not None:
            clauses.append(f"at {comparison} ?")
            params.append(timestamp(moment))
    rows = database.fetch_all(
        f"SELECT {_COLUMNS}, {_body(False)} FROM projection_feed_items "
        f"WHERE {' AND '.join(clauses)} ORDER BY seq DESC LIMIT ?",
        [*params, limit],
    )
    return _items(database, rows)


def commitments_of_proposal(database: Database, proposal_id: str) -> list[dict[str, Any]]:
    """The commitments made on a published proposal, with their progress, in the order they were made."""
    rows = database.fetch_all(
        "SELECT doc FROM projection_feed_commitments WHERE proposal_id = ? ORDER BY made_seq", (proposal_id,)
    )
    return [from_json(row[0]) for row in rows]


# --- Atom: a subscription document and archives (RFC 5005) -------------------------------------


@dataclass(frozen=True)
class ArchivedPage:
    """An Atom view of the feed after RFC 5005: the subscription document (`after` None: the newest `limit`
    items, newest first) or a page read from a cursor (oldest first).

    Archive pages are the cursor pages a reader gets by starting at the oldest item (`FIRST_ARCHIVE`) and
    following `next`: their bounds never move as the log grows, so once full (`is_archive`) a page keeps
    its items forever. `prev_archive` and `next_archive` are the `after` cursors of the neighbouring
    archives (None when there is none); the subscription document's `prev_archive` is the newest full one.
    """

    items: list[dict[str, Any]]
    is_archive: bool
    prev_archive: str | None
    next_archive: str | None


#: The cursor of the oldest archive page (before the first item).
FIRST_ARCHIVE = encode_cursor(0)


def archived_page(
    database: Database,
    after: str | None = None,
    limit: int = DEFAULT_LIMIT,
    where: FeedFilter | None = None,
    exact: bool = False,
) -> ArchivedPage:
    """The subscription document (no cursor) or the archive page after a cursor, with archive links.

    Costs a count of the filtered items and, per link, an index read from the nearer end of the feed (no item
    bodies): on a million items about 0.1 s for the subscription document on SQLite.
    """
    where = where or FeedFilter()
    limit = max(1, min(limit, MAX_LIMIT))
    filtered = _filter_clauses(database, where)
    if filtered is None:
        if after is not None:
            decode_cursor(after)
        return ArchivedPage([], False, None, None)
    clauses, params = filtered
    condition = " AND ".join(clauses) or "1 = 1"
    total = int(
        database.fetch_one(f"SELECT COUNT(*) FROM projection_feed_items WHERE {condition}", params)[0]  # type: ignore[index]
    )

    def seq_at(index: int) -> int | None:
        # The sequence number of the matching item with this index, read from whichever end is nearer.
        if index < total - 1 - index:
            row = database.fetch_one(
                f"SELECT seq FROM projection_feed_items WHERE {condition} ORDER BY seq LIMIT 1 OFFSET ?",
                [*params, index],
            )
        else:
            row = database.fetch_one(
                f"SELECT seq FROM projection_feed_items WHERE {condition} ORDER BY seq DESC LIMIT 1 OFFSET ?",
                [*params, total - 1 - index],
            )
        return None if row is None else int(row[0])

    def cursor_before(index: int) -> str:
        # The cursor of the page that starts at the item with this index (0: the oldest matching item).
        seq = seq_at(index - 1) if index > 0 else None
        return FIRST_ARCHIVE if seq is None else encode_cursor(seq)

    if after is None:
        rows = database.fetch_all(
            f"SELECT {_COLUMNS}, {_body(exact)} FROM projection_feed_items WHERE {condition} ORDER BY seq DESC LIMIT ?",
            [*params, limit],
        )
        full_archives = total // limit
        newest = cursor_before((full_archives - 1) * limit) if full_archives else None
        return ArchivedPage(_items(database, rows), False, newest, None)

    start_seq = decode_cursor(after)
    start = _count_up_to(database, condition, params, start_seq, total)
    rows = database.fetch_all(
        f"SELECT {_COLUMNS}, {_body(exact)} FROM projection_feed_items "
        f"WHERE {condition} AND seq > ? ORDER BY seq LIMIT ?",
        [*params, start_seq, limit],
    )
    is_archive = len(rows) == limit
    previous = cursor_before(max(0, start - limit)) if start > 0 else None
    following = encode_cursor(int(rows[-1][0])) if is_archive and start + 2 * limit <= total else None
    return ArchivedPage(_items(database, rows), is_archive, previous, following)


def _count_up_to(database: Database, condition: str, params: list[Any], seq: int, total: int) -> int:
    """How many matching items have a sequence number up to `seq`, counted from the nearer end of the feed
    (archive pages near the newest cost as little as those near the oldest)."""
    first = database.fetch_one(f"SELECT seq FROM projection_feed_items WHERE {condition} ORDER BY seq LIMIT 1", params)
    last = database.fetch_one(
        f"SELECT seq FROM projection_feed_items WHERE {condition} ORDER BY seq DESC LIMIT 1", params
    )
    if first is None or last is None:
        return 0
    low, high = int(first[0]), int(last[0])
    if seq - low <= high - seq:
        row = database.fetch_one(
            f"SELECT COUNT(*) FROM projection_feed_items WHERE {condition} AND seq <= ?", [*params, seq]
        )
        return 0 if row is None else int(row[0])
    row = database.fetch_one(
        f"SELECT COUNT(*) FROM projection_feed_items WHERE {condition} AND seq > ?", [*params, seq]
    )
    return total - (0 if row is None else int(row[0]))
