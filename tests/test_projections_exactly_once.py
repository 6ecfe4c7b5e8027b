"""Exactly once: the views and their tracking position are written in one
transaction, so a catch-up stopped mid-way, or broken by an exception inside
a view, resumes without applying any event twice or skipping one."""

from __future__ import annotations

import pytest
from eventsourcing.persistence import Tracking
from sqlalchemy import select

from ledger.application import VoucherLedger
from ledger.errors import ViewFailed
from projections import catch_up, compare_views, failures, position, rebuild
from projections import views
from projections.audit import AUDIT
from projections.log import read_events
from projections.runner import projection_for
from projections.views import TABLES, PositionMoved
from tests.world import World


def snapshot(ledger: VoucherLedger) -> dict[str, list[dict]]:
    with ledger.engine.connect() as connection:
        return {name: [dict(row) for row in connection.execute(
            select(view.table).order_by(*view.table.primary_key)).mappings()] for name, view in TABLES.items()}


def audited(ledger: VoucherLedger) -> list[int]:
    with ledger.engine.connect() as connection:
        return list(connection.execute(select(AUDIT.table.c.sequence).order_by(AUDIT.table.c.sequence)).scalars())


def busy_world(world: World) -> World:
    world.paid_voucher()
    voucher, _ = world.enrolled_voucher()
    world.clock.advance(days=3)
    world.online(voucher, 60, face_checks_failed=1)
    world.do(world.bureau, "revoke_voucher", voucher, {"reason": "moved away"})
    return world


class Explodes:
    """A view that fails on one event, as a bug in a view would."""

    name = "explodes"
    tables = ()

    def __init__(self, sequence: int) -> None:
        self.sequence = sequence

    def apply(self, event, store) -> None:
        if event.sequence == self.sequence:
            raise RuntimeError(f"view bug at event {event.sequence}")


def test_exception_inside_a_view_keeps_every_event_before_it_and_resumes_exactly_once(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """The views stop just before the event a view cannot apply (issue 13), named in a ViewFailed."""
    ledger = busy_world(world).ledger
    last = ledger.max_notification_id()
    monkeypatch.setattr(views, "MODULES", (*views.MODULES[:3], Explodes(25), *views.MODULES[3:]))
    with pytest.raises(ViewFailed, match="view bug at event 25"):
        catch_up(ledger, batch_size=10)
    assert position(ledger) == 24 and audited(ledger) == list(range(1, 25))
    assert [row["sequence"] for row in failures.recorded(ledger.engine)] == [25]
    monkeypatch.undo()  # the fixed release
    catch_up(ledger, batch_size=10)
    assert position(ledger) == last and audited(ledger) == list(range(1, last + 1))
    assert failures.recorded(ledger.engine) == [], "a catch-up past the event clears its failure"
    assert compare_views(ledger) == []
    resumed = snapshot(ledger)
    rebuild(ledger)
    assert snapshot(ledger) == resumed


def test_catch_up_stopped_mid_way_resumes_where_it_stopped(world: World) -> None:
    ledger = busy_world(world).ledger
    catch_up(ledger, batch_size=4, stop=33)
    assert position(ledger) == 33 and audited(ledger) == list(range(1, 34))
    world.paid_voucher()
    catch_up(ledger, batch_size=6)
    stepwise = snapshot(ledger)
    rebuild(ledger)
    assert snapshot(ledger) == stepwise and position(ledger) == ledger.max_notification_id()


def test_a_stale_batch_is_refused_and_writes_nothing(world: World) -> None:
    ledger = busy_world(world).ledger
    catch_up(ledger, stop=30)
    projection = projection_for(ledger)
    before = snapshot(ledger)
    with pytest.raises(PositionMoved):
        projection.process_batch(read_events(ledger, 21, 15), start=20)  # another process already wrote 21-30
    assert snapshot(ledger) == before and position(ledger) == 30


def test_library_runner_path_one_event_a_transaction_equals_a_rebuild(world: World) -> None:
    ledger = busy_world(world).ledger
    projection = projection_for(ledger)
    for notification in ledger.recorder.select_notifications(1, 10_000):
        projection.process_event(ledger.mapper.to_domain_event(notification), Tracking("vledger", notification.id))
    one_by_one = snapshot(ledger)
    rebuild(ledger)
    assert snapshot(ledger) == one_by_one


def test_rebuilding_one_view_replaces_only_its_tables(world: World) -> None:
    ledger = busy_world(world).ledger
    catch_up(ledger)
    before = snapshot(ledger)
    with ledger.engine.begin() as connection:
        connection.execute(TABLES["view_flags"].table.delete())
    differences = compare_views(ledger)
    assert differences and {difference.view for difference in differences} == {"view_flags"}
    assert differences[0].stored is None and differences[0].replayed["kind"] == "face_check_failed"
    rebuild(ledger, view="flags")
    assert snapshot(ledger) == before and compare_views(ledger) == []
