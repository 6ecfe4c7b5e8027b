"""Signed checkpoints: `{tree_size, root_hash, timestamp}` of the Merkle tree
over the log, signed by the ledger's own key and cosigned by witnesses (J1).

What is signed is the C2SP tlog-checkpoint note body
`<origin>\\n<tree size>\\n<base64 root hash>\\n`, so the JSON checkpoint and
the signed note (`vledger checkpoint --latest --note`) carry the very same
Ed25519 signatures and standard transparency tools verify them. The body has
no room for a time (extension lines are NOT RECOMMENDED by C2SP), so the
ledger also signs the canonical JSON `{origin, tree_size, root_hash,
timestamp}` (`timestamp_signature`).

A witness (finance, an inspector) cosigns the same note body with its own
registered key, under the note key name `<role>/<party id>`.
"""

from __future__ import annotations

import base64
import json
import os
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Column, MetaData, String, Table, Text, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from ledger.errors import BadInput, Conflict, KeyNotValid, NotFound, TamperDetected
from ledger.event_types import read_facts
from ledger.note import SIGNATURE_LINE_PREFIX, checkpoint_body, key_hash, verifier_key
from ledger.signing import SigningKey, canonical_json, key_id_of, unb64, verify_signature
from ledger.stored_form import cosignatures_text
from ledger.transparency.tree_store import create_tables as create_leaf_tables
from ledger.transparency.tree_store import ensure_tree
from ledger.side_tables import create_once

WITNESS_ROLES = ("finance", "inspector")
DEFAULT_EVERY_EVENTS = 1000
DEFAULT_EVERY_SECONDS = 300

metadata = MetaData()
checkpoints_table = Table(
    "vledger_checkpoints",
    metadata,
    Column("tree_size", BigInteger, primary_key=True, autoincrement=False),
    Column("root_hash", String(64), nullable=False),
    Column("timestamp", String(40), nullable=False),
    Column("signature", String(100), nullable=False),
    Column("timestamp_signature", String(100), nullable=False),
    Column("cosignatures", Text, nullable=False, default="[]"),
)


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    tree_size: int
    root_hash: str  # lowercase hex
    timestamp: str  # ISO 8601 UTC
    signature: str  # base64 Ed25519 signature of the ledger key over `body()`
    timestamp_signature: str  # base64 Ed25519 signature of the ledger key over `timestamp_statement()`
    cosignatures: tuple[dict[str, str], ...] = field(default=())
    cosignatures_text: str | None = field(default=None, compare=False, repr=False)  # as stored, when read from a row

    def body(self) -> str:
        return checkpoint_body(self.origin, self.tree_size, bytes.fromhex(self.root_hash))

    def timestamp_statement(self) -> bytes:
        return canonical_json({"origin": self.origin, "tree_size": self.tree_size, "root_hash": self.root_hash,
                               "timestamp": self.timestamp})

    def to_json(self) -> dict[str, Any]:
        return {"origin": self.origin, "tree_size": self.tree_size, "root_hash": self.root_hash,
                "timestamp": self.timestamp, "signature": self.signature,
                "timestamp_signature": self.timestamp_signature, "cosignatures": list(self.cosignatures)}

    def note(self, ledger_public_key: str) -> str:
        """The C2SP signed note: the body, a blank line, the ledger's signature
        line, then one line per witness."""
        lines = [_signature_line(self.origin, ledger_public_key, self.signature)]
        lines += [_signature_line(c["name"], c["public_key"], c["signature"]) for c in self.cosignatures]
        return self.body() + "\n" + "".join(lines)

    @classmethod
    def from_json(cls, data: Any) -> "Checkpoint":
        """A checkpoint as `vledger checkpoint --latest --json` prints it; refuses malformed input."""
        if not isinstance(data, dict):
            raise BadInput("a checkpoint is a JSON object as printed by `vledger checkpoint --latest --json`")
        try:
            checkpoint = cls(origin=data["origin"], tree_size=data["tree_size"], root_hash=data["root_hash"],
                             timestamp=data["timestamp"], signature=data["signature"],
                             timestamp_signature=data["timestamp_signature"],
                             cosignatures=tuple(data.get("cosignatures", ())))
            if not (isinstance(checkpoint.root_hash, str) and len(checkpoint.root_hash) == 64
                    and checkpoint.root_hash == checkpoint.root_hash.lower()):
                raise ValueError("root_hash is 64 lowercase hex digits")
            checkpoint.body()
            for cosignature in checkpoint.cosignatures:
                for name in ("name", "party", "role", "key_id", "public_key", "signature"):
                    if not isinstance(cosignature.get(name), str):
                        raise ValueError(f"a cosignature names its {name}")
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise BadInput(f"the checkpoint is malformed: {error}") from None
        return checkpoint


def signature_problem(checkpoint: Checkpoint, ledger_public_key: str) -> str | None:
    """Why the ledger's signatures on this checkpoint do not hold, or None."""
    if not verify_signature(ledger_public_key, checkpoint.body().encode("utf-8"), checkpoint.signature):
        return "its ledger signature does not verify"
    if not verify_signature(ledger_public_key, checkpoint.timestamp_statement(), checkpoint.timestamp_signature):
        return "its signed timestamp does not verify"
    return None


