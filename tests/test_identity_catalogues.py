"""Issue 12, item 4: identity that holds. Occupations by code and level (S2),
organisations by unified social credit code with a lifetime ban bound to the
code (L12), and the subsidy standard from the region's catalogue (H2)."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from ledger.credit_code import CHARSET, check_character, credit_code_problem, make_credit_code
from ledger.errors import BadInput, Conflict, RuleViolation
from ledger.signing import SigningKey
from ledger.standards import standards_for
from tests.test_rules_enforced import refused
from tests.world import ELECTRICIAN, World


def issue_body(world: World, trainee, **fields) -> dict:
    body = {"trainee": trainee.actor, "occupation": ELECTRICIAN, "level": 4,
            "valid_until": (world.clock.now + timedelta(days=90)).date().isoformat()}
    body.update(fields)
    return body


@pytest.mark.parametrize("occupation", ["电工", "electrician", "６-31-01-03", "6-31-01-03\u200b", " 6-31-01-03",
                                        "6-31-1-03", "6-31-01-99", 63101003])
def test_s2_an_occupation_is_exactly_a_catalogued_code_never_a_lookalike(world: World, occupation) -> None:
    """S2: "同一职业同一等级" — the one-subsidy key is trainee x code x level, so a
    name, a full-width digit or a zero-width character would open a second subsidy."""
    error = refused(world, None, world.bureau, "issue_voucher", uuid.uuid4(),
                    issue_body(world, world.trainee(), occupation=occupation), error=BadInput)
    assert "occupation" in str(error) and "6-31-01-03 电工" in str(error)


@pytest.mark.parametrize("level", ["4", "四级", 0, 6, True])
def test_s2_a_level_is_a_whole_number_from_1_to_5(world: World, level) -> None:
    error = refused(world, None, world.bureau, "issue_voucher", uuid.uuid4(),
                    issue_body(world, world.trainee(), level=level), error=BadInput)
    assert "level must be a whole number from 1" in str(error)


def test_s2_one_subsidy_per_trainee_code_and_level_whatever_the_display_name(world: World) -> None:
    """S2: "同一职业同一等级" one subsidy; another level of the same code is another subsidy."""
    trainee = world.trainee()
    world.issue(trainee)
    refused(world, "S2", world.bureau, "issue_voucher", uuid.uuid4(), issue_body(world, trainee))
    world.issue(trainee, level=3)


def test_h2_the_standard_comes_from_the_region_catalogue_and_is_recorded_with_its_version(
        hengyang: World) -> None:
    """H2: "《湖南省职业技能培训补贴标准目录》" — the standard is the catalogue's, not typed per voucher."""
    catalogue = standards_for("hunan-hengyang")
    voucher = hengyang.ledger.get(hengyang.issue(hengyang.trainee()))
    assert voucher.standard_fen == catalogue.standard_fen(ELECTRICIAN, 4) == 150000
    assert voucher.standards_version == catalogue.version and voucher.shortage is True


def test_h2_a_typed_standard_at_the_catalogue_is_accepted_one_fen_above_is_refused(hengyang: World) -> None:
    """H2: the standard of "《湖南省职业技能培训补贴标准目录》"; 99,999 yuan typed by hand is refused."""
    limit_fen = standards_for("hunan-hengyang").standard_fen(ELECTRICIAN, 4)
    for typed_fen in (limit_fen + 1, 9_999_900):
        error = refused(hengyang, "H2", hengyang.bureau, "issue_voucher", uuid.uuid4(),
                        issue_body(hengyang, hengyang.trainee(), standard_fen=typed_fen))
        assert str(limit_fen) in str(error)
    voucher = hengyang.issue(hengyang.trainee(), standard_fen=limit_fen)
    assert hengyang.ledger.get(voucher).standard_fen == limit_fen
    lower = hengyang.issue(hengyang.trainee(), standard_fen=limit_fen - 1)  # a lower local standard is kept
    assert hengyang.ledger.get(lower).standard_fen == limit_fen - 1


def test_h2_an_uncatalogued_occupation_level_gets_no_voucher(hengyang: World) -> None:
    """H2: "对《湖南省职业技能培训补贴标准目录(2019-2021年)》…规定的各类职业技能培训补贴标准普遍提高50%" --
    the standard is the catalogue's, so a code and level the catalogue does not list gets no voucher."""
    error = refused(hengyang, "H2", hengyang.bureau, "issue_voucher", uuid.uuid4(),
                    issue_body(hengyang, hengyang.trainee(), level=1))
    assert "has no standard for occupation 6-31-01-03 level 1" in str(error)


def test_h2_the_shortage_uplift_follows_the_shortage_list_not_the_request(hengyang: World) -> None:
    """H2: "紧缺职业(工种)...上浮10%" only for occupations on the list."""
    refused(hengyang, "H2", hengyang.bureau, "issue_voucher", uuid.uuid4(),
            issue_body(hengyang, hengyang.trainee(), occupation="6-18-02-04", shortage=True))
    refused(hengyang, "H2", hengyang.bureau, "issue_voucher", uuid.uuid4(),
            issue_body(hengyang, hengyang.trainee(), shortage=False))
    welder = hengyang.issue(hengyang.trainee(), occupation="6-18-02-04", shortage=False)
    assert hengyang.ledger.get(welder).shortage is False


