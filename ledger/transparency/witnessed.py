"""The ledger's side of witnessing over HTTP (c2sp.org/tlog-witness): the
``add-checkpoint`` request for a checkpoint (old size, RFC 9162 consistency
proof lines, the signed note), and the ``cosignature/v1`` lines witnesses
returned, kept only when they verify under a witness key the operator named.

They are kept apart from the checkpoint row (whose cosignatures are the
registered parties' plain note signatures, checked by ``vledger verify``):
each row holds the witness's verifier key and its signature line, so anyone
can check it again from the row alone. ``witnessed_note`` is the checkpoint's
signed note with those lines appended, as C2SP clients expect.
"""

from __future__ import annotations

import base64
from typing import Any

from sqlalchemy import BigInteger, Column, MetaData, String, Table, Text, delete, insert, select

from ledger.errors import BadInput, Conflict
from ledger.transparency.checkpoints import Checkpoint, log_identity
from ledger.transparency.tree_store import ensure_tree
from ledger.witness import cosignature
from ledger.side_tables import create_once

metadata = MetaData()
witness_cosignatures_table = Table(
    "vledger_witness_cosignatures",
    metadata,
    Column("tree_size", BigInteger, primary_key=True, autoincrement=False),
    Column("witness_vkey", String(300), primary_key=True),
    Column("witness_name", String(200), nullable=False),
    Column("url", Text, nullable=False),
    Column("timestamp", BigInteger, nullable=False),
    Column("line", Text, nullable=False),
)


def create_tables(engine) -> None:
    create_once(metadata, engine)


def add_checkpoint_request(ledger, checkpoint: Checkpoint, old_size: int) -> bytes:
    """``old <size>``, the consistency proof from ``old_size`` (base64, one
    hash a line; none from 0 or to the same size), an empty line, the note."""
    if not 0 <= old_size <= checkpoint.tree_size:
        raise Conflict(f"the witness holds a checkpoint of size {old_size}, larger than the ledger's latest "
                       f"({checkpoint.tree_size}): it has seen a different log under this origin")
    proof = ensure_tree(ledger).tree.consistency_proof(old_size, checkpoint.tree_size) \
        if 0 < old_size < checkpoint.tree_size else []
    lines = "".join(base64.b64encode(value).decode("ascii") + "\n" for value in proof)
    note = checkpoint.note(log_identity(ledger).ledger_public_key)
    return f"old {old_size}\n{lines}\n{note}".encode("utf-8")


def keep_cosignatures(ledger, checkpoint: Checkpoint, url: str, response_text: str,
                      witness_vkeys: list[str]) -> list[str]:
    """Stores each line of a witness's answer that is a valid cosignature/v1
    of the checkpoint by one of ``witness_vkeys``; lines by other keys are
    ignored (C2SP). Returns the names that cosigned; refuses an answer with none."""
    body = checkpoint.body()
    rows: list[dict[str, Any]] = []
    for line in response_text.splitlines(keepends=True)[:100]:
        for vkey in witness_vkeys:
            try:
                timestamp = cosignature.verified_timestamp(body, line, vkey)
            except ValueError as error:
                raise Conflict(f"the witness at {url} answered a bad cosignature: {error}") from None
            if timestamp is not None:
                rows.append({"tree_size": checkpoint.tree_size, "witness_vkey": vkey,
                             "witness_name": vkey.partition("+")[0], "url": url, "timestamp": timestamp,
                             "line": line if line.endswith("\n") else line + "\n"})
    if not rows:
        raise Conflict(f"the witness at {url} answered no cosignature by a witness key given with --witness-vkey")
    create_tables(ledger.engine)
    with ledger.engine.begin() as connection:
        for row in rows:
            table = witness_cosignatures_table
            connection.execute(delete(table).where(table.c.tree_size == row["tree_size"],
                                                   table.c.witness_vkey == row["witness_vkey"]))
            connection.execute(insert(table).values(**row))
    return [row["witness_name"] for row in rows]


def witness_cosignatures(ledger, tree_size: int) -> list[dict[str, Any]]:
    """The witnesses' cosignatures of the checkpoint of ``tree_size``, each
    checked again against the verifier key stored beside it."""
    from ledger.transparency.checkpoints import checkpoint_at

    create_tables(ledger.engine)
    table = witness_cosignatures_table
    with ledger.engine.connect() as connection:
        rows = connection.execute(select(table).where(table.c.tree_size == tree_size)
                                  .order_by(table.c.witness_name, table.c.witness_vkey)).all()
    found = checkpoint_at(ledger, tree_size) if rows else None
    kept = []
    for row in rows:
        try:
            holds = found is not None and cosignature.verified_timestamp(found.body(), row.line, row.witness_vkey) \
                == row.timestamp
        except ValueError:
            holds = False
        kept.append({"name": row.witness_name, "vkey": row.witness_vkey, "url": row.url,
                     "timestamp": row.timestamp, "line": row.line, "verifies": holds})
    return kept


def witnessed_note(ledger, checkpoint: Checkpoint) -> str:
    """The checkpoint's signed note followed by every witness cosignature that verifies."""
    note = checkpoint.note(log_identity(ledger).ledger_public_key)
    return note + "".join(c["line"] for c in witness_cosignatures(ledger, checkpoint.tree_size) if c["verifies"])


def last_witnessed_size(ledger, url: str) -> int:
    """The largest checkpoint the witness at ``url`` cosigned for this ledger (0: none yet)."""
    create_tables(ledger.engine)
    table = witness_cosignatures_table
    with ledger.engine.connect() as connection:
        size = connection.execute(select(table.c.tree_size).where(table.c.url == url)
                                  .order_by(table.c.tree_size.desc()).limit(1)).scalar()
    return size or 0


def check_witness_vkeys(witness_vkeys: list[str]) -> None:
    for vkey in witness_vkeys:
        try:
            cosignature.parse_verifier_key(vkey)
        except ValueError as error:
            raise BadInput(f"--witness-vkey {vkey[:80]!r}: {error}") from None
