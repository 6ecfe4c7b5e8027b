"""The voucher's declared lifecycle (L7: 发券-培训-持证-兑现): its states and,
for each step, the states it may start from and the state it leads to. One
table that everything reads: the steps (`require_transition`), the voucher's
`@event` bodies and the vouchers view (`status_after`), the balances view
(`EXITS`), the pages' status badges (`STATES`), and the diagram in
`docs/lifecycle.md` (`mermaid`). A transition not in the table cannot happen.

A step with outcomes (assess, review, close the notice) leads to the state of
its outcome, read from the event's facts by `outcome_of`. "unchanged" keeps
the state (money moves, objections). Reading a static table is deterministic,
so the `@event` bodies may call `status_after` on replay."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from ledger.errors import Conflict, RuleViolation

UNCHANGED = "unchanged"


@dataclass(frozen=True)
class State:
    name: str
    chinese: str
    english: str
    kind: str  # "live": in the loop; "done": paid, only a claw-back follows; "exit": left the loop


@dataclass(frozen=True)
class Transition:
    step: str
    event: str  # the voucher event the step records
    starts_from: tuple[str, ...]  # empty: the step creates the voucher
    leads_to: str | Mapping[str, str]  # a state, UNCHANGED, or outcome -> state
    rule: str | None  # the rule a refusal cites (None: a plain conflict of order)
    why: str  # the sentence a refusal adds


STATES: dict[str, State] = {state.name: state for state in (
    State("issued", "已发券", "issued", "live"),
    State("claimed", "已领取", "claimed", "live"),
    State("chosen", "已选机构", "institution chosen", "live"),
    State("enrolled", "已受理", "enrolled", "live"),
    State("training", "培训中", "training", "live"),
    State("certified", "已取证", "certified", "live"),
    State("redemption_requested", "申请兑现", "redemption requested", "live"),
    State("approved", "审核通过", "approved", "live"),
    State("in_notice", "公示中", "in public notice", "live"),
    State("cleared", "公示无异议", "notice cleared", "live"),
    State("paid", "已拨付", "paid", "done"),
    State("expired", "已过期", "expired", "exit"),
    State("revoked", "已撤销", "revoked", "exit"),
    State("rejected", "未通过", "rejected", "exit"),
    State("failed", "考核未通过", "failed assessment", "exit"),
    State("clawed_back", "已追回", "clawed back", "exit"),
)}

EXITS = tuple(name for name, state in STATES.items() if state.kind == "exit")
LIVE = tuple(name for name, state in STATES.items() if state.kind == "live")
BEFORE_PAYMENT = LIVE  # every live state comes before the payment
IN_TRAINING_OR_AFTER = ("enrolled", "training", "certified", "redemption_requested", "approved", "in_notice")

TRANSITIONS: dict[str, Transition] = {transition.step: transition for transition in (
    Transition("issue_voucher", "Issued", (), "issued", None, ""),
    Transition("claim_voucher", "Claimed", ("issued",), "claimed", None, ": a voucher is claimed once (L7)"),
    Transition("choose_institution", "InstitutionChosen", ("claimed", "chosen"), "chosen", "L7",
               ": the trainee chooses an institution after claiming and before enrolment"),
    Transition("enrol", "Enrolled", ("chosen",), "enrolled", "L7",
               ": an institution accepts only a voucher whose trainee chose it"),
    Transition("record_online_learning", "OnlineLearningRecorded", ("enrolled", "training"), "training", None,
               ": training is recorded between enrolment and assessment"),
    Transition("record_offline_training", "OfflineTrainingRecorded", ("enrolled", "training"), "training", None,
               ": training is recorded between enrolment and assessment"),
    Transition("assess", "Assessed", ("training",), {"passed": "certified", "failed": "failed"}, None,
               ": assessment follows recorded training"),
    Transition("request_redemption", "RedemptionRequested", ("certified",), "redemption_requested", "N3",
               ": a subsidy needs the training-qualified certificate"),
    Transition("review_redemption", "Reviewed", ("redemption_requested",),
               {"approved": "approved", "rejected": "rejected"}, None, ": the review follows a request"),
    Transition("open_notice", "NoticeOpened", ("approved",), "in_notice", "H7", ": the notice follows the review"),
    Transition("raise_objection", "ObjectionRaised", ("in_notice",), UNCHANGED, "H7",
               ": objections are raised while the notice is open"),
    Transition("close_notice", "NoticeClosed", ("in_notice",), {"cleared": "cleared", "upheld": "rejected"}, None,
               ": only an open notice is closed"),
    # H3: prepayment runs from the approved filing until the balance falls due; once the notice has cleared
    # the rest is the balance (H7), so a prepayment then would pay money no longer committed.
    Transition("prepay", "Prepaid", IN_TRAINING_OR_AFTER, UNCHANGED, "H3",
               ": prepayment runs from enrolment in an approved class until the notice clears"),
    Transition("pay", "Paid", ("cleared",), "paid", "H7", ": payment follows review, public notice and no objection"),
    # N4: during training; paid in arrears for named days until the balance is paid. A trainee who failed the
    # assessment took the online training all the same (N4 does not ask for a pass; decision 0033); the days
    # still end at the assessment.
    Transition("pay_allowance", "AllowancePaid", IN_TRAINING_OR_AFTER + ("cleared", "failed"), UNCHANGED, "N4",
               ": a living allowance is paid from enrolment until the voucher is paid, or after a failed "
               "assessment for the days before it"),
    # L12: money can have been paid from enrolment on; a revoked voucher had none (revoke_voucher refuses it).
    Transition("claw_back", "ClawedBack", IN_TRAINING_OR_AFTER + ("cleared", "paid", "expired", "rejected", "failed"),
               "clawed_back", "L12", ": money is clawed back once, from a voucher money was paid on"),
    Transition("expire_voucher", "Expired", BEFORE_PAYMENT, "expired", "L7",
               ": only an unpaid voucher in the loop expires"),
    Transition("revoke_voucher", "Revoked", BEFORE_PAYMENT, "revoked", "L7",
               "; a paid voucher is clawed back, not revoked"),
)}

STEP_OF_EVENT = {transition.event: transition.step for transition in TRANSITIONS.values()}


def outcome_of(event: str, facts: Mapping[str, Any]) -> str | None:
    """The outcome a step with outcomes recorded in its event's facts."""
    if event == "Assessed":
        return "passed" if facts["passed"] else "failed"
    if event == "Reviewed":
        return "approved" if facts["approved"] else "rejected"
    if event == "NoticeClosed":
        return facts["outcome"]
    return None