# -- unified social credit codes (GB 32100-2015) -----------------------------


def test_credit_code_check_character_matches_published_examples() -> None:
    for code in ("91350100M000100Y43", "911100001000079554"):
        assert credit_code_problem(code) is None, code
        assert check_character(code[:17]) == code[17]


def test_credit_code_all_18_weighted_values_sum_to_a_multiple_of_31() -> None:
    """GB 32100-2015: weights 3^(i-1) mod 31 for characters 1-17, and the check character makes the sum 0 mod 31."""
    for serial in range(0, 31 ** 3, 7):
        code = make_credit_code(serial)
        total = sum(CHARSET.index(character) * pow(3, index, 31) for index, character in enumerate(code[:17]))
        assert (total + CHARSET.index(code[17])) % 31 == 0, code


def test_credit_code_any_single_changed_character_is_refused() -> None:
    code = make_credit_code(123_456)
    assert credit_code_problem(code) is None
    for position in range(18):
        for replacement in CHARSET:
            if replacement != code[position]:
                changed = code[:position] + replacement + code[position + 1:]
                assert credit_code_problem(changed) is not None, changed


@pytest.mark.parametrize("code, words", [
    ("91350100m000100Y43", "uses only"), ("91350100M000100I43", "uses only"), ("９1350100M000100Y43", "uses only"),
    ("91350100M000100Y4", "exactly 18"), ("81350100M000100Y43", "registration authority"),
    ("99350100M000100Y43", "organisation type"), ("91050100M000100Y43", "administrative division"),
    ("91350100M000100Y44", "check character"), (915101, "exactly 18"),
])
def test_credit_code_problems_are_named(code, words) -> None:
    assert words in credit_code_problem(code)


def test_l12_a_party_of_the_catalogue_registers_with_a_valid_credit_code(world: World) -> None:
    key = SigningKey.generate()
    body = {"role": "institution", "name": "x", "kind": "social_training", "public_key": key.public_key_b64}
    refused(world, None, world.bureau, "register_party", uuid.uuid4(), body, error=BadInput)
    error = refused(world, None, world.bureau, "register_party", uuid.uuid4(),
                    {**body, "credit_code": "91350100M000100Y44"}, error=BadInput)
    assert "check character" in str(error)


def test_l12_one_credit_code_binds_one_party_per_role(world: World) -> None:
    """L12: "违规平台将淘汰出认定目录，终身不再获得入围资格" -- the credit code is the organisation, so one
    code registers one party per role and a ban cannot be dodged under a second id."""
    code = world.ledger.get(world.institution.actor).credit_code
    key = SigningKey.generate()
    error = refused(world, None, world.bureau, "register_party", uuid.uuid4(), {
        "role": "institution", "name": "same school, new id", "kind": "social_training",
        "public_key": key.public_key_b64, "credit_code": code}, error=Conflict)
    assert world.institution.actor in str(error)
    world.register(world.bureau, "platform", name="the school's own platform", credit_code=code)


def test_l12_a_ban_binds_the_credit_code_for_life(world: World) -> None:
    """L12: "终身不再获得入围资格" — a banned organisation does not come back under a new id or role."""
    code = world.ledger.get(world.platform.actor).credit_code
    sister = world.register(world.bureau, "institution", name="sister school", kind="enterprise", credit_code=code)
    world.do(world.bureau, "ban", world.platform.actor, {"reason": "faked learning records"})
    assert world.ledger.get(sister.actor).banned, "every party under the banned code is banned"
    key = SigningKey.generate()
    for role, extra in (("platform", {}), ("assessor", {})):
        error = refused(world, "L12", world.bureau, "register_party", uuid.uuid4(), {
            "role": role, "name": "renamed", "public_key": key.public_key_b64, "credit_code": code, **extra})
        assert "banned for life" in str(error)
    refused(world, "L12", world.bureau, "list_in_catalogue", world.platform.actor, {})


def test_l12_a_banned_code_registers_as_no_role_in_any_region(world: World) -> None:
    """L12 (001 七(二)): "违规平台将淘汰出认定目录，终身不再获得入围资格" -- after a platform is banned its
    credit code registers as no institution, platform or assessor, with its own region's bureau or
    with another region's; an unbanned code still registers as an institution with both."""
    code = world.ledger.get(world.platform.actor).credit_code
    world.do(world.bureau, "ban", world.platform.actor, {"reason": "faked learning records"})
    other_bureau = world.register(world.root, "bureau", name="jiangxi bureau", region="jiangxi")
    for bureau in (world.bureau, other_bureau):
        for role, extra in (("institution", {"kind": "social_training"}), ("platform", {}), ("assessor", {})):
            error = refused(world, "L12", bureau, "register_party", uuid.uuid4(), {
                "role": role, "name": "renamed", "public_key": SigningKey.generate().public_key_b64,
                "credit_code": code, **extra})
            assert "banned for life" in str(error), (bureau.actor, role)
        world.register(bureau, "institution", name="a school never banned", kind="social_training")
