"""Where the Merkle tree lives: two tables beside `event_hashes`, written in the inserting transaction.

- `merkle_leaves (notification_id PRIMARY KEY, leaf_index UNIQUE)`: the leaf
  index of every event (positions may skip on PostgreSQL; leaf indexes never do);
- `merkle_nodes (level, idx, hash)`: every complete subtree, written once when
  its last leaf arrives (level 0 = the leaf hashes). About two rows per event.

The recorders of `service.audit.chain` call `extend_tree` after writing the
hash rows of a batch, under the same write lock, so the tree always covers
exactly the committed events. A database made before the tree existed is
caught up by the first insert (or `catch_up`), from its `event_hashes` rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from service.audit.merkle import NodeKey, append_leaves, frontier_keys, leaf_hash

HASHES_TABLE = "event_hashes"
LEAVES_TABLE = "merkle_leaves"
NODES_TABLE = "merkle_nodes"


def sqlite_tree_ddl() -> list[str]:
    """The tree's tables on SQLite."""
    return [
        f"CREATE TABLE IF NOT EXISTS {LEAVES_TABLE} (notification_id INTEGER PRIMARY KEY, "
        "leaf_index INTEGER NOT NULL UNIQUE)",
        f"CREATE TABLE IF NOT EXISTS {NODES_TABLE} (level INTEGER NOT NULL, idx INTEGER NOT NULL, "
        "hash BLOB NOT NULL, PRIMARY KEY (level, idx)) WITHOUT ROWID",
    ]


def postgres_tree_ddl(schema: str) -> list[str]:
    """The tree's tables on PostgreSQL, in the recorder's schema."""
    prefix = _prefix(schema)
    return [
        f"CREATE TABLE IF NOT EXISTS {prefix}{LEAVES_TABLE} (notification_id bigint PRIMARY KEY, "
        "leaf_index bigint NOT NULL UNIQUE)",
        f"CREATE TABLE IF NOT EXISTS {prefix}{NODES_TABLE} (level smallint NOT NULL, idx bigint NOT NULL, "
        "hash bytea NOT NULL, PRIMARY KEY (level, idx))",
    ]


def _prefix(schema: str | None) -> str:
    return "" if not schema else '"' + schema.replace('"', '""') + '".'


class TreeSql:
    """The statements of the tree in one database's dialect (placeholder and schema)."""

    def __init__(self, postgres: bool, schema: str | None = None) -> None:
        p = "%s" if postgres else "?"
        prefix = _prefix(schema) if postgres else ""
        self.postgres = postgres
        self.last_leaf = (
            f"SELECT leaf_index, notification_id FROM {prefix}{LEAVES_TABLE} ORDER BY leaf_index DESC LIMIT 1"
        )
        self.leaf_of = f"SELECT leaf_index FROM {prefix}{LEAVES_TABLE} WHERE notification_id = {p}"
        self.position_of = f"SELECT notification_id FROM {prefix}{LEAVES_TABLE} WHERE leaf_index = {p}"
        self.size = f"SELECT COALESCE(MAX(leaf_index) + 1, 0) FROM {prefix}{LEAVES_TABLE}"
        self.node = f"SELECT hash FROM {prefix}{NODES_TABLE} WHERE level = {p} AND idx = {p}"
        self.nodes_pg = f"SELECT level, idx, hash FROM {prefix}{NODES_TABLE} WHERE "
        # PostgreSQL, one round trip: the tree's size, its last leaf's position and its frontier
        # (node (L, (size >> L) - 1) for every bit L set in size), by primary-key probes.
        self.head_pg = (
            f"WITH s AS (SELECT COALESCE(MAX(leaf_index) + 1, 0) AS n, COALESCE(MAX(notification_id), 0) AS p "
            f"FROM {prefix}{LEAVES_TABLE} WHERE leaf_index = (SELECT MAX(leaf_index) FROM {prefix}{LEAVES_TABLE})) "
            "SELECT s.n, s.p, b.level, nd.hash FROM s "
            "LEFT JOIN generate_series(0, 62) AS b(level) ON (s.n >> b.level) & 1 = 1 "
            f"LEFT JOIN {prefix}{NODES_TABLE} nd ON nd.level = b.level AND nd.idx = (s.n >> b.level) - 1"
        )
        self.prefix = prefix
        self.insert_node = f"INSERT INTO {prefix}{NODES_TABLE} (level, idx, hash) VALUES ({p}, {p}, {p})"
        self.insert_leaf = f"INSERT INTO {prefix}{LEAVES_TABLE} (notification_id, leaf_index) VALUES ({p}, {p})"
        self.missing_hashes = (
            f"SELECT notification_id, hash FROM {prefix}{HASHES_TABLE} WHERE notification_id > {p} "
            f"AND notification_id < {p} ORDER BY notification_id"
        )