def cosignature_problem(checkpoint: Checkpoint, cosignature: dict[str, str]) -> str | None:
    """Whether one witness's cosignature verifies with the key it names (the
    caller checks that key was registered to that witness in the log)."""
    if key_id_of(unb64(cosignature["public_key"], what="witness public key")) != cosignature["key_id"]:
        return f"cosignature by {cosignature['name']} names a key id that is not its key's"
    if cosignature["name"] != witness_name(cosignature["role"], cosignature["party"]):
        return f"cosignature name {cosignature['name']} does not match its party"
    if not verify_signature(cosignature["public_key"], checkpoint.body().encode("utf-8"), cosignature["signature"]):
        return f"cosignature by {cosignature['name']} does not verify"
    return None


def witness_name(role: str, party: str) -> str:
    return f"{role}/{party}"


def _signature_line(name: str, public_key_b64: str, signature_b64: str) -> str:
    raw_key = unb64(public_key_b64, what="public key")
    encoded = base64.b64encode(key_hash(name, raw_key) + unb64(signature_b64, what="signature")).decode("ascii")
    return f"{SIGNATURE_LINE_PREFIX}{name} {encoded}\n"


# --- the log's identity (from its genesis event) ---


@dataclass(frozen=True)
class LogIdentity:
    origin: str
    ledger_public_key: str
    trust_root_public_key: str

    def vkey(self) -> str:
        """The note verifier key other tools are given for the ledger's checkpoints."""
        return verifier_key(self.origin, unb64(self.ledger_public_key, what="ledger public key"))


def log_identity(ledger) -> LogIdentity:
    from ledger.application import ROOT_ID

    stored = ledger.recorder.select_events(ROOT_ID, lte=1)
    if not stored:
        raise NotFound("the ledger has no genesis event; run `vledger init` first")
    try:
        facts = read_facts(stored[0].topic, json.loads(stored[0].state))
        return LogIdentity(facts["origin"], facts["ledger_public_key"], facts["public_key"])
    except (ValueError, KeyError, TypeError) as error:
        raise TamperDetected(f"the genesis event cannot be read: {error!r} (altered)") from None


# --- recording and reading ---


def create_tables(engine) -> None:
    create_leaf_tables(engine)
    create_once(metadata, engine)


def record_checkpoint(ledger, ledger_signing_key: SigningKey | None = None) -> Checkpoint:
    """Signs and stores a checkpoint of every event recorded so far; returns
    the latest one unchanged when no event came since."""
    from ledger.genesis import ledger_key

    create_tables(ledger.engine)
    log_tree = ensure_tree(ledger)
    latest = latest_checkpoint(ledger)
    if latest is not None and latest.tree_size >= log_tree.size:
        return latest
    if log_tree.size == 0:
        raise NotFound("the log is empty; there is nothing to checkpoint")
    identity = log_identity(ledger)
    key = ledger_signing_key or ledger_key(ledger.keys_dir)
    if key.public_key_b64 != identity.ledger_public_key:
        raise KeyNotValid("the ledger key in the keys folder is not the one the genesis event names")
    unsigned = Checkpoint(identity.origin, log_tree.size, log_tree.tree.root().hex(), ledger.now_iso(), "", "")
    checkpoint = replace(unsigned, signature=key.sign(unsigned.body().encode("utf-8")),
                         timestamp_signature=key.sign(unsigned.timestamp_statement()))
    try:
        with ledger.engine.begin() as connection:
            connection.execute(insert(checkpoints_table).values(
                tree_size=checkpoint.tree_size, root_hash=checkpoint.root_hash, timestamp=checkpoint.timestamp,
                signature=checkpoint.signature, timestamp_signature=checkpoint.timestamp_signature,
                cosignatures=cosignatures_text(())))
    except IntegrityError:
        return checkpoint_at(ledger, checkpoint.tree_size)  # another process checkpointed this size first
    return checkpoint


def _positive_setting(name: str, default: int) -> int:
    text = os.environ.get(name, str(default))
    if not text.isdigit() or int(text) < 1:
        raise BadInput(f"{name} must be a whole number of at least 1, not {text!r}")
    return int(text)


def checkpoint_if_due(ledger, every_events: int | None = None, every_seconds: float | None = None
                      ) -> Checkpoint | None:
    """Records a checkpoint when `every_events` events came since the last one,
    or `every_seconds` passed and at least one came (defaults from
    VLEDGER_CHECKPOINT_EVERY_EVENTS / _SECONDS, else 1000 events / 300 s).
    For the HTTP server to call after writes; returns the new checkpoint or None."""
    every_events = every_events or _positive_setting("VLEDGER_CHECKPOINT_EVERY_EVENTS", DEFAULT_EVERY_EVENTS)
    every_seconds = every_seconds or _positive_setting("VLEDGER_CHECKPOINT_EVERY_SECONDS", DEFAULT_EVERY_SECONDS)
    create_tables(ledger.engine)
    size = ensure_tree(ledger).size
    latest = latest_checkpoint(ledger)
    waiting = size - (latest.tree_size if latest else 0)
    if waiting <= 0:
        return None
    age_seconds = (ledger.clock() - datetime.fromisoformat(latest.timestamp.replace("Z", "+00:00"))).total_seconds() \
        if latest else float("inf")
    if waiting >= every_events or age_seconds >= every_seconds:
        return record_checkpoint(ledger)
    return None


