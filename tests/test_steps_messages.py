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
from ledger.errors import BadInput, Conflict, NotFound, RoleNotAllowed, RuleViolation
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


# -- refusals, each with its whole message ---------------------------------------------------
# Each case builds what it needs and returns (signer, step, target, body, personal data, error, rule, message).


def _another_institution(world: World) -> SigningKey:
    other = world.register(world.bureau, "institution", name="another school", kind="social_training")
    world.do(world.bureau, "list_in_catalogue", other.actor, {})
    return other


def _another_platform(world: World) -> SigningKey:
    other = world.register(world.bureau, "platform", name="another platform")
    world.do(world.bureau, "list_in_catalogue", other.actor, {})
    return other


def _enrolled(world: World) -> uuid.UUID:
    voucher, _ = world.enrolled_voucher()
    world.clock.advance(days=3)
    return voucher


def _online(world: World, **overrides) -> dict:
    from ledger.envelope import iso

    body = {"signed_in_at": iso(world.clock.now), "minutes": 30, "questions_answered": 1, "tests_taken": 1,
            "tests_passed": 1, "face_checks_passed": 1, "face_checks_failed": 0}
    return {**body, **overrides}


def _offline(world: World, started_at=None) -> dict:
    from ledger.envelope import iso

    return {"started_at": iso(started_at or world.clock.now), "minutes": 60, "location": "workshop"}


def claim_by_another_trainee(world):
    voucher = world.issue(world.trainee())
    return world.trainee(), "claim_voucher", voucher, {}, None, RoleNotAllowed, None, \
        "only the voucher's own trainee claims it"


def choice_by_another_trainee(world):
    trainee = world.trainee()
    voucher = world.issue(trainee)
    world.do(trainee, "claim_voucher", voucher, {})
    return world.trainee(), "choose_institution", voucher, {"institution": world.institution.actor}, None, \
        RoleNotAllowed, None, "only the voucher's own trainee chooses for it"


def enrolment_in_another_institutions_filing(world):
    other = _another_institution(world)
    filing = uuid.uuid4()
    world.do(other, "file_class", filing, world.filing_body())
    world.do(world.bureau, "approve_filing", filing, {})
    trainee = world.trainee()
    voucher = world.issue(trainee)
    world.claim_and_choose(trainee, voucher)
    return world.institution, "enrol", voucher, {"filing": str(filing)}, None, RoleNotAllowed, None, \
        "the filing belongs to another institution"


def more_tests_passed_than_taken(world):
    return world.platform, "record_online_learning", _enrolled(world), _online(world, tests_taken=1, tests_passed=2), \
        None, BadInput, None, "tests_passed cannot exceed tests_taken"


def online_learning_by_another_platform(world):
    voucher = _enrolled(world)
    return _another_platform(world), "record_online_learning", voucher, _online(world), None, RuleViolation, "L2", \
        "only the platform named in the class filing records its online learning"


def online_learning_before_approval(world):
    from datetime import timedelta

    voucher = _enrolled(world)
    return world.platform, "record_online_learning", voucher, \
        _online(world, signed_in_at=(world.clock.now - timedelta(days=30)).isoformat().replace("+00:00", "Z")), \
        None, RuleViolation, "H4", "training recorded before the class filing was approved gets no subsidy"


def online_learning_in_the_future(world):
    from datetime import timedelta

    voucher = _enrolled(world)
    return world.platform, "record_online_learning", voucher, \
        _online(world, signed_in_at=(world.clock.now + timedelta(hours=1)).isoformat().replace("+00:00", "Z")), \
        None, BadInput, None, "signed_in_at is in the future"


def offline_training_by_another_institution(world):
    voucher = _enrolled(world)
    return _another_institution(world), "record_offline_training", voucher, _offline(world), None, \
        RoleNotAllowed, None, "the voucher is enrolled at another institution"


def offline_training_before_approval(world):
    from datetime import timedelta

    voucher = _enrolled(world)
    return world.institution, "record_offline_training", voucher, \
        _offline(world, world.clock.now - timedelta(days=30)), None, RuleViolation, "H4", \
        "training recorded before the class filing was approved gets no subsidy"


def offline_training_in_the_future(world):
    from datetime import timedelta

    voucher = _enrolled(world)
    return world.institution, "record_offline_training", voucher, \
        _offline(world, world.clock.now + timedelta(hours=1)), None, BadInput, None, "started_at is in the future"


