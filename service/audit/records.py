"""The raw stored records, read straight from the tables in one consistent snapshot.

The verifier, the export and `GET /audit/events` all read through here:
each stored event joined with its own `event_hashes` row and with the hash
row of the event before it in its aggregate, in notification order, streamed
with a database cursor so that memory stays constant however long the log.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NamedTuple
from uuid import UUID

from eventsourcing.persistence import ApplicationRecorder
from eventsourcing.postgres import PostgresDatastore
from psycopg.rows import tuple_row
from psycopg.sql import SQL, Identifier

from service.audit.chain import HASHES_TABLE
from service.audit.public_form import PUBLIC_FORMS_TABLE

FETCH_ROWS = 2000


class RawRecord(NamedTuple):
    """One stored event as it is on disk, with the hash rows that vouch for it (None: missing)."""

    position: Any
    originator_id: Any
    version: Any
    topic: Any
    state: Any
    bound: Any  # the hash row at this position names this event (None: no hash row)
    hash: Any
    root: Any
    previous_hash: Any  # the hash of the event before in the aggregate, if the row pointed to is that event
    previous_position: Any
    public_form: Any = None  # hash version 2 (service.audit.public_form): what outsiders may read of it
    private_salt: Any = None  # ... and the salt of its private digest


def originator_text(raw: Any) -> str:
    """An aggregate id as a hyphenated UUID, from SQLite's hex text or PostgreSQL's uuid."""
    return str(raw if isinstance(raw, UUID) else UUID(hex=raw))


class LogSnapshot:
    """The stored log as of one read transaction."""

    def __init__(self, cursor_factory: Any, sql: dict[str, Any], is_postgres: bool) -> None:
        self._cursor = cursor_factory
        self._sql = sql
        self.is_postgres = is_postgres

    def records(self, after: int = 0, limit: int | None = None) -> Iterator[tuple[Any, ...]]:
        """Stored events after a position, oldest first, each with its hash rows (plain tuples, `RawRecord` order)."""
        statement = self._sql["records"] if limit is None else self._sql["records_limited"]
        params: tuple[Any, ...] = (after,) if limit is None else (after, limit)
        with self._cursor(streaming=True) as cursor:
            cursor.execute(statement, params)
            if not self.is_postgres:
                # SQLite's cursor steps the statement row by row: iterating it is constant memory already,
                # and a third faster than `fetchmany`, which builds a list of tuples per chunk.
                yield from cursor
                return
            # PostgreSQL's server-side cursor: a round trip per chunk, never the whole result in memory.
            while True:
                rows = cursor.fetchmany(FETCH_ROWS)
                if not rows:
                    return
                yield from rows

    def events_of(self, originator_id: UUID) -> Iterator[tuple[int, bytes]]:
        """(position, state) of every stored event of one aggregate, in version order."""
        key: Any = originator_id if self.is_postgres else originator_id.hex
        with self._cursor(streaming=True) as cursor:
            cursor.execute(self._sql["events_of"], (key,))
            while True:
                rows = cursor.fetchmany(FETCH_ROWS)
                if not rows:
                    return
                for row in rows:
                    yield int(row[0]), bytes(row[1])

    def orphan_hashes(self) -> Iterator[tuple[Any, ...]]:
        """Hash rows whose event is gone: (position, originator_id, version, hash, root), oldest first."""
        with self._cursor(streaming=True) as cursor:
            cursor.execute(self._sql["orphans"], ())
            while True:
                rows = cursor.fetchmany(FETCH_ROWS)
                if not rows:
                    return
                yield from rows

    def root_at(self, position: int) -> tuple[bytes, bytes] | None:
        """The stored (hash, root) at a notification position, if a hash row is there."""
        return self._one("root_at", (position,))

    def hash_between(self, first: int, last: int | None) -> int | None:
        """The first position from `first` to `last` (None: the end) that has a hash row."""
        row = self._one("hash_from", (first,)) if last is None else self._one("hash_between", (first, last))
        return None if row is None else row[0]

    def last_position(self) -> int:
        """The notification id of the last stored event (0 for an empty log)."""
        row = self._one("last", ())
        return int(row[0]) if row and row[0] is not None else 0

    def _one(self, name: str, params: tuple[Any, ...]) -> Any:
        with self._cursor(streaming=False) as cursor:
            cursor.execute(self._sql[name], params)
            row = cursor.fetchone()
        if row is None:
            return None
        return tuple(bytes(v) if isinstance(v, memoryview) else v for v in row)


def sqlite_statements(events: str) -> dict[str, Any]:
    """The verifier's queries on SQLite (`stored_events` or a copy shaped like it)."""
    select = (
        # SQLite keeps any type in any column: bytes are read as bytes even where someone wrote them as text
        # (text that is not UTF-8 would otherwise stop the read itself, with no position to report).
        "SELECT e.rowid, e.originator_id, e.originator_version, e.topic, CAST(e.state AS BLOB), "
        "h.originator_id = e.originator_id AND h.originator_version = e.originator_version, h.hash, h.root, "
        "CASE WHEN p.originator_id = e.originator_id AND p.originator_version = e.originator_version - 1 "
        "THEN p.hash END, h.previous_position, CAST(f.public_form AS BLOB), CAST(f.salt AS BLOB) "
        f"FROM {events} e "
        f"LEFT JOIN {HASHES_TABLE} h ON h.notification_id = e.rowid "
        f"LEFT JOIN {HASHES_TABLE} p ON p.notification_id = h.previous_position "
        f"LEFT JOIN {PUBLIC_FORMS_TABLE} f ON f.notification_id = e.rowid "
        "WHERE e.rowid > ? ORDER BY e.rowid"
    )
    return {
        "records": select,
        "records_limited": select + " LIMIT ?",
        "root_at": f"SELECT hash, root FROM {HASHES_TABLE} WHERE notification_id = ?",
        "hash_between": (
            f"SELECT notification_id FROM {HASHES_TABLE} WHERE notification_id BETWEEN ? AND ? "
            "ORDER BY notification_id LIMIT 1"
        ),
        "hash_from": f"SELECT notification_id FROM {HASHES_TABLE} WHERE notification_id >= ? "
        "ORDER BY notification_id LIMIT 1",
        "last": f"SELECT MAX(rowid) FROM {events}",
        "events_of": f"SELECT rowid, state FROM {events} WHERE originator_id = ? ORDER BY originator_version",
        "orphans": f"SELECT h.notification_id, h.originator_id, h.originator_version, h.hash, h.root "
        f"FROM {HASHES_TABLE} h LEFT JOIN {events} e ON e.rowid = h.notification_id "
        "WHERE e.rowid IS NULL ORDER BY h.notification_id",
    }


