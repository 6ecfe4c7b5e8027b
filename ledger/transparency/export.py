"""`vledger export --out DIR`: the log as plain files an inspector verifies
with no database at all (`vledger verify --export DIR`).

- `events.jsonl`: one event per line in global order:
  `{notification_id, originator_id, originator_version, topic, state}`, where
  `state` is the stored JSON (facts and seal) exactly as recorded;
- `checkpoints.jsonl`: every signed checkpoint, smallest first, as
  `vledger checkpoint --latest --json` prints one;
- `keys.json`: the log's origin, the trust root and ledger public keys, the
  checkpoint note verifier key, and every party key registered in the log.

Personal data leaves only as the ciphertext already in the log: the
per-trainee keys are never exported, so an erased trainee stays erased.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

from ledger.errors import BadInput
from ledger.event_types import read_facts
from ledger.transparency.checkpoints import Checkpoint, all_checkpoints, log_identity

EVENTS_FILE = "events.jsonl"
CHECKPOINTS_FILE = "checkpoints.jsonl"
KEYS_FILE = "keys.json"


@dataclass(frozen=True)
class ExportedEvent:
    """An exported event, shaped as a stored notification for the verifier."""

    id: int
    originator_id: str
    originator_version: int
    topic: str
    state: bytes


def export_ledger(ledger, out: Path, progress: Callable[[int], None] | None = None) -> dict[str, Any]:
    out.mkdir(parents=True, exist_ok=True)
    identity = log_identity(ledger)
    keys: list[dict[str, str]] = []
    events = 0
    with (out / EVENTS_FILE).open("w", encoding="utf-8") as handle:
        for notification in ledger.notifications():
            state_text = notification.state.decode("utf-8")
            head = json.dumps({"notification_id": notification.id, "originator_id": str(notification.originator_id),
                               "originator_version": notification.originator_version, "topic": notification.topic})
            handle.write(head[:-1] + ', "state": ' + state_text + "}\n")
            if notification.topic.endswith((":Party.Registered", ":Party.KeyRotated")):
                facts = read_facts(notification.topic, json.loads(state_text))
                keys.append({"party": str(notification.originator_id), "role": facts.get("role", ""),
                             "key_id": facts["key_id"], "public_key": facts["public_key"],
                             "notification_id": notification.id})
            events += 1
            if progress is not None:
                progress(1)
    checkpoints = all_checkpoints(ledger)
    with (out / CHECKPOINTS_FILE).open("w", encoding="utf-8") as handle:
        for checkpoint in checkpoints:
            handle.write(json.dumps(checkpoint.to_json(), ensure_ascii=False) + "\n")
    (out / KEYS_FILE).write_text(json.dumps({
        "origin": identity.origin, "trust_root_public_key": identity.trust_root_public_key,
        "ledger_public_key": identity.ledger_public_key, "note_verifier_key": identity.vkey(), "party_keys": keys,
    }, indent=2, ensure_ascii=False), encoding="utf-8")
    return {"out": str(out), "events": events, "checkpoints": len(checkpoints), "keys": len(keys)}


def read_keys(folder: Path) -> dict[str, Any]:
    try:
        return json.loads((folder / KEYS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise BadInput(f"{folder / KEYS_FILE} cannot be read as an export's keys file: {error}") from None


def read_checkpoints(folder: Path) -> list[Checkpoint]:
    try:
        lines = (folder / CHECKPOINTS_FILE).read_text(encoding="utf-8").splitlines()
        return [Checkpoint.from_json(json.loads(line)) for line in lines if line.strip()]
    except (OSError, ValueError) as error:
        raise BadInput(f"{folder / CHECKPOINTS_FILE} cannot be read: {error}") from None


def stored_state(state: dict[str, Any]) -> bytes:
    """The bytes the event library stored for a state it wrote (compact JSON,
    keys in order, no ASCII escapes): what `vledger verify` checks byte for byte."""
    return json.dumps(state, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def read_events(folder: Path) -> Iterator[ExportedEvent]:
    """The exported events in order, one line at a time (memory stays flat).
    A line that is not an event is handed on as an unreadable event, for the
    verifier to name."""
    path = folder / EVENTS_FILE
    if not path.is_file():
        raise BadInput(f"{path} does not exist; give the folder `vledger export --out` wrote")
    with path.open("r", encoding="utf-8") as handle:
        for line_number, line in enumerate(handle, start=1):
            try:
                row = json.loads(line)
                yield ExportedEvent(row["notification_id"], row["originator_id"], row["originator_version"],
                                    row["topic"], stored_state(row["state"]))
            except (ValueError, KeyError, TypeError):
                yield ExportedEvent(-line_number, "unreadable line", 0, "unreadable:line", b"not JSON")