def redemption_by_another_institution(world):
    voucher = world.certified_voucher()
    return _another_institution(world), "request_redemption", voucher, \
        {"evidence": [{"kind": "photo", "sha256": "ab" * 32}]}, None, RoleNotAllowed, None, \
        "the voucher is enrolled at another institution"


def evidence_that_is_more_than_a_hash(world):
    voucher = world.certified_voucher()
    return world.institution, "request_redemption", voucher, \
        {"evidence": [{"kind": "photo", "sha256": "ab" * 32, "file": "the photo itself"}]}, None, BadInput, None, \
        "each evidence item is {kind, sha256}: the hash of the file, never the file (H6)"


def _trainee_body(world, personal):
    from ledger.personal import commitment

    key = SigningKey.generate(actor=str(uuid.uuid4()), role="trainee")
    return {"role": "trainee", "public_key": key.public_key_b64, "personal_sha256": commitment(personal)}


def a_trainee_without_personal_data(world):
    return world.bureau, "register_party", uuid.uuid4(), _trainee_body(world, world.person()), None, BadInput, None, \
        "a trainee registration carries the personal data {name, national_id, nonce} beside the envelope"


def a_trainee_whose_personal_data_is_not_the_signed_one(world):
    return world.bureau, "register_party", uuid.uuid4(), _trainee_body(world, world.person()), world.person(), \
        BadInput, None, "personal_sha256 does not match the personal data sent beside the envelope"


def an_assessor_listed_in_the_catalogue(world):
    return world.bureau, "list_in_catalogue", world.assessor.actor, {}, None, BadInput, None, \
        "only institutions and platforms are in the catalogue"


def a_banned_party_relisted(world):
    world.do(world.bureau, "ban", world.platform.actor, {"reason": "faked face checks"})
    return world.bureau, "list_in_catalogue", world.platform.actor, {}, None, RuleViolation, "L12", \
        "a party caught faking is banned for life and never relisted"


def a_listed_party_listed_again(world):
    return world.bureau, "list_in_catalogue", world.platform.actor, {}, None, Conflict, None, \
        "the party is already in the catalogue"


def an_unlisted_party_delisted(world):
    world.do(world.bureau, "delist", world.platform.actor, {"reason": "zombie platform"})
    return world.bureau, "delist", world.platform.actor, {"reason": "again"}, None, Conflict, None, \
        "the party is not in the catalogue"


def a_banned_party_banned_again(world):
    world.do(world.bureau, "ban", world.platform.actor, {"reason": "faked face checks"})
    return world.bureau, "ban", world.platform.actor, {"reason": "again"}, None, Conflict, None, \
        "the party is already banned"


def an_institution_erased(world):
    return world.bureau, "erase_trainee", world.institution.actor, {"reason": "x"}, None, BadInput, None, \
        "only a trainee's personal data is erased"


def a_trainee_erased_twice(world):
    trainee = world.trainee()
    world.do(world.bureau, "erase_trainee", trainee.actor, {"reason": "asked to be forgotten"})
    return world.bureau, "erase_trainee", trainee.actor, {"reason": "again"}, None, Conflict, None, \
        "this trainee was already erased"


def a_filing_without_the_quality_commitment(world):
    return world.institution, "file_class", uuid.uuid4(), world.filing_body(quality_commitment=False), None, \
        RuleViolation, "L4", "a filing carries the institution's quality commitment"


def a_filing_that_ends_before_it_starts(world):
    body = world.filing_body()
    return world.institution, "file_class", uuid.uuid4(), {**body, "ends_on": body["starts_on"][:8] + "01"}, None, \
        BadInput, None, "ends_on must not be before starts_on"


REFUSALS = [claim_by_another_trainee, choice_by_another_trainee, enrolment_in_another_institutions_filing,
            more_tests_passed_than_taken, online_learning_by_another_platform, online_learning_before_approval,
            online_learning_in_the_future, offline_training_by_another_institution, offline_training_before_approval,
            offline_training_in_the_future, redemption_by_another_institution, evidence_that_is_more_than_a_hash,
            a_trainee_without_personal_data, a_trainee_whose_personal_data_is_not_the_signed_one,
            an_assessor_listed_in_the_catalogue, a_banned_party_relisted, a_listed_party_listed_again,
            an_unlisted_party_delisted, a_banned_party_banned_again, an_institution_erased, a_trainee_erased_twice,
            a_filing_without_the_quality_commitment, a_filing_that_ends_before_it_starts]


