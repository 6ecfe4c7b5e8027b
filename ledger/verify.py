"""Offline verification of the event log (J1), for an inspector who trusts
nobody: it reads only stored bytes (plain JSON) and the public keys recorded
in the log itself, so it runs on a copy of the database or on an export.

For every event, in global order:

1. its own hash: SHA-256 of the canonical record rebuilt from what is stored
   equals the `event_hash` it carries (nothing altered);
2. its chain link: its aggregate's versions run 1, 2, 3... and its
   `previous_hash` is the hash of that aggregate's previous event (nothing
   inserted, dropped or reordered within an aggregate);
3. its signature: by a key registered to the actor before this point of the
   log (Party.Registered / KeyRotated) and not rotated out or revoked
   (KeyRevoked) before it, whose role may take the step; the genesis event is
   self-signed by the trust root (pin it with `trust_root_public_key`);
4. its command: the events of one command are consecutive, carry the same
   envelope and signature, and end with the command's one Receipt (a
   replayed envelope would need a second receipt, which cannot exist); its
   envelope names this log's origin (issue 13; envelopes without `ledger`
   are the earlier format, accepted only before the first that has one);
5. its stored bytes (ledger/stored_form.py, docs/decisions/0022): the row is
   byte for byte what its sealed content encodes to, its library timestamp
   is its sealed `recorded_at`, and the tree store's leaf at its position
   names its notification id and hash; its topic is a stable type name, or a
   module path of the log before issue 16, accepted only before the first
   stable one (docs/decisions/0046).

Hashes are computed over the facts as stored; what the sequential pass reads
of them (keys, roles) is upcast to this code's schema version first
(ledger/event_types.py), so old events verify byte for byte and are read in
today's shape.

And for the log as a whole: the RFC 9162 Merkle root over the event hashes,
recomputed while streaming (`Frontier`, O(log n) memory), equals the root of
every stored checkpoint at its size, each checkpoint is signed by the ledger
key the genesis event names, and each witness cosignature verifies with a key
registered to that witness. Equal roots at every checkpoint mean successive
checkpoints are consistent. A checkpoint saved earlier by the inspector
(`saved_checkpoint`) is checked the same way, so a rewritten, truncated or
reordered history, or deleted checkpoint rows, are caught even when the
attacker could write to the database.

Checks 1, 3's signature and 5's bytes need only the event and a public key,
so they run on several processes (ledger/verify_content.py); everything that depends on order
runs once, in order (`ChainVerifier`). Memory holds the keys and a bounded
number of chain heads (ledger/chain_heads.py: the rest in a scratch table),
never the events.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, Protocol

from ledger.aggregates.indexes import Receipt
from ledger.chain import GENESIS_PREVIOUS_HASH
from ledger.chain_heads import ChainHeads
from ledger.event_types import is_historical, stored_version, type_name, upcast
from ledger.merkle import EMPTY_ROOT, leaf_hash
from ledger.stored_form import checkpoint_form_problem
from ledger.transparency.checkpoints import WITNESS_ROLES, Checkpoint, cosignature_problem, signature_problem
from ledger.transparency.frontier import Frontier
from ledger.transparency.workers import run_in_order
from ledger.verify_content import Job, Problem, check_chunk, content_problem  # noqa: F401 - content_problem for callers

CHUNK_EVENTS = 1000


class StoredNotification(Protocol):
    id: int
    originator_id: Any
    originator_version: int
    topic: str
    state: bytes


@dataclass
class KeyState:
    party: str
    role: str
    public_key: str
    revoked: bool = False


# --- the sequential checks (one process, in log order) ---


@dataclass
class ChainVerifier:
    """Feed it notifications in global order with `admit`; it checks links,
    keys, commands and checkpoints, and returns each event's content job."""

    trust_root_public_key: str | None = None
    checkpoints: list[Checkpoint] = field(default_factory=list)
    saved_checkpoint: Checkpoint | None = None
    partial_log: bool = False  # a bundle: chosen events only, so commands lack their receipts
    stored_leaves: Iterator[tuple[int, int, bytes]] | None = None  # the tree store's (index, id, hash), in order
    heads: ChainHeads = field(default_factory=ChainHeads)
    keys: dict[tuple[str, str], KeyState] = field(default_factory=dict)
    roles: dict[str, str] = field(default_factory=dict)
    erased: set[str] = field(default_factory=set)
    frontier: Frontier = field(default_factory=Frontier)
    origin: str = ""
    ledger_public_key: str = ""
    envelopes_name_ledger: bool = False
    stable_topics: bool = False  # an event stored under a stable name was read (issue 16)
    first_problem: Problem | None = None
    checkpoints_checked: int = 0

    def __post_init__(self) -> None:
        from ledger.steps import load_all_steps

        self.steps = load_all_steps()
        self._pending = sorted(self.checkpoints, key=lambda c: c.tree_size)
        if self.saved_checkpoint is not None:
            self._pending = sorted([*self._pending, self.saved_checkpoint], key=lambda c: c.tree_size)
        self._group: dict[str, Any] | None = None  # the command whose events are being read

    @property
    def events_admitted(self) -> int:
        return self.frontier.size

    def admit(self, notification: StoredNotification) -> Job | None:
        """The content job for this event, or None after recording a problem."""
        position = self.frontier.size + 1
        aggregate_id = str(notification.originator_id)
        try:
            stored = json.loads(notification.state)
            seal = stored["seal"]
            event_type = type_name(notification.topic)
            facts = upcast(event_type, stored_version(stored), stored["facts"])  # read at this code's version
            claimed_hash = seal["event_hash"]
            envelope, signature = seal["envelope"], seal["signature"]
            leaf = leaf_hash(bytes.fromhex(claimed_hash))
            assert len(claimed_hash) == 64 and isinstance(envelope, dict) and isinstance(facts, dict)
        except Exception as error:  # noqa: BLE001 - anything unreadable is tampering
            return self._fail(position, notification, f"the stored event cannot be read: {error!r}")
        message = (self._leaf_problem(position, notification.id, claimed_hash)
                   or self._topic_problem(notification.topic)
                   or self._link_problem(notification, aggregate_id, seal)
                   or self._command_problem(position, aggregate_id, event_type, notification, envelope, signature,
                                            facts))
        if message is not None:
            return self._fail(position, notification, message)
        try:
            self._learn(aggregate_id, event_type, facts)
        except (KeyError, TypeError) as error:  # a key event missing its facts is altered, never a crash
            return self._fail(position, notification, f"its key facts cannot be read: {error!r} (altered)")
        self.heads.set(aggregate_id, notification.originator_version, claimed_hash)
        self.frontier.append(leaf)
        check_signature = self._group["first"]
        self._group["first"] = False
        self._check_due_checkpoints()
        public_key = self._group["public_key"] if check_signature else ""
        return (position, notification.id, aggregate_id, notification.originator_version, notification.topic,
                notification.state, public_key)

    def finish(self) -> None:
        """After the last event: the last command is complete, and no
        checkpoint is beyond the end of the log (truncation)."""
        if self.first_problem is None:
            self._close_group(self.frontier.size)
        if self.first_problem is None and self._pending:
            beyond = self._pending[0]
            self._fail_checkpoint(beyond.tree_size, f"it covers {beyond.tree_size} events but the log has only "
                                                    f"{self.frontier.size}: events were removed (truncated)")

    def _leaf_problem(self, position: int, notification_id: int, claimed_hash: str) -> str | None:
        """The tree store's leaf at this position, while it has one, names this
        event's notification id and hash: a renumbered event (its id is not
        hashed) or an altered leaf shows here."""
        if self.stored_leaves is None:
            return None
        leaf = next(self.stored_leaves, None)
        if leaf is None:
            self.stored_leaves = None  # the tree store ends here (it is extended lazily)
            return None
        index, leaf_notification_id, leaf_event_hash = leaf
        if index != position - 1 or leaf_notification_id != notification_id \
                or bytes(leaf_event_hash).hex() != claimed_hash:
            return (f"the Merkle tree's leaf {index} records event #{leaf_notification_id}, not this one at position "
                    f"{position}: an event was renumbered, or the tree store altered")
        return None

    def _topic_problem(self, topic: str) -> str | None:
        """Module-path topics are the format before issue 16: accepted only
        until the first event stored under a stable name, since the ledger
        has stored every event under its stable name ever since."""
        if not is_historical(topic):
            self.stable_topics = True
        elif self.stable_topics:
            return (f"its topic {topic!r} is a module path, stored after events began to carry stable names "
                    "(altered)")
        return None

    # 2. chain links
    def _link_problem(self, notification, aggregate_id: str, seal: dict[str, Any]) -> str | None:
        version, previous = self.heads.get(aggregate_id) or (0, GENESIS_PREVIOUS_HASH)
        if notification.originator_version != version + 1:
            return (f"version {notification.originator_version} follows {version} "
                    "(an event of this aggregate is missing, duplicated or reordered)")
        if seal.get("previous_hash") != previous:
            return "its previous_hash does not link to the aggregate's last event"
        return None

    # 3 and 4. who signed, and the command's events
    def _command_problem(self, position: int, aggregate_id: str, event_type: str, notification,
                         envelope: dict[str, Any], signature: str, facts: dict[str, Any]) -> str | None:
        group = self._group
        if group is None or envelope.get("command_id") != group["envelope"].get("command_id"):
            problem = self._close_group(position - 1)
            if problem is not None:
                return problem
            public_key, problem = self._signer_key(position, envelope, facts)
            problem = problem or self._envelope_ledger_problem(envelope)
            if problem is not None:
                return problem
            group = self._group = {"envelope": envelope, "signature": signature, "public_key": public_key,
                                   "first": True, "receipt": False}
        elif group["receipt"]:
            return "an event of a command after that command's receipt (replayed command)"
        elif envelope != group["envelope"] or signature != group["signature"]:
            return "its envelope or signature differs from the other events of the same command"
        if event_type == "Receipt.Recorded":
            if aggregate_id != str(Receipt.id_for(envelope.get("command_id", ""))) \
                    or notification.originator_version != 1:
                return "a receipt that is not the first and only receipt of its command_id (replayed command)"
            group["receipt"] = True
        return None

    def _close_group(self, last_position: int) -> str | None:
        if self._group is not None and not self._group["receipt"] and not self.partial_log:
            message = f"command {self._group['envelope'].get('command_id')} has no receipt (replayed or truncated)"
            self.first_problem = self.first_problem or Problem(last_position, 0, "command", message)
            return message
        return None

    def _envelope_ledger_problem(self, envelope: dict[str, Any]) -> str | None:
        """Every envelope names this log's origin (issue 13). Envelopes with no
        `ledger` are the earlier format, recorded before issue 13: accepted,
        but only until the first envelope that names the ledger, since the
        ledger has refused the earlier format ever since."""
        if "ledger" not in envelope:
            if self.envelopes_name_ledger:
                return "an envelope that names no ledger, recorded after envelopes began to name it (forged)"
            return None
        self.envelopes_name_ledger = True
        if envelope["ledger"] != self.origin:
            return f"its envelope is for the ledger {envelope['ledger']!r}, not this log's {self.origin!r}"
        return None

    def _signer_key(self, position: int, envelope: dict[str, Any], facts: dict[str, Any]) -> tuple[str, str | None]:
        if envelope.get("command") == "genesis":
            if position != 1:
                return "", "a genesis that is not the first event of the log"
            public_key = facts.get("public_key", "")
            if self.trust_root_public_key and public_key != self.trust_root_public_key:
                return "", "the genesis trust root is not the one you trust"
            self.origin, self.ledger_public_key = facts.get("origin", ""), facts.get("ledger_public_key", "")
            return public_key, None
        actor, key_id = envelope.get("actor", ""), envelope.get("key_id", "")
        key = self.keys.get((actor, key_id))
        if key is None:
            return "", f"signed with key {key_id}, not registered to actor {actor} before this event"
        if key.revoked:
            return "", f"signed with key {key_id} after it was revoked or rotated out"
        if actor in self.erased:
            return "", f"signed by party {actor} after it was erased"
        step = self.steps.get(envelope.get("command", ""))
        if step is None or key.role not in step.roles:
            return "", f"a {key.role} may not take the step {envelope.get('command')!r}"
        return key.public_key, None

    def _learn(self, aggregate_id: str, event_type: str, facts: dict[str, Any]) -> None:
        """Key lifecycle (trust model): registered, rotated (all earlier keys
        stop), revoked; erased parties act no more."""
        if event_type == "Party.Registered":
            self.roles[aggregate_id] = facts["role"]
            self.keys[(aggregate_id, facts["key_id"])] = KeyState(aggregate_id, facts["role"], facts["public_key"])
        elif event_type == "Party.KeyRotated":
            for (party, _key_id), key in self.keys.items():
                if party == aggregate_id:
                    key.revoked = True
            self.keys[(aggregate_id, facts["key_id"])] = KeyState(aggregate_id, self.roles[aggregate_id],
                                                                  facts["public_key"])
        elif event_type == "Party.KeyRevoked":
            self.keys[(aggregate_id, facts["key_id"])].revoked = True
        elif event_type == "Party.Erased":
            self.erased.add(aggregate_id)

    # checkpoints
    def _check_due_checkpoints(self) -> None:
        """Checks every checkpoint whose size the log has reached against the
        root at that size. Those of size 0 are checked once genesis has named
        the log and its key, against the empty tree's root."""
        if self.frontier.size == 1:
            while self._pending and self._pending[0].tree_size == 0 and self.first_problem is None:
                self._check_checkpoint(self._pending.pop(0), EMPTY_ROOT)
        while self._pending and self._pending[0].tree_size <= self.frontier.size and self.first_problem is None:
            self._check_checkpoint(self._pending.pop(0), self.frontier.root())

    def _check_checkpoint(self, checkpoint: Checkpoint, root: bytes) -> None:
        self.checkpoints_checked += 1
        name = "the checkpoint you saved" if checkpoint is self.saved_checkpoint else "it"
        if (problem := checkpoint_form_problem(checkpoint)) is not None:
            self._fail_checkpoint(checkpoint.tree_size, problem)
        elif checkpoint.origin != self.origin:
            self._fail_checkpoint(checkpoint.tree_size, f"{name} is for log {checkpoint.origin!r}, not {self.origin!r}")
        elif root.hex() != checkpoint.root_hash:
            self._fail_checkpoint(checkpoint.tree_size, f"{name} does not match the log's Merkle root at "
                                                        "that size: history was rewritten, reordered or removed")
        elif (problem := signature_problem(checkpoint, self.ledger_public_key)) is not None:
            self._fail_checkpoint(checkpoint.tree_size, problem)

    def cosigners(self, checkpoint: Checkpoint) -> tuple[list[str], str | None]:
        """Names of the witnesses whose cosignatures verify with a key
        registered to them in the log, or the first that does not."""
        names = []
        for cosignature in checkpoint.cosignatures:
            if not isinstance(cosignature, dict):
                return names, f"a cosignature is {type(cosignature).__name__}, not a JSON object (altered)"
            key = self.keys.get((cosignature.get("party", ""), cosignature.get("key_id", "")))
            if key is None or key.public_key != cosignature.get("public_key") or key.role not in WITNESS_ROLES \
                    or key.role != cosignature.get("role"):
                return names, f"cosignature by {cosignature.get('name')} is not by a registered witness key"
            try:
                problem = cosignature_problem(checkpoint, cosignature)
            except Exception:  # noqa: BLE001 - malformed cosignature
                problem = f"cosignature by {cosignature.get('name')} is malformed"
            if problem is not None:
                return names, problem
            names.append(cosignature["name"])
        return names, None

    def _fail(self, position: int, notification, message: str) -> None:
        if self.first_problem is None:
            self.first_problem = Problem(position, notification.id, str(notification.originator_id), message)
        return None

    def _fail_checkpoint(self, tree_size: int, message: str) -> None:
        if self.first_problem is None:
            self.first_problem = Problem(tree_size, 0, "checkpoint", message)


