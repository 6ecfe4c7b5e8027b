"""A model of the whole loop for the property tests: which step each voucher
may take next, from enrolment to payment, allowance and claw-back. A step the
model calls lawful must be accepted; a stray step it calls unlawful must be
refused with the log unchanged. Neither kind of refusal is swallowed: the
model and the ledger must agree, so a property test reaches the end of the
loop or fails, and it counts how far its vouchers got."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import datetime

from hypothesis import strategies as st

from ledger.errors import LedgerError
from ledger.lifecycle import IN_TRAINING_OR_AFTER
from tests.world import World

REGION = "hunan-hengyang"  # prepays (H3) and pays a living allowance (N4)
FUND = "skills_upgrading_account"
EVIDENCE = {"evidence": [{"kind": "photo", "sha256": "ab" * 32}]}
FORWARD = {  # the main road of the loop, status -> step
    "training": "assess", "certified": "request", "redemption_requested": "approve",
    "approved": "open_notice", "in_notice": "clear", "cleared": "pay", "paid": "claw_back",
}
STRAYS = ("pay", "assess", "request", "approve", "open_notice", "clear", "prepay")
LEGAL_IN = {"pay": ("cleared",), "assess": ("training",), "request": ("certified",),
            "approve": ("redemption_requested",), "open_notice": ("approved",), "clear": ("in_notice",),
            "prepay": IN_TRAINING_OR_AFTER}

# (kind, which voucher, which step): "new" enrols and trains a voucher, "move" takes a step the
# model calls lawful (mostly the main road), "stray" one it calls unlawful.
ACTION = st.tuples(st.sampled_from(["new", "move", "move", "move", "move", "stray"]),
                   st.integers(0, 5), st.integers(0, 1000))
ACTIONS = st.lists(ACTION, min_size=3, max_size=30)


class Loop:
    """The vouchers of one example and what the model knows of each."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.vouchers: list[uuid.UUID] = []
        self.model: dict[uuid.UUID, dict] = {}
        self.reached: Counter = Counter()

    def new(self, pick: int) -> None:
        """Issue, claim, choose, enrol in a fresh approved filing, learn online one day (45 minutes)
        and offline for the rest of the hours (H1)."""
        world = self.world
        eligible = pick % 2 == 0
        trainee = world.trainee(allowance_groups=["registered_poor"] if eligible else None)
        # H3: Hengyang prepays 30% on a shortage occupation (the electrician at 800 yuan)
        voucher = world.issue(trainee, standard_fen=80000, shortage=True) if pick % 3 else world.issue(trainee)
        world.claim_and_choose(trainee, voucher)
        world.do(world.institution, "enrol", voucher, {"filing": str(world.approved_filing())})
        world.clock.advance(days=3)
        world.online(voucher, 45)
        online_day = world.clock.now.date()
        world.clock.advance(days=1)
        world.complete_hours(voucher)
        self.vouchers.append(voucher)
        self.model[voucher] = {"eligible": eligible, "online_day": online_day, "allowance": False,
                               "prepaid": False, "paid_fen": 0, "objections": 0}
        self.check(voucher, "training")

    def lawful(self, voucher: uuid.UUID) -> list[str]:
        state, known = self.world.ledger.get(voucher), self.model[voucher]
        moves = [FORWARD[state.status]] if state.status in FORWARD else []
        if state.status == "training":
            moves.append("fail")
        if state.status == "redemption_requested":
            moves.append("reject")
        if state.status == "in_notice":
            moves += ["object", "uphold"]
        prepayment_fen = sum(p["fen"] for p in state.payments if p["stage"] == "prepayment")
        if state.status in IN_TRAINING_OR_AFTER and not known["prepaid"] and prepayment_fen:  # H3
            moves.append("prepay")
        if state.status in IN_TRAINING_OR_AFTER + ("cleared",) and known["eligible"] and not known["allowance"]:
            moves.append("allowance")
        if state.status in ("rejected", "failed") and known["paid_fen"]:
            moves.append("claw_back")
        if "claw_back" in moves and not known["paid_fen"]:
            moves.remove("claw_back")  # L12: nothing paid, nothing to claw back
        return moves

    def act(self, kind: str, pick: int, choice: int) -> None:
        if kind == "new" or not self.vouchers:
            self.new(pick)
            return
        voucher = self.vouchers[pick % len(self.vouchers)]
        if kind == "stray":
            self.stray(voucher, choice)
            return
        moves = self.lawful(voucher)
        if not moves:
            return
        move = moves[0] if choice % 3 else moves[choice % len(moves)]
        self.take(voucher, move)

    def take(self, voucher: uuid.UUID, move: str) -> None:
        """A step the model calls lawful: the ledger must accept it (a refusal propagates and fails the test)."""
        world, known = self.world, self.model[voucher]
        state = world.ledger.get(voucher)
        key, command, body = self.command(voucher, move)
        if move in ("clear", "uphold"):
            closes_at = state.notice_closes_at.replace("Z", "+00:00")
            world.clock.now = max(world.clock.now, datetime.fromisoformat(closes_at))
        world.do(key, command, voucher, body)
        after = world.ledger.get(voucher)
        if move == "prepay":
            self.reached["prepaid"] += 1
            known["prepaid"] = True
            known["paid_fen"] += body["amount_fen"]
        elif move == "allowance":
            known["allowance"] = True
            known["paid_fen"] += body["amount_fen"]
        elif move == "pay":
            known["paid_fen"] += body["amount_fen"]
            assert after.prepaid_fen + after.paid_fen == after.approved_fen, "H7: the subsidy is paid to the fen"
        elif move == "object":
            known["objections"] += 1
        elif move == "claw_back":
            assert after.clawed_back_fen == known["paid_fen"], "L12: every fen paid comes back"
        expected = {"assess": "certified", "fail": "failed", "request": "redemption_requested",
                    "approve": "approved", "reject": "rejected", "open_notice": "in_notice", "clear": "cleared",
                    "uphold": "rejected", "pay": "paid", "claw_back": "clawed_back"}.get(move, state.status)
        self.check(voucher, expected)

    def stray(self, voucher: uuid.UUID, choice: int) -> None:
        """A step the model calls unlawful in the voucher's status: it must be refused, log unchanged."""
        status = self.world.ledger.get(voucher).status
        unlawful = [move for move in STRAYS if status not in LEGAL_IN[move]]
        move = unlawful[choice % len(unlawful)]
        key, command, body = self.command(voucher, move)
        before = self.world.log_snapshot()
        try:
            self.world.do(key, command, voucher, body)
        except LedgerError:
            assert self.world.log_snapshot() == before, f"a refused {command} changed the log"
            self.reached["refused " + move] += 1
            return
        raise AssertionError(f"{command} in status {status} was accepted; the model says it must be refused")

    def command(self, voucher: uuid.UUID, move: str) -> tuple:
        world, known = self.world, self.model[voucher]
        state = world.ledger.get(voucher)
        if move in ("assess", "fail"):
            passed = move == "assess"
            body = {"passed": passed}
            if passed:
                body.update(certificate_number=f"C-{voucher.hex[:12]}", certificate_kind="training_qualified")
            return world.assessor, "assess", body
        if move == "prepay":
            stage = sum(p["fen"] for p in state.payments if p["stage"] == "prepayment")
            return world.finance, "prepay", {"amount_fen": max(stage - state.prepaid_fen, 1), "fund": FUND}
        if move == "allowance":
            return world.finance, "pay_allowance", world.allowance_body(
                voucher, days=1, from_day=known["online_day"].isoformat())
        if move == "claw_back":
            return world.bureau, "claw_back", {"amount_fen": known["paid_fen"] or 1, "reason": "fraud",
                                               "rule": "L12"}
        return {
            "request": (world.institution, "request_redemption", EVIDENCE),
            "approve": (world.bureau, "review_redemption", {"approved": True, "reason": "checked"}),
            "reject": (world.bureau, "review_redemption", {"approved": False, "reason": "evidence thin"}),
            "open_notice": (world.bureau, "open_notice", {"days": 3}),
            "object": (world.inspector, "raise_objection", {"reason": "doubt"}),
            "clear": (world.bureau, "close_notice", {"outcome": "cleared", "reason": "objections dismissed"}),
            "uphold": (world.bureau, "close_notice", {"outcome": "upheld", "reason": "confirmed"}),
            "pay": (world.finance, "pay", {"amount_fen": max(state.balance_due_fen, 1), "fund": FUND}),
        }[move]

    def check(self, voucher: uuid.UUID, status: str) -> None:
        state = self.world.ledger.get(voucher)
        assert state.status == status, f"the model expected {status}, the ledger says {state.status}"
        if status != "clawed_back":
            assert state.prepaid_fen + state.paid_fen + state.allowance_fen == self.model[voucher]["paid_fen"]
        self.reached[status] += 1

    def furthest(self) -> set[str]:
        return {self.world.ledger.get(voucher).status for voucher in self.vouchers}


def reached_past_enrolment(loop: Loop) -> bool:
    """Some voucher of the example got past training: assessed, and on through the loop."""
    return bool(loop.furthest() - {"enrolled", "training"})
