"""Keeps the server's followers of the log current: a background thread brings
the projections up to date (exactly once per event, tracked by the projections
themselves) and records a signed checkpoint when one is due (every N events or
T seconds: VLEDGER_CHECKPOINT_EVERY_EVENTS / _SECONDS).

A view that cannot apply an event (`ViewFailed`) is a bug, not a hiccup: the
failure is recorded where /readyz and the ledger page show it, logged, and
retried with a doubling pause (up to MAX_BACKOFF_SECONDS), never in a tight
loop; checkpoints go on meanwhile."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from ledger.errors import ViewFailed
from ledger.transparency import checkpoint_if_due
from projections import catch_up

log = logging.getLogger("vledger.http")
INTERVAL_SECONDS = 2.0
MAX_BACKOFF_SECONDS = 300.0


class ProjectionFollower:
    def __init__(self, ledger: Any, interval_seconds: float = INTERVAL_SECONDS) -> None:
        self.ledger = ledger
        self.interval_seconds = interval_seconds
        self.stopping = threading.Event()
        self.backoff_seconds = 0.0  # the pause before retrying a failed view; 0 while the views are sound
        self.next_retry = 0.0
        self.thread = threading.Thread(target=self._run, name="vledger-projections", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join(timeout=30)

    def _run(self) -> None:
        while not self.stopping.is_set():
            self._follow()
            try:
                checkpoint_if_due(self.ledger)
            except Exception:  # keep serving; the next round tries again
                log.exception("checkpointing failed; retrying in %s s", self.interval_seconds)
            self.stopping.wait(self.interval_seconds)

    def _follow(self) -> None:
        if time.monotonic() < self.next_retry:
            return
        try:
            catch_up(self.ledger)
            self.backoff_seconds = 0.0
        except ViewFailed:  # recorded and logged by catch_up; /readyz answers 503 naming it
            self.backoff_seconds = min(MAX_BACKOFF_SECONDS, max(self.interval_seconds, self.backoff_seconds * 2))
            self.next_retry = time.monotonic() + self.backoff_seconds
        except Exception:  # keep serving; /readyz reports the lag
            log.exception("projection catch-up failed; retrying in %s s", self.interval_seconds)
