"""Property: for any accepted sequence of commands, the views kept
incrementally (in batches of any size, stopped anywhere) equal the views
replayed from scratch, balances sum to zero, and `replay --as-of N` equals
the incremental views after event N."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from ledger.errors import LedgerError
from projections import catch_up, compare_views, position, replay
from projections.balances import BALANCES
from projections.log import events
from projections.views import TABLES
from tests.world import World

ACTIONS = ("enrol", "online", "offline", "assess", "pay", "revoke", "catch_up")


def stored(world: World) -> dict[str, dict]:
    with world.ledger.engine.connect() as connection:
        return {name: {view.key_of(row): dict(row) for row in connection.execute(select(view.table)).mappings()}
                for name, view in TABLES.items()}


def act(world: World, vouchers: list, action: str, pick: int) -> None:
    voucher = vouchers[pick % len(vouchers)] if vouchers else None
    if action == "enrol" or voucher is None:
        vouchers.append(world.enrolled_voucher()[0])
        world.clock.advance(days=3)
    elif action == "online":
        world.online(voucher, 45 * (1 + pick % 4))
    elif action == "offline":
        world.offline(voucher, 300)
    elif action == "assess":
        world.do(world.assessor, "assess", voucher, {"passed": pick % 3 > 0, "certificate_number": f"C-{pick}",
                                                        "certificate_kind": "training_qualified"})
    elif action == "pay":
        world.do(world.institution, "request_redemption", voucher,
                 {"evidence": [{"kind": "photo", "sha256": "ab" * 32}]})
        world.do(world.bureau, "review_redemption", voucher, {"approved": True, "reason": "checked"})
        world.do(world.bureau, "open_notice", voucher, {"days": 1})
        world.clock.advance(days=2)
        world.do(world.bureau, "close_notice", voucher, {"outcome": "cleared"})
        world.do(world.finance, "pay", voucher, {"amount_fen": world.ledger.get(voucher).subsidy_fen,
                                                 "fund": world.profile.funds[pick % 2]})
    elif action == "revoke":
        world.do(world.bureau, "revoke_voucher", voucher, {"reason": "issued in error"})


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(steps=st.lists(st.tuples(st.sampled_from(ACTIONS), st.integers(0, 1000)), min_size=1, max_size=10),
       batch_size=st.integers(1, 40))
def test_incremental_views_equal_a_fresh_replay_at_every_stop(world: World, steps, batch_size: int) -> None:
    vouchers: list = []
    for action, pick in steps:
        if action == "catch_up":
            stop = max(position(world.ledger), pick % (world.ledger.max_notification_id() + 1))
            catch_up(world.ledger, batch_size=batch_size, stop=stop)
            at = position(world.ledger)
            replayed = replay(events(world.ledger, stop=at), until=at)
            assert stored(world) == {name: dict(replayed.rows[name]) for name in TABLES}
            continue
        try:
            act(world, vouchers, action, pick)
        except LedgerError:
            pass  # refused: the log is unchanged, nothing to follow
    catch_up(world.ledger, batch_size=batch_size)
    assert compare_views(world.ledger) == []
    with world.ledger.engine.connect() as connection:
        assert connection.execute(select(func.sum(BALANCES.table.c.balance_fen))).scalar() == 0
