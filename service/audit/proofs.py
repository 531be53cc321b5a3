"""Proofs from the stored tree: tree heads, inclusion and consistency, each in O(log n) reads.

Positions are notification ids; the tree counts leaves (0-based rank of the
event in position order, `merkle_leaves`). A tree size N means the first N
events. Stored nodes never change once written, so reads need no snapshot:
a size read first stays valid for everything read after it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from eventsourcing.persistence import ApplicationRecorder

from service.adapters.storage import SideTables
from service.audit import merkle
from service.audit.merkle import NodeKey
from service.audit.tree_store import HASHES_TABLE, TreeSql, extend_tree, read_nodes


class ProofError(ValueError):
    """A proof was asked for a position or size the log does not have."""


@dataclass(frozen=True)
class TreeHead:
    """The tree over the first `tree_size` events: its root, and the position of its last event."""

    tree_size: int
    root: bytes
    last_position: int


class StoredTree:
    """The Merkle tree of one ledger's database."""

    def __init__(self, recorder: ApplicationRecorder) -> None:
        self.tables = SideTables(recorder)
        schema = getattr(self.tables.datastore, "schema", None) if self.tables.is_postgres else None
        self.sql = TreeSql(self.tables.is_postgres, schema)
        self._cursor: Any = None
        self._known: dict[NodeKey, bytes] = {}
        self._size: int | None = None

    @contextmanager
    def _reading(self) -> Iterator[None]:
        # One read transaction for every query of a proof (re-entrant: the outermost one holds it).
        if self._cursor is not None:
            yield
            return
        with self.tables.datastore.transaction(commit=False) as cursor:
            self._cursor = cursor
            try:
                yield
            finally:
                self._cursor, self._size = None, None
                self._known.clear()

    def _one(self, statement: str, params: tuple[Any, ...] = ()) -> tuple[Any, ...] | None:
        with self._reading():
            self._cursor.execute(statement, params)
            row = self._cursor.fetchone()
        if row is None:
            return None
        return tuple(row.values()) if isinstance(row, dict) else tuple(row)

    def nodes(self, keys: list[NodeKey] | tuple[NodeKey, ...] | Any) -> dict[NodeKey, bytes]:
        """Stored node hashes by (level, index)."""
        wanted = [key for key in keys if key not in self._known]
        with self._reading():
            found = read_nodes(self._cursor, self.sql, wanted)
            if self._cursor is not None:
                self._known.update(found)  # nodes never change: kept for the rest of this proof
        return {key: self._known.get(key) or found[key] for key in keys if key in self._known or key in found}

    def size(self) -> int:
        """How many events the tree holds (read once per proof)."""
        if self._size is not None:
            return self._size
        row = self._one(self.sql.size)
        size = int(row[0]) if row else 0
        if self._cursor is not None:
            self._size = size
        return size

    def leaf_index(self, position: int) -> int | None:
        """The leaf index of the event at a position (None: no event there)."""
        row = self._one(self.sql.leaf_of, (position,))
        return None if row is None else int(row[0])

    def position(self, leaf_index: int) -> int | None:
        """The position of the event at a leaf index."""
        row = self._one(self.sql.position_of, (leaf_index,))
        return None if row is None else int(row[0])

    def leaf(self, leaf_index: int) -> bytes:
        """The stored leaf hash at an index."""
        return self.nodes([(0, leaf_index)])[(0, leaf_index)]

    def root(self, tree_size: int) -> bytes:
        """The root hash of the first `tree_size` events."""
        self._check_size(tree_size)
        return merkle.tree_root(self.nodes, tree_size)

    def head(self, tree_size: int | None = None) -> TreeHead | None:
        """The head at a size (default: the whole tree); None for an empty log."""
        with self._reading():
            return self._head(tree_size)

    def _head(self, tree_size: int | None) -> TreeHead | None:
        size = self.size() if tree_size is None else tree_size
        if size == 0:
            return None
        position = self.position(size - 1)
        if position is None:
            raise ProofError(f"the log has no tree of size {size}")
        return TreeHead(size, self.root(size), position)

    def _check_size(self, tree_size: int, smallest: int = 1) -> None:
        current = self.size()
        if not smallest <= tree_size <= current:
            raise ProofError(f"tree_size must be from {smallest} to the log's current size {current}, not {tree_size}")

    def inclusion(self, position: int, tree_size: int) -> dict[str, Any]:
        """The inclusion proof of the event at `position` in the tree of `tree_size` (API.md, Proofs)."""
        with self._reading():
            return self._inclusion(position, tree_size)

    def _inclusion(self, position: int, tree_size: int) -> dict[str, Any]:
        index = self.leaf_index(position)
        if index is None:
            raise ProofError(f"no event is recorded at position {position}")
        self._check_size(tree_size)
        if index >= tree_size:
            raise ProofError(f"the event at position {position} (leaf {index}) is not in a tree of size {tree_size}")
        self.nodes([(0, index), *merkle.perfect_subtrees(0, tree_size)])  # the leaf and the root: one query
        path = merkle.inclusion_path(self.nodes, index, tree_size)
        return {
            "position": position,
            "leaf_index": index,
            "tree_size": tree_size,
            "leaf_hash": self.leaf(index).hex(),
            "root_hash": self.root(tree_size).hex(),
            "audit_path": [node.hex() for node in path],
        }

    def consistency(self, first: int, second: int) -> dict[str, Any]:
        """The proof that the tree of `second` events extends the tree of `first` (API.md, Proofs)."""
        with self._reading():
            return self._consistency(first, second)

    def _consistency(self, first: int, second: int) -> dict[str, Any]:
        self._check_size(second)
        if not 1 <= first <= second:
            raise ProofError(f"first must be from 1 to second ({second}), not {first}")
        proof = merkle.consistency_proof(self.nodes, first, second)
        return {
            "first": first,
            "second": second,
            "first_root": self.root(first).hex(),
            "second_root": self.root(second).hex(),
            "proof": [node.hex() for node in proof],
        }

    def event_reference(self, originator_id: UUID, version: int) -> tuple[int, str] | None:
        """(log position, event hash in hex) of an aggregate's event, by id and version; None if not stored."""
        key: Any = originator_id if self.tables.is_postgres else originator_id.hex
        row = self.tables.fetch_one(
            f"SELECT notification_id, hash FROM {HASHES_TABLE} WHERE originator_id = ? AND originator_version = ?",
            (key, version),
        )
        return None if row is None else (int(row[0]), bytes(row[1]).hex())

    def lags(self) -> bool:
        """Whether events were hashed that the tree does not hold yet (a database older than the tree)."""
        last = self.tables.fetch_one(f"SELECT MAX(notification_id) FROM {HASHES_TABLE}")
        if last is None or last[0] is None:
            return False
        leaf = self.leaf_index(int(last[0]))
        return leaf is None

    def catch_up(self) -> None:
        """Adds to the tree every hashed event it lacks, under the same write lock the recorders take."""
        if not self.lags():
            return
        datastore = self.tables.datastore
        if self.tables.is_postgres:
            with datastore.transaction(commit=True) as cursor:
                # Inserters write hash rows before they extend the tree: this lock waits for them, then holds them.
                table = f'"{datastore.schema}".{HASHES_TABLE}'
                cursor.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
                cursor.execute(f"SELECT MAX(notification_id) AS last FROM {table}")
                last = cursor.fetchone()
                extend_tree(cursor, self.sql, [], int(last["last"]) if last and last["last"] else None)
            return
        with datastore.get_connection(commit=True) as connection:
            raw = connection._sqlite_conn
            raw.execute("BEGIN IMMEDIATE")
            try:
                row = raw.execute(f"SELECT MAX(notification_id) FROM {HASHES_TABLE}").fetchone()
                extend_tree(raw.cursor(), self.sql, [], int(row[0]) if row and row[0] else None)
                raw.execute("COMMIT")
            except BaseException:
                raw.execute("ROLLBACK")
                raise
