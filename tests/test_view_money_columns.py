"""Money in the views holds a province's totals: a fund's balance passes
2^31 fen (21.5 million yuan) long before a year is out. The 10^6-event bench
on PostgreSQL stopped its views at -2,166,750,000 fen ("integer out of
range") while SQLite, whose integers are 64-bit, kept going."""

from __future__ import annotations

from sqlalchemy import BigInteger, select

from projections import catch_up
from projections.balances import BALANCES
import projections.views  # noqa: F401 - every view module registers its tables
from projections.store import METADATA
from tests.world import World

PAST_32_BITS_FEN = -2_166_750_000


def test_every_money_column_of_the_views_is_64_bit() -> None:
    money = [column for table in METADATA.tables.values() for column in table.columns if column.name.endswith("_fen")]
    assert len(money) >= 9 and all(isinstance(column.type, BigInteger) for column in money), \
        [f"{column.table.name}.{column.name}" for column in money if not isinstance(column.type, BigInteger)]


def test_a_balance_past_32_bits_is_stored_and_read_back_on_this_database(world: World) -> None:
    catch_up(world.ledger)
    table = BALANCES.table
    with world.ledger.engine.begin() as connection:
        connection.execute(table.insert().values(account="fund:test:big", kind="fund", owner="big", region="test",
                                                 balance_fen=PAST_32_BITS_FEN, last_sequence=1))
        stored = connection.execute(select(table.c.balance_fen).where(table.c.account == "fund:test:big")).scalar()
    assert stored == PAST_32_BITS_FEN
