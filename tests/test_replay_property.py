"""Property: whatever sequence of commands is accepted, replaying the log
rebuilds exactly the aggregates the commands produced (the `@event` bodies only
apply facts: no clock, no checks, no calls out)."""

from __future__ import annotations

import copy
import tempfile
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, given, settings

from ledger.application import VoucherLedger
from ledger.verify import verify_notifications
from tests.loop_model import ACTIONS, REGION, Loop, reached_past_enrolment
from tests.world import World


class RecordingLedger(VoucherLedger):
    """Keeps a copy of each aggregate as the command left it."""

    name = VoucherLedger.name

    def save(self, *aggregates, **kwargs):
        recordings = super().save(*aggregates, **kwargs)
        for aggregate in aggregates:
            self.decided[aggregate.id] = copy.deepcopy(aggregate)
        return recordings


def test_any_accepted_command_sequence_replays_to_the_same_aggregates() -> None:
    """Sequences that run the whole loop (train, assess, request, review, notice, objection, close,
    prepay, pay, allowance, claw back) and stray steps the model says must be refused; most examples
    get past enrolment, and some all the way to payment and claw-back."""
    examples: Counter = Counter()

    @settings(max_examples=20, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(actions=ACTIONS)
    def replays(actions) -> None:
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite:///{Path(folder) / 'ledger.db'}"
            ledger = RecordingLedger(url, keys=Path(folder) / "keys")
            ledger.decided = {}
            loop = Loop(World(ledger, REGION))
            for kind, pick, choice in actions:
                loop.act(kind, pick, choice)
            examples["all"] += 1
            examples["past enrolment"] += reached_past_enrolment(loop)
            examples.update(f"reached {status}" for status in loop.furthest() | set(loop.reached))
            fresh = VoucherLedger(url, keys=Path(folder) / "keys")
            for aggregate_id, decided in ledger.decided.items():
                replayed = fresh.get(aggregate_id)
                assert vars(replayed) == vars(decided), f"{type(decided).__name__} {aggregate_id} replays differently"
            assert verify_notifications(fresh.notifications()).first_problem is None
            fresh.close()
            ledger.close()

    replays()
    assert examples["past enrolment"] >= examples["all"] // 2, examples
    assert examples["reached prepaid"] >= 1 and examples["reached paid"] >= 1 and examples["reached clawed_back"] >= 1, examples
    assert examples["reached rejected"] + examples["reached failed"] >= 1, examples