# --- the whole run ---


@dataclass
class Report:
    first_problem: Problem | None
    events_checked: int
    aggregates: int
    keys: int
    checkpoints_checked: int
    latest_checkpoint: dict[str, Any] | None
    saved_checkpoint: dict[str, Any] | None
    processes: int
    seconds: float

    @property
    def intact(self) -> bool:
        return self.first_problem is None

    def to_json(self) -> dict[str, Any]:
        return {"intact": self.intact, "events_checked": self.events_checked, "aggregates": self.aggregates,
                "keys": self.keys, "checkpoints_checked": self.checkpoints_checked,
                "latest_checkpoint": self.latest_checkpoint, "saved_checkpoint": self.saved_checkpoint,
                "processes": self.processes, "seconds": round(self.seconds, 3),
                "events_per_second": round(self.events_checked / self.seconds) if self.seconds else None,
                "first_problem": str(self.first_problem) if self.first_problem else None}


def verify_log(notifications: Iterable[StoredNotification], checkpoints: Iterable[Checkpoint] = (), *,
               saved_checkpoint: Checkpoint | None = None, trust_root_public_key: str | None = None,
               processes: int = 1, progress: Callable[[int], None] | None = None,
               stored_leaves: Iterable[tuple[int, int, bytes]] | None = None) -> Report:
    """Verifies a whole log (from a database or an export) and its checkpoints;
    with `stored_leaves` (a database's tree store), that each leaf names its event."""
    started = time.perf_counter()
    checkpoints = sorted(checkpoints, key=lambda c: c.tree_size)
    verifier = ChainVerifier(trust_root_public_key, checkpoints, saved_checkpoint,
                             stored_leaves=iter(stored_leaves) if stored_leaves is not None else None)
    content_problem_found: Problem | None = None
    events_checked = 0
    for count, problem in run_in_order(check_chunk, _chunks(verifier, notifications), processes):
        events_checked += count
        if progress is not None:
            progress(count)
        if problem is not None:
            content_problem_found = problem
            break
    else:
        verifier.finish()
    problems = [p for p in (verifier.first_problem, content_problem_found) if p is not None]
    first = min(problems, key=lambda p: (p.position, p.aggregate_id == "checkpoint"), default=None)
    if first is not None:  # the events before the problem; a checkpoint's problem, at most the log's events
        events_checked = (min(first.position, verifier.events_admitted) if first.aggregate_id == "checkpoint"
                          else first.position - 1)
    else:
        first = _first_cosignature_problem(verifier, [*checkpoints, *([saved_checkpoint] if saved_checkpoint else [])])
    verifier.heads.close()
    return Report(first, events_checked, len(verifier.heads), len(verifier.keys), verifier.checkpoints_checked,
                  _summary(verifier, checkpoints[-1] if checkpoints else None),
                  _summary(verifier, saved_checkpoint), max(processes, 1), time.perf_counter() - started)


