"""The simulation's moves on parties, keys and the catalogue (trust model,
L2, L10, L12): who registers whom, with which body, and the model's
prediction; entries of the one table in tests/simulation_moves.py."""

from __future__ import annotations

import uuid
from typing import Any, Callable

from ledger.credit_code import make_credit_code
from ledger.personal import commitment
from ledger.signing import SigningKey
from tests.simulation_model import Model, Plan


# -- parties, keys and the catalogue (trust model, L2, L10, L12) ---------------------

def plan_register(role: str) -> Callable[[Model, uuid.UUID, int], Plan]:
    def plan(model: Model, target: uuid.UUID, number: int) -> Plan:
        key = SigningKey.generate(actor=str(target), role=role)
        body: dict[str, Any] = {"role": role, "public_key": key.public_key_b64}
        if role == "trainee":
            person = model.world.person()
            body["personal_sha256"] = commitment(person)
            if number % 3 == 0:
                body["allowance_groups"] = ["registered_poor"]  # N4
            return Plan(model.world.bureau.actor, body, True, personal=person, new_key=key)
        body["name"] = f"{role} {number}"
        body["credit_code"] = make_credit_code(target.int % 31 ** 9)  # institutions, platforms, assessors
        if role == "institution":
            body["kind"] = "social_training"
        return Plan(model.world.bureau.actor, body, True, new_key=key)

    return plan


def plan_register_same_person(model: Model, target: uuid.UUID, number: int) -> Plan:
    """The same person registered twice is refused (L10)."""
    trainee = model.pick(model.trainees, number)
    person = model.people[trainee] if trainee else model.world.person()
    key = SigningKey.generate(actor=str(target), role="trainee")
    body = {"role": "trainee", "public_key": key.public_key_b64, "personal_sha256": commitment(person)}
    return Plan(model.world.bureau.actor, body, trainee is None, personal=person, new_key=key)


def learn_party(role: str) -> Callable[[Model, uuid.UUID, Plan], None]:
    def learn(model: Model, target: uuid.UUID, plan: Plan) -> None:
        model.keys[str(target)] = plan.new_key
        {"trainee": model.trainees, "institution": model.institutions, "platform": model.platforms}[role].append(
            str(target))
        if plan.personal:
            model.people[str(target)] = plan.personal

    return learn


def plan_catalogue(command: str) -> Callable[[Model, str, int], Plan]:
    def plan(model: Model, target: str, number: int) -> Plan:
        party = model.party(target)
        ready = party.role in ("institution", "platform") and {
            "list_in_catalogue": not party.banned and not party.listed,
            "delist": party.listed, "ban": not party.banned}[command]
        return Plan(model.world.bureau.actor, {} if command == "list_in_catalogue" else {"reason": "zombie"}, ready)

    return plan


def plan_rotate(model: Model, target: str, number: int) -> Plan:
    key = SigningKey.generate(actor=target, role=model.party(target).role)
    return Plan(model.world.bureau.actor, {"public_key": key.public_key_b64}, True, new_key=key)


def plan_revoke_key(model: Model, target: str, number: int) -> Plan:
    current = model.key_of(target)
    key_id = current.key_id if current else next(iter(model.party(target).keys))
    return Plan(model.world.bureau.actor, {"key_id": key_id, "reason": "lost"}, current is not None)


def plan_erase(model: Model, target: str, number: int) -> Plan:
    return Plan(model.world.bureau.actor, {"reason": "asked to be forgotten"}, not model.party(target).erased)


def learn_key(model: Model, target: str, plan: Plan) -> None:
    model.keys[target] = plan.new_key


def learn_new(kind: str) -> Callable[[Model, uuid.UUID, Plan], None]:
    return lambda model, target, plan: getattr(model, kind).append(target)
