"""The views check (`compare_views`, docs/decisions/0054): the stored views
against a replay in a scratch database, merged in key order."""

from __future__ import annotations

from tests.world import World


def test_j1_a_view_row_with_a_key_of_the_wrong_type_is_a_difference_not_a_crash(world: World) -> None:
    """On SQLite an insider can store an integer in a text key column; the
    streamed comparison names the row instead of failing on the key order."""
    from sqlalchemy import text

    from projections import catch_up, compare_views

    sqlite = world.ledger.engine.dialect.name == "sqlite"
    world.paid_voucher()
    catch_up(world.ledger)
    with world.ledger.engine.begin() as connection:
        row = connection.execute(text("select * from view_vouchers limit 1")).mappings().first()
        forged = {**row, "id": 12345 if sqlite else "12345"}  # PostgreSQL checks types: an extra row
        columns = ", ".join(forged)
        connection.execute(text(f"insert into view_vouchers ({columns}) values "
                                f"({', '.join(':' + name for name in forged)})"), forged)
    differences = compare_views(world.ledger)
    assert [difference.key for difference in differences] == ["12345"]
    assert differences[0].replayed is None and differences[0].view == "view_vouchers"
