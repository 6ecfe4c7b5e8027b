"""What a verified read compares (api/verified_client.py, step 5): the
voucher the server served against the voucher rebuilt from the bundle's
verified events, through the same aggregate and the same view functions the
server uses; history and learning rows against the events of the same
version, hash and facts."""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

from eventsourcing.persistence import DatetimeAsISO, DecimalAsStr, JSONTranscoder, Mapper, StoredEvent, UUIDAsHex

from api.http.views import payments_view, voucher_view
from ledger.errors import BadInput
from ledger.transparency.export import stored_state

VERIFIED_PATH = re.compile(r"^/v1/vouchers/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"
                           r"(?:/(history|payments|learning-records|bundle))?$")


def voucher_path(path: str) -> tuple[str, str]:
    """(voucher id, aspect) of a path a verified read can check."""
    match = VERIFIED_PATH.fullmatch(path)
    if match is None:
        raise BadInput(f"a verified read checks a voucher: /v1/vouchers/<id> or /v1/vouchers/<id>/history, "
                       f"/payments, /learning-records or /bundle (lowercase UUID, no query), not {path!r}")
    return match.group(1), match.group(2) or "voucher"


def check_read(aspect: str, served: Any, bundle: dict[str, Any], mismatch: type[Exception]) -> None:
    """Raises `mismatch` when what was served is not what the verified events give."""
    events = [item for item in bundle["events"] if item["originator_id"] == bundle["voucher"]]
    if aspect == "bundle":
        return
    if not isinstance(served, dict):
        raise mismatch(f"the server served {type(served).__name__}, not a JSON object")
    if aspect in ("history", "learning-records"):
        _check_rows(served, events, mismatch)
        sequences = [row["sequence"] for row in served["items"]]
        if aspect == "history" and sequences != list(range(sequences[0], sequences[0] + len(sequences))
                                                     if sequences else []):
            raise mismatch(f"the served history skips events: it holds versions {sequences}")
        return
    version = served.get("version", len(events)) if aspect == "voucher" else len(events)
    if not isinstance(version, int) or not 1 <= version <= len(events):
        raise mismatch(f"the served voucher is at version {version!r}, but the signed checkpoint holds "
                       f"{len(events)} of its events")
    rebuilt = rebuild([item for item in events if item["originator_version"] <= version])
    expected = voucher_view(rebuilt) if aspect == "voucher" else payments_view(rebuilt)
    expected = json.loads(json.dumps({"id": bundle["voucher"], "version": version, **expected}
                                     if aspect == "voucher" else expected))
    differing = sorted(name for name in expected.keys() | served.keys() if expected.get(name) != served.get(name))
    if differing:
        raise mismatch(f"the served {aspect} differs from the one its verified events give in: "
                       f"{', '.join(differing[:10])}")


def _check_rows(served: dict[str, Any], events: list[dict[str, Any]], mismatch: type[Exception]) -> None:
    by_version = {item["originator_version"]: item["state"] for item in events}
    rows = served.get("items")
    if not isinstance(rows, list):
        raise mismatch("the served page holds no items list")
    for row in rows:
        state = by_version.get(row.get("sequence")) if isinstance(row, dict) else None
        if state is None or row.get("event_hash") != state["seal"]["event_hash"]:
            raise mismatch(f"served row {row.get('sequence') if isinstance(row, dict) else row!r} is not an event "
                           "of the voucher under the signed checkpoint")
        facts = row.get("facts", {name: value for name, value in row.items()
                                  if name not in ("sequence", "recorded_at", "event_hash")})
        envelope = state["seal"]["envelope"]
        sealed = {"recorded_at": state["seal"]["recorded_at"], "previous_hash": state["seal"]["previous_hash"],
                  **{name: envelope.get(name) for name in ("actor", "key_id", "command", "command_id")}}
        if facts != state["facts"] or any(row[name] != value for name, value in sealed.items() if name in row):
            raise mismatch(f"served row {row['sequence']} differs from its verified event")


def rebuild(events: list[dict[str, Any]]) -> Any:
    """The aggregate its stored events give, as the ledger's repository builds it."""
    transcoder = JSONTranscoder()
    for transcoding in (UUIDAsHex(), DecimalAsStr(), DatetimeAsISO()):
        transcoder.register(transcoding)
    mapper = Mapper(transcoder=transcoder)
    aggregate = None
    for item in events:
        stored = StoredEvent(uuid.UUID(item["originator_id"]), item["originator_version"], item["topic"],
                             stored_state(item["state"]))
        aggregate = mapper.to_domain_event(stored).mutate(aggregate)
    return aggregate
