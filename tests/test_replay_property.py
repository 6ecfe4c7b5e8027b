"""Property: whatever sequence of commands is accepted, replaying the log
rebuilds exactly the aggregates the commands produced (the `@event` bodies only
apply facts: no clock, no checks, no calls out)."""

from __future__ import annotations

import copy
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.application import VoucherLedger
from ledger.errors import LedgerError
from ledger.verify import verify_notifications
from tests.world import World

ACTIONS = st.lists(st.tuples(
    st.sampled_from(["new", "online", "offline", "assess", "fail", "redeem", "review", "notice", "object", "close",
                     "pay", "revoke", "expire", "clawback", "wait"]),
    st.integers(min_value=0, max_value=5),
    st.integers(min_value=1, max_value=700),
), min_size=5, max_size=40)


class RecordingLedger(VoucherLedger):
    """Keeps a copy of each aggregate as the command left it."""

    name = VoucherLedger.name

    def save(self, *aggregates, **kwargs):
        recordings = super().save(*aggregates, **kwargs)
        for aggregate in aggregates:
            self.decided[aggregate.id] = copy.deepcopy(aggregate)
        return recordings


def apply(world: World, vouchers: list, action: str, pick: int, amount: int) -> None:
    if action == "new" or not vouchers:
        voucher, _ = world.enrolled_voucher(filing=world.filing)
        vouchers.append(voucher)
        return
    voucher = vouchers[pick % len(vouchers)]
    state = world.ledger.get(voucher)
    bodies = {
        "online": (world.platform, "record_online_learning", None),
        "offline": (world.institution, "record_offline_training", None),
        "assess": (world.assessor, "assess", {"passed": True, "certificate_number": f"C{voucher.hex[:8]}",
                                                 "certificate_kind": "skill_level"}),
        "fail": (world.assessor, "assess", {"passed": False}),
        "redeem": (world.institution, "request_redemption", {"evidence": [{"kind": "photo", "sha256": "ab" * 32}]}),
        "review": (world.bureau, "review_redemption", {"approved": amount % 5 != 0, "reason": "checked"}),
        "notice": (world.bureau, "open_notice", {"days": 1 + amount % 5}),
        "object": (world.inspector, "raise_objection", {"reason": "doubt"}),
        "close": (world.bureau, "close_notice", {"outcome": "cleared" if amount % 4 else "upheld", "reason": "r"}),
        "pay": (world.finance, "pay", {"amount_fen": state.subsidy_fen - state.prepaid_fen,
                                       "fund": "employment_subsidy_fund"}),
        "revoke": (world.bureau, "revoke_voucher", {"reason": "x"}),
        "expire": (world.bureau, "expire_voucher", {}),
        "clawback": (world.bureau, "claw_back", {"amount_fen": state.prepaid_fen + state.paid_fen, "reason": "f",
                                                 "rule": "L12"}),
    }
    if action == "wait":
        world.clock.advance(days=amount % 40)
        return
    try:
        if action == "online":
            world.online(voucher, amount)
        elif action == "offline":
            world.offline(voucher, amount)
        else:
            key, command, body = bodies[action]
            world.do(key, command, voucher, body)
    except LedgerError:
        pass


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(actions=ACTIONS)
def test_any_accepted_command_sequence_replays_to_the_same_aggregates(actions) -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'ledger.db'}"
        ledger = RecordingLedger(url, keys=Path(folder) / "keys")
        ledger.decided = {}
        world = World(ledger)
        world.filing = world.approved_filing()
        world.clock.advance(days=3)
        vouchers: list = []
        for action, pick, amount in actions:
            apply(world, vouchers, action, pick, amount)
        fresh = VoucherLedger(url, keys=Path(folder) / "keys")
        for aggregate_id, decided in ledger.decided.items():
            replayed = fresh.get(aggregate_id)
            assert vars(replayed) == vars(decided), f"{type(decided).__name__} {aggregate_id} replays differently"
        assert verify_notifications(fresh.notifications()).first_problem is None
        fresh.close()
        ledger.close()
