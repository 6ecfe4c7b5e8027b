"""The declared lifecycle (ledger/lifecycle.py): one table that the steps, the
voucher's events, the views, the badges and docs/lifecycle.md all read; and the
trainee's signed choice of institution (L7)."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from ledger.aggregates.voucher import Voucher
from ledger.errors import Conflict, RoleNotAllowed, RuleViolation
from ledger.lifecycle import EXITS, STATES, TRANSITIONS, lifecycle_document, require_transition
from ledger.steps import load_all_steps
from projections import catch_up
from projections.queries import voucher_state
from tests.test_rules_enforced import refused
from tests.world import World

ROOT = Path(__file__).resolve().parent.parent


def test_docs_lifecycle_md_is_generated_from_the_table() -> None:
    """docs/lifecycle.md is `python -m ledger.lifecycle` output; regenerate it when the table changes."""
    assert (ROOT / "docs" / "lifecycle.md").read_text(encoding="utf-8") == lifecycle_document()


def test_every_voucher_step_and_event_is_in_the_table() -> None:
    """No step on a voucher decides on its own whether it may run now: each is in the table."""
    steps = load_all_steps()
    voucher_modules = {"ledger.steps.vouchers", "ledger.steps.redemption", "ledger.steps.payments",
                       "ledger.steps.allowance", "ledger.steps.exits"}
    on_vouchers = {name for name, step in steps.items() if step.run.__module__ in voucher_modules}
    assert on_vouchers == set(TRANSITIONS)
    for transition in TRANSITIONS.values():
        assert all(state in STATES for state in transition.starts_from)
        assert hasattr(Voucher, transition.event), f"the table names event {transition.event} the voucher lacks"
    assert set(EXITS) == {"expired", "revoked", "rejected", "failed", "clawed_back"}


def test_l7_a_step_not_in_the_table_cannot_happen_from_that_state(world: World) -> None:
    voucher, _ = world.enrolled_voucher()
    state = world.ledger.get(voucher)
    with pytest.raises(Conflict):
        require_transition(state, "assess")  # enrolled: assessment needs recorded training
    require_transition(state, "record_offline_training")
    state.status = "revoked"
    with pytest.raises(RuleViolation) as caught:
        require_transition(state, "record_offline_training")
    assert caught.value.rule == "L7"


def test_the_view_status_is_the_aggregate_status_at_every_step(hengyang: World) -> None:
    voucher = hengyang.paid_voucher()
    catch_up(hengyang.ledger)
    with hengyang.ledger.engine.connect() as connection:
        assert voucher_state(connection, str(voucher))["status"] == hengyang.ledger.get(voucher).status == "paid"


def test_l7_an_institution_cannot_enrol_a_voucher_its_trainee_never_chose(world: World) -> None:
    """L7: 劳动者领取和使用 — the trainee claims and uses the voucher; an institution only accepts (受理) it."""
    filing = world.approved_filing()
    trainee = world.trainee()
    voucher = world.issue(trainee)
    world.do(trainee, "claim_voucher", voucher, {})
    refused(world, "L7", world.institution, "enrol", voucher, {"filing": str(filing)})


def test_l7_only_the_institution_the_trainee_chose_enrols_the_voucher(world: World) -> None:
    rival = world.register(world.bureau, "institution", name="rival school", kind="social_training")
    world.do(world.bureau, "list_in_catalogue", rival.actor, {})
    rival_filing = uuid.uuid4()
    world.do(rival, "file_class", rival_filing, world.filing_body())
    world.do(world.bureau, "approve_filing", rival_filing, {})
    trainee = world.trainee()
    voucher = world.issue(trainee)
    world.claim_and_choose(trainee, voucher)  # chooses world.institution
    refused(world, None, rival, "enrol", voucher, {"filing": str(rival_filing)}, error=RoleNotAllowed)
    world.do(trainee, "choose_institution", voucher, {"institution": rival.actor})  # a new choice replaces it
    world.do(rival, "enrol", voucher, {"filing": str(rival_filing)})
    assert world.ledger.get(voucher).institution == rival.actor


def test_l7_only_the_trainee_chooses_and_only_a_listed_institution_of_the_region(world: World) -> None:
    trainee = world.trainee()
    voucher = world.issue(trainee)
    world.do(trainee, "claim_voucher", voucher, {})
    refused(world, None, world.institution, "choose_institution", voucher, {"institution": world.institution.actor},
            error=RoleNotAllowed)
    other = world.trainee()
    refused(world, None, other, "choose_institution", voucher, {"institution": world.institution.actor},
            error=RoleNotAllowed)
    unlisted = world.register(world.bureau, "institution", name="unlisted", kind="social_training")
    refused(world, "L2", trainee, "choose_institution", voucher, {"institution": unlisted.actor})


def test_l7_after_enrolment_the_choice_is_closed(world: World) -> None:
    voucher, trainee = world.enrolled_voucher()
    refused(world, "L7", trainee, "choose_institution", voucher, {"institution": world.institution.actor})
