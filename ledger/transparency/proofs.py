"""RFC 9162 proofs over the log, as the JSON the command line and HTTP give
out (hashes in lowercase hex), so any RFC 9162 verifier accepts them.

`seq` is an event's global sequence number (its notification id); the proof
names the leaf index it maps to (its 0-based position in the log) and both.
"""

from __future__ import annotations

from typing import Any

from ledger.errors import BadInput
from ledger.merkle import verify_consistency, verify_inclusion
from ledger.transparency.checkpoints import latest_tree_size
from ledger.transparency.tree_store import ensure_tree, leaf_index_of


def inclusion_proof(ledger, seq: int, tree_size: int | None = None) -> dict[str, Any]:
    """`{leaf_index, tree_size, leaf_hash, root_hash, audit_path, notification_id}`
    for the event with notification id `seq`. Without `tree_size`: against
    the latest checkpoint when it holds the event, else the whole tree now."""
    log_tree = ensure_tree(ledger)
    index = leaf_index_of(ledger, seq, log_tree)
    if tree_size is None:
        latest = latest_tree_size(ledger)
        tree_size = latest if latest is not None and latest > index else log_tree.size
    if not index < tree_size <= log_tree.size:
        raise BadInput(f"--tree-size must be from {index + 1} (event #{seq} is leaf {index}) "
                       f"to {log_tree.size} (the log's size), not {tree_size}")
    tree = log_tree.tree
    return {"leaf_index": index, "tree_size": tree_size, "leaf_hash": tree.leaf(index).hex(),
            "root_hash": tree.root(tree_size).hex(),
            "audit_path": [value.hex() for value in tree.inclusion_proof(index, tree_size)],
            "notification_id": seq}


def consistency_proof(ledger, first: int, second: int) -> dict[str, Any]:
    """`{first, second, first_root, second_root, consistency_path}` between two tree sizes."""
    log_tree = ensure_tree(ledger)
    if first == 0:
        raise BadInput("a consistency proof from tree size 0 proves nothing (every log extends the empty one), so "
                       "none is given, as transparency-dev/merkle and Go's tlog refuse it; --from must be at least 1")
    if not 1 <= first <= second <= log_tree.size:
        raise BadInput(f"sizes must satisfy 1 <= --from <= --to <= {log_tree.size} (the log's size), "
                       f"not {first} and {second}")
    tree = log_tree.tree
    return {"first": first, "second": second, "first_root": tree.root(first).hex(),
            "second_root": tree.root(second).hex(),
            "consistency_path": [value.hex() for value in tree.consistency_proof(first, second)]}


def inclusion_proof_holds(proof: dict[str, Any]) -> bool:
    """Checks a proof JSON as given out (RFC 9162 section 2.1.3.2)."""
    try:
        return verify_inclusion(proof["leaf_index"], proof["tree_size"], bytes.fromhex(proof["leaf_hash"]),
                                [bytes.fromhex(value) for value in proof["audit_path"]],
                                bytes.fromhex(proof["root_hash"]))
    except (KeyError, TypeError, ValueError):
        return False


def consistency_proof_holds(proof: dict[str, Any]) -> bool:
    """Checks a proof JSON as given out (RFC 9162 section 2.1.4.2)."""
    try:
        return verify_consistency(proof["first"], proof["second"], bytes.fromhex(proof["first_root"]),
                                  bytes.fromhex(proof["second_root"]),
                                  [bytes.fromhex(value) for value in proof["consistency_path"]])
    except (KeyError, TypeError, ValueError):
        return False
