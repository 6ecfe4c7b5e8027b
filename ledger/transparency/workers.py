"""Running the per-event content checks of `ledger.verify` on several
processes: Ed25519 verification (~7.6k/s per core) and canonical JSON bound
`vledger verify`, and each event's check needs nothing but the event and the
public key the sequential pass chose for it.

Chunks are sent with a bounded window in flight, so memory stays flat
however long the log is, and results come back in log order."""

from __future__ import annotations

import multiprocessing
from collections import deque
from typing import Callable, Iterable, Iterator, TypeVar

Chunk = TypeVar("Chunk")
Result = TypeVar("Result")

IN_FLIGHT_PER_PROCESS = 3


def run_in_order(function: Callable[[Chunk], Result], chunks: Iterable[Chunk], processes: int) -> Iterator[Result]:
    """`function(chunk)` for each chunk, in order; on `processes` worker
    processes when more than one, else inline. Stop iterating to stop early."""
    if processes <= 1:
        for chunk in chunks:
            yield function(chunk)
        return
    context = multiprocessing.get_context("spawn")  # workers import only what the function needs
    with context.Pool(processes) as pool:
        pending: deque = deque()
        for chunk in chunks:
            pending.append(pool.apply_async(function, (chunk,)))
            if len(pending) >= processes * IN_FLIGHT_PER_PROCESS:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()