@pytest.mark.parametrize("case", REFUSALS, ids=[case.__name__ for case in REFUSALS])
def test_a_refused_step_says_exactly_why_and_leaves_the_log_as_it_was(world: World, case) -> None:
    """L2, L4, L7, L9, L12, H4, H6, N1 and the trust model: the refusal's class, rule and whole message."""
    key, command, target, body, personal, error, rule, message = case(world)
    caught = refused(world, rule, key, command, target, body, error=error, personal=personal)
    assert type(caught) is error and caught.rule == rule
    assert str(caught) == (f"{rule}: {message}" if rule else message)


# -- what a step names when the record it acts on does not exist ------------------------------

NOWHERE = uuid.UUID("00000000-0000-4000-8000-00000000dead")


def _missing(world: World, case: str):
    from datetime import timedelta

    valid_until = (world.clock.now + timedelta(days=90)).date().isoformat()
    trainee = world.trainee()
    return {
        "voucher-to-claim": (trainee, "claim_voucher", NOWHERE, {}),
        "voucher-to-claw-back": (world.bureau, "claw_back", NOWHERE, {"amount_fen": 1, "reason": "x", "rule": "L12"}),
        "voucher-for-an-allowance": (world.finance, "pay_allowance", NOWHERE,
                                     {"amount_fen": 1, "fund": "employment_subsidy_fund", "from_day": "2023-03-01",
                                      "to_day": "2023-03-01"}),
        "trainee-to-issue-to": (world.bureau, "issue_voucher", uuid.uuid4(),
                                {"trainee": str(NOWHERE), "occupation": ELECTRICIAN, "level": 4,
                                 "valid_until": valid_until}),
        "filing-to-approve": (world.bureau, "approve_filing", NOWHERE, {}),
        "platform-of-a-filing": (world.institution, "file_class", uuid.uuid4(),
                                 world.filing_body(platform=str(NOWHERE), planned_online_minutes=60)),
        "party-to-list": (world.bureau, "list_in_catalogue", NOWHERE, {}),
        "party-to-manage": (world.bureau, "revoke_key", NOWHERE, {"key_id": "abc", "reason": "x"}),
    }[case]


@pytest.mark.parametrize("case, what", [
    ("voucher-to-claim", "voucher"), ("voucher-to-claw-back", "voucher"), ("voucher-for-an-allowance", "voucher"),
    ("trainee-to-issue-to", "trainee"), ("filing-to-approve", "filing"), ("platform-of-a-filing", "platform"),
    ("party-to-list", "party"), ("party-to-manage", "party"),
])
def test_a_step_on_a_record_that_does_not_exist_names_what_it_looked_for(world: World, case: str, what: str) -> None:
    key, command, target, body = _missing(world, case)
    caught = refused(world, None, key, command, target, body, error=NotFound)
    assert str(caught) == f"{what} {NOWHERE} does not exist"


def test_l7_choosing_or_enrolling_with_a_record_that_does_not_exist_names_it(world: World) -> None:
    trainee = world.trainee()
    voucher = world.issue(trainee)
    world.do(trainee, "claim_voucher", voucher, {})
    caught = refused(world, None, trainee, "choose_institution", voucher, {"institution": str(NOWHERE)},
                     error=NotFound)
    assert str(caught) == f"institution {NOWHERE} does not exist"
    world.do(trainee, "choose_institution", voucher, {"institution": world.institution.actor})
    caught = refused(world, None, world.institution, "enrol", voucher, {"filing": str(NOWHERE)}, error=NotFound)
    assert str(caught) == f"filing {NOWHERE} does not exist"


# -- more refusals, each naming the records and days it is about ---------------------------------


def _today(world: World) -> str:
    return world.clock.now.date().isoformat()


def a_voucher_for_a_party_that_is_not_a_trainee(world):
    body = {"trainee": world.institution.actor, "occupation": ELECTRICIAN, "level": 4, "valid_until": "2023-09-01"}
    return world.bureau, "issue_voucher", uuid.uuid4(), body, BadInput, None, \
        f"party {world.institution.actor} is not a trainee"


def a_voucher_valid_only_until_today(world):
    body = {"trainee": world.trainee().actor, "occupation": ELECTRICIAN, "level": 4, "valid_until": _today(world)}
    return world.bureau, "issue_voucher", uuid.uuid4(), body, BadInput, None, \
        f"valid_until must be after today ({_today(world)}) and within three years"


