"""Read-signature nonces, each accepted once (issue 13, docs/decisions/0023).

A signed read carries a nonce; the server remembers every nonce it accepted,
per actor, in the table `vledger_read_nonces` of the ledger's own database, so
the memory holds across server processes and restarts. A header whose
nonce was already used is refused: a captured header cannot be replayed even
within its ±5 minute window. Rows older than the window are pruned as new
ones come (a header that old is refused by the window anyway).
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, MetaData, String, Table, delete, insert
from sqlalchemy.exc import IntegrityError

from ledger.errors import InvalidSignature
from ledger.side_tables import create_once

metadata = MetaData()
read_nonces_table = Table(
    "vledger_read_nonces",
    metadata,
    Column("actor", String(36), primary_key=True),
    Column("nonce", String(64), primary_key=True),
    Column("created", BigInteger, nullable=False, index=True),
)


def accept_once(engine, actor: str, nonce: str, created: int, *, oldest_kept: int) -> None:
    """Records the nonce of a verified read signature; InvalidSignature when
    it was used before. Prunes nonces created before `oldest_kept` (Unix s)."""
    create_once(metadata, engine)
    try:
        with engine.begin() as connection:
            connection.execute(delete(read_nonces_table).where(read_nonces_table.c.created < oldest_kept))
            connection.execute(insert(read_nonces_table).values(actor=actor, nonce=nonce, created=created))
    except IntegrityError:
        raise InvalidSignature("this read signature was already used once (its nonce is spent); "
                               "sign each request afresh with a new nonce") from None
