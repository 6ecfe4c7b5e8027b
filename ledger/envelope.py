"""Command envelopes: what a party signs to act (DESIGN.md, trust model).

An envelope is canonical JSON of
`{command_id, ledger, actor, key_id, signed_at, command, target, body}`; the
party signs those bytes with Ed25519. `command_id` is the idempotency key.
`ledger` names the ledger the envelope is for (the checkpoint origin its
genesis recorded), so that an envelope signed for one ledger is refused by
every other; `signed_at` older than the ledger's window is refused (issue 13,
docs/decisions/0021). Envelopes recorded before issue 13 have no `ledger`:
`vledger verify` reads them as the earlier format, `submit` refuses them.
Every field is checked here, with explicit limits, before anything else runs.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta, timezone
from typing import Any

from ledger.errors import BadInput
from ledger.signing import SigningKey, canonical_json

ENVELOPE_FIELDS = ("command_id", "ledger", "actor", "key_id", "signed_at", "command", "target", "body")
DEFAULT_ORIGIN = "vledger.example/training-vouchers"
MAX_ORIGIN_CHARACTERS = 200
MAX_ENVELOPE_BYTES = 64 * 1024
MAX_TEXT_CHARACTERS = 2000
MAX_LIST_ITEMS = 200
MAX_NESTING_DEPTH = 8
MAX_INTEGER = 10**15
CLOCK_SKEW = timedelta(minutes=5)


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def iso(moment: datetime) -> str:
    """ISO 8601 in UTC with a Z, microseconds kept: the one way times are written."""
    if moment.tzinfo is None:
        raise BadInput("times must carry a timezone (UTC)")
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_time(text: Any, *, what: str) -> datetime:
    if not isinstance(text, str) or len(text) > 40:
        raise BadInput(f"{what} must be an ISO 8601 time with a timezone, e.g. 2020-04-01T08:00:00Z")
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise BadInput(f"{what} {text!r} is not an ISO 8601 time") from None
    if moment.tzinfo is None:
        raise BadInput(f"{what} {text!r} has no timezone; write it in UTC with a Z")
    if not 2000 <= moment.year <= 2100:
        raise BadInput(f"{what} {text!r} is outside the years 2000-2100")
    return moment.astimezone(timezone.utc)


def parse_date(text: Any, *, what: str) -> date:
    if not isinstance(text, str) or len(text) != 10:
        raise BadInput(f"{what} must be a date written YYYY-MM-DD")
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise BadInput(f"{what} {text!r} is not a date written YYYY-MM-DD") from None
    if not 2000 <= day.year <= 2100:
        raise BadInput(f"{what} {text!r} is outside the years 2000-2100")
    return day


def parse_uuid(text: Any, *, what: str) -> uuid.UUID:
    if not isinstance(text, str) or len(text) > 36:
        raise BadInput(f"{what} must be a UUID written as text")
    try:
        value = uuid.UUID(text)
    except ValueError:
        raise BadInput(f"{what} {text!r} is not a UUID") from None
    if str(value) != text:
        raise BadInput(f"{what} must be a lowercase hyphenated UUID, e.g. {value}")
    return value


def check_json_limits(value: Any, *, path: str = "body", depth: int = 0) -> None:
    """Refuses values outside the plain-JSON subset the ledger records:
    no floats (money is integer fen), bounded depth, lengths and integers."""
    if depth > MAX_NESTING_DEPTH:
        raise BadInput(f"{path} is nested deeper than {MAX_NESTING_DEPTH} levels")
    if value is None or isinstance(value, bool):
        return
    if isinstance(value, int):
        if abs(value) > MAX_INTEGER:
            raise BadInput(f"{path} is larger than {MAX_INTEGER}")
        return
    if isinstance(value, float):
        raise BadInput(f"{path} is a fraction; amounts are integer fen and counts are integers")
    if isinstance(value, str):
        if len(value) > MAX_TEXT_CHARACTERS:
            raise BadInput(f"{path} is longer than {MAX_TEXT_CHARACTERS} characters")
        return
    if isinstance(value, list):
        if len(value) > MAX_LIST_ITEMS:
            raise BadInput(f"{path} has more than {MAX_LIST_ITEMS} items")
        for index, item in enumerate(value):
            check_json_limits(item, path=f"{path}[{index}]", depth=depth + 1)
        return
    if isinstance(value, dict):
        if len(value) > MAX_LIST_ITEMS:
            raise BadInput(f"{path} has more than {MAX_LIST_ITEMS} fields")
        for key, item in value.items():
            if not isinstance(key, str) or len(key) > 100:
                raise BadInput(f"{path} has a field name that is not short text")
            check_json_limits(item, path=f"{path}.{key}", depth=depth + 1)
        return
    raise BadInput(f"{path} has a value of type {type(value).__name__}, which JSON cannot hold")


def check_signed(signed: Any) -> tuple[dict[str, Any], str, bytes]:
    """Validates the shape of `{"envelope": {...}, "signature": "..."}`;
    returns the envelope, the signature and the envelope's canonical bytes
    (what was signed, and what its hash is taken of). Signature validity is
    checked later, against the key registered in the ledger."""
    if not isinstance(signed, dict) or set(signed) != {"envelope", "signature"}:
        raise BadInput('a signed command is {"envelope": {...}, "signature": "<base64>"} and nothing else')
    envelope, signature = signed["envelope"], signed["signature"]
    if not isinstance(envelope, dict):
        raise BadInput("envelope must be a JSON object")
    unknown = sorted(set(envelope) - set(ENVELOPE_FIELDS))
    missing = [name for name in ENVELOPE_FIELDS if name not in envelope]
    if unknown:
        raise BadInput(f"envelope has unknown fields: {', '.join(unknown)}")
    if missing:
        raise BadInput(f"envelope is missing: {', '.join(missing)}")
    if not isinstance(signature, str) or not 80 <= len(signature) <= 100:
        raise BadInput("signature must be the base64 of a 64-byte Ed25519 signature")
    check_json_limits(envelope, path="envelope")
    envelope_bytes = canonical_json(envelope)
    if len(envelope_bytes) > MAX_ENVELOPE_BYTES:
        raise BadInput(f"envelope is larger than {MAX_ENVELOPE_BYTES} bytes")
    parse_uuid(envelope["command_id"], what="command_id")
    parse_uuid(envelope["actor"], what="actor")
    parse_uuid(envelope["target"], what="target")
    parse_time(envelope["signed_at"], what="signed_at")
    if not isinstance(envelope["ledger"], str) or not 1 <= len(envelope["ledger"]) <= MAX_ORIGIN_CHARACTERS:
        raise BadInput("ledger must name the ledger the envelope is for: its checkpoint origin, "
                       f"e.g. {DEFAULT_ORIGIN} (GET /v1/keys gives it)")
    if not isinstance(envelope["key_id"], str) or len(envelope["key_id"]) != 16:
        raise BadInput("key_id must be the 16 hex digits that name a registered key")
    if not isinstance(envelope["command"], str) or not 1 <= len(envelope["command"]) <= 64:
        raise BadInput("command must be the name of a ledger step, e.g. issue_voucher")
    if not isinstance(envelope["body"], dict):
        raise BadInput("body must be a JSON object")
    return envelope, signature, envelope_bytes


def sign_command(
    key: SigningKey,
    command: str,
    target: uuid.UUID | str,
    body: dict[str, Any],
    *,
    command_id: uuid.UUID | None = None,
    signed_at: datetime | None = None,
    ledger: str = DEFAULT_ORIGIN,
) -> dict[str, Any]:
    """Builds and signs an envelope as a party's client would, for the ledger
    whose checkpoint origin is `ledger` (`VoucherLedger.origin`, or GET /v1/keys)."""
    envelope = {
        "command_id": str(command_id or uuid.uuid4()),
        "ledger": ledger,
        "actor": key.actor,
        "key_id": key.key_id,
        "signed_at": iso(signed_at or utc_now()),
        "command": command,
        "target": str(target),
        "body": body,
    }
    return {"envelope": envelope, "signature": key.sign(canonical_json(envelope))}
