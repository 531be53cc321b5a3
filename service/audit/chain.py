"""Recorders that chain every stored event's hash in the same transaction as its insert.

Beside the event log, table `event_hashes` keeps one row per stored event:
its notification id, its aggregate and version, its chained hash, the global
root after it (see `service.audit.canonical`) and the notification id of the
event before it in its aggregate (so the verifier finds that event's hash by
primary key). The rows are written by
the same transaction that inserts the events, after the insert has taken the
write lock (SQLite's single writer; PostgreSQL's `LOCK TABLE ... EXCLUSIVE`),
so the previous hash and the previous root read here are the latest committed
ones and concurrent writers can never interleave two chains.

The same transaction inserts the batch's answers to Idempotency-Keys
(`service.adapters.idempotency_keys`, passed as `insert_events(..., kept_answers=...)`),
also under the write lock; a batch may hold answers and no event.

The storage module selects these recorders through eventsourcing's
`APPLICATION_RECORDER_TOPIC` setting.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from cryptography.exceptions import InvalidTag
from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor
from psycopg import Cursor
from psycopg.rows import DictRow
from psycopg.sql import SQL, Composed, Identifier

from service.adapters import idempotency_keys
from service.adapters.idempotency_keys import IDEMPOTENCY_TABLE, RECORD_TOPICS, KeptAnswer, answers_of_records
from service.adapters.sealed_statements import INSERT_KEY_SQL, StatementKeys, words_sealed_with
from service.adapters.storage import SideTables
from service.audit.canonical import GENESIS, event_hash, next_root, originator_bytes
from service.audit.public_form import (
    PRIVATE_SALT_BYTES,
    PUBLIC_FORMS_TABLE,
    StatementOpener,
    event_hash_v2,
    has_public_form,
    private_digest,
    public_form,
    statement_salt,
)
from service.audit.tree_store import (
    HASHES_TABLE,
    TreeHead,
    TreeSql,
    extend_tree,
    postgres_tree_ddl,
    sqlite_tree_ddl,
)

SQLITE_HASHES_DDL = (
    f"CREATE TABLE IF NOT EXISTS {HASHES_TABLE} ("
    "notification_id INTEGER PRIMARY KEY, "
    "originator_id TEXT NOT NULL, "
    "originator_version INTEGER NOT NULL, "
    "hash BLOB NOT NULL, "
    "root BLOB NOT NULL, "
    "previous_position INTEGER, "
    "UNIQUE (originator_id, originator_version))"
)


def postgres_hashes_ddl(schema: str) -> Composed:
    """The `event_hashes` table on PostgreSQL, in the recorder's schema."""
    return SQL(
        "CREATE TABLE IF NOT EXISTS {schema}.{table} ("
        "notification_id bigint PRIMARY KEY, "
        "originator_id uuid NOT NULL, "
        "originator_version bigint NOT NULL, "
        "hash bytea NOT NULL, "
        "root bytea NOT NULL, "
        "previous_position bigint, "
        "UNIQUE (originator_id, originator_version))"
    ).format(schema=Identifier(schema), table=Identifier(HASHES_TABLE))


SQLITE_PUBLIC_FORMS_DDL = (
    f"CREATE TABLE IF NOT EXISTS {PUBLIC_FORMS_TABLE} ("
    "notification_id INTEGER PRIMARY KEY, public_form BLOB NOT NULL, salt BLOB NOT NULL, private_digest BLOB NOT NULL)"
)


def postgres_public_forms_ddl(schema: str) -> Composed:
    """The `event_public_forms` table on PostgreSQL: the public form and private salt of each version-2 event."""
    return SQL(
        "CREATE TABLE IF NOT EXISTS {schema}.{table} ("
        "notification_id bigint PRIMARY KEY, public_form bytea NOT NULL, salt bytea NOT NULL, "
        "private_digest bytea NOT NULL)"
    ).format(schema=Identifier(schema), table=Identifier(PUBLIC_FORMS_TABLE))


#: The keyword of `insert_events` that carries a batch's answers to Idempotency-Keys.
KEPT_ANSWERS = "kept_answers"
#: How many records of the old log are copied into the table of answers at a time.
_BACKFILL_PAGE = 1000