def a_second_live_voucher(world):
    trainee = world.trainee()
    voucher = world.issue(trainee)
    body = {"trainee": trainee.actor, "occupation": ELECTRICIAN, "level": 4, "valid_until": "2023-09-01"}
    return world.bureau, "issue_voucher", uuid.uuid4(), body, RuleViolation, "S2", \
        f"trainee {trainee.actor} already holds live voucher {voucher} for {ELECTRICIAN} level 4; " \
        "one trainee, one occupation, one level: one subsidy"


def an_expired_voucher_claimed(world):
    from datetime import timedelta

    trainee = world.trainee()
    voucher = world.issue(trainee, valid_days=1)
    valid_until = (world.clock.now + timedelta(days=1)).date().isoformat()
    world.clock.advance(days=3)
    return trainee, "claim_voucher", voucher, {}, RuleViolation, "L7", f"voucher {voucher} expired on {valid_until}"


def an_exited_voucher_redeemed(world):
    voucher = world.trained_voucher()
    world.do(world.assessor, "assess", voucher, {"passed": False})
    return world.institution, "request_redemption", voucher, {"evidence": [{"kind": "photo", "sha256": "ab" * 32}]}, \
        RuleViolation, "L7", f"voucher {voucher} is failed; nothing more is recorded on it"


def a_platform_chosen_as_institution(world):
    trainee = world.trainee()
    voucher = world.issue(trainee)
    world.do(trainee, "claim_voucher", voucher, {})
    return trainee, "choose_institution", voucher, {"institution": world.platform.actor}, BadInput, None, \
        f"party {world.platform.actor} is not an institution"


def an_enrolment_by_an_institution_not_chosen(world):
    other = _another_institution(world)
    filing = uuid.uuid4()
    world.do(other, "file_class", filing, world.filing_body())
    world.do(world.bureau, "approve_filing", filing, {})
    trainee = world.trainee()
    voucher = world.issue(trainee)
    world.claim_and_choose(trainee, voucher)
    return other, "enrol", voucher, {"filing": str(filing)}, RoleNotAllowed, None, \
        f"the trainee of voucher {voucher} chose another institution; only the chosen one enrols it"


def an_enrolment_in_a_filing_not_yet_approved(world):
    filing = uuid.uuid4()
    world.do(world.institution, "file_class", filing, world.filing_body())
    trainee = world.trainee()
    voucher = world.issue(trainee)
    world.claim_and_choose(trainee, voucher)
    status = world.ledger.get(filing).status
    assert status != "approved"
    return world.institution, "enrol", voucher, {"filing": str(filing)}, RuleViolation, "H4", \
        f"filing {filing} is {status}; no approved filing, no training and no subsidy"


def a_key_rotated_to_itself(world):
    return world.bureau, "rotate_key", world.institution.actor, {"public_key": world.institution.public_key_b64}, \
        Conflict, None, f"key {world.institution.key_id} is already registered for this party"


def an_unknown_key_revoked(world):
    return world.bureau, "revoke_key", world.institution.actor, {"key_id": "abcdef", "reason": "x"}, NotFound, None, \
        f"key abcdef is not registered for party {world.institution.actor}"


def a_key_revoked_twice(world):
    body = {"key_id": world.institution.key_id, "reason": "laptop stolen"}
    world.do(world.bureau, "revoke_key", world.institution.actor, body)
    return world.bureau, "revoke_key", world.institution.actor, body, Conflict, None, \
        f"key {world.institution.key_id} is already revoked or rotated out"


def a_class_filed_to_start_today(world):
    return world.institution, "file_class", uuid.uuid4(), world.filing_body(starts_on=_today(world)), \
        RuleViolation, "H4", f"a class is filed and approved before it starts; it starts {_today(world)}, " \
        f"today is {_today(world)}"


def a_class_on_a_party_that_is_not_a_platform(world):
    body = world.filing_body(platform=world.institution.actor, planned_online_minutes=60)
    return world.institution, "file_class", uuid.uuid4(), body, BadInput, None, \
        f"party {world.institution.actor} is not a platform"


def no_evidence(world):
    return world.institution, "request_redemption", world.certified_voucher(), {"evidence": []}, BadInput, None, \
        "body.evidence must list 1 to 50 items of {kind, sha256} (H6)"


def evidence_of_an_unknown_kind(world):
    return world.institution, "request_redemption", world.certified_voucher(), \
        {"evidence": [{"kind": "rumour", "sha256": "ab" * 32}]}, BadInput, None, \
        "evidence kind must be one of: photo, video, platform_record, attendance_sheet, certificate_scan"


