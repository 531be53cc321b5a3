"""Plain SQL for the read models, on the ledger's own SQLite or PostgreSQL database.

Statements are written once with `?` placeholders and portable SQL (both
databases understand `INSERT ... ON CONFLICT`); `executemany` goes to the
driver's own, because a rebuild writes tens of thousands of rows per second.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any
from uuid import UUID

from eventsourcing.persistence import ApplicationRecorder
from eventsourcing.postgres import PostgresDatastore


class Sql:
    """A cursor in one transaction that speaks `?` placeholders on both databases."""

    def __init__(self, cursor: Any, is_postgres: bool) -> None:
        self._cursor = cursor
        self._is_postgres = is_postgres

    def _statement(self, statement: str) -> str:
        return statement.replace("?", "%s") if self._is_postgres else statement

    def execute(self, statement: str, params: Sequence[Any] = ()) -> None:
        """Runs one statement."""
        self._cursor.execute(self._statement(statement), tuple(params))

    def executemany(self, statement: str, rows: Sequence[Sequence[Any]]) -> None:
        """Runs one statement for each row (nothing when there are no rows)."""
        if rows:
            self._cursor.executemany(self._statement(statement), [tuple(row) for row in rows])

    def fetch_all(self, statement: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Runs one query and returns its rows as tuples."""
        self.execute(statement, params)
        return [as_tuple(row) for row in self._cursor.fetchall()]

    def fetch_one(self, statement: str, params: Sequence[Any] = ()) -> tuple[Any, ...] | None:
        """Runs one query and returns its first row, if any."""
        rows = self.fetch_all(statement, params)
        return rows[0] if rows else None


class Database:
    """Transactions on the database that holds the event log, for the read models' tables.

    Reached through the recorder's own datastore (as `service.adapters.storage.SideTables` does), so the
    read models live beside the log and this package needs nothing of the service.
    """

    def __init__(self, recorder: ApplicationRecorder) -> None:
        self.datastore: Any = getattr(recorder, "datastore")
        # By the datastore, not the recorder's class: the audit recorders subclass eventsourcing's.
        self.is_postgres = isinstance(self.datastore, PostgresDatastore)

    @contextmanager
    def transaction(self, commit: bool = True) -> Iterator[Sql]:
        """One transaction: committed when the block ends without an error, else rolled back."""
        with self.datastore.transaction(commit=commit) as cursor:
            yield Sql(cursor, self.is_postgres)

    def fetch_all(self, statement: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Runs one query in a read-only transaction."""
        with self.transaction(commit=False) as sql:
            return sql.fetch_all(statement, params)

    def fetch_one(self, statement: str, params: Sequence[Any] = ()) -> tuple[Any, ...] | None:
        """Runs one query in a read-only transaction and returns its first row, if any."""
        rows = self.fetch_all(statement, params)
        return rows[0] if rows else None


def as_tuple(row: Any) -> tuple[Any, ...]:
    """A row of either driver as a plain tuple."""
    if isinstance(row, sqlite3.Row):
        return tuple(row)
    if isinstance(row, dict):
        return tuple(row.values())
    return tuple(row)


def to_json(value: Any) -> str:
    """Compact, key-ordered JSON, so that a rebuild writes byte-identical rows."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def from_json(text: str | None) -> Any:
    """The value back from `to_json` (None stays None)."""
    return None if text is None else json.loads(text)


def timestamp(moment: datetime) -> str:
    """An RFC 3339 UTC timestamp with microseconds; fixed width, so text order is time order."""
    if moment.tzinfo is not UTC:
        moment = moment.astimezone(UTC)
    # isoformat is much cheaper than strftime, and a rebuild formats every event's time.
    return moment.isoformat(timespec="microseconds")[:26] + "Z"


def parse_timestamp(text: str) -> datetime:
    """A timestamp written by `timestamp` (or any RFC 3339 text) as an aware datetime."""
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


_ID_TEXT: dict[int, str] = {}
_ID_TEXT_LIMIT = 100_000


def id_text(value: UUID) -> str:
    """An id as text, remembered: a rebuild turns the same few thousand ids into text again and again."""
    # Keyed by the id's integer: hashing an int is C, hashing a UUID is a Python call.
    try:
        key = value.int
    except AttributeError:
        return str(value)
    found = _ID_TEXT.get(key)
    if found is None:
        if len(_ID_TEXT) >= _ID_TEXT_LIMIT:
            _ID_TEXT.clear()
        found = _ID_TEXT[key] = str(value)
    return found


def keyed_table(statement: str, is_postgres: bool) -> str:
    """A CREATE TABLE stored in the order of its primary key on SQLite (WITHOUT ROWID): one b-tree per row, not two."""
    return statement if is_postgres else statement + " WITHOUT ROWID"


def plain(value: Any) -> Any:
    """An event field as JSON values: ids and times as text, value objects as their fields."""
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, datetime):
        return timestamp(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(item) for item in value]
    return value
