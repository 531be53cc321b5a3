"""The Merkle tree over the whole log (RFC 9162, section 2.1): hashes, proofs and their verification.

Leaves are the stored events in position order (leaf index = 0-based rank of
the event); leaf = SHA-256(0x00 ‖ event hash), node = SHA-256(0x01 ‖ left ‖ right).

The tree is stored as its *complete subtrees*: node (level, index) is the hash
of leaves [index·2^level, (index+1)·2^level). Every node is written once, when
its last leaf arrives, and never changes. The root of any tree size, and every
hash of an inclusion or consistency proof, is a fold of at most ~2·log2(n)
such nodes, so a proof costs O(log n) reads however large the log.

The functions here take a `nodes(keys) -> {key: hash}` reader so the same
code runs on SQLite, PostgreSQL and in memory; they first ask for every node
they will need (one batch), then compute.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence

NodeKey = tuple[int, int]  # (level, index)
NodeReader = Callable[[Sequence[NodeKey]], dict[NodeKey, bytes]]

_sha256 = hashlib.sha256


def leaf_hash(event_hash: bytes) -> bytes:
    """RFC 9162 leaf hash of one event: SHA-256(0x00 ‖ event hash)."""
    return _sha256(b"\x00" + event_hash).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """RFC 9162 interior node: SHA-256(0x01 ‖ left ‖ right)."""
    return _sha256(b"\x01" + left + right).digest()


EMPTY_ROOT = _sha256(b"").digest()


def _largest_power_below(n: int) -> int:
    # The largest power of two strictly smaller than n (n >= 2).
    return 1 << ((n - 1).bit_length() - 1)


def perfect_subtrees(start: int, end: int) -> list[NodeKey]:
    """The stored nodes whose leaves make up [start, end), left to right (start aligned as RFC 9162 splits)."""
    keys: list[NodeKey] = []
    while start < end:
        size = end - start
        level = size.bit_length() - 1
        # The largest aligned power of two that fits at `start`.
        while start % (1 << level):
            level -= 1
        keys.append((level, start >> level))
        start += 1 << level
    return keys


class _Planner:
    """Collects the node keys a computation will need (first pass), then serves them (second pass)."""

    def __init__(self) -> None:
        self.wanted: list[NodeKey] = []
        self.known: dict[NodeKey, bytes] | None = None

    def node(self, key: NodeKey) -> bytes:
        if self.known is None:
            self.wanted.append(key)
            return bytes(32)
        return self.known[key]


def _subtree(planner: _Planner, start: int, end: int) -> bytes:
    # MTH(D[start:end]) from the stored complete subtrees: fold right to left.
    keys = perfect_subtrees(start, end)
    if not keys:
        return EMPTY_ROOT
    result = planner.node(keys[-1])
    for key in reversed(keys[:-1]):
        result = node_hash(planner.node(key), result)
    return result


def _run(nodes: NodeReader, compute: Callable[[_Planner], object]) -> object:
    planner = _Planner()
    compute(planner)
    unique = list(dict.fromkeys(planner.wanted))
    found = nodes(unique)
    missing = [key for key in unique if key not in found]
    if missing:
        raise LookupError(f"the stored tree lacks node {missing[0]}")
    planner.known = found
    return compute(planner)


def tree_root(nodes: NodeReader, tree_size: int) -> bytes:
    """The root hash (MTH) of the first `tree_size` leaves."""
    return _run(nodes, lambda p: _subtree(p, 0, tree_size))  # type: ignore[return-value]


def _path(planner: _Planner, index: int, start: int, end: int) -> list[bytes]:
    # RFC 9162 2.1.3.1 PATH(m, D[start:end]), m = index - start.
    if end - start <= 1:
        return []
    k = _largest_power_below(end - start)
    if index - start < k:
        return [*_path(planner, index, start, start + k), _subtree(planner, start + k, end)]
    return [*_path(planner, index, start + k, end), _subtree(planner, start, start + k)]


def inclusion_path(nodes: NodeReader, leaf_index: int, tree_size: int) -> list[bytes]:
    """The audit path of a leaf in the tree of `tree_size` leaves (RFC 9162 2.1.3.1)."""
    if not 0 <= leaf_index < tree_size:
        raise ValueError("the leaf is not in a tree of that size")
    return _run(nodes, lambda p: _path(p, leaf_index, 0, tree_size))  # type: ignore[return-value]


def _subproof(planner: _Planner, m: int, start: int, end: int, whole: bool) -> list[bytes]:
    # RFC 9162 2.1.4.1 SUBPROOF(m, D[start:end], b).
    n = end - start
    if m == n:
        return [] if whole else [_subtree(planner, start, end)]
    k = _largest_power_below(n)
    if m <= k:
        return [*_subproof(planner, m, start, start + k, whole), _subtree(planner, start + k, end)]
    return [*_subproof(planner, m - k, start + k, end, False), _subtree(planner, start, start + k)]


def consistency_proof(nodes: NodeReader, first: int, second: int) -> list[bytes]:
    """The proof that the tree of `second` leaves extends the tree of `first` (RFC 9162 2.1.4.1).

    Empty when first == second (nothing to prove) or first == 0.
    """
    if not 0 <= first <= second:
        raise ValueError("the first size must not exceed the second")
    if first in (0, second):
        return []
    return _run(nodes, lambda p: _subproof(p, first, 0, second, True))  # type: ignore[return-value]


def verify_inclusion(leaf: bytes, leaf_index: int, tree_size: int, path: Sequence[bytes], root: bytes) -> bool:
    """RFC 9162 2.1.3.2: whether `path` proves `leaf` (a leaf hash) at `leaf_index` in the tree with `root`."""
    if not 0 <= leaf_index < tree_size:
        return False
    fn, sn, r = leaf_index, tree_size - 1, leaf
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(first: int, second: int, first_root: bytes, second_root: bytes, proof: Sequence[bytes]) -> bool:
    """RFC 9162 2.1.4.2: whether `proof` shows the tree (second, second_root) extends (first, first_root)."""
    if not 0 < first <= second:
        return first == 0 and not proof
    if first == second:
        return not proof and first_root == second_root
    if not proof:
        return False
    path = list(proof)
    if first & (first - 1) == 0:
        path.insert(0, first_root)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == first_root and sr == second_root and sn == 0


def frontier_keys(size: int) -> list[NodeKey]:
    """The complete subtrees of a tree of `size` leaves: what appending the next leaf may combine with."""
    return perfect_subtrees(0, size)


def append_leaves(frontier: dict[NodeKey, bytes], size: int, leaves: Iterable[bytes]) -> list[tuple[int, int, bytes]]:
    """The new (level, index, hash) nodes made by appending leaf hashes to a tree of `size` leaves.

    `frontier` holds the tree's complete subtrees (`frontier_keys(size)`); it is updated in place.
    """
    made: list[tuple[int, int, bytes]] = []
    for leaf in leaves:
        level, index, current = 0, size, leaf
        made.append((0, index, current))
        frontier[(0, index)] = current
        while index & 1:
            current = node_hash(frontier[(level, index - 1)], current)
            level, index = level + 1, index >> 1
            made.append((level, index, current))
            frontier[(level, index)] = current
        size += 1
    return made


class CompactRange:
    """The tree's right edge in memory (O(log n) hashes): appends leaves, answers the root at its size.

    The verifier recomputes the tree with this while it reads the log once.
    """

    __slots__ = ("_stack", "size")

    def __init__(self) -> None:
        self.size = 0
        self._stack: list[bytes] = []

    def append(self, leaf: bytes) -> None:
        """Adds one leaf hash."""
        stack = self._stack
        stack.append(leaf)
        index = self.size
        while index & 1:
            right = stack.pop()
            stack[-1] = node_hash(stack[-1], right)
            index >>= 1
        self.size += 1

    def root(self) -> bytes:
        """MTH of the leaves appended so far."""
        stack = self._stack
        if not stack:
            return EMPTY_ROOT
        result = stack[-1]
        for left in reversed(stack[:-1]):
            result = node_hash(left, result)
        return result