def _postgres_statements(schema: str, events: str) -> dict[str, Any]:
    table = SQL("{}.{}").format(Identifier(schema), Identifier(events))
    hashes = SQL("{}.{}").format(Identifier(schema), Identifier(HASHES_TABLE))
    select = SQL(
        "SELECT e.notification_id, e.originator_id, e.originator_version, e.topic, e.state, "
        "h.originator_id = e.originator_id AND h.originator_version = e.originator_version, h.hash, h.root, "
        "CASE WHEN p.originator_id = e.originator_id AND p.originator_version = e.originator_version - 1 "
        "THEN p.hash END, h.previous_position, f.public_form, f.salt "
        "FROM {events} e "
        "LEFT JOIN {hashes} h ON h.notification_id = e.notification_id "
        "LEFT JOIN {hashes} p ON p.notification_id = h.previous_position "
        "LEFT JOIN {forms} f ON f.notification_id = e.notification_id "
        "WHERE e.notification_id > %s ORDER BY e.notification_id"
    ).format(events=table, hashes=hashes, forms=SQL("{}.{}").format(Identifier(schema), Identifier(PUBLIC_FORMS_TABLE)))
    return {
        "records": select,
        "records_limited": select + SQL(" LIMIT %s"),
        "root_at": SQL("SELECT hash, root FROM {} WHERE notification_id = %s").format(hashes),
        "hash_between": SQL(
            "SELECT notification_id FROM {} WHERE notification_id BETWEEN %s AND %s ORDER BY notification_id LIMIT 1"
        ).format(hashes),
        "hash_from": SQL(
            "SELECT notification_id FROM {} WHERE notification_id >= %s ORDER BY notification_id LIMIT 1"
        ).format(hashes),
        "last": SQL("SELECT MAX(notification_id) FROM {}").format(table),
        "events_of": SQL(
            "SELECT notification_id, state FROM {} WHERE originator_id = %s ORDER BY originator_version"
        ).format(table),
        "orphans": SQL(
            "SELECT h.notification_id, h.originator_id, h.originator_version, h.hash, h.root FROM {hashes} h "
            "LEFT JOIN {events} e ON e.notification_id = h.notification_id WHERE e.notification_id IS NULL "
            "ORDER BY h.notification_id"
        ).format(hashes=hashes, events=table),
    }


@contextmanager
def log_snapshot(recorder: ApplicationRecorder) -> Iterator[LogSnapshot]:
    """The log as of now, read in one transaction (a consistent snapshot), released afterwards."""
    datastore: Any = getattr(recorder, "datastore")
    events: str = getattr(recorder, "events_table_name")
    if isinstance(datastore, PostgresDatastore):
        with datastore.get_connection() as connection, connection.transaction():
            connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            counter = iter(range(1 << 62))

            @contextmanager
            def pg_cursor(streaming: bool) -> Iterator[Any]:
                name = f"audit_{next(counter)}" if streaming else None
                cursor = (
                    connection.cursor(name=name, row_factory=tuple_row)
                    if name
                    else connection.cursor(row_factory=tuple_row)
                )
                try:
                    yield cursor
                finally:
                    cursor.close()

            yield LogSnapshot(pg_cursor, _postgres_statements(datastore.schema, events), is_postgres=True)
        return
    with datastore.get_connection(commit=False) as connection:
        raw = connection._sqlite_conn
        raw.execute("BEGIN")
        try:
            # Reading once makes the snapshot start now, not at the first statement of the verifier.
            raw.execute(f"SELECT 1 FROM {events} LIMIT 1").fetchall()

            @contextmanager
            def sqlite_cursor(streaming: bool) -> Iterator[Any]:
                cursor = raw.cursor()
                cursor.row_factory = None
                try:
                    yield cursor
                finally:
                    cursor.close()

            yield LogSnapshot(sqlite_cursor, sqlite_statements(events), is_postgres=False)
        finally:
            raw.rollback()