Link = tuple[int, Any, int, bytes, bytes, int | None]
#: A row of `event_public_forms`: (notification id, public form, private salt, private digest). The digest is
#: kept as written, so that what outsiders are served does not depend on the stored state staying intact.
PublicFormRow = tuple[int, bytes, bytes, bytes]
INSERT_COLUMNS = "(notification_id, originator_id, originator_version, hash, root, previous_position)"


def chain_links(
    stored_events: Sequence[StoredEvent],
    notification_ids: Sequence[int],
    previous_link: Any,
    last_root: bytes,
    public_forms: list[PublicFormRow] | None = None,
    statement_keys: StatementKeys | None = None,
) -> list[Link]:
    """The `event_hashes` rows of a batch: (notification id, originator, version, hash, root, previous position).

    `previous_link(originator_id, version)` answers (notification id, hash) of
    the stored event before, or None; events earlier in the same batch are chained here.
    An event with a public form (`service.audit.public_form`) is hashed with it (version 2) when
    `public_forms` is given; its row (notification id, public form, private salt) is appended there.
    """
    rows: list[Link] = []
    latest: dict[Any, tuple[int, int, bytes]] = {}
    root = last_root
    pairs = sorted(zip(notification_ids, stored_events, strict=True), key=lambda pair: pair[0])
    for notification_id, stored in pairs:
        key = stored.originator_id
        known = latest.get(key)
        previous: tuple[int, bytes] | None
        if known is not None and known[0] == stored.originator_version - 1:
            previous = (known[1], known[2])
        else:
            previous = previous_link(key, stored.originator_version - 1)
        hash_ = _hash_of(stored, previous[1] if previous else GENESIS, notification_id, public_forms, statement_keys)
        root = next_root(root, hash_)
        latest[key] = (stored.originator_version, notification_id, hash_)
        rows.append((notification_id, key, stored.originator_version, hash_, root, previous[0] if previous else None))
    return rows


def _hash_of(
    stored: StoredEvent,
    previous: bytes,
    notification_id: int,
    public_forms: list[PublicFormRow] | None,
    statement_keys: StatementKeys | None,
) -> bytes:
    originator = originator_bytes(stored.originator_id)
    state = bytes(stored.state)
    if public_forms is None or not has_public_form(stored.topic):
        return event_hash(previous, originator, stored.originator_version, stored.topic, state)
    aggregate = UUID(bytes=originator)
    opener = _opener(statement_keys, aggregate, stored.originator_version)
    try:
        form = public_form(aggregate, stored.originator_version, stored.topic, state, opener)
    except (ValueError, InvalidTag):
        # A statement whose key is not in memory (words sealed elsewhere) cannot be committed to: the event
        # keeps the plain hash, and its item reads as unbound, rather than the write failing.
        return event_hash(previous, originator, stored.originator_version, stored.topic, state)
    salt = os.urandom(PRIVATE_SALT_BYTES)
    digest = private_digest(salt, originator, stored.originator_version, stored.topic, state)
    public_forms.append((notification_id, form, salt, digest))
    return event_hash_v2(previous, form, digest)


def _opener(keys: StatementKeys | None, originator_id: UUID, version: int) -> StatementOpener | None:
    """Opens the statements of an event being inserted, with the keys they were just sealed with."""
    if keys is None:
        return None

    def open_statement(field: str, key_id: UUID, sealed: str) -> tuple[bytes, str] | None:
        key = keys.unsaved_key(originator_id, version, key_id, sealed)
        return None if key is None else (statement_salt(key), words_sealed_with(key, key_id, sealed))

    return open_statement


#: How many aggregates' last links a recorder keeps in memory (a hot aggregate's next event finds its own).
_LINKS_KEPT = 4096


@dataclass(frozen=True)
class ChainHead:
    """The chain's end as the last commit of this process left it: position, global root and the tree's head."""

    position: int
    root: bytes
    tree: TreeHead