def status_after(event: str, status: str | None, facts: Mapping[str, Any]) -> str:
    """The voucher's state after one of its events (`event` without the
    "Voucher." prefix); applies facts only, never refuses (it runs on replay)."""
    leads_to = TRANSITIONS[STEP_OF_EVENT[event]].leads_to
    if isinstance(leads_to, str):
        return status if leads_to == UNCHANGED and status is not None else leads_to
    return leads_to[outcome_of(event, facts)]


def leads_out(event: str, facts: Mapping[str, Any]) -> bool:
    """True when the event takes the voucher out of the loop (an exit state)."""
    step = STEP_OF_EVENT.get(event)
    return step is not None and status_after(event, None, facts) in EXITS


def require_transition(voucher: Any, step: str) -> None:
    """Refuse `step` unless the voucher's state is one the table lets it start
    from. An exited voucher takes nothing more (L7), except what the table
    allows (a claw-back of money paid on it)."""
    transition = TRANSITIONS[step]
    status = voucher.status
    if status in transition.starts_from:
        return
    if status in EXITS and not set(transition.starts_from) & set(EXITS):
        raise RuleViolation(f"voucher {voucher.id} is {status}; nothing more is recorded on it", rule="L7")
    wanted = (f"needs it {' or '.join(transition.starts_from)}" if len(transition.starts_from) <= 3
              else "cannot follow it")
    error_class = RuleViolation if transition.rule else Conflict
    raise error_class(f"voucher {voucher.id} is {status}; {step} {wanted}{transition.why}", rule=transition.rule)


def mermaid() -> str:
    """The lifecycle as a Mermaid state diagram, generated from the table."""
    lines = ["stateDiagram-v2"]
    for state in STATES.values():
        lines.append(f'    state "{state.english} {state.chinese}" as {state.name}')
    for transition in TRANSITIONS.values():
        targets = ([(None, transition.leads_to)] if isinstance(transition.leads_to, str)
                   else list(transition.leads_to.items()))
        sources = transition.starts_from or ("[*]",)
        for source in sources:
            for outcome, target in targets:
                if target in (UNCHANGED, source):
                    continue  # steps that keep the state are listed in the table below the diagram
                label = transition.step + (f" ({outcome})" if outcome else "")
                lines.append(f"    {source} --> {target}: {label}")
    for name in EXITS + ("paid",):
        lines.append(f"    {name} --> [*]")
    return "\n".join(lines) + "\n"


def lifecycle_document() -> str:
    """The text of `docs/lifecycle.md`; a test fails when the file differs."""
    rows = "\n".join(f"| `{state.name}` | {state.chinese} | {state.english} | {state.kind} |"
                     for state in STATES.values())
    steps = "\n".join(
        f"| `{t.step}` | {', '.join(f'`{s}`' for s in t.starts_from) or '(creates the voucher)'} | "
        f"{_leads_to_text(t.leads_to)} | {t.rule or ''} |" for t in TRANSITIONS.values())
    return ("# The voucher lifecycle\n\n"
            "Generated from `ledger/lifecycle.py` by `python -m ledger.lifecycle > docs/lifecycle.md`; "
            "do not edit by hand (a test fails when this file is stale).\n\n"
            f"```mermaid\n{mermaid()}```\n\n"
            "| state | 中文 | English | kind |\n|---|---|---|---|\n" + rows + "\n\n"
            "| step | starts from | leads to | rule cited when refused |\n|---|---|---|---|\n" + steps + "\n")


def _leads_to_text(leads_to: str | Mapping[str, str]) -> str:
    if isinstance(leads_to, str):
        return f"`{leads_to}`"
    return ", ".join(f"{outcome}: `{state}`" for outcome, state in leads_to.items())


if __name__ == "__main__":
    print(lifecycle_document(), end="")
