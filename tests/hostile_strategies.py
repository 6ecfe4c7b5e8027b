"""Hypothesis strategies for hostile input: values no field of any command
accepts, values that are hostile only for some fields, arbitrary JSON, and
envelopes with one field replaced. Shared by the tests through
`ledger.submit` and through HTTP."""

from __future__ import annotations

import copy
import uuid
from typing import Any

from hypothesis import strategies as st

from ledger.envelope import MAX_INTEGER, MAX_NESTING_DEPTH, MAX_TEXT_CHARACTERS


def nested(depth: int, leaf: Any = 1) -> Any:
    value: Any = leaf
    for level in range(depth):
        value = [value] if level % 2 else {"n": value}
    return value


# Refused by every field of every step: fractions, non-finite numbers, negative or
# out-of-range integers, text past the limit or not encodable as UTF-8, nesting past
# the limit, and values JSON cannot hold.
NEVER_VALID = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).filter(lambda number: not number.is_integer()),
    st.sampled_from([float("nan"), float("inf"), float("-inf"), 1.0, 0.0, -0.0, 1e308]),
    st.integers(max_value=-1),
    st.integers(min_value=MAX_INTEGER + 1, max_value=2**130),
    st.sampled_from(["x" * (MAX_TEXT_CHARACTERS + 1), "名" * 70_000, "\ud800", "ok\udfffok"]),
    st.just(nested(MAX_NESTING_DEPTH + 2)),
    st.just(nested(500)),
    st.binary(max_size=8),
    st.sampled_from([object(), {1, 2}, {1: "numeric key"}, {("tuple",): 1}, complex(1, 2)]),
)

# Wrong for most fields, though some field may accept one of them.
SOMETIMES_VALID = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=0, max_value=MAX_INTEGER), st.text(max_size=30),
    st.sampled_from([
        "", " ", "2023-02-30", "2023-13-01", "1999-12-31", "2101-01-01", "0001-01-01", "9999-12-31",
        "2023-03-01T08:00:00", "2023-03-01T08:00:00+14:00", "2101-01-01T00:00:00Z", "1970-01-01T00:00:00Z",
        "+002023-03-01", "２０２３-０３-０１", "NaN", "-0", "1e3", "0x10", str(uuid.uuid4()).upper(),
        "{" + str(uuid.uuid4()) + "}", str(uuid.uuid4()).replace("-", ""), "../../etc/passwd",
        "'; DROP TABLE vledger_events; --", "\x00", "\u202e", "a\nb",
    ]),
    st.lists(st.integers(), max_size=4), st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
)

HOSTILE = st.one_of(NEVER_VALID, SOMETIMES_VALID)

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=20,
)

ENVELOPE_FIELDS = ("command_id", "ledger", "actor", "key_id", "signed_at", "command", "target", "body")


def with_field(mapping: dict[str, Any], name: str, value: Any) -> dict[str, Any]:
    changed = copy.copy(mapping)
    changed[name] = value
    return changed


def without_field(mapping: dict[str, Any], name: str) -> dict[str, Any]:
    return {key: value for key, value in mapping.items() if key != name}
