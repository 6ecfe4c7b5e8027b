"""The views' rows in memory for one batch of events, loaded lazily from the
database and written back in one go (many events per transaction).

A `complete` store holds every row there is, as in a rebuild from an empty
database or a pure in-memory replay. Otherwise a row missing from memory is
read through `connection` from the view table the first time it is asked for.
What the events change is marked dirty and `flush` writes it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Hashable, Iterable

from operator import itemgetter

import orjson
from sqlalchemy import JSON, Connection, MetaData, Table, and_, bindparam, select

METADATA = MetaData()
DELETE_CHUNK = 500


@dataclass(frozen=True)
class ViewTable:
    """A view table with its key columns; `group` names a column rows are also
    looked up by (e.g. a trainee's sessions); `append_only` rows are never
    changed once written, so memory drops them after a flush."""

    table: Table
    key: tuple[str, ...]
    group: str | None = None
    append_only: bool = False

    @property
    def name(self) -> str:
        return self.table.name

    def key_of(self, row: dict[str, Any]) -> Hashable:
        if len(self.key) == 1:
            return row[self.key[0]]
        return tuple(row[column] for column in self.key)

    def key_text(self, key: Hashable) -> str:
        return "/".join(str(part) for part in key) if isinstance(key, tuple) else str(key)


@dataclass
class Store:
    tables: dict[str, ViewTable]
    complete: bool = False
    connection: Connection | None = None
    rows: dict[str, dict[Hashable, dict[str, Any]]] = field(default_factory=dict)
    absent: dict[str, set] = field(default_factory=dict)
    stored: dict[str, set] = field(default_factory=dict)
    dirty: dict[str, set] = field(default_factory=dict)
    groups: dict[str, dict[Any, list[dict[str, Any]]]] = field(default_factory=dict)
    pending: dict[str, dict[Any, list[dict[str, Any]]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in self.tables:
            self.rows[name], self.absent[name], self.stored[name], self.dirty[name] = {}, set(), set(), set()
            self.groups[name], self.pending[name] = {}, {}

    # -- reading -------------------------------------------------------------

    def get(self, name: str, key: Hashable) -> dict[str, Any] | None:
        row = self.rows[name].get(key)
        if row is not None or self.complete or key in self.absent[name]:
            return row
        assert self.connection is not None, "an incomplete store reads through a connection"
        view = self.tables[name]
        parts = key if isinstance(key, tuple) else (key,)
        query = select(view.table).where(*(view.table.c[column] == part for column, part in zip(view.key, parts)))
        found = self.connection.execute(query).mappings().first()
        if found is None:
            self.absent[name].add(key)
            return None
        row = dict(found)
        self.rows[name][key] = row
        self.stored[name].add(key)
        return row

    def group(self, name: str, value: Any) -> list[dict[str, Any]]:
        """Every row of `name` whose group column equals `value`."""
        members = self.groups[name].get(value)
        if members is not None:
            return members
        view = self.tables[name]
        members = []
        if not self.complete:
            query = select(view.table).where(view.table.c[view.group] == value).order_by(*view.table.primary_key)
            for found in self.connection.execute(query).mappings():
                key = view.key_of(found)
                row = self.rows[name].setdefault(key, dict(found))
                self.stored[name].add(key)
                members.append(row)
        members.extend(self.pending[name].pop(value, []))
        self.groups[name][value] = members
        return members

    def all(self, name: str) -> Iterable[dict[str, Any]]:
        assert self.complete, "only a complete store lists every row"
        return self.rows[name].values()

    # -- changing ------------------------------------------------------------

    def put(self, name: str, row: dict[str, Any]) -> dict[str, Any]:
        """Adds or replaces a row (changing a row got from `get` in place also
        needs `put`, which marks it dirty)."""
        view = self.tables[name]
        key = view.key_of(row)
        rows = self.rows[name]
        is_new = key not in rows
        rows[key] = row
        self.dirty[name].add(key)
        self.absent[name].discard(key)
        if view.group and is_new:
            value = row[view.group]
            members = self.groups[name].get(value)
            if members is not None:
                members.append(row)
            elif self.complete:
                self.groups[name][value] = [row]
            else:
                self.pending[name].setdefault(value, []).append(row)
        return row

    # -- writing -------------------------------------------------------------

    def changes(self) -> int:
        return sum(len(keys) for keys in self.dirty.values())

    def flush(self, connection: Connection) -> None:
        """Writes every dirty row: a delete of the old version where the
        database had one, then one multi-row insert per table."""
        for name, keys in self.dirty.items():
            if not keys:
                continue
            view = self.tables[name]
            rows = self.rows[name]
            replaced = [key for key in keys if key in self.stored[name]]
            if replaced:
                self._delete(connection, view, replaced)
            insert_rows(connection, view, [rows[key] for key in keys])
            if view.append_only and not view.group:
                for key in keys:
                    del rows[key]
            else:
                self.stored[name].update(keys)
            keys.clear()

    @staticmethod
    def _delete(connection: Connection, view: ViewTable, keys: list[Hashable]) -> None:
        columns = [view.table.c[column] for column in view.key]
        if len(columns) == 1:
            for start in range(0, len(keys), DELETE_CHUNK):
                connection.execute(view.table.delete().where(columns[0].in_(keys[start:start + DELETE_CHUNK])))
            return
        statement = view.table.delete().where(and_(*(column == bindparam(f"k_{column.name}") for column in columns)))
        connection.execute(statement, [{f"k_{column}": part for column, part in zip(view.key, key)} for key in keys])


def insert_rows(connection: Connection, view: ViewTable, rows: list[dict[str, Any]]) -> None:
    """One multi-row insert through the driver: SQLAlchemy's per-row parameter
    processing would double the cost of a rebuild. JSON columns are written
    as JSON text, which is what SQLAlchemy's `JSON` type reads back."""
    if not rows:
        return
    postgres = connection.dialect.name == "postgresql"
    mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    names = [column.name for column in view.table.columns]
    as_json = [isinstance(column.type, JSON) for column in view.table.columns]
    values = ", ".join(f"CAST({mark} AS JSON)" if postgres and is_json else mark for is_json in as_json)
    statement = f"INSERT INTO {view.name} ({', '.join(names)}) VALUES ({values})"
    params = list(map(itemgetter(*names), rows))
    json_columns = [index for index, is_json in enumerate(as_json) if is_json]
    if json_columns:
        dumps, option = orjson.dumps, orjson.OPT_NON_STR_KEYS
        for position, values in enumerate(params):
            values = list(values)
            for index in json_columns:
                values[index] = dumps(values[index], option=option).decode()
            params[position] = tuple(values)
    connection.exec_driver_sql(statement, params)