def _row(row: Any) -> tuple[Any, ...]:
    return tuple(row.values()) if isinstance(row, dict) else tuple(row)


def read_nodes(cursor: Any, sql: TreeSql, keys: Sequence[NodeKey]) -> dict[NodeKey, bytes]:
    """The stored hashes of these nodes (absent ones are left out), in one query on PostgreSQL."""
    if not keys:
        return {}
    if sql.postgres:
        # One primary-key probe per node (an OR of equalities); a join on unnested arrays can make
        # the planner scan the whole table, which would grow with the log.
        where = " OR ".join(["(level = %s AND idx = %s)"] * len(keys))
        cursor.execute(sql.nodes_pg + where, [value for key in keys for value in key])
        return {(int(r[0]), int(r[1])): bytes(r[2]) for r in map(_row, cursor.fetchall())}
    found: dict[NodeKey, bytes] = {}
    for key in keys:
        cursor.execute(sql.node, key)
        row = cursor.fetchone()
        if row is not None:
            found[key] = bytes(_row(row)[0])
    return found


#: What the tree's head is after a commit: (size, the last leaf's position, the frontier's nodes).
TreeHead = tuple[int, int, dict[NodeKey, bytes]]


def extend_tree(
    cursor: Any,
    sql: TreeSql,
    batch: Sequence[tuple[int, bytes]],
    hashed_before: int | None,
    head: TreeHead | None = None,
) -> TreeHead | None:
    """Appends the events of a batch, (position, event hash) in position order, to the stored tree.

    Runs in the inserting transaction, after the batch's hash rows were written.
    `hashed_before` is the position of the last hash row before the batch (None: none); with
    an empty batch, this appends every hashed event up to it that the tree lacks (a catch-up).
    Events hashed before the tree existed (an older database) are appended first.

    `head`: the tree's head as this process left it, when nobody can have extended the tree since
    (the recorder checks that the batch's first position follows its own last commit): then the
    head is not read back. Returns the head after the batch (None when nothing was appended).
    """
    if not batch and hashed_before is None:
        return None
    frontier: dict[NodeKey, bytes] | None = None
    if head is not None:
        size, last_leaf_position, frontier = head[0], head[1], dict(head[2])
    elif sql.postgres:
        cursor.execute(sql.head_pg)
        rows = [_row(row) for row in cursor.fetchall()]
        size, last_leaf_position = int(rows[0][0]), int(rows[0][1])
        frontier = {(int(level), (size >> int(level)) - 1): bytes(hash_) for _, _, level, hash_ in rows if hash_}
    else:
        cursor.execute(sql.last_leaf)
        row = cursor.fetchone()
        size, last_leaf_position = (0, 0) if row is None else (int(_row(row)[0]) + 1, int(_row(row)[1]))
    first_position = batch[0][0] if batch else (hashed_before or 0) + 1
    pending: list[tuple[int, bytes]] = []
    if hashed_before is not None and hashed_before > last_leaf_position:
        cursor.execute(sql.missing_hashes, (last_leaf_position, first_position))
        pending = [(int(r[0]), bytes(r[1])) for r in map(_row, cursor.fetchall())]
    pending.extend(batch)
    if frontier is None:
        frontier = read_nodes(cursor, sql, frontier_keys(size))
    made = append_leaves(frontier, size, [leaf_hash(event) for _, event in pending])
    leaves = [(position, size + offset) for offset, (position, _) in enumerate(pending)]
    after = size + len(pending)
    new_head: TreeHead | None = None
    if pending:
        new_head = (after, pending[-1][0], {key: frontier[key] for key in frontier_keys(after)})
    if sql.postgres and len(made) * 3 + len(leaves) * 2 < 30_000:
        # One statement, one round trip, for both tables (a command's batch is a few events).
        nodes_values = ", ".join(["(%s, %s, %s)"] * len(made))
        leaves_values = ", ".join(["(%s, %s)"] * len(leaves))
        cursor.execute(
            f"WITH added AS (INSERT INTO {sql.prefix}{NODES_TABLE} (level, idx, hash) VALUES {nodes_values}) "
            f"INSERT INTO {sql.prefix}{LEAVES_TABLE} (notification_id, leaf_index) VALUES {leaves_values}",
            [value for node in made for value in node] + [value for leaf in leaves for value in leaf],
        )
        return new_head
    cursor.executemany(sql.insert_node, made)
    cursor.executemany(sql.insert_leaf, leaves)
    return new_head
