"""Which definition built the stored views (decision 0029). Each `view_*`
table has a fingerprint: SHA-256 of its columns (name, type, key, nullable)
and indexes, plus `VIEW_LOGIC_VERSION`, which a change of what a view
computes (same columns, other values) must raise. They are kept in
`view_schema`; when a stored fingerprint differs from the code's, or is
missing (views made before versions existed), the views are dropped and
rebuilt from the log, which is the only source of truth they have."""

from __future__ import annotations

import hashlib
from typing import Iterable

from sqlalchemy import Column, Connection, MetaData, String, Table, delete, insert, select

VIEW_LOGIC_VERSION = 1
metadata = MetaData()
view_schema_table = Table(
    "view_schema",
    metadata,
    Column("view_table", String(100), primary_key=True),
    Column("fingerprint", String(64), nullable=False),
)


def fingerprint(table: Table) -> str:
    parts = [f"logic {VIEW_LOGIC_VERSION}", f"table {table.name}"]
    parts += [f"column {c.name} {c.type!r} key={c.primary_key} null={c.nullable}" for c in table.columns]
    parts += sorted(f"index {i.name} {[c.name for c in i.columns]} unique={i.unique}" for i in table.indexes)
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def expected(tables: Iterable[Table]) -> dict[str, str]:
    return {table.name: fingerprint(table) for table in tables}


def stored(connection: Connection) -> dict[str, str]:
    view_schema_table.create(connection, checkfirst=True)
    return {row.view_table: row.fingerprint for row in connection.execute(select(view_schema_table))}


def record(connection: Connection, fingerprints: dict[str, str]) -> None:
    connection.execute(delete(view_schema_table))
    connection.execute(insert(view_schema_table), [{"view_table": name, "fingerprint": value}
                                                   for name, value in sorted(fingerprints.items())])
