"""Where the ledger is stored: one setting, `MUFAKAT_DATABASE_URL`, picks SQLite or PostgreSQL.

SQLite is the embedded default (a file in WAL mode with `synchronous=FULL`,
so an acknowledged write survives a power cut). PostgreSQL goes through
eventsourcing's own persistence module. Both also hold Mufakat's side tables
(read models, server secrets; on PostgreSQL the keys too), reached through
`SideTables` in the same database. An SQLite ledger keeps its keys in a file of
their own beside it (`service.adapters.key_file`: `mufakat.keys.db`), where a
deleted key leaves the disk at once whoever reads the ledger; a backup of an
SQLite ledger is the ledger file and then its key file.

Both use the audit recorders of `service.audit.chain` (chosen here with
eventsourcing's `APPLICATION_RECORDER_TOPIC`): every insert also writes the
event's chained hash in the same transaction (docs/audit-format.md).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any
from urllib.parse import unquote, urlsplit
from uuid import UUID

import psycopg
from eventsourcing.persistence import ApplicationRecorder, OperationalError
from eventsourcing.postgres import PostgresDatastore
from eventsourcing.sqlite import SQLiteConnection, SQLiteConnectionPool, SQLiteCursor, SQLiteFactory, SQLiteTransaction

from service.settings import Settings

SQLITE_RECORDER_TOPIC = "service.audit.chain:HashChainedSQLiteRecorder"
POSTGRES_RECORDER_TOPIC = "service.audit.chain:HashChainedPostgresRecorder"


class UnsupportedDatabaseUrl(ValueError):
    """`MUFAKAT_DATABASE_URL` names a database Mufakat cannot use."""


def ledger_environment(settings: Settings) -> dict[str, str]:
    """The eventsourcing environment of the ledger `settings` configure (its URL, timeouts and pool)."""
    return persistence_settings(settings.database_url, settings)


def persistence_settings(database_url: str, settings: Settings | None = None) -> dict[str, str]:
    """The eventsourcing environment that stores the ledger where `database_url` says (timeouts and pool from
    `settings`, by default their defaults)."""
    settings = settings or Settings()
    parts = urlsplit(database_url)
    if parts.scheme == "sqlite":
        # sqlite:///relative.db and sqlite:////absolute/path.db, as SQLAlchemy spells them.
        path = unquote(parts.path[1:] if parts.path.startswith("/") else parts.path)
        if not path:
            raise UnsupportedDatabaseUrl("a sqlite URL needs a file path: sqlite:///mufakat.db")
        return {
            "PERSISTENCE_MODULE": f"{__name__}:DurableSQLiteFactory",
            "SQLITE_DBNAME": path,
            "SQLITE_LOCK_TIMEOUT": str(settings.sqlite_lock_timeout),
            # Every insert also writes its chained hash (service.audit.chain, docs/audit-format.md).
            "APPLICATION_RECORDER_TOPIC": SQLITE_RECORDER_TOPIC,
        }
    if parts.scheme in ("postgresql", "postgres"):
        return {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": unquote(parts.path.lstrip("/")) or "mufakat",
            "POSTGRES_HOST": parts.hostname or "127.0.0.1",
            "POSTGRES_PORT": str(parts.port or 5432),
            "POSTGRES_USER": unquote(parts.username or "postgres"),
            "POSTGRES_PASSWORD": unquote(parts.password or ""),
            "POSTGRES_CONNECT_TIMEOUT": str(settings.postgres_connect_timeout),
            "POSTGRES_POOL_SIZE": str(settings.postgres_pool_size),
            "POSTGRES_MAX_OVERFLOW": str(settings.postgres_max_overflow),
            "POSTGRES_LOCK_TIMEOUT": "5",
            "POSTGRES_IDLE_IN_TRANSACTION_SESSION_TIMEOUT": "10",
            "POSTGRES_PRE_PING": "y",
            "APPLICATION_RECORDER_TOPIC": POSTGRES_RECORDER_TOPIC,
        }
    raise UnsupportedDatabaseUrl(
        f"MUFAKAT_DATABASE_URL must start with sqlite:/// or postgresql://, not {parts.scheme!r}"
    )


class _ImmediateTransaction(SQLiteTransaction):
    """eventsourcing's SQLite transaction, begun `IMMEDIATE` when it will write.

    A plain `BEGIN` reads first and asks for the write lock at its first write:
    when another process committed in between, SQLite refuses at once with
    "database is locked" (its snapshot is stale), without waiting the lock
    timeout. `BEGIN IMMEDIATE` takes the write lock first, waiting for it.
    """

    def __enter__(self) -> SQLiteCursor:
        if not self.commit:
            return super().__enter__()
        cursor = self.connection.cursor()
        try:
            cursor.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:  # the lock timeout passed: as eventsourcing reports it
            cursor.sqlite_cursor.close()
            raise OperationalError(error) from error
        return cursor


class DurableSQLiteConnection(SQLiteConnection):
    """An SQLite connection whose writing transactions wait for the write lock (`_ImmediateTransaction`)."""

    @contextmanager
    def transaction(self, *, commit: bool) -> Iterator[SQLiteCursor]:
        """A cursor in one transaction, committed when `commit` (then begun IMMEDIATE)."""
        with _ImmediateTransaction(self, commit=commit) as curs, curs:
            yield curs


class DurableSQLiteConnectionPool(SQLiteConnectionPool):
    """SQLite connections that fsync every commit (`synchronous=FULL`) and overwrite what they delete.

    `secure_delete` zeroes deleted content (a forgotten participant's key) in
    the database pages instead of leaving it in free space. A writing transaction
    waits up to `MUFAKAT_SQLITE_LOCK_TIMEOUT` for the write lock (`_ImmediateTransaction`).
    """

    def _create_connection(self) -> SQLiteConnection:
        connection = super()._create_connection()
        connection._sqlite_conn.execute("PRAGMA synchronous=FULL")
        connection._sqlite_conn.execute("PRAGMA secure_delete=ON")
        if connection._max_age_timer is not None:  # the connection lives on in its new wrapper
            connection._max_age_timer.cancel()
        return DurableSQLiteConnection(sqlite_conn=connection._sqlite_conn, max_age=self.max_age)


class DurableSQLiteFactory(SQLiteFactory):
    """eventsourcing's SQLite persistence, made durable: WAL with `synchronous=FULL`."""

    def __init__(self, env: Any) -> None:
        super().__init__(env)
        old_pool = self.datastore.pool
        self.datastore.pool = DurableSQLiteConnectionPool(db_name=old_pool.db_name, lock_timeout=old_pool.lock_timeout)
        old_pool.close()


class SideTables:
    """Plain SQL on the ledger's own database, for tables beside the event log.

    Statements are written with `?` placeholders; on PostgreSQL they become `%s`.
    """

    def __init__(self, recorder: ApplicationRecorder) -> None:
        self.datastore: Any = getattr(recorder, "datastore")
        # By the datastore, not the recorder's module: the audit recorders subclass eventsourcing's.
        self.is_postgres = isinstance(self.datastore, PostgresDatastore)

    def sql(self, statement: str) -> str:
        """The statement in the placeholder style of this database."""
        return statement.replace("?", "%s") if self.is_postgres else statement

    @contextmanager
    def transaction(self) -> Iterator[Any]:
        """A cursor in one committed transaction."""
        with self.datastore.transaction(commit=True) as cursor:
            yield _PlaceholderCursor(cursor, self)

    def execute(self, statement: str, params: Sequence[Any] = ()) -> None:
        """Runs one statement in its own transaction; after a DELETE, no deleted byte lingers on disk."""
        with self.transaction() as cursor:
            cursor.execute(statement, params)
        if statement.lstrip()[:6].upper() == "DELETE":
            self.purge_deleted()

    def erase(self, statement: str, params: Sequence[Any] = ()) -> None:
        """Deletes (e.g. a participant's key) and makes sure the deleted bytes are gone from the files."""
        with self.transaction() as cursor:
            cursor.execute(statement, params)
        self.purge_deleted()

    def purge_deleted(self, table: str | None = None, wait_seconds: float = 0.5) -> bool:
        """Makes sure rows deleted from `table` are gone from the database's files; False when a reader prevents it.

        SQLite: with `secure_delete` the database pages are zeroed already; the
        WAL may still hold the pages as they were before the delete until a
        checkpoint that truncates it, which waits for every reader to finish
        (at most `wait_seconds` here: the caller retries). PostgreSQL: a deleted
        row stays in its page until the table is rewritten: `VACUUM FULL` of
        `table` (waiting at most `wait_seconds` for its lock). The rewrite still
        copies a deleted row that an open transaction anywhere on the server might
        see (its snapshot holds back the horizon): PostgreSQL says so in
        VACUUM VERBOSE's "dead row versions cannot be removed yet", read here.
        """
        wait_ms = max(1, int(wait_seconds * 1000))
        if self.is_postgres:
            return table is None or self._vacuum_full(table, wait_ms)
        with self.datastore.get_connection(commit=True) as connection:
            sqlite = connection._sqlite_conn
            waited = sqlite.execute("PRAGMA busy_timeout").fetchone()[0]
            sqlite.execute(f"PRAGMA busy_timeout = {wait_ms}")
            try:
                row = sqlite.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            finally:
                sqlite.execute(f"PRAGMA busy_timeout = {int(waited)}")
        return bool(row is not None and row[0] == 0)

    def purge_deleted_from(self, tables: Sequence[str], wait_seconds: float = 0.5) -> bool:
        """`purge_deleted` for several tables at once: on SQLite one checkpoint serves them all."""
        if not self.is_postgres:
            return self.purge_deleted(wait_seconds=wait_seconds)
        return all([self.purge_deleted(table, wait_seconds) for table in tables])

    def _vacuum_full(self, table: str, wait_ms: int) -> bool:
        kept_dead_rows: list[int] = []

        def read_notice(diagnostic: Any) -> None:
            found = re.search(r"(\d+) dead row versions cannot be removed yet", diagnostic.message_detail or "")
            if found:
                kept_dead_rows.append(int(found.group(1)))

        with self.datastore.get_connection() as connection:  # autocommit: VACUUM runs outside a transaction
            connection.add_notice_handler(read_notice)
            try:
                connection.execute(f"SET lock_timeout = {wait_ms}")
                connection.execute(f"VACUUM (FULL, VERBOSE) {table}")
            except psycopg.errors.LockNotAvailable:  # a transaction holds the table: try again later
                return False
            finally:
                connection.remove_notice_handler(read_notice)
                connection.execute("RESET lock_timeout")
        return not any(kept_dead_rows)

    def delete_snapshots(self, table: str, aggregate_id: UUID) -> None:
        """Deletes an aggregate's snapshots from eventsourcing's snapshot `table`, and checks that none is left."""
        # The id as each store keeps it: PostgreSQL a uuid, SQLite its 32 hex digits.
        key: Any = aggregate_id if self.is_postgres else aggregate_id.hex
        with self.transaction() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE originator_id = ?", (key,))
            cursor.execute(f"SELECT count(*) FROM {table} WHERE originator_id = ?", (key,))
            left = cursor.fetchone()
        if left is None or int(left[0]) != 0:
            raise RuntimeError("the snapshots of a redacted aggregate were not deleted")

    def fetch_all(self, statement: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Runs one query and returns its rows as tuples."""
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(self.sql(statement), tuple(params))
            return [_as_tuple(row) for row in cursor.fetchall()]

    def fetch_one(self, statement: str, params: Sequence[Any] = ()) -> tuple[Any, ...] | None:
        """Runs one query and returns its first row, if any."""
        rows = self.fetch_all(statement, params)
        return rows[0] if rows else None


class _PlaceholderCursor:
    def __init__(self, cursor: Any, tables: SideTables) -> None:
        self.cursor = cursor
        self.tables = tables

    def execute(self, statement: str, params: Sequence[Any] = ()) -> None:
        self.cursor.execute(self.tables.sql(statement), tuple(params))

    def executemany(self, statement: str, rows: Sequence[Sequence[Any]]) -> None:
        for params in rows:
            self.execute(statement, params)

    def fetchall(self) -> list[tuple[Any, ...]]:
        return [_as_tuple(row) for row in self.cursor.fetchall()]

    def fetchone(self) -> tuple[Any, ...] | None:
        row = self.cursor.fetchone()
        return None if row is None else _as_tuple(row)


def _as_tuple(row: Any) -> tuple[Any, ...]:
    if isinstance(row, sqlite3.Row):
        return tuple(row)
    if isinstance(row, dict):
        return tuple(row.values())
    return tuple(row)


def connect_postgres(settings: Mapping[str, str]) -> Any:
    """A PostgreSQL connection of its own (autocommit) to the database the settings name."""
    import psycopg

    return psycopg.connect(
        host=settings.get("POSTGRES_HOST", "127.0.0.1"),
        port=int(settings.get("POSTGRES_PORT", "5432")),
        dbname=settings.get("POSTGRES_DBNAME", "mufakat"),
        user=settings.get("POSTGRES_USER", "postgres"),
        password=settings.get("POSTGRES_PASSWORD") or None,
        connect_timeout=int(settings.get("POSTGRES_CONNECT_TIMEOUT", "5")),
        autocommit=True,
    )


#: An arbitrary, fixed key for PostgreSQL's advisory lock around creating Mufakat's tables.
_SCHEMA_LOCK_KEY = 0x6D75666B  # "mufk"


@contextmanager
def schema_creation_lock(settings: dict[str, str]) -> Iterator[None]:
    """Lets one process at a time create the tables on PostgreSQL.

    Workers that start together would otherwise race in `CREATE TABLE IF NOT
    EXISTS` and one of them fails with "tuple concurrently updated". SQLite
    serialises schema changes by itself.
    """
    if not settings.get("PERSISTENCE_MODULE", "").startswith("eventsourcing.postgres"):
        yield
        return
    with connect_postgres(settings) as connection:
        connection.execute("SELECT pg_advisory_lock(%s)", (_SCHEMA_LOCK_KEY,))
        try:
            yield
        finally:
            connection.execute("SELECT pg_advisory_unlock(%s)", (_SCHEMA_LOCK_KEY,))
