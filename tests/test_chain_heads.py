"""J1: the verifier's chain heads stay bounded in memory (docs/decisions/0053):
heads beyond the in-memory few go to a scratch table and come back exactly,
so the chain checks catch the same forgeries when most heads are on disk."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from ledger import chain_heads
from ledger.application import VoucherLedger
from ledger.chain_heads import ChainHeads
from ledger.transparency.checkpoints import all_checkpoints
from ledger.verify import Report, verify_log
from tests.tampering import Insider, stored_bytes
from tests.world import World

AGGREGATES = [f"aggregate-{n}" for n in range(12)]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(AGGREGATES), st.booleans()), max_size=120),
       st.integers(min_value=1, max_value=4), st.integers(min_value=1, max_value=3))
def test_j1_heads_read_back_what_was_set_wherever_they_are_kept(steps, recent, spill):
    heads, expected = ChainHeads(recent=recent, spill=spill), {}
    try:
        for aggregate, advance in steps:
            assert heads.get(aggregate) == expected.get(aggregate)
            if advance:
                version = expected.get(aggregate, (0, ""))[0] + 1
                event_hash = f"{version:02x}{aggregate.encode().hex()}".ljust(64, "0")[:64]
                heads.set(aggregate, version, event_hash)
                expected[aggregate] = (version, event_hash)
        assert all(heads.get(aggregate) == expected.get(aggregate) for aggregate in AGGREGATES)
        assert len(heads) == len(expected)
        assert len(heads.recent) <= recent
    finally:
        heads.close()


def test_j1_heads_beyond_the_recent_ones_leave_memory_and_the_scratch_file_goes_when_closed():
    heads = ChainHeads(recent=10, spill=5)
    for n in range(1000):
        heads.set(f"receipt-{n}", 1, f"{n:064x}")
    assert len(heads.recent) == 10 and len(heads.spilled) < 5 and len(heads) == 1000
    assert heads.get("receipt-3") == (1, f"{3:064x}")
    folder = Path(heads._folder.name)
    assert (folder / "heads.db").exists()
    heads.close()
    assert not folder.exists()


def verify_copy(insider: Insider, keys: Path) -> Report:
    ledger = VoucherLedger(insider.url, keys=keys)
    try:
        return verify_log(ledger.notifications(), all_checkpoints(ledger))
    finally:
        ledger.close()


def test_j1_a_broken_link_is_named_when_the_aggregates_head_was_spilled_to_disk(world: World, tmp_path,
                                                                                 monkeypatch) -> None:
    monkeypatch.setattr(chain_heads, "RECENT", 2)
    monkeypatch.setattr(chain_heads, "SPILL", 2)
    world.paid_voucher()
    world.paid_voucher()
    insider = Insider(world.ledger.database_url, tmp_path)
    assert verify_copy(insider, world.ledger.keys_dir).intact
    paid = insider.rows("topic like '%Voucher.Paid'")[0]
    state = json.loads(paid.state)
    state["seal"]["previous_hash"] = "ab" * 32  # the voucher's head is long on disk by then
    insider.set_state(paid.id, stored_bytes(state))
    report = verify_copy(insider, world.ledger.keys_dir)
    assert not report.intact
    assert f"event #{paid.id} " in str(report.first_problem)
    assert "does not link to the aggregate's last event" in str(report.first_problem)

