"""A whole-ledger simulation (issue 13 item 3, in the spirit of TigerBeetle's
VOPR): a hypothesis `RuleBasedStateMachine` sends random signed commands from
every role through `VoucherLedger.submit`: lawful ones and out-of-order ones
(the model predicts each decision and the ledger must agree), invalid ones
(another role's key, another region's bureau, a future `signed_at` or one older
than the ledger's window, another ledger's origin, a forged signature, an
unknown body field: always refused), replayed envelopes (the
first result, nothing new recorded), a reused `command_id` (refused), pairs
of commands on one voucher from two threads with two ledger applications on
one database, restarts of the application, and clock advances. A refused
command leaves the log exactly as it was. After every step (or every
VLEDGER_SIMULATION_CHECK_EVERY steps) and at teardown: the views catch up and
equal a fresh replay, balances sum to zero, payouts stay within the approved
subsidy, one live subsidy per trainee x occupation x level (S2), and the log
verifies (J1). The moves, with their signers, bodies and predictions, are one
table in tests/simulation_moves.py.

Size: VLEDGER_SIMULATION_EXAMPLES runs (default 15 on SQLite, 4 on
PostgreSQL) of at most VLEDGER_SIMULATION_STEPS steps (default 40); each run
ends by driving its live vouchers forward to `paid`, and at least
VLEDGER_SIMULATION_MIN_PAID vouchers (default EXAMPLES/5) must reach it, so the
lawful path is predicted to the end of the loop (L7). A longer run:

    VLEDGER_SIMULATION_EXAMPLES=200 VLEDGER_SIMULATION_STEPS=100 \\
        .venv/bin/python -m pytest -q -s -p no:cacheprovider tests/test_simulation.py

With `-s` it prints how many commands it submitted (also written to
`simulation-counts.json` in the test's tmp dir). A failure prints the failing
steps, shrunk, as Python a reader can follow, and a `@reproduce_failure(...)`
line: paste it above `test_simulation_keeps_every_invariant` to rerun exactly
that case (hypothesis also keeps it in `.hypothesis/` and replays it first on
the next run). The random choices come from hypothesis' seed: a run with
`--hypothesis-seed=N` makes the same choices again at the same size."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import threading
import uuid
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test

from ledger.application import VoucherLedger
from ledger.config import database_url as normalise_url
from ledger.envelope import CLOCK_SKEW, sign_command
from ledger.errors import Conflict, LedgerError
from ledger.steps import STEPS
from tests.concurrency_workers import attempt
from tests.conftest import POSTGRES_URL, reset_postgres
from tests.log_checks import assert_exactly_acknowledged_added, log_hashes
from tests.simulation_checks import check_all
from tests.simulation_model import REGION, Answer, Model
from tests.simulation_moves import EPIDEMIC_PERIOD, MOVES, VOUCHER_MOVES, Move, Plan, learn
from tests.world import World

EXAMPLES = int(os.environ.get("VLEDGER_SIMULATION_EXAMPLES", 4 if POSTGRES_URL else 15))
STEPS_PER_EXAMPLE = int(os.environ.get("VLEDGER_SIMULATION_STEPS", 40))
MIN_PAID = int(os.environ.get("VLEDGER_SIMULATION_MIN_PAID", max(1, EXAMPLES // 5)))  # vouchers reaching `paid`
CHECK_EVERY = int(os.environ.get("VLEDGER_SIMULATION_CHECK_EVERY", 1))
FLAWS = ("another_role", "another_region", "future_signed_at", "stale_signed_at", "another_ledger", "forged_signature",
         "wrong_body")
NUMBERS = st.integers(min_value=0, max_value=10**6)
TOTALS: Counter = Counter()  # (command, "recorded"/"refused") over every example of this run
PAIRS: Counter = Counter()  # concurrent pairs by how many of the two were recorded


class LedgerSimulation(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="vledger-simulation-"))
        if POSTGRES_URL:
            url = normalise_url(POSTGRES_URL)
            reset_postgres(url)
        else:
            url = f"sqlite:///{self.folder / 'vledger.db'}"
        keys = self.folder / "keys"
        world = World(VoucherLedger(url, keys=keys), REGION)
        self.model = Model(world, url, keys)
        self.steps_taken = 0
        TOTALS[("(examples run)", "")] += 1
        self.set_up()

    # -- signing through the world ---------------------------------------------

    def sign(self, actor: str, move: Move, target: Any, body: dict[str, Any], **envelope: Any) -> dict[str, Any]:
        return self.model.world.signed(self.model.signing_key(actor), move.command, target, body, **envelope)

    def expected(self, plan: Plan) -> bool | None:
        """The model's prediction, including the signer's key (trust model)."""
        if plan.ready is None:
            return None
        return plan.ready and self.model.can_sign(plan.signer)

    def judge(self, what: str, answer: Answer, expected: bool | None, before: list) -> None:
        after = self.model.world.log_snapshot()
        if not answer.recorded:
            assert after == before, f"{what} was refused ({answer.error!r}) but the log changed"
        else:
            added = len(answer.result["event_hashes"]) + 1  # the step's events and the command's receipt
            assert after[:len(before)] == before and len(after) == len(before) + added, f"{what} changed the log"
        if expected is not None:
            assert answer.recorded == expected, (
                f"{what}: the model expected {'recorded' if expected else 'refused'}, the ledger "
                f"{'recorded it' if answer.recorded else f'refused it: {answer.error!r}'}")

    # -- rules -------------------------------------------------------------------

    def play(self, name: str, target: Any, number: int) -> Answer:
        """A step as its lawful signer would send it; the ledger's decision must match the model's."""
        move = MOVES[name]
        plan = move.plan(self.model, target, number)
        signed = self.sign(plan.signer, move, target, plan.body)
        before = self.model.world.log_snapshot()
        answer = self.model.submit(signed, plan.personal)
        self.judge(f"{name} on {target}", answer, self.expected(plan), before)
        learn(self.model, move, target, plan, answer)
        return answer

    def set_up(self) -> None:
        """Trainees (one in an allowance group, N4), an approved class for each
        occupation and a voucher for each trainee, so that the rules start mid-loop."""
        for number in range(3):
            self.play("register_trainee", uuid.uuid4(), number)
        for number in range(3):
            self.play("file_class", uuid.uuid4(), number)
        for filing in self.model.filings:
            self.play("approve_filing", filing, 0)
        for number in range(3):
            self.play("issue_voucher", uuid.uuid4(), number)

    @rule(name=st.sampled_from(sorted(MOVES)), pick=NUMBERS, number=NUMBERS)
    def any_step(self, name: str, pick: int, number: int) -> None:
        """Any step on any record: lawful, or out of order (then refused)."""
        target = MOVES[name].target_for(self.model, pick)
        if target is not None:
            self.play(name, target, number)

    @precondition(lambda self: self.model.vouchers)
    @rule(pick=NUMBERS, number=NUMBERS, steps=st.integers(min_value=1, max_value=20))
    def voucher_travels_the_loop(self, pick: int, number: int, steps: int) -> None:
        """Up to `steps` steps the model expects lawful, on one live voucher,
        mostly forward and any lawful step (an exit perhaps) one time in ten, so that vouchers travel
        the whole loop (L7); training waits for the class to start (L13) and
        for the end of the epidemic period (H5), a public notice is waited out (H7)."""
        live = [voucher for voucher in self.model.vouchers if self.model.voucher(voucher).is_live]
        target = self.model.pick(live or self.model.vouchers, pick)
        for step_number in range(number, number + steps):
            if self.wait_for_the_class(target):
                continue
            lawful = [name for name in VOUCHER_MOVES
                      if self.expected(MOVES[name].plan(self.model, target, step_number))]
            forward = [name for name in lawful if MOVES[name].forward]
            status = self.model.voucher(target).status
            if not forward and step_number % 10 and status == "in_notice":
                self.model.world.clock.advance(days=1 + step_number % 3)
                continue
            if not forward and status in ("enrolled", "training") and self.end_the_epidemic(target, step_number):
                continue
            chosen = forward if forward and step_number % 10 else lawful
            if not chosen:
                return
            self.play(self.model.pick(chosen, step_number // 5), target, step_number)

    def end_the_epidemic(self, target: uuid.UUID, number: int) -> bool:
        """When training waits for the end of the epidemic period: an offline session first (H5:
        "疫情期间，不允许组织线下集中实操培训", predicted refused), then the bureau records the end."""
        if not self.expected(MOVES["end_epidemic_period"].plan(self.model, EPIDEMIC_PERIOD, number)):
            return False
        if self.model.voucher(target).status in ("enrolled", "training"):
            self.play("record_offline_training", target, number)
        self.play("end_epidemic_period", EPIDEMIC_PERIOD, number)
        return True

    def wait_for_the_class(self, target: uuid.UUID) -> bool:
        """An enrolled voucher's institution waits until its class starts, so that its sessions fall
        in the filed class period (L13: a session outside it fails the check before payment)."""
        voucher = self.model.voucher(target)
        if voucher.status != "enrolled":
            return False
        starts_on = date.fromisoformat(self.model.filing(uuid.UUID(voucher.filing)).starts_on)
        if self.model.today >= starts_on:
            return False
        self.model.world.clock.advance(days=(starts_on - self.model.today).days)
        return True

    @rule(name=st.sampled_from(sorted(MOVES)), pick=NUMBERS, number=NUMBERS, flaw=st.sampled_from(FLAWS))
    def invalid(self, name: str, pick: int, number: int, flaw: str) -> None:
        """The same step made invalid in one way: always refused, the log unchanged."""
        move = MOVES[name]
        target = move.target_for(self.model, pick)
        if target is None:
            return
        plan = move.plan(self.model, target, number)
        signed = self.flawed(flaw, move, target, plan)
        before = self.model.world.log_snapshot()
        answer = self.model.submit(signed, plan.personal)
        self.judge(f"{name} with {flaw} on {target}", answer, False, before)

    def flawed(self, flaw: str, move: Move, target: Any, plan: Plan) -> dict[str, Any]:
        model = self.model
        if flaw == "another_region" and move.regional and STEPS[move.command].roles[-1] == "bureau":
            return model.world.signed(model.other_bureau, move.command, target, plan.body)
        if flaw in ("another_role", "another_region"):
            roles = STEPS[move.command].roles
            world = model.world
            keys = [world.bureau, world.finance, world.inspector, model.keys.get(model.trainees[0])
                    if model.trainees else None]
            stranger = next(key for key in keys if key is not None and key.role not in roles)
            return model.world.signed(stranger, move.command, target, plan.body)
        if flaw == "future_signed_at":
            future = model.world.clock.now + CLOCK_SKEW + timedelta(minutes=1)
            return self.sign(plan.signer, move, target, plan.body, signed_at=future)
        if flaw == "stale_signed_at":  # older than the window the ledger accepts (issue 13)
            stale = model.world.clock.now - model.ledger.signed_at_window - timedelta(minutes=1)
            return self.sign(plan.signer, move, target, plan.body, signed_at=stale)
        if flaw == "another_ledger":  # signed for another ledger's origin (issue 13)
            return sign_command(model.signing_key(plan.signer), move.command, target, plan.body,
                                signed_at=model.world.clock.now, ledger=f"{model.ledger.origin}-elsewhere")
        if flaw == "forged_signature":
            signed = self.sign(plan.signer, move, target, plan.body)
            return {**signed, "envelope": {**signed["envelope"], "command_id": str(uuid.uuid4())}}
        return self.sign(plan.signer, move, target, {**plan.body, "unexpected_field": True})

    @precondition(lambda self: self.model.recorded)
    @rule(pick=NUMBERS)
    def replayed_envelope(self, pick: int) -> None:
        """The same envelope again returns the first result and records nothing new."""
        earlier = self.model.pick(self.model.recorded, pick)
        before = self.model.world.log_snapshot()
        answer = self.model.submit(earlier.signed)
        assert answer.recorded and answer.duplicate and answer.result == earlier.result, answer.error
        assert self.model.world.log_snapshot() == before, "a replayed envelope changed the log"

    @precondition(lambda self: self.model.recorded)
    @rule(pick=NUMBERS)
    def reused_command_id(self, pick: int) -> None:
        """Another envelope under a used command_id is refused (Conflict), the log unchanged."""
        earlier = self.model.pick(self.model.recorded, pick)
        command_id = uuid.UUID(earlier.signed["envelope"]["command_id"])
        signed = self.model.world.signed(self.model.world.bureau, "expire_voucher", uuid.uuid4(), {},
                                         command_id=command_id)
        before = self.model.world.log_snapshot()
        answer = self.model.submit(signed)
        assert isinstance(answer.error, Conflict), f"a reused command_id was answered {answer}"
        assert self.model.world.log_snapshot() == before

    @rule(days=st.integers(min_value=1, max_value=12))
    def advance_clock(self, days: int) -> None:
        self.model.world.clock.advance(days=days)

    @rule()
    def restart(self) -> None:
        """Close the application and open a new one on the same database: the same log, the same state."""
        model = self.model
        ids = [*model.vouchers, *model.filings, *model.trainees, *model.institutions, *model.platforms]
        before = (model.world.log_snapshot(), [vars(model.ledger.get(i)) for i in ids])
        model.restart()
        assert (model.world.log_snapshot(), [vars(model.ledger.get(i)) for i in ids]) == before

    @precondition(lambda self: self.model.vouchers)
    @rule(first=st.sampled_from(VOUCHER_MOVES), second=st.sampled_from(VOUCHER_MOVES), pick=NUMBERS,
          number=NUMBERS, same_envelope=st.booleans())
    def concurrent_pair(self, first: str, second: str, pick: int, number: int, same_envelope: bool) -> None:
        """Two commands on one voucher from two threads, each with its own
        application on the same database: exactly the acknowledged events are
        added, never a duplicate or half a command, and a command whose partner
        was refused gets the decision the model predicts."""
        model = self.model
        target = model.pick(model.vouchers, pick)
        lawful = [name for name in VOUCHER_MOVES if self.expected(MOVES[name].plan(model, target, number))]
        if lawful and number % 4:  # mostly two steps each lawful alone, racing
            first, second = model.pick(lawful, number // 4), model.pick(lawful, number // 16)
        moves = [MOVES[first], MOVES[first] if same_envelope else MOVES[second]]
        plans = [moves[0].plan(model, target, number), moves[1].plan(model, target, number + 1)]
        signed = [self.sign(plan.signer, move, target, plan.body) for move, plan in zip(moves, plans)]
        if same_envelope:
            plans[1], signed[1] = plans[0], signed[0]
        expected = [self.expected(plan) for plan in plans]
        before = log_hashes(model.ledger)
        outcomes = self.race(signed)
        assert [o for o in outcomes if o["status"] == "crashed"] == [], outcomes
        assert_exactly_acknowledged_added(model.ledger, before, outcomes)
        answers = [Answer(s, o.get("result"), o.get("duplicate", False), None if o["status"] == "recorded"
                          else LedgerError(o["message"])) for s, o in zip(signed, outcomes)]
        for answer in answers:
            model.count(answer)
        recorded = [answer.recorded for answer in answers]
        PAIRS[f"{'same envelope' if same_envelope else 'two commands'}, {sum(recorded)} recorded"] += 1
        if same_envelope:
            assert recorded == [bool(expected[0])] * 2 or expected[0] is None, outcomes
            if all(recorded):
                assert [answer.duplicate for answer in answers].count(False) == 1 and \
                    answers[0].result == answers[1].result, outcomes
            return
        for mine, other in ((0, 1), (1, 0)):
            if not recorded[other] and expected[mine] is not None:
                assert recorded[mine] == expected[mine], (first, second, expected, outcomes)
        if first == second and not moves[0].repeatable:
            assert not all(recorded), f"two {first} on one voucher were both recorded: {outcomes}"

    def race(self, signed: list[dict[str, Any]]) -> list[dict[str, Any]]:
        model = self.model
        second = VoucherLedger(model.database_url, keys=model.keys_dir)
        second.clock = model.world.clock
        barrier = threading.Barrier(2)
        outcomes: list[dict[str, Any]] = [{}, {}]

        def write(index: int, ledger: VoucherLedger) -> None:
            barrier.wait(timeout=60)
            outcomes[index] = attempt(ledger, (signed[index], None))

        threads = [threading.Thread(target=write, args=(index, ledger))
                   for index, ledger in enumerate((model.ledger, second))]
        try:
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=120)
        finally:
            second.close()
        return outcomes

    # -- invariants ------------------------------------------------------------

    @invariant()
    def ledger_invariants_hold(self) -> None:
        self.steps_taken += 1
        if self.steps_taken % CHECK_EVERY == 0:
            check_all(self.model.ledger, self.model.vouchers)

    def finish_a_journey(self) -> None:
        """At the end of each run, forward steps only on each live voucher in turn until one is paid
        or none can move: the lawful path is predicted to the end of the loop (L7), whatever the
        random steps did before; every decision is still judged against the model."""
        model = self.model
        for target in [voucher for voucher in model.vouchers if model.voucher(voucher).is_live]:
            for step_number in range(1, 60):
                if model.voucher(target).status == "paid":
                    return
                if self.wait_for_the_class(target):
                    continue
                forward = [name for name in VOUCHER_MOVES if MOVES[name].forward
                           and self.expected(MOVES[name].plan(model, target, step_number))]
                if model.voucher(target).status == "in_notice" and not forward:
                    model.world.clock.advance(days=1)
                    continue
                if not forward and self.end_the_epidemic(target, step_number):
                    continue
                if not forward:
                    break
                self.play(model.pick(forward, step_number), target, step_number)

    def teardown(self) -> None:
        try:
            self.finish_a_journey()
            check_all(self.model.ledger, self.model.vouchers)
        finally:
            TOTALS.update(self.model.counts)
            TOTALS[("(vouchers paid)", "")] += self.model.paid
            self.model.ledger.close()
            shutil.rmtree(self.folder, ignore_errors=True)


def test_simulation_keeps_every_invariant(tmp_path: Path) -> None:
    """Random signed commands from every role keep the ledger's invariants (issue 13 item 3)."""
    TOTALS.clear()
    PAIRS.clear()
    try:
        run_state_machine_as_test(LedgerSimulation, settings=settings(
            max_examples=EXAMPLES, stateful_step_count=STEPS_PER_EXAMPLE, deadline=None, print_blob=True,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]))
    finally:
        runs = TOTALS.pop(("(examples run)", ""), 0)
        paid = TOTALS.pop(("(vouchers paid)", ""), 0)
        report = {"examples": EXAMPLES, "steps_per_example": STEPS_PER_EXAMPLE, "examples_run": runs,
                  "commands_submitted": sum(TOTALS.values()), "vouchers_paid": paid,
                  "recorded": sum(n for (_, outcome), n in TOTALS.items() if outcome == "recorded"),
                  "concurrent_pairs": dict(sorted(PAIRS.items())),
                  "by_command": {f"{command} {outcome}": n for (command, outcome), n in sorted(TOTALS.items())}}
        (tmp_path / "simulation-counts.json").write_text(json.dumps(report, indent=2))
        print(f"\nsimulation: {report['commands_submitted']} commands submitted, {report['recorded']} recorded, "
              f"in {runs} runs of up to {STEPS_PER_EXAMPLE} steps; {paid} vouchers reached paid")
    assert TOTALS, "the simulation submitted nothing"
    # the lawful path is predicted and travelled to the end of the loop (L7), not only to enrolment
    assert paid >= MIN_PAID, f"only {paid} vouchers reached paid in {runs} runs; the loop stops short of payment"
