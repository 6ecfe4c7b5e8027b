"""Stored rows of a real ledger, copied into memory and changed there as an
insider would change them (tests/tampering.py does the same with SQL), for the
tests that pin what the verifier reports (test_verifier_messages.py,
test_verifier_checkpoint_messages.py)."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any

import pytest

from ledger.chain import event_hash
from ledger.verify import Report, verify_log
from ledger.verify_content import Problem
from tests.tampering import record_of, stored_bytes
from tests.world import World

NOT_A_WITNESS = "is not by a registered witness key"


@dataclass
class Stored:
    """One stored row, as `ledger.notifications()` yields it."""

    id: int
    originator_id: Any
    originator_version: int
    topic: str
    state: bytes

    @property
    def facts(self) -> dict[str, Any]:
        return json.loads(self.state)["facts"]

    @property
    def seal(self) -> dict[str, Any]:
        return json.loads(self.state)["seal"]

    @property
    def envelope(self) -> dict[str, Any]:
        return self.seal["envelope"]


def copy_of(world: World) -> list[Stored]:
    return [Stored(n.id, n.originator_id, n.originator_version, n.topic, n.state)
            for n in world.ledger.notifications()]


def changed(row: Stored, change) -> Stored:
    """The row with `change(state)` applied and its stored bytes rewritten (its own hash not recomputed)."""
    state = json.loads(row.state)
    change(state)
    return replace(row, state=stored_bytes(state))


def resealed(row: Stored, change=lambda state: None) -> Stored:
    """The row changed and its own hash recomputed, as a careful forger would."""
    state = json.loads(row.state)
    change(state)
    state["seal"]["event_hash"] = event_hash(record_of(row, state))
    return replace(row, state=stored_bytes(state))


def relinked(rows: list[Stored], index: int, change) -> list[Stored]:
    """`rows` with rows[index] changed and resealed, and every later event of
    its aggregate relinked and resealed: a careful forger's whole job."""
    rows = list(rows)
    rows[index] = resealed(rows[index], change)
    previous = rows[index].seal["event_hash"]
    for i in range(index + 1, len(rows)):
        if rows[i].originator_id == rows[index].originator_id:
            rows[i] = resealed(rows[i], lambda state, previous=previous: state["seal"].update(previous_hash=previous))
            previous = rows[i].seal["event_hash"]
    return rows


def event(row: Stored, message: str) -> str:
    return f"event #{row.id} (aggregate {row.originator_id}): {message}"


def position_of(rows: list[Stored], row: Stored) -> int:
    return next(i for i, r in enumerate(rows, start=1) if r.id == row.id)


def command_rows(rows: list[Stored], command: str) -> list[list[Stored]]:
    """The rows of each command of this name, in log order."""
    commands: dict[str, list[Stored]] = {}
    for row in rows:
        if row.envelope.get("command") == command:
            commands.setdefault(row.envelope["command_id"], []).append(row)
    return list(commands.values())


def refused(rows: list[Stored], message: str, at: Stored, **verify: Any) -> Report:
    """Verifies and checks the first problem is `message` about `at`, with
    every event before it counted as checked."""
    report = verify_log(rows, **verify)
    assert str(report.first_problem) == event(at, message)
    assert report.first_problem == Problem(position_of(rows, at), at.id, str(at.originator_id), message)
    assert not report.intact and report.events_checked == position_of(rows, at) - 1
    return report


@pytest.fixture
def logged(world: World) -> World:
    """Registrations, a voucher issued and one claimed, its institution chosen."""
    trainee = world.trainee()
    voucher = world.issue(trainee)
    world.claim_and_choose(trainee, voucher)
    world.issue(world.trainee())
    return world
