"""Raw access to a ledger's tables, to tamper with them as someone with database access would.

`RawLog` edits the stored tables directly (the sqlite3 module on the file,
psycopg on PostgreSQL), as someone with access to the database would. Its
`rewrite_chain` is the careful forger: after an edit it recomputes every
stored hash and root with the published algorithm, so that only the signed
checkpoints can give the forgery away.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import psycopg
import pytest
from psycopg import sql

from domain.actor import Actor
from service.adapters.key_file import key_file_path
from service.adapters.storage import persistence_settings
from service.app.access import Principal
from service.app.application import CommandContext, Mufakat
from service.audit.canonical import GENESIS, event_hash, next_root
from service.audit.checkpoints import CHECKPOINT_LOG_ID
from service.audit.public_form import event_hash_v2, private_digest
from service.audit.signing import load_or_create_signing_key, load_signing_key, public_key_text

ADMIN = CommandContext(Principal(actor=Actor(id="admin-test", role="admin", name="admin"), token_record_id=None))


class RawLog:
    """The stored tables of one database, edited behind the ledger's back."""

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url
        self.is_postgres = database_url.startswith("postgres")
        if self.is_postgres:
            self.events, self.position = "mufakat_events", "notification_id"
        else:
            self.events, self.position = "stored_events", "rowid"
            self.path = Path(database_url.removeprefix("sqlite:///"))

    def _run(self, statement: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        if self.is_postgres:
            with psycopg.connect(self.database_url, autocommit=True) as connection:
                cursor = connection.execute(statement.replace("?", "%s"), params)  # type: ignore[arg-type]
                return list(cursor.fetchall()) if cursor.description else []
        connection = sqlite3.connect(self.path)
        try:
            with connection:
                rows = connection.execute(statement, params).fetchall()
            return rows
        finally:
            connection.close()

    def _run_many(self, statement: str, rows: Sequence[tuple[Any, ...]]) -> None:
        if self.is_postgres:
            with psycopg.connect(self.database_url, autocommit=True) as connection, connection.cursor() as cursor:
                cursor.executemany(statement.replace("?", "%s"), rows)  # type: ignore[arg-type]
            return
        connection = sqlite3.connect(self.path)
        try:
            with connection:
                connection.executemany(statement, rows)
        finally:
            connection.close()

    def state(self, position: int) -> bytes:
        """The stored state at a position."""
        return bytes(self._run(f"SELECT state FROM {self.events} WHERE {self.position} = ?", (position,))[0][0])

    def set_state(self, position: int, state: bytes) -> None:
        """Overwrites the stored state of the event at a position."""
        self._run(f"UPDATE {self.events} SET state = ? WHERE {self.position} = ?", (state, position))

    def flip_state_byte(self, position: int) -> None:
        """Changes one byte of the stored state (a digit of its timestamp)."""
        state = bytearray(self.state(position))
        index = state.index(b"T") + 1  # the hour of the event's timestamp
        state[index] = ord("0") if state[index] != ord("0") else ord("1")
        self.set_state(position, bytes(state))

    def set_topic(self, position: int, topic: str | None) -> None:
        """Overwrites the stored topic of the event at a position."""
        self._run(f"UPDATE {self.events} SET topic = ? WHERE {self.position} = ?", (topic, position))

    def set_hash(self, position: int, hash_: bytes) -> None:
        """Overwrites the stored hash of the event at a position."""
        self._run("UPDATE event_hashes SET hash = ? WHERE notification_id = ?", (hash_, position))

    def delete_event(self, position: int, with_hash: bool) -> None:
        """Removes the event at a position (and its hash row, when the forger thinks of it)."""
        self._run(f"DELETE FROM {self.events} WHERE {self.position} = ?", (position,))
        if with_hash:
            self._run("DELETE FROM event_hashes WHERE notification_id = ?", (position,))

    def swap(self, first: int, second: int) -> None:
        """Exchanges the positions of two stored events."""
        for old, new in ((first, -1), (second, first), (-1, second)):
            self._run(f"UPDATE {self.events} SET {self.position} = ? WHERE {self.position} = ?", (new, old))

    def cut_after(self, position: int) -> None:
        """Removes every event (and hash row) after a position: the tail is gone."""
        self._run(f"DELETE FROM {self.events} WHERE {self.position} > ?", (position,))
        self._run("DELETE FROM event_hashes WHERE notification_id > ?", (position,))

    def checkpoint_positions(self) -> list[int]:
        """Where the checkpoint events are stored."""
        key: Any = CHECKPOINT_LOG_ID if self.is_postgres else CHECKPOINT_LOG_ID.hex
        rows = self._run(
            f"SELECT {self.position} FROM {self.events} WHERE originator_id = ? ORDER BY originator_version", (key,)
        )
        return [int(row[0]) for row in rows]

    def edit_checkpoint(self, position: int, **fields: Any) -> dict[str, Any]:
        """Changes fields of the checkpoint event at a position; returns its fields as they were."""
        state = json.loads(self.state(position))
        before = dict(state)
        state.update(fields)
        self.set_state(position, json.dumps(state, separators=(",", ":")).encode("utf-8"))
        return before

    def rewrite_chain(self) -> None:
        """Recomputes every stored hash and root from the events as they now are (the forger's last step)."""
        rows = self._run(
            f"SELECT {self.position}, originator_id, originator_version, topic, state FROM {self.events} "
            f"ORDER BY {self.position}"
        )
        latest: dict[Any, tuple[int, bytes]] = {}
        root = GENESIS
        links = []
        # Events hashed with their public form (version 2) are rehashed so, with their stored form and salt.
        forms = {int(row[0]): (bytes(row[1]), bytes(row[2])) for row in self._run("SELECT * FROM event_public_forms")}
        for position, originator, version, topic, state in rows:
            uuid = originator if isinstance(originator, UUID) else UUID(hex=originator)
            previous = latest.get(originator)
            before = previous[1] if previous else GENESIS
            if position in forms:
                form, salt = forms[position]
                digest = private_digest(salt, uuid.bytes, version, topic, bytes(state))
                hash_ = event_hash_v2(before, form, digest)
            else:
                hash_ = event_hash(before, uuid.bytes, version, topic, bytes(state))
            latest[originator] = (position, hash_)
            root = next_root(root, hash_)
            links.append((position, originator, version, hash_, root, previous[0] if previous else None))
        self._run("DELETE FROM event_hashes")
        self._run_many("INSERT INTO event_hashes VALUES (?, ?, ?, ?, ?, ?)", links)

    def all_bytes(self) -> bytes:
        """Every byte of the database as stored: the SQLite file and its key file, each with its WAL,
        or every PostgreSQL row as text."""
        if not self.is_postgres:
            keys = self.path.with_name(f"{self.path.stem}.keys{self.path.suffix}")
            files = (self.path, Path(f"{self.path}-wal"), Path(f"{self.path}-shm"), keys, Path(f"{keys}-wal"))
            return b"".join(p.read_bytes() for p in files if p.exists())
        tables = self._run("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        dumped = [str(self._run(f'SELECT t::text FROM "{name}" t')) for (name,) in tables]
        return "\n".join(dumped).encode("utf-8")


class SealedLog:
    """A realistic log: the demo process, a checkpoint sealed over it, and a few events after it."""

    def __init__(self, ledger: Mufakat, key: Any) -> None:
        from service.audit.checkpoints import seal_checkpoint
        from service.cli.demo import record_demo

        _, secret = ledger.tokens.issue("facilitator", "Fasilitator Desa", [])
        record_demo(ledger, secret)
        sealed = seal_checkpoint(ledger, key)
        assert sealed is not None
        self.checkpoint = sealed
        self.sealed_position = sealed.position
        self.checkpoint_event = sealed.position + 1
        for number in range(5):
            ledger.tokens.issue("partner", f"Mitra {number}", [])
        self.last_position = ledger.recorder.max_notification_id() or 0


@dataclass(frozen=True)
class SealedTemplate:
    """A database holding a sealed log, built once per session and copied for each test."""

    database_url: str
    log: SealedLog
    key_file: Path


def build_template(database_url: str, key_file: Path) -> SealedTemplate:
    """Records the sealed log into a database and closes it again."""
    ledger = Mufakat(env=persistence_settings(database_url))
    try:
        log = SealedLog(ledger, load_or_create_signing_key(key_file))
    finally:
        ledger.close()
    return SealedTemplate(database_url, log, key_file)


def copy_sqlite_template(template: SealedTemplate, directory: Path) -> str:
    """A copy of the template's file and of its key file in the test's own directory."""
    source = Path(template.database_url.removeprefix("sqlite:///"))
    target = directory / "mufakat.db"
    shutil.copyfile(source, target)
    shutil.copyfile(key_file_path(str(source)), key_file_path(str(target)))
    return "sqlite:///" + str(target)


@contextmanager
def copied_postgres_template(template: SealedTemplate) -> Iterator[str]:
    """A fresh database created from the template (`CREATE DATABASE ... TEMPLATE`), dropped afterwards."""
    template_name = template.database_url.rsplit("/", 1)[1]
    name = f"mufakat_test_{os.getpid()}_{uuid4().hex[:12]}"
    base = template.database_url.rsplit("/", 1)[0]
    with psycopg.connect(base + "/postgres", autocommit=True) as connection:
        connection.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(name), sql.Identifier(template_name))
        )
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(base + "/postgres", autocommit=True) as connection:
            connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


class SealedLogContract:
    """Tests on a copy of a sealed template log; each subclass names the database by its `template` fixture."""

    @pytest.fixture
    def template(self) -> SealedTemplate:
        raise NotImplementedError

    @pytest.fixture
    def log(self, template: SealedTemplate) -> SealedLog:
        return template.log

    @pytest.fixture
    def trusted(self, template: SealedTemplate) -> str:
        return public_key_text(load_signing_key(template.key_file))
