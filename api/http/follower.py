"""Keeps the server's followers of the log current: a background thread brings
the projections up to date (exactly once per event, tracked by the projections
themselves) and records a signed checkpoint when one is due (every N events or
T seconds: VLEDGER_CHECKPOINT_EVERY_EVENTS / _SECONDS)."""

from __future__ import annotations

import logging
import threading
from typing import Any

from ledger.transparency import checkpoint_if_due
from projections import catch_up

log = logging.getLogger("vledger.http")
INTERVAL_SECONDS = 2.0


class ProjectionFollower:
    def __init__(self, ledger: Any, interval_seconds: float = INTERVAL_SECONDS) -> None:
        self.ledger = ledger
        self.interval_seconds = interval_seconds
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, name="vledger-projections", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join(timeout=30)

    def _run(self) -> None:
        while not self.stopping.is_set():
            try:
                catch_up(self.ledger)
            except Exception:  # keep serving; /readyz reports the lag
                log.exception("projection catch-up failed; retrying in %s s", self.interval_seconds)
            try:
                checkpoint_if_due(self.ledger)
            except Exception:  # keep serving; the next round tries again
                log.exception("checkpointing failed; retrying in %s s", self.interval_seconds)
            self.stopping.wait(self.interval_seconds)
