"""Followers of the log run as separate processes so that a test can SIGKILL
them half-way: `python -m tests.follower_workers projections|checkpoint URL KEYS`.
Each prints one line per batch it committed, and pauses briefly after it, so
the kill lands between or inside batches, never after the end."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from ledger.application import VoucherLedger

BATCH_EVENTS = 10
PAUSE_SECONDS = 0.05


def follow_projections(ledger: VoucherLedger) -> None:
    from projections import catch_up

    def progress(events: int) -> None:
        print(f"batch {events}", flush=True)
        time.sleep(PAUSE_SECONDS)

    catch_up(ledger, batch_size=BATCH_EVENTS, progress=progress)
    print("done", flush=True)


def checkpoint(ledger: VoucherLedger) -> None:
    from ledger.transparency import record_checkpoint, tree_store

    tree_store.BATCH_SIZE = BATCH_EVENTS
    select_notifications = ledger.recorder.select_notifications

    def announced(*args, **kwargs):
        print("batch", flush=True)
        time.sleep(PAUSE_SECONDS)
        return select_notifications(*args, **kwargs)

    ledger.recorder.select_notifications = announced
    record_checkpoint(ledger)
    print("done", flush=True)


if __name__ == "__main__":
    role, database_url, keys_dir = sys.argv[1:4]
    ledger = VoucherLedger(database_url, keys=Path(keys_dir))
    {"projections": follow_projections, "checkpoint": checkpoint}[role](ledger)
