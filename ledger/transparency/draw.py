"""The verifiable random inspection draw (L11, 双随机、一公开): targets are
picked from a signed checkpoint's root hash, which nobody could choose in
advance, so anyone holding the checkpoint and the log can recompute the draw.

Recipe (printed with every draw):

1. population: the ids of every institution (or voucher) recorded in the
   first `tree_size` events of the log, in region R if given, sorted as text;
2. for i = 0, 1, ..., count - 1: d = SHA-256(root hash bytes || i as 8-byte
   big-endian); pick the element at index (d as a big-endian integer) mod the
   number left, and remove it from the population.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from ledger.errors import BadInput, TamperDetected
from ledger.event_types import read_facts
from ledger.transparency.checkpoints import Checkpoint, log_identity, signature_problem
from ledger.transparency.log_reads import events_of_type
from ledger.transparency.tree_store import ensure_tree, leaves_table

MAX_DRAW_COUNT = 1000
KINDS = {"institutions": ("Party.Registered", "institution"), "vouchers": ("Voucher.Issued", None)}
RECIPE = ("population = sorted ids of every {kind} in the first {tree_size} events{region}; "
          "for i in 0..count-1: pick index int(SHA-256(root_hash || i as 8-byte big-endian)) mod len(remaining) "
          "and remove it")


def pick(root_hash: bytes, population: list[str], count: int) -> list[str]:
    """The deterministic draw of `count` distinct items (all when fewer)."""
    remaining = sorted(population)
    chosen = []
    for i in range(min(count, len(remaining))):
        digest = hashlib.sha256(root_hash + i.to_bytes(8, "big")).digest()
        chosen.append(remaining.pop(int.from_bytes(digest, "big") % len(remaining)))
    return chosen


def draw(ledger, checkpoint: Checkpoint, count: int, region: str | None = None, kind: str = "institutions"
         ) -> dict[str, Any]:
    if not 1 <= count <= MAX_DRAW_COUNT:
        raise BadInput(f"--count must be from 1 to {MAX_DRAW_COUNT}")
    if kind not in KINDS:
        raise BadInput(f"--of must be one of: {', '.join(KINDS)}")
    identity = log_identity(ledger)
    problem = signature_problem(checkpoint, identity.ledger_public_key)
    if problem is not None or checkpoint.origin != identity.origin:
        raise TamperDetected(f"the checkpoint at tree size {checkpoint.tree_size}: "
                             f"{problem or 'it is for another log'}; no draw from it")
    log_tree = ensure_tree(ledger)
    if checkpoint.tree_size > log_tree.size or log_tree.tree.root(checkpoint.tree_size).hex() != checkpoint.root_hash:
        raise TamperDetected(f"the checkpoint at tree size {checkpoint.tree_size} does not match this log")
    population = _population(ledger, checkpoint.tree_size, region, kind)
    chosen = pick(bytes.fromhex(checkpoint.root_hash), population, count)
    region_text = f" in region {region}" if region else ""
    return {"checkpoint": {"tree_size": checkpoint.tree_size, "root_hash": checkpoint.root_hash},
            "of": kind, "region": region, "population": len(population), "count": count, "chosen": chosen,
            "recipe": RECIPE.format(kind=kind[:-1], tree_size=checkpoint.tree_size, region=region_text)}


def _population(ledger, tree_size: int, region: str | None, kind: str) -> list[str]:
    from sqlalchemy import select

    with ledger.engine.connect() as connection:
        stop = connection.execute(select(leaves_table.c.notification_id)
                                  .where(leaves_table.c.leaf_index == tree_size - 1)).scalar()
    event_type, role = KINDS[kind]
    members = []
    for row in events_of_type(ledger, event_type, stop):
        facts = read_facts(row.topic, json.loads(row.state))
        if (role is None or facts.get("role") == role) and (region is None or facts.get("region") == region):
            members.append(str(row.originator_id))
    return members
