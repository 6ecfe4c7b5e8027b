"""Property: for any accepted sequence of commands, the views kept
incrementally (in batches of any size, stopped anywhere) equal the views
replayed from scratch, balances sum to zero, and `replay --as-of N` equals
the incremental views after event N."""

from __future__ import annotations

from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from projections import catch_up, compare_views, position, replay
from projections.balances import BALANCES
from projections.log import events
from projections.views import TABLES
from tests.loop_model import ACTION, REGION, Loop, reached_past_enrolment
from tests.world import World

def stored(world: World) -> dict[str, dict]:
    with world.ledger.engine.connect() as connection:
        return {name: {view.key_of(row): dict(row) for row in connection.execute(select(view.table)).mappings()}
                for name, view in TABLES.items()}


def test_incremental_views_equal_a_fresh_replay_at_every_stop(ledger) -> None:
    """The whole loop (see `tests.loop_model`), with catch-ups stopped anywhere between its steps;
    most examples get past enrolment."""
    world = World(ledger, REGION)
    examples: Counter = Counter()

    @settings(max_examples=12, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(steps=st.lists(st.one_of(st.tuples(st.just("catch_up"), st.integers(0, 1000), st.just(0)),
                                    ACTION),
                          min_size=1, max_size=20),
           batch_size=st.integers(1, 40))
    def follows(steps, batch_size: int) -> None:
        loop = Loop(world)
        for kind, pick, choice in steps:
            if kind != "catch_up":
                loop.act(kind, pick, choice)
                continue
            stop = max(position(world.ledger), pick % (world.ledger.max_notification_id() + 1))
            catch_up(world.ledger, batch_size=batch_size, stop=stop)
            at = position(world.ledger)
            replayed = replay(events(world.ledger, stop=at), until=at)
            assert stored(world) == {name: dict(replayed.rows[name]) for name in TABLES}
        examples["all"] += 1
        examples["past enrolment"] += reached_past_enrolment(loop)
        catch_up(world.ledger, batch_size=batch_size)
        assert compare_views(world.ledger) == []
        with world.ledger.engine.connect() as connection:
            assert connection.execute(select(func.sum(BALANCES.table.c.balance_fen))).scalar() in (0, None)

    follows()
    assert examples["past enrolment"] >= examples["all"] // 3, examples
