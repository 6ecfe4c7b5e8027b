"""Keeps the read side current while the server runs: a background thread
calls the projections' `catch_up` every few seconds (exactly once per event,
tracked by the projections themselves). Absent projections, it does nothing."""

from __future__ import annotations

import logging
import threading
from typing import Any

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
        try:
            from projections import catch_up
        except ImportError:
            return
        while not self.stopping.is_set():
            try:
                catch_up(self.ledger)
            except Exception:  # keep serving; /readyz reports the lag
                log.exception("projection catch-up failed; retrying in %s s", self.interval_seconds)
            self.stopping.wait(self.interval_seconds)