class ChainInMemory:
    """The end of the chain and of the Merkle tree, and each recent aggregate's last link, kept by a recorder.

    A commit reads the last root, the tree's size and frontier and the previous hash of
    each aggregate from the database: about a dozen SELECTs per commit. Here they come from
    what this process's own last commit wrote, whenever nobody can have written since: the
    batch's first position follows that commit's last one directly. Positions are given under
    the write lock (SQLite's single writer; PostgreSQL's table lock, its sequence after a failed
    insert may skip), so a batch of another process in between always leaves a gap, and a gap
    sends the commit back to the database. A commit that fails changes nothing kept here; an
    aggregate's link (its event at a version, that event's position and hash) never changes once
    committed, so a kept one stays true whoever writes next.
    """

    def _chain_memory(self) -> None:
        self._head_lock = threading.Lock()
        self._head: ChainHead | None = None
        self._links: dict[tuple[Any, int], tuple[int, bytes]] = {}
        self._unsaved = threading.local()

    def head_following(self, notification_ids: Sequence[int]) -> ChainHead | None:
        """The kept head, when the batch's first position directly follows it (nobody wrote in between)."""
        head = self._head
        return head if head is not None and min(notification_ids) == head.position + 1 else None

    def kept_link(self, originator_id: Any, version: int) -> tuple[int, bytes] | None:
        """The kept (position, hash) of an aggregate's event at `version`, if this process committed it."""
        return self._links.get((originator_id, version))

    def stage_head(self, rows: Sequence[Link], tree: TreeHead | None) -> None:
        """What this transaction leaves at the end of the chain, kept once it commits (`keep_staged`)."""
        if rows and tree is not None:
            last = rows[-1]
            self._unsaved.staged = (ChainHead(position=int(last[0]), root=last[4], tree=tree), rows)

    def keep_staged(self, committed: bool) -> None:
        """Keeps the staged head and links of a committed transaction; forgets them after a failure."""
        staged = getattr(self._unsaved, "staged", None)
        self._unsaved.staged = None
        if staged is None or not committed:
            return
        head, rows = staged
        with self._head_lock:
            if self._head is None or head.position > self._head.position:
                self._head = head
            links = self._links
            for notification_id, originator_id, version, hash_, _root, _previous in rows:
                links.pop((originator_id, version - 1), None)  # an aggregate keeps only its last link
                links[(originator_id, version)] = (int(notification_id), hash_)
            while len(links) > _LINKS_KEPT:
                del links[next(iter(links))]


def _committing(recorder: ChainInMemory, insert: Callable[[], Sequence[int] | None]) -> Sequence[int] | None:
    """Runs an insert, then keeps what it staged when it committed."""
    try:
        result = insert()
    except BaseException:
        recorder.keep_staged(committed=False)
        raise
    recorder.keep_staged(committed=True)
    return result


