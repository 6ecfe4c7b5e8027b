"""Every stored byte sealed or checked (issue 13, item 8; docs/decisions/0022).

An event's hash (ledger/chain.py) covers what the ledger decided: aggregate
id and version, event type, `recorded_at`, previous hash, envelope,
signature, facts; its event type names the whole topic (the stable name,
or for an event stored before issue 16 the class part of the one module path
frozen for it, ledger/event_types.py `hashed_type`). The row the event
library stores holds a little more: the library's own `timestamp` and, on an
aggregate's first event, `originator_topic`; and the state is JSON text whose
spacing, key order and escapes the hash does not see. This module checks
those bytes, so that a change to any byte of a stored event fails
`vledger verify`:

- the state is byte for byte what the library's JSON encoder (compact, keys
  in the event's attribute order, no ASCII escaping) writes for the fields it
  holds, and it holds exactly the fields the library writes;
- topics are the stable name of a type this ledger defines
  (`vledger:Voucher.Issued`), or the module path it was stored under before
  issue 16 (ledger/historical_topics.json; which of the two is in
  `ChainVerifier`'s order check), and a first event's `originator_topic` is
  its aggregate's topic of the same kind; a schema version above 1 is the
  library's `class_version` field, last (docs/decisions/0046);
- the library `timestamp` is a canonical UTC ISO time, and for events whose
  envelope names its ledger (every event recorded since issue 13) it is the
  sealed `recorded_at` itself. Events recorded before (envelopes without
  `ledger`) carry the wall clock of the server that stored them: nothing
  sealed says what it was, so only its form is checked.

And for checkpoint rows: signatures and keys are canonical base64 (a
non-canonical spelling decodes to the same bytes and would verify), each
cosignature holds exactly its six fields, and the cosignatures column is the
text the ledger writes for them.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime
from typing import Any

import ledger.aggregates  # noqa: F401 - every aggregate defined: every stable topic known, in a fresh process too
from ledger.aggregates.chained import library_timestamp
from ledger.event_types import UnknownEventType, stored_version, type_name
from ledger.event_types import schema_version as latest_version

CREATED_FIELDS = ("timestamp", "originator_topic", "facts", "seal")
LATER_FIELDS = ("timestamp", "facts", "seal")
COSIGNATURE_FIELDS = ("name", "party", "role", "key_id", "public_key", "signature")
_library_json = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


def event_form_problem(topic: str, version: int, state: bytes, stored: dict[str, Any]) -> str | None:
    """Why the stored row of an event is not what its sealed content
    produces, or None. `stored` is `json.loads(state)`."""
    if _library_json(stored).encode("utf-8") != state:
        return "its stored bytes are not what its content encodes to (altered outside the hash)"
    try:
        name, schema_version = type_name(topic), stored_version(stored)
    except UnknownEventType as error:
        return f"{error} (altered, or recorded by a newer vledger)"
    if schema_version > latest_version(name):
        return (f"{name} at schema version {schema_version}: this vledger reads versions 1 to "
                f"{latest_version(name)}; verify with the vledger that recorded it, or a newer one")
    expected_fields = CREATED_FIELDS if version == 1 else LATER_FIELDS
    if schema_version > 1:
        expected_fields = (*expected_fields, "class_version")
    if tuple(stored) != expected_fields:
        return f"its stored record holds {', '.join(stored)}, not {', '.join(expected_fields)} (altered)"
    module = topic.partition(":")[0]
    aggregate = name.split(".", 1)[0]
    if version == 1 and stored["originator_topic"] != f"{module}:{aggregate}":
        return f"its originator_topic {stored['originator_topic']!r} is not {module}:{aggregate} (altered)"
    return _timestamp_problem(stored["timestamp"], stored["seal"])


def _timestamp_problem(timestamp: Any, seal: dict[str, Any]) -> str | None:
    if not isinstance(timestamp, dict) or tuple(timestamp) != ("_type_", "_data_") \
            or timestamp["_type_"] != "datetime_iso" or not isinstance(timestamp["_data_"], str):
        return "its library timestamp is not a stored datetime (altered)"
    try:
        moment = datetime.fromisoformat(timestamp["_data_"])
    except ValueError:
        return "its library timestamp is not an ISO 8601 time (altered)"
    if moment.utcoffset() is None or moment.utcoffset().total_seconds() != 0 \
            or moment.isoformat() != timestamp["_data_"]:
        return "its library timestamp is not a canonical UTC time (altered)"
    if "ledger" in seal["envelope"] and moment != library_timestamp(seal["recorded_at"]):
        return "its library timestamp is not its sealed recorded_at (altered)"
    return None


def canonical_base64(text: Any) -> bool:
    """True when `text` is the one base64 spelling of the bytes it decodes to."""
    if not isinstance(text, str):
        return False
    try:
        return base64.b64encode(base64.b64decode(text.encode("ascii"), validate=True)).decode("ascii") == text
    except (binascii.Error, ValueError, UnicodeEncodeError):
        return False


def checkpoint_form_problem(checkpoint) -> str | None:
    """Why a stored checkpoint row is not in the form the ledger writes, or None."""
    if not canonical_base64(checkpoint.signature) or not canonical_base64(checkpoint.timestamp_signature):
        return "its signature is not canonical base64 (altered)"
    for cosignature in checkpoint.cosignatures:
        if not isinstance(cosignature, dict) or tuple(sorted(cosignature)) != tuple(sorted(COSIGNATURE_FIELDS)):
            return f"a cosignature holds other fields than {', '.join(COSIGNATURE_FIELDS)} (altered)"
        if not canonical_base64(cosignature["signature"]) or not canonical_base64(cosignature["public_key"]):
            return f"cosignature by {cosignature['name']} is not canonical base64 (altered)"
    stored_text = checkpoint.cosignatures_text
    if stored_text is not None and stored_text != cosignatures_text(checkpoint.cosignatures):
        return "its cosignatures are not stored as the ledger writes them (altered)"
    return None


def cosignatures_text(cosignatures) -> str:
    """The text of the checkpoint row's cosignatures column."""
    return json.dumps(list(cosignatures))
