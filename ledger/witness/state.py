"""The witness's own memory: for each log (by origin), the latest checkpoint
it cosigned, as the signed note it returned (the log's signatures and its
cosignature), in ``<state dir>/<SHA-256 of the origin, hex>.checkpoint``.

Writes are atomic and durable (a temporary file, fsync, rename, fsync of the
folder), so a crash leaves the old checkpoint or the new one, never half of
one. ``locked`` holds an exclusive flock per log for the whole check-and-store
(C2SP tlog-witness: checking the old size and storing the new checkpoint are
one atomic step), across threads and processes sharing the folder.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ledger.note import parse_checkpoint_body

MAX_STATE_FILE_BYTES = 1_048_576 + 4096


def origin_hash(origin: str) -> str:
    """The lowercase hex SHA-256 of the origin (the monitoring path in C2SP tlog-witness)."""
    return hashlib.sha256(origin.encode("utf-8")).hexdigest()


class WitnessState:
    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)

    def _path(self, origin: str, suffix: str) -> Path:
        return self.folder / f"{origin_hash(origin)}.{suffix}"

    @contextmanager
    def locked(self, origin: str) -> Iterator[None]:
        descriptor = os.open(self._path(origin, "lock"), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX)
            yield
        finally:
            os.close(descriptor)  # closing releases the lock

    def note(self, origin: str) -> str | None:
        """The cosigned checkpoint note last stored for this log, or None."""
        path = self._path(origin, "checkpoint")
        try:
            with open(path, "rb") as handle:
                data = handle.read(MAX_STATE_FILE_BYTES + 1)
        except FileNotFoundError:
            return None
        if len(data) > MAX_STATE_FILE_BYTES:
            raise ValueError(f"witness state {path} is larger than a checkpoint can be")
        return data.decode("utf-8")

    def latest(self, origin: str) -> tuple[int, bytes] | None:
        """``(tree size, root hash)`` of the checkpoint last stored for this log, or None."""
        note = self.note(origin)
        if note is None:
            return None
        body = note[: note.rfind("\n\n") + 1]
        stored_origin, size, root = parse_checkpoint_body(body)
        if stored_origin != origin:
            raise ValueError(f"witness state for {origin!r} holds a checkpoint of {stored_origin!r}")
        return size, root

    def store(self, origin: str, note: str) -> None:
        """Atomically and durably replaces the log's checkpoint; call it inside ``locked(origin)``."""
        path = self._path(origin, "checkpoint")
        temporary = path.with_suffix(".tmp")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(note.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
        folder = os.open(self.folder, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)