class HashChainedSQLiteRecorder(SQLiteApplicationRecorder, ChainInMemory):
    """SQLite's application recorder, writing each event's chained hash in the same transaction."""

    def construct_create_table_statements(self) -> list[str]:
        """The event table, and `event_hashes` beside it."""
        return [
            *super().construct_create_table_statements(),
            SQLITE_HASHES_DDL,
            SQLITE_PUBLIC_FORMS_DDL,
            *sqlite_tree_ddl(),
            idempotency_keys.SQLITE_DDL,
        ]

    def _create_table(self, c: SQLiteCursor) -> None:
        # One transaction, begun IMMEDIATE: a worker opening the database meanwhile finds the answers copied.
        c.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (IDEMPOTENCY_TABLE,))
        had_answers = c.fetchone() is not None
        super()._create_table(c)
        if not had_answers:
            select = (
                f"SELECT rowid, originator_id, state FROM {self.events_table_name} "
                "WHERE rowid > ? AND topic IN (?, ?) ORDER BY rowid LIMIT ?"
            )

            def read_page(after: int) -> list[tuple[int, Any, bytes]]:
                c.execute(select, (after, *RECORD_TOPICS, _BACKFILL_PAGE))
                return [(row[0], row[1], bytes(row[2])) for row in c.fetchall()]

            def insert(answers: list[KeptAnswer]) -> None:
                c.executemany(idempotency_keys.SQLITE_INSERT, idempotency_keys.sqlite_rows(answers))

            copy_recorded_answers(read_page, insert)

    def kept_answer(self, record_id: UUID) -> KeptAnswer | None:
        """The answer kept for an Idempotency-Key's record id: one indexed SELECT, outside any transaction."""
        with self.datastore.get_connection(commit=False) as connection:
            # Read to the end, so that the statement is done and no read transaction pins the WAL.
            rows = connection._sqlite_conn.execute(idempotency_keys.SQLITE_SELECT, (record_id.hex,)).fetchall()
        return idempotency_keys.answer_from_row(record_id, tuple(rows[0])) if rows else None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._chain_memory()

    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        """Inserts events, their hashes and their statements' keys in one transaction."""
        with _keys_discarded_on_failure(self, stored_events):
            return _committing(
                self, lambda: super(HashChainedSQLiteRecorder, self).insert_events(stored_events, **kwargs)
            )

    def _insert_events(self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int]:
        # The insert comes first: it takes SQLite's write lock, so what is read next is the latest.
        notification_ids = list(super()._insert_events(c, stored_events, **kwargs) or [])
        answers: Sequence[KeptAnswer] = kwargs.get(KEPT_ANSWERS) or ()
        if answers:  # a key another worker committed first fails the batch here (IntegrityError)
            c.executemany(idempotency_keys.SQLITE_INSERT, idempotency_keys.sqlite_rows(answers))
        if not notification_ids:
            return notification_ids
        head = self.head_following(notification_ids)
        last: Any = None
        if head is None:
            c.execute(f"SELECT root, notification_id FROM {HASHES_TABLE} ORDER BY notification_id DESC LIMIT 1")
            last = c.fetchone()

        def previous_link(originator_id: Any, version: int) -> tuple[int, bytes] | None:
            if version < 1:  # an aggregate's first event (versions start at 1): nothing before it
                return None
            kept = self.kept_link(originator_id, version)
            if kept is not None:
                return kept
            c.execute(
                f"SELECT notification_id, hash FROM {HASHES_TABLE} WHERE originator_id = ? AND originator_version = ?",
                (_sqlite_id(originator_id), version),
            )
            row = c.fetchone()
            return (row[0], bytes(row[1])) if row else None

        forms: list[PublicFormRow] = []
        hashed_before: int | None
        if head is not None:
            last_root, hashed_before = head.root, head.position
        else:
            last_root, hashed_before = (bytes(last[0]), int(last[1])) if last else (GENESIS, None)
        rows = chain_links(stored_events, notification_ids, previous_link, last_root, forms, _keys_of(self))
        c.executemany(
            f"INSERT INTO {HASHES_TABLE} {INSERT_COLUMNS} VALUES (?, ?, ?, ?, ?, ?)",
            [(n, _sqlite_id(o), v, h, r, p) for n, o, v, h, r, p in rows],
        )
        if forms:
            c.executemany(f"INSERT INTO {PUBLIC_FORMS_TABLE} VALUES (?, ?, ?, ?)", forms)
        tree = extend_tree(
            c, _SQLITE_TREE, [(row[0], row[3]) for row in rows], hashed_before, head.tree if head else None
        )
        self.stage_head(rows, tree)
        # Into the ledger's key file (committed now, before these events) or its key table (this transaction).
        keys = _keys_of(self)
        if keys is not None:
            keys.vault.store_keys(keys.take(stored_events), c)
        return notification_ids


def copy_recorded_answers(
    read_page: Callable[[int], list[tuple[int, Any, bytes]]], insert: Callable[[list[KeptAnswer]], None]
) -> int:
    """Copies the answers a log kept as `IdempotencyRecord` events into the table of answers: how many.

    `read_page(after)` gives the next records after a log position, in position order, as
    (position, record id, stored state); the log is read once, a page at a time.
    """
    after, copied = 0, 0
    while page := read_page(after):
        answers = answers_of_records((record_id, state) for _, record_id, state in page)
        insert(answers)
        after, copied = page[-1][0], copied + len(answers)
    return copied


_SQLITE_TREE = TreeSql(postgres=False)
_INSERT_KEY_POSTGRES = INSERT_KEY_SQL.replace("?", "%s")


def log_position_of(tables: SideTables, originator_id: UUID, version: int) -> int | None:
    """The position in the log of the event an aggregate recorded at `version` (None: not stored)."""
    key: Any = originator_id if tables.is_postgres else _sqlite_id(originator_id)
    row = tables.fetch_one(
        f"SELECT notification_id FROM {HASHES_TABLE} WHERE originator_id = ? AND originator_version = ?",
        (key, version),
    )
    return None if row is None else int(row[0])


@contextmanager
def _keys_discarded_on_failure(recorder: Any, stored_events: Sequence[StoredEvent]) -> Iterator[None]:
    """An insert that fails takes its events' unsaved keys with it (a retry seals them again)."""
    try:
        yield
    except BaseException:
        keys = _keys_of(recorder)
        if keys is not None:
            keys.discard(stored_events)
        raise


def _keys_of(recorder: Any) -> StatementKeys | None:
    """The statement keys of the ledger a recorder serves (none for a recorder that seals no statements)."""
    return getattr(recorder, "statement_keys", None)


