"""Occupations by their code in the national occupational classification
(国家职业分类大典, 2022), levels 1-5 (5 = 五级/初级工 ... 1 = 一级/高级技师).

The one-subsidy key is trainee x code x level (S2: "同一职业同一等级"), so the
code must be exactly a catalogued one: `电工`, `６-31-01-03` (full-width),
`6-31-01-03\u200b` or ` 6-31-01-03` are refused, never normalised
(docs/decisions/0015-identity-catalogues.md)."""

from __future__ import annotations

import functools
import json
import re
from importlib import resources
from typing import Any, Mapping

from ledger.body import Body
from ledger.errors import BadInput

CODE_PATTERN = re.compile(r"^[1-8]-[0-9]{2}-[0-9]{2}-[0-9]{2}$")
LEVELS = (1, 2, 3, 4, 5)


@functools.lru_cache(maxsize=1)
def _catalogue() -> dict[str, Any]:
    document = json.loads((resources.files("ledger") / "catalogues" / "occupations.json").read_text("utf-8"))
    occupations = document["occupations"]
    assert all(CODE_PATTERN.match(code) for code in occupations), "occupations.json holds a malformed code"
    assert sorted(int(level) for level in document["levels"]) == list(LEVELS)
    return document


def occupations() -> Mapping[str, str]:
    """Catalogued code -> Chinese name (display only)."""
    return _catalogue()["occupations"]


def level_name(level: int) -> str:
    return _catalogue()["levels"][str(level)]


def occupation_label(code: object, level: object) -> str:
    """For display only: `6-31-01-03 电工 · 4 四级/中级工`; text from older events as it was."""
    name = occupations().get(code) if isinstance(code, str) else None
    levels = _catalogue()["levels"]
    shown_level = f"{level} {levels[str(level)]}" if str(level) in levels else f"level {level}"
    return f"{code} {name} · {shown_level}" if name else f"{code} · {shown_level}"


def occupation_problem(code: object) -> str | None:
    """Why `code` is not a catalogued occupation code, or None."""
    if isinstance(code, str) and code in occupations():
        return None
    shown = repr(code)  # repr escapes invisible characters such as U+200B
    hint = ("it has the shape of a code but is not in the catalogue" if isinstance(code, str)
            and CODE_PATTERN.match(code) else "an occupation is its code in the national occupational "
            "classification, written exactly as catalogued in ASCII (e.g. 6-31-01-03), never a name")
    known = ", ".join(f"{known_code} {name}" for known_code, name in occupations().items())
    return f"occupation {shown} is refused: {hint}; catalogued: {known}"


def read_occupation_and_level(body: Body) -> tuple[str, int]:
    """`occupation` (a catalogued code, exactly) and `level` (a whole number 1-5) from a command body."""
    code = body.raw("occupation")
    problem = occupation_problem(code)
    if problem is not None:
        raise BadInput(f"body.{problem}")
    level = body.raw("level")
    if type(level) is not int or level not in LEVELS:
        raise BadInput("body.level must be a whole number from 1 (一级/高级技师) to 5 (五级/初级工), "
                       f"got {level!r}")
    return code, level