def _summary(verifier: ChainVerifier, checkpoint: Checkpoint | None) -> dict[str, Any] | None:
    if checkpoint is None:
        return None
    names, _problem = verifier.cosigners(checkpoint)
    return {"tree_size": checkpoint.tree_size, "root_hash": checkpoint.root_hash, "timestamp": checkpoint.timestamp,
            "cosigned_by": names}


def _first_cosignature_problem(verifier: ChainVerifier, checkpoints: list[Checkpoint]) -> Problem | None:
    """Witness cosignatures are checked last: a witness may register after the checkpoint it cosigns."""
    for checkpoint in checkpoints:
        _names, problem = verifier.cosigners(checkpoint)
        if problem is not None:
            return Problem(checkpoint.tree_size, 0, "checkpoint", problem)
    return None


def _chunks(verifier: ChainVerifier, notifications: Iterable[StoredNotification]) -> Iterator[list[Job]]:
    chunk: list[Job] = []
    for notification in notifications:
        job = verifier.admit(notification)
        if job is None:
            break
        chunk.append(job)
        if len(chunk) >= CHUNK_EVENTS:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def verify_notifications(notifications: Iterable[StoredNotification], *, trust_root_public_key: str | None = None,
                         progress=None) -> Report:
    """The log alone, on this process (kept for callers of the first version)."""
    return verify_log(notifications, trust_root_public_key=trust_root_public_key, progress=progress)
