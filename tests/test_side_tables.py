"""Tables beside the log are created on first use without a race: many
threads, each with its own engine as separate processes would have, create
the same tables of a fresh database at once, and every one of them succeeds
(a served ledger's first concurrent signed reads once answered 500 here)."""

from __future__ import annotations

import threading

from sqlalchemy import BigInteger, Column, MetaData, String, Table, create_engine, inspect

from ledger.side_tables import create_once

STARTERS = 12


def test_many_processes_creating_the_same_tables_at_once_all_succeed(database_url: str) -> None:
    metadata = MetaData()
    Table("vledger_race_probe", metadata, Column("actor", String(36), primary_key=True),
          Column("created", BigInteger, nullable=False, index=True))
    engines = [create_engine(database_url) for _ in range(STARTERS)]
    barrier = threading.Barrier(STARTERS)
    failures: list[BaseException] = []

    def start(engine) -> None:
        barrier.wait()
        try:
            create_once(metadata, engine)
        except BaseException as error:  # noqa: BLE001 - collected and asserted below
            failures.append(error)

    threads = [threading.Thread(target=start, args=(engine,)) for engine in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert inspect(engines[0]).has_table("vledger_race_probe")
    for engine in engines:
        engine.dispose()
