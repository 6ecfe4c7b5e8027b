"""Creating the tables beside the log on first use, safely when many threads
and processes start at once.

`metadata.create_all(checkfirst=True)` looks for each table, then creates the
missing ones: two callers that both look before either creates both try the
CREATE, and the second fails ("table ... already exists" on SQLite, a
duplicate key in `pg_type` on PostgreSQL). A served ledger hit this on its
first concurrent signed reads and answered 500, cutting the connection.
Here one lock orders the threads of a process, and a CREATE that another
process won is accepted once the tables are seen to exist."""

from __future__ import annotations

import threading
import weakref

from sqlalchemy import MetaData, inspect
from sqlalchemy.exc import DBAPIError

_lock = threading.Lock()
_created: "weakref.WeakKeyDictionary[object, set[int]]" = weakref.WeakKeyDictionary()


def create_once(metadata: MetaData, engine) -> None:
    """Creates the tables of `metadata` that `engine`'s database lacks, once
    per process and engine."""
    with _lock:
        done = _created.setdefault(engine, set())
        if id(metadata) in done:
            return
        try:
            metadata.create_all(engine, checkfirst=True)
        except DBAPIError:
            existing = set(inspect(engine).get_table_names())
            if any(table.name not in existing for table in metadata.sorted_tables):
                raise
        done.add(id(metadata))
