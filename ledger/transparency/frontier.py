"""The right edge of an RFC 9162 Merkle tree (a "compact range"): enough to
know the root of the leaves seen so far while holding only O(log n) hashes.

`vledger verify` streams the whole log through a Frontier and compares its
root with every checkpoint's root at that size, so memory stays flat however
long the log is. It agrees with `ledger.merkle.root_from_leaves` for every
size (tests/test_checkpoints_frontier.py).

How: the leaves seen so far split, by the binary digits of their count, into
perfect subtrees of decreasing size (e.g. 13 = 8 + 4 + 1). RFC 9162 splits a
tree at the largest power of two below its size, so the root is these subtree
hashes folded from the right: node(S8, node(S4, S1)).
"""

from __future__ import annotations

from ledger.merkle import EMPTY_ROOT, node_hash


class Frontier:
    def __init__(self) -> None:
        self.size = 0
        self._subtrees: list[tuple[int, bytes]] = []  # (leaf count, hash), largest first

    def append(self, leaf_hash: bytes) -> None:
        """Adds one leaf hash (already `leaf_hash`-ed); O(log n) worst case."""
        width, value = 1, leaf_hash
        while self._subtrees and self._subtrees[-1][0] == width:
            left_width, left = self._subtrees.pop()
            width, value = left_width + width, node_hash(left, value)
        self._subtrees.append((width, value))
        self.size += 1

    def root(self) -> bytes:
        """MTH of all leaves appended so far."""
        if not self._subtrees:
            return EMPTY_ROOT
        value = self._subtrees[-1][1]
        for _width, left in reversed(self._subtrees[:-1]):
            value = node_hash(left, value)
        return value