def _from_row(origin: str, row) -> Checkpoint:
    try:
        cosignatures = tuple(json.loads(row.cosignatures))
    except (ValueError, TypeError) as error:
        raise TamperDetected(f"checkpoint at tree size {row.tree_size}: its cosignatures cannot be read: {error!r} "
                             "(altered)") from None
    return Checkpoint(origin, row.tree_size, row.root_hash, row.timestamp, row.signature, row.timestamp_signature,
                      cosignatures, row.cosignatures)


def latest_checkpoint(ledger) -> Checkpoint | None:
    create_tables(ledger.engine)
    with ledger.engine.connect() as connection:
        row = connection.execute(select(checkpoints_table).order_by(checkpoints_table.c.tree_size.desc())
                                 .limit(1)).first()
    return None if row is None else _from_row(log_identity(ledger).origin, row)


def latest_tree_size(ledger) -> int | None:
    """The size of the latest checkpoint's tree, read alone (a proof needs no more of it)."""
    create_tables(ledger.engine)
    with ledger.engine.connect() as connection:
        return connection.execute(select(func.max(checkpoints_table.c.tree_size))).scalar()


def checkpoint_at(ledger, tree_size: int) -> Checkpoint | None:
    create_tables(ledger.engine)
    with ledger.engine.connect() as connection:
        row = connection.execute(select(checkpoints_table).where(checkpoints_table.c.tree_size == tree_size)).first()
    return None if row is None else _from_row(log_identity(ledger).origin, row)


def all_checkpoints(ledger) -> list[Checkpoint]:
    """Every stored checkpoint, smallest first (there are few: one per N events)."""
    create_tables(ledger.engine)
    origin = log_identity(ledger).origin
    with ledger.engine.connect() as connection:
        rows = connection.execute(select(checkpoints_table).order_by(checkpoints_table.c.tree_size)).all()
    return [_from_row(origin, row) for row in rows]


def checkpoints_from(ledger, from_size: int, limit: int) -> list[Checkpoint]:
    """Up to ``limit`` stored checkpoints of at least ``from_size`` events, smallest first."""
    create_tables(ledger.engine)
    origin = log_identity(ledger).origin
    with ledger.engine.connect() as connection:
        rows = connection.execute(select(checkpoints_table).where(checkpoints_table.c.tree_size >= from_size)
                                  .order_by(checkpoints_table.c.tree_size).limit(limit)).all()
    return [_from_row(origin, row) for row in rows]


def cosign_latest(ledger, witness_key: SigningKey) -> Checkpoint:
    """A witness (finance, an inspector) checks the latest checkpoint and adds
    its cosignature: the ledger's signature must verify, its root must be the
    root of the log's first `tree_size` events, and the witness key must be the
    party's currently valid registered key."""
    from ledger.aggregates.party import Party

    checkpoint = latest_checkpoint(ledger)
    if checkpoint is None:
        raise NotFound("there is no checkpoint to cosign yet; run `vledger checkpoint` first")
    identity = log_identity(ledger)
    problem = signature_problem(checkpoint, identity.ledger_public_key)
    if problem is not None:
        raise Conflict(f"refusing to cosign checkpoint {checkpoint.tree_size}: {problem}")
    if ensure_tree(ledger).tree.root(checkpoint.tree_size).hex() != checkpoint.root_hash:
        raise Conflict(f"refusing to cosign checkpoint {checkpoint.tree_size}: its root is not the log's")
    party = ledger.find(witness_key.actor) if witness_key.actor else None
    if not isinstance(party, Party) or not party.key_is_valid(witness_key.key_id):
        raise KeyNotValid(f"key {witness_key.key_id} is not a valid registered key of party {witness_key.actor}")
    if party.role not in WITNESS_ROLES:
        raise KeyNotValid(f"a {party.role} is not a witness; witnesses are: {', '.join(WITNESS_ROLES)}")
    name = witness_name(party.role, witness_key.actor)
    cosignature = {"name": name, "party": witness_key.actor, "role": party.role, "key_id": witness_key.key_id,
                   "public_key": witness_key.public_key_b64,
                   "signature": witness_key.sign(checkpoint.body().encode("utf-8"))}
    kept = [c for c in checkpoint.cosignatures if c["name"] != name]
    cosignatures = (*kept, cosignature)
    cosigned = replace(checkpoint, cosignatures=cosignatures, cosignatures_text=cosignatures_text(cosignatures))
    with ledger.engine.begin() as connection:
        connection.execute(update(checkpoints_table).where(checkpoints_table.c.tree_size == checkpoint.tree_size)
                           .values(cosignatures=cosigned.cosignatures_text))
    return cosigned