def _statement_keys_of(recorder: Any, stored_events: Sequence[StoredEvent]) -> list[tuple[str, str]]:
    """The keys of the statements these events seal, stored in the same transaction as the events
    (`service.adapters.sealed_statements`); none when the recorder serves no ledger that seals them."""
    keys = _keys_of(recorder)
    return keys.take(stored_events) if keys is not None else []


def _sqlite_id(originator_id: Any) -> str:
    # The same text the event table stores, so the two tables join on equal values.
    return originator_id.hex if isinstance(originator_id, UUID) else str(originator_id)


class HashChainedPostgresRecorder(PostgresApplicationRecorder, ChainInMemory):
    """PostgreSQL's application recorder, writing each event's chained hash in the same transaction."""

    def __init__(self, datastore: Any, *, events_table_name: str = "stored_events") -> None:
        super().__init__(datastore, events_table_name=events_table_name)
        self._chain_memory()
        self.sql_create_statements.append(postgres_hashes_ddl(self.datastore.schema))
        self.sql_create_statements.append(postgres_public_forms_ddl(self.datastore.schema))
        self.sql_create_statements.append(idempotency_keys.postgres_ddl(self.datastore.schema))
        for statement in postgres_tree_ddl(self.datastore.schema):
            self.sql_create_statements.append(SQL(statement).format())  # type: ignore[arg-type]
        self._tree_sql = TreeSql(postgres=True, schema=self.datastore.schema)
        table = SQL("{}.{}").format(Identifier(self.datastore.schema), Identifier(HASHES_TABLE))
        self._select_last_root = SQL(
            "SELECT root, notification_id FROM {} ORDER BY notification_id DESC LIMIT 1"
        ).format(table)
        self._select_previous = SQL(
            "SELECT originator_id, notification_id, hash FROM {} h JOIN unnest(%s::uuid[], %s::bigint[]) AS w(o, v) "
            "ON h.originator_id = w.o AND h.originator_version = w.v"
        ).format(table)
        self._insert_hash = SQL("INSERT INTO {} " + INSERT_COLUMNS + " VALUES (%s, %s, %s, %s, %s, %s)").format(table)
        self._insert_public_form = SQL("INSERT INTO {}.{} VALUES (%s, %s, %s, %s)").format(
            Identifier(self.datastore.schema), Identifier(PUBLIC_FORMS_TABLE)
        )
        self._insert_answer = idempotency_keys.postgres_insert(self.datastore.schema)
        self._insert_answers_and_events = idempotency_keys.postgres_inserted_with(
            self.datastore.schema, self.insert_events_statement
        )
        self._select_answer = idempotency_keys.postgres_select(self.datastore.schema)

    def _create_table(self, curs: Cursor[DictRow]) -> None:
        # One transaction, under the schema lock (`schema_creation_lock`): a worker starting meanwhile waits for it.
        schema = self.datastore.schema
        curs.execute("SELECT to_regclass(%s) AS found", (f'"{schema}"."{IDEMPOTENCY_TABLE}"',))
        found = curs.fetchone()
        had_answers = found is not None and found["found"] is not None
        super()._create_table(curs)
        if had_answers:
            return
        select = SQL(
            "SELECT notification_id, originator_id, state FROM {}.{} "
            "WHERE notification_id > %s AND topic = ANY(%s) ORDER BY notification_id LIMIT %s"
        ).format(Identifier(schema), Identifier(self.events_table_name))

        def read_page(after: int) -> list[tuple[int, Any, bytes]]:
            curs.execute(select, (after, list(RECORD_TOPICS), _BACKFILL_PAGE))
            return [(row["notification_id"], row["originator_id"], bytes(row["state"])) for row in curs.fetchall()]

        def insert(answers: list[KeptAnswer]) -> None:
            curs.executemany(self._insert_answer, idempotency_keys.postgres_rows(answers))

        copy_recorded_answers(read_page, insert)

    def kept_answer(self, record_id: UUID) -> KeptAnswer | None:
        """The answer kept for an Idempotency-Key's record id: one indexed SELECT, outside any transaction."""
        with self.datastore.get_connection() as connection, connection.cursor() as curs:
            curs.execute(self._select_answer, (record_id,), prepare=True)
            row = curs.fetchone()
        if row is None:
            return None
        return idempotency_keys.answer_from_row(record_id, (row["fingerprint"], row["receipt"], row["recorded_at"]))

    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        """Inserts events and their hashes; the database-function path would bypass the chain."""
        if self.datastore.enable_db_functions:
            raise NotImplementedError("POSTGRES_ENABLE_DB_FUNCTIONS bypasses the audit hash chain")
        with _keys_discarded_on_failure(self, stored_events):
            return _committing(
                self, lambda: super(HashChainedPostgresRecorder, self).insert_events(stored_events, **kwargs)
            )

    def _insert_events(self, curs: Cursor[DictRow], stored_events: Sequence[StoredEvent], **kwargs: Any) -> None:
        # A batch of answers and no event: eventsourcing inserts nothing and takes no lock; the answers are
        # inserted under the same table lock as every other batch's (so two batches never wait on each other's).
        answers: Sequence[KeptAnswer] = kwargs.get(KEPT_ANSWERS) or ()
        if answers and not stored_events:
            self._lock_table(curs)
            curs.executemany(self._insert_answer, idempotency_keys.postgres_rows(answers))

    def _insert_stored_events(self, curs: Cursor[DictRow], stored_events: Sequence[StoredEvent], **kwargs: Any) -> None:
        # eventsourcing's insert, after its table lock and notification, with the answers in the same statement:
        # one statement fewer per batch. A key committed first fails it at the pipeline's sync (IntegrityError).
        answers: Sequence[KeptAnswer] = kwargs.get(KEPT_ANSWERS) or ()
        if not answers:
            super()._insert_stored_events(curs, stored_events, **kwargs)
            return
        self._lock_table(curs)
        self._notify_channel(curs)
        events = [
            self.construct_pg_stored_event(s.originator_id, s.originator_version, s.topic, s.state)
            for s in stored_events
        ]
        curs.execute(self._insert_answers_and_events, (*idempotency_keys.postgres_columns(answers), events))

    def _fetch_ids_after_insert_events(
        self, curs: Cursor[DictRow], stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        # Runs inside the inserting transaction, after LOCK TABLE: writers are serialised here.
        notification_ids = list(super()._fetch_ids_after_insert_events(curs, stored_events, **kwargs) or [])
        if not notification_ids:
            return notification_ids
        head = self.head_following(notification_ids)
        last: Any = None
        if head is None:
            curs.execute(self._select_last_root, prepare=True)
            last = curs.fetchone()
        first_version: dict[Any, int] = {}
        for s in stored_events:
            earliest = first_version.get(s.originator_id, s.originator_version)
            first_version[s.originator_id] = min(earliest, s.originator_version)
        known: dict[Any, tuple[int, bytes]] = {}
        wanted: list[tuple[Any, int]] = []
        for originator_id, first in first_version.items():
            kept = self.kept_link(originator_id, first - 1)
            if kept is not None:
                known[originator_id] = kept
            elif first > 1:  # an aggregate's first event (versions start at 1) has nothing before it
                wanted.append((originator_id, first - 1))
        if wanted:
            curs.execute(self._select_previous, ([o for o, _ in wanted], [v for _, v in wanted]))
            known.update(
                {row["originator_id"]: (row["notification_id"], bytes(row["hash"])) for row in curs.fetchall()}
            )

        def previous_link(originator_id: Any, version: int) -> tuple[int, bytes] | None:
            # Only the first event of each aggregate in the batch looks outside the batch.
            return known.get(originator_id) if version == first_version[originator_id] - 1 else None

        forms: list[PublicFormRow] = []
        hashed_before: int | None
        if head is not None:
            last_root, hashed_before = head.root, head.position
        else:
            last_root = bytes(last["root"]) if last else GENESIS
            hashed_before = int(last["notification_id"]) if last else None
        rows = chain_links(stored_events, notification_ids, previous_link, last_root, forms, _keys_of(self))
        # The tree reads before any executemany: psycopg's pipelined executemany leaves no result to fetch.
        tree = extend_tree(
            curs, self._tree_sql, [(row[0], row[3]) for row in rows], hashed_before, head.tree if head else None
        )
        self.stage_head(rows, tree)
        curs.executemany(self._insert_hash, rows)
        if forms:
            curs.executemany(self._insert_public_form, forms)
        keys = _statement_keys_of(self, stored_events)
        if keys:
            curs.executemany(_INSERT_KEY_POSTGRES, keys)
        return notification_ids