def a_notice_closed_early(world):
    voucher = world.certified_voucher()
    world.do(world.institution, "request_redemption", voucher, {"evidence": [{"kind": "photo", "sha256": "ab" * 32}]})
    world.do(world.bureau, "review_redemption", voucher, {"approved": True, "reason": "checked"})
    world.do(world.bureau, "open_notice", voucher, {"days": 5})
    closes_at = world.ledger.get(voucher).notice_closes_at
    return world.bureau, "close_notice", voucher, {"outcome": "cleared"}, RuleViolation, "H7", \
        f"the public notice runs until {closes_at}"


def a_voucher_expired_before_its_day(world):
    from datetime import timedelta

    voucher = world.issue(world.trainee(), valid_days=10)
    valid_until = (world.clock.now + timedelta(days=10)).date().isoformat()
    return world.bureau, "expire_voucher", voucher, {}, RuleViolation, "L7", \
        f"voucher {voucher} is valid until {valid_until}"


def a_person_registered_twice(world):
    from ledger.personal import commitment

    person = world.person()
    first = world.trainee(personal=person)
    key = SigningKey.generate(actor=str(uuid.uuid4()), role="trainee")
    body = {"role": "trainee", "public_key": key.public_key_b64, "personal_sha256": commitment(person)}
    return world.bureau, "register_party", uuid.uuid4(), body, RuleViolation, "L10", \
        f"this person is already registered as trainee {first.actor}", person


def a_public_key_longer_than_any_ed25519_key(world):
    body = {"role": "assessor", "public_key": "A" * 65, "name": "long key"}
    return world.bureau, "register_party", uuid.uuid4(), body, BadInput, None, \
        "body.public_key must be text of 1 to 64 characters"


MORE_REFUSALS = [a_voucher_for_a_party_that_is_not_a_trainee, a_public_key_longer_than_any_ed25519_key,
                 a_voucher_valid_only_until_today, a_second_live_voucher,
                 an_expired_voucher_claimed, an_exited_voucher_redeemed, a_platform_chosen_as_institution,
                 an_enrolment_by_an_institution_not_chosen, an_enrolment_in_a_filing_not_yet_approved,
                 a_key_rotated_to_itself, an_unknown_key_revoked, a_key_revoked_twice, a_class_filed_to_start_today,
                 a_class_on_a_party_that_is_not_a_platform, no_evidence, evidence_of_an_unknown_kind,
                 a_notice_closed_early, a_voucher_expired_before_its_day, a_person_registered_twice]


@pytest.mark.parametrize("case", MORE_REFUSALS, ids=[case.__name__ for case in MORE_REFUSALS])
def test_a_refusal_names_the_records_and_days_it_is_about(world: World, case) -> None:
    """L6, L7, L10, S2, H4, H6, H7 and the trust model: the whole message, with the ids and days filled in."""
    key, command, target, body, error, rule, message, *personal = case(world)
    caught = refused(world, rule, key, command, target, body, error=error, personal=(personal or [None])[0])
    assert type(caught) is error and caught.rule == rule
    assert str(caught) == (f"{rule}: {message}" if rule else message)


def test_h3_h7_prepayment_and_payment_refusals_name_the_amounts(hengyang: World) -> None:
    """H3 (Hengyang 30%): 39600 of 132000 fen in advance; H7: the balance is exactly what was approved less prepaid."""
    fund = "skills_upgrading_account"
    voucher = hengyang.certified_voucher(standard_fen=80000, shortage=True)
    caught = refused(hengyang, "H3", hengyang.finance, "prepay", voucher, {"amount_fen": 39601, "fund": fund})
    assert str(caught) == "H3: prepayment of 39601 fen exceeds what the region allows in advance: 39600 fen"
    hengyang.do(hengyang.finance, "prepay", voucher, {"amount_fen": 39000, "fund": fund})
    caught = refused(hengyang, "H3", hengyang.finance, "prepay", voucher, {"amount_fen": 601, "fund": fund})
    assert str(caught) == "H3: prepayment of 601 fen exceeds what the region allows in advance: 600 fen"
    hengyang.redeem_and_clear(voucher)
    approved = hengyang.ledger.get(voucher).approved_fen
    caught = refused(hengyang, "H7", hengyang.finance, "pay", voucher, {"amount_fen": 1, "fund": fund})
    assert str(caught) == (f"H7: the balance due is exactly {approved - 39000} fen ({approved} approved less "
                           "39000 prepaid)")
