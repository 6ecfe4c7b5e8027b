"""The witness's decision on one ``add-checkpoint`` request (c2sp.org/tlog-witness):
parse, check the log's signature, check the old size against its own latest
checkpoint of that log, check the consistency proof, and only then cosign and
remember. Every refusal is a ``WitnessRefusal`` carrying the HTTP status the
specification names; nothing is stored unless the checkpoint is cosigned.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ledger.merkle import verify_consistency
from ledger.note import MAX_NOTE_SIZE_BYTES, SIGNATURE_LINE_PREFIX, open_note, parse_checkpoint_body, \
    parse_verifier_key
from ledger.signing import SigningKey
from ledger.witness import cosignature
from ledger.witness.state import WitnessState

MAX_PROOF_LINES = 63
MAX_REQUEST_BYTES = MAX_NOTE_SIZE_BYTES + 64 * 64
EMPTY_TREE_ROOT = hashlib.sha256(b"").digest()
_OLD_SIZE_LINE = re.compile(r"old (0|[1-9][0-9]{0,18})")


@dataclass
class WitnessRefusal(Exception):
    status: int  # 400 malformed, 403 bad or no log signature, 404 unknown log, 409 stale old size, 422 inconsistent
    detail: str
    witness_size: int | None = None  # for 409: the size of the witness's latest checkpoint of the log

    def __str__(self) -> str:
        return self.detail


@dataclass(frozen=True)
class AddCheckpoint:
    old_size: int
    proof: tuple[bytes, ...]
    note: str


def parse_request(data: bytes) -> AddCheckpoint:
    """``old N`` line, up to 63 base64 proof lines, an empty line, the signed checkpoint note."""
    if len(data) > MAX_REQUEST_BYTES:
        raise WitnessRefusal(400, f"the request is larger than {MAX_REQUEST_BYTES} bytes")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise WitnessRefusal(400, "the request is not UTF-8 text") from None
    head, separator, note = text.partition("\n\n")
    if not separator:
        raise WitnessRefusal(400, "the request has no empty line between the proof and the checkpoint")
    lines = head.split("\n")
    matched = _OLD_SIZE_LINE.fullmatch(lines[0])
    if matched is None:
        raise WitnessRefusal(400, "the first line is `old <size>`, the size in decimal without leading zeros")
    if len(lines) - 1 > MAX_PROOF_LINES:
        raise WitnessRefusal(400, f"a consistency proof has at most {MAX_PROOF_LINES} lines")
    proof = tuple(_proof_hash(line) for line in lines[1:])
    return AddCheckpoint(int(matched.group(1)), proof, note)


def _proof_hash(line: str) -> bytes:
    try:
        value = binascii.a2b_base64(line.encode("ascii"), strict_mode=True)
    except (binascii.Error, UnicodeEncodeError):
        value = b""
    if len(value) != 32 or base64.b64encode(value).decode("ascii") != line:
        raise WitnessRefusal(400, f"proof line {line[:60]!r} is not the base64 of a 32-byte hash")
    return value


class Witness:
    def __init__(self, key: SigningKey, name: str, log_vkeys: Sequence[str], state: WitnessState,
                 clock: Callable[[], float] = time.time) -> None:
        self.key, self.name, self.state, self.clock = key, name, state, clock
        self.vkey = cosignature.verifier_key(name, key.public_key_raw)
        self.logs: dict[str, list[str]] = {}
        for vkey in log_vkeys:
            origin = parse_verifier_key(vkey)[0]  # a log signs under its origin (c2sp.org/tlog-checkpoint)
            self.logs.setdefault(origin, []).append(vkey)
        if not self.logs:
            raise ValueError("a witness follows at least one log; give its verifier key")

    def add_checkpoint(self, data: bytes) -> str:
        """The cosignature line for a consistent extension; raises ``WitnessRefusal`` otherwise."""
        request = parse_request(data)
        split = request.note.rfind("\n\n")
        try:
            origin, size, root = parse_checkpoint_body(request.note[: split + 1] if split >= 0 else request.note)
        except ValueError as error:
            raise WitnessRefusal(400, f"the checkpoint is malformed: {error}") from None
        if origin not in self.logs:
            raise WitnessRefusal(404, f"this witness does not follow a log with origin {origin!r}")
        try:
            body, _signers = open_note(request.note, self.logs[origin])
        except ValueError as error:
            raise WitnessRefusal(403, f"the checkpoint is not signed by the log's key: {error}") from None
        if request.old_size > size:
            raise WitnessRefusal(400, f"old size {request.old_size} is larger than the checkpoint's size {size}")
        with self.state.locked(origin):
            latest = self.state.latest(origin)
            witness_size, witness_root = latest if latest is not None else (0, EMPTY_TREE_ROOT)
            if request.old_size != witness_size:
                raise WitnessRefusal(409, f"this witness's latest checkpoint of {origin} has size {witness_size}, "
                                          f"not {request.old_size}", witness_size)
            _check_consistent(request, size, root, witness_root)
            line = cosignature.cosign(body, self.name, self.key, int(self.clock()))
            self.state.store(origin, self._kept_note(request.note, body) + line)
        return line

    def _kept_note(self, note: str, body: str) -> str:
        """The submitted note without any earlier line by this witness's name."""
        lines = note[len(body) + 1:].splitlines(keepends=True)
        own = f"{SIGNATURE_LINE_PREFIX}{self.name} "
        return body + "\n" + "".join(line for line in lines if not line.startswith(own))


def _check_consistent(request: AddCheckpoint, size: int, root: bytes, witness_root: bytes) -> None:
    if size == 0 and root != EMPTY_TREE_ROOT:
        raise WitnessRefusal(422, "a checkpoint of size 0 must have the empty tree's root")
    if request.old_size == 0:
        if request.proof:
            raise WitnessRefusal(422, "a proof from size 0 must be empty")
        return
    if request.old_size == size:
        if request.proof or root != witness_root:
            raise WitnessRefusal(422, f"a different checkpoint at size {size} than the one this witness "
                                      "cosigned: the log forked")
        return
    if not verify_consistency(request.old_size, size, witness_root, root, request.proof):
        raise WitnessRefusal(422, f"the consistency proof from size {request.old_size} to {size} does not verify "
                                  "against this witness's checkpoint: the log's history was rewritten")
