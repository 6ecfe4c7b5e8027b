"""api/pages/static/envelope.js, the browser's one signing module, run with
`node`: its RFC 8785 canonical JSON is byte for byte what the ledger's
`canonical_json` gives (the bytes that are signed and hashed), for envelopes
and for awkward values (non-BMP keys, escapes, nesting, large whole numbers),
and it refuses fractions as the ledger does."""

from __future__ import annotations

import json
import shutil
import subprocess
import uuid
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.envelope import MAX_INTEGER, sign_command
from ledger.signing import SigningKey, canonical_json

ROOT = Path(__file__).resolve().parent.parent
ENVELOPE_JS = ROOT / "api" / "pages" / "static" / "envelope.js"
RUNNER = ROOT / "tests" / "js" / "canonical.cjs"


def browser_canonical(values: list) -> list[str]:
    node = shutil.which("node")
    assert node, "node is not on PATH: install Node.js 20 or later"
    done = subprocess.run([node, str(RUNNER), str(ENVELOPE_JS)], input=json.dumps(values), capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.split("\n")[:-1]]  # not splitlines: U+2028 stays raw


AWKWARD = [
    {"b": 1, "a": [True, False, None], "€": "x", "\U0001F600": "emoji key", "\uff5e": "BMP after surrogates"},
    {"text": "quote \" backslash \\ tab \t newline \n nul \u0000 del \u007f line sep \u2028", "n": -MAX_INTEGER},
    {"deep": {"deeper": {"deepest": [[], {}, [{"z": 0, "y": -1}]]}}},
    {"名字": "张老师", "课程": ["理论", "实操"], "level": 4, "amount_fen": 123456789012345},
]


def test_envelope_js_canonicalises_envelopes_exactly_as_the_ledger_signs_them() -> None:
    key = SigningKey.generate(actor=str(uuid.uuid4()), role="bureau")
    envelopes = [sign_command(key, "issue_voucher", uuid.uuid4(), {
        "trainee": str(uuid.uuid4()), "occupation": "6-31-01-03", "level": 4, "valid_until": "2027-01-01",
        "standard_fen": 150000, "shortage": True})["envelope"],
        sign_command(key, "request_redemption", uuid.uuid4(), {"evidence": [
            {"kind": "photo", "sha256": "a" * 64}, {"kind": "platform_record", "sha256": "b" * 64}]})["envelope"]]
    values = envelopes + AWKWARD
    assert browser_canonical(values) == [canonical_json(value).decode("utf-8") for value in values]


def test_envelope_js_refuses_fractions_and_unsafe_integers() -> None:
    answers = browser_canonical([{"amount_fen": 1.5}, {"amount_fen": 2 ** 60}])
    assert answers[0] == "!error: envelope.amount_fen is not a whole number; amounts are integer fen"
    assert answers[1].startswith("!error: envelope.amount_fen is not a whole number")


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-MAX_INTEGER, MAX_INTEGER) | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=12)


@settings(max_examples=1, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(JSON_VALUES, min_size=150, max_size=150))
def test_envelope_js_agrees_with_the_ledger_on_any_plain_json(values: list) -> None:
    assert browser_canonical(values) == [canonical_json(value).decode("utf-8") for value in values]
