"""The ledger's use cases, one function per step of the loop, registered by
name with the roles that may take it. Each step checks its rules first (raising
a `LedgerError` with the rule ID), then records events through `Command.seal`.

Modules: `trust` (parties, keys, catalogue, erasure), `classes` (filings),
`vouchers` (issue to assessment), `redemption` (request, review, notice),
`payments` (prepayment, payment, claw-back), `allowance` (living allowance),
`periods` (epidemic period, segmented subsidy), `exits`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:
    from ledger.command import Command

StepFunction = Callable[["Command"], None]


@dataclass(frozen=True)
class Step:
    name: str
    roles: tuple[str, ...]
    run: StepFunction
    description: str


STEPS: dict[str, Step] = {}


def step(name: str, *, roles: tuple[str, ...]) -> Callable[[StepFunction], StepFunction]:
    def register(function: StepFunction) -> StepFunction:
        assert name not in STEPS, f"step {name} registered twice"
        STEPS[name] = Step(name, roles, function, (function.__doc__ or "").strip().splitlines()[0])
        return function

    return register


def load_all_steps() -> dict[str, Step]:
    from ledger.steps import allowance, classes, exits, payments, periods, redemption, trust, vouchers  # noqa: F401

    return STEPS


def require_new_target(command: "Command", what: str) -> None:
    """A step that creates a record needs a target id nothing in the ledger uses yet, nor a command decided
    before it in the same batch (what the writer's cache holds, ledger/group_commit.py)."""
    from ledger.aggregates.chained import Chained
    from ledger.errors import Conflict

    require(command.find(Chained, command.target) is None, Conflict,
            f"id {command.target} is already in use; a new {what} needs a new id")


def require(condition: Any, error_class: type, message: str, rule: str | None = None) -> None:
    """Refuse the step unless `condition` holds."""
    if not condition:
        raise error_class(message, rule=rule)
