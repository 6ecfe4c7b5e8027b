"""The steps' refusals to the letter, and what the `step` registry keeps: a
refusal names who was refused and why (the rule ID and the parties), so an
inspector reading the problem need not guess (docs/decisions/0031: the
mutants of ledger/steps these kill)."""

from __future__ import annotations

import json
import uuid

import pytest

import ledger.steps as steps_module
from ledger.aggregates.indexes import SubsidyClaim
from ledger.credit_code import make_credit_code
from ledger.errors import NotFound, RoleNotAllowed, RuleViolation
from ledger.signing import SigningKey
from ledger.steps import STEPS, Step, load_all_steps, step
from tests.test_rules_enforced import refused
from tests.world import ELECTRICIAN, World


# -- the step registry -------------------------------------------------------------


def test_a_step_is_registered_with_its_name_roles_function_and_first_line_of_its_doc(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(steps_module, "STEPS", {})

    def audit_step(command) -> None:
        """Look at a voucher.

        The rest of the docstring is not the description."""

    assert step("audit_step", roles=("inspector", "bureau"))(audit_step) is audit_step
    assert steps_module.STEPS == {"audit_step": Step("audit_step", ("inspector", "bureau"), audit_step,
                                                     "Look at a voucher.")}
    with pytest.raises(AssertionError, match="^step audit_step registered twice$"):
        step("audit_step", roles=("inspector",))(audit_step)
    assert steps_module.STEPS["audit_step"].roles == ("inspector", "bureau")


def test_a_step_without_a_docstring_is_refused_at_registration(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every step has a one-line description (the API and `vledger steps` show it)."""
    monkeypatch.setattr(steps_module, "STEPS", {})

    def undocumented(command) -> None:
        pass

    with pytest.raises(IndexError):
        step("undocumented", roles=("bureau",))(undocumented)
    assert steps_module.STEPS == {}


def test_every_loaded_step_has_a_description_and_roles() -> None:
    steps = load_all_steps()
    assert steps is STEPS and "issue_voucher" in steps and steps["issue_voucher"].roles == ("bureau",)
    for name, registered in steps.items():
        assert registered.name == name and registered.roles and registered.description
        assert registered.description == registered.run.__doc__.strip().splitlines()[0]


# -- assessors (001, L12) -------------------------------------------------------------


def test_l12_an_assessor_banned_with_its_credit_code_may_not_assess(world: World) -> None:
    """L12: banning an institution bans every party registered under its credit code, an assessor too."""
    voucher = world.trained_voucher()
    code = make_credit_code(uuid.uuid4().int % 31 ** 9)
    school = world.register(world.bureau, "institution", name="caught faking", kind="social_training",
                            credit_code=code)
    assessor = world.register(world.bureau, "assessor", name="its assessment arm", credit_code=code)
    world.do(world.bureau, "ban", school.actor, {"reason": "faked attendance"})
    assert world.ledger.get(assessor.actor).banned
    error = refused(world, "L12", assessor, "assess", voucher,
                    {"passed": True, "certificate_number": "C-1", "certificate_kind": "training_qualified"})
    assert str(error) == f"L12: assessor {assessor.actor} is banned for life"


def test_001_an_assessor_of_another_region_is_named_with_both_regions(world: World) -> None:
    voucher = world.trained_voucher()
    elsewhere = World(world.ledger, "jiangxi")
    elsewhere.clock = world.ledger.clock = world.clock
    error = refused(world, None, elsewhere.assessor, "assess", voucher, {"passed": False}, error=RoleNotAllowed)
    assert str(error) == (f"assessor {elsewhere.assessor.actor} is registered in jiangxi; "
                          f"voucher {voucher} is in liaoning")


# -- another region's bureau (redemption) -----------------------------------------------


def test_h6_another_regions_bureau_is_told_where_the_voucher_is(world: World) -> None:
    voucher = world.certified_voucher()
    world.do(world.institution, "request_redemption", voucher, {"evidence": [{"kind": "photo", "sha256": "ab" * 32}]})
    elsewhere = World(world.ledger, "jiangxi")
    elsewhere.clock = world.ledger.clock = world.clock
    error = refused(world, None, elsewhere.bureau, "review_redemption", voucher,
                    {"approved": True, "reason": "x"}, error=RoleNotAllowed)
    assert str(error) == f"voucher {voucher} is in region liaoning, not jiangxi"


# -- parties and keys (trust model) ---------------------------------------------------------


def test_trust_a_key_change_of_no_party_or_of_anothers_party_is_named(world: World) -> None:
    nobody = uuid.uuid4()
    new_key = SigningKey.generate(actor=str(nobody), role="institution")
    error = refused(world, None, world.bureau, "rotate_key", nobody, {"public_key": new_key.public_key_b64},
                    error=NotFound)
    assert str(error) == f"party {nobody} does not exist"
    other_bureau = world.register(world.root, "bureau", name="another bureau", region="liaoning")
    error = refused(world, None, other_bureau, "revoke_key", world.institution.actor,
                    {"key_id": world.institution.key_id, "reason": "not mine"}, error=RoleNotAllowed)
    assert str(error) == (f"party {world.institution.actor} was registered by another authority; "
                          "only it or the trust root manages it")


# -- S2: an exit frees the subsidy claim -----------------------------------------------------


def test_s2_a_failed_assessment_releases_the_claim_naming_the_voucher(world: World) -> None:
    voucher = world.trained_voucher()
    state = world.ledger.get(voucher)
    claim_id = SubsidyClaim.id_for(str(state.trainee), ELECTRICIAN, "4")
    assert world.ledger.get(claim_id).voucher == str(voucher)
    world.do(world.assessor, "assess", voucher, {"passed": False})
    assert world.ledger.get(claim_id).voucher is None
    released = [json.loads(n.state) for n in world.ledger.notifications()
                if n.topic == "vledger:SubsidyClaim.Released"]
    assert [stored["facts"] for stored in released] == [{"voucher": str(voucher)}]
