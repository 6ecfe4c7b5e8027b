"""Unified social credit codes (统一社会信用代码, GB 32100-2015): the identity
of an institution, platform or assessor, so that a lifetime ban (L12:
"终身不再获得入围资格") binds the organisation, not a ledger id.

Eighteen characters from `CHARSET` (digits and capitals without I, O, Z, S, V):
1 registration authority, 2 organisation type, 3-8 administrative division,
9-17 organisation code, 18 check character. The check character makes the
weighted sum of all 18 values (weights 3^(i-1) mod 31) divisible by 31.
No normalising: lower case, spaces, full-width or look-alike characters are
refused, never "corrected" (docs/decisions/0015-identity-catalogues.md)."""

from __future__ import annotations

from ledger.errors import BadInput

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = tuple(pow(3, index, 31) for index in range(17))  # 1, 3, 9, 27, 19, 26, 16, 17, 20, 29, ...
LENGTH = 18
# Registration authority -> organisation types it registers (GB 32100-2015 table 1 and 2, the
# authorities that register training institutions, platforms and assessment bodies).
AUTHORITY_TYPES = {
    "1": "1239",  # 机构编制: 1 机关, 2 事业单位 (e.g. public vocational schools), 3 群众团体, 9 其他
    "5": "1239",  # 民政: 1 社会团体, 2 民办非企业单位 (private training schools), 3 基金会, 9 其他
    "9": "123",  # 工商 / 市场监管: 1 企业, 2 个体工商户, 3 农民专业合作社
    "Y": "1",  # 其他
}


def check_character(first_17: str) -> str:
    """The GB 32100-2015 check character of the first 17 characters."""
    total = sum(CHARSET.index(character) * weight for character, weight in zip(first_17, WEIGHTS))
    return CHARSET[(31 - total % 31) % 31]


def credit_code_problem(code: object) -> str | None:
    """Why `code` is not a valid unified social credit code, or None when it is."""
    if not isinstance(code, str) or len(code) != LENGTH:
        return "a unified social credit code is exactly 18 characters (GB 32100-2015)"
    wrong = sorted({character for character in code if character not in CHARSET})
    if wrong:
        return (f"a unified social credit code uses only {CHARSET} (GB 32100-2015); "
                f"it has {', '.join(repr(character) for character in wrong)}")
    types = AUTHORITY_TYPES.get(code[0])
    if types is None:
        return f"registration authority {code[0]!r} is not one of {', '.join(AUTHORITY_TYPES)} (GB 32100-2015)"
    if code[1] not in types:
        return f"organisation type {code[1]!r} is not one that authority {code[0]!r} registers ({', '.join(types)})"
    if not code[2:8].isdigit() or code[2] == "0":
        return "characters 3 to 8 are an administrative division code: six digits, not starting with 0"
    if check_character(code[:17]) != code[17]:
        expected = check_character(code[:17])
        return f"the check character is wrong: {code[17]!r}, the first 17 characters give {expected!r}"
    return None


def require_credit_code(code: object, what: str) -> str:
    problem = credit_code_problem(code)
    if problem is not None:
        raise BadInput(f"{what}: {problem}")
    return code  # type: ignore[return-value]


def make_credit_code(serial: int, *, authority: str = "9", kind: str = "1", division: str = "210102") -> str:
    """A valid code for tests and the demo: the serial fills the organisation-code part."""
    body = "".join(CHARSET[serial // 31 ** power % 31] for power in reversed(range(9)))
    first_17 = f"{authority}{kind}{division}{body}"
    return first_17 + check_character(first_17)
