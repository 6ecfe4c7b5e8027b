"""A served ledger whose clock the test moves forward, for a browser test of
the whole loop: H4 lets a class be filed only before it starts, training is
recorded only up to now and the review counts sessions outside the class
period (L13), and H7's public notice runs at least a day; so on the real
clock one run cannot go from filing to payment. This is `vledger serve`'s own
app (api.http.app.create_app) over a ledger whose clock is the real time plus
the days written in a file; the browser keeps the real time, so the ledger's
signed_at window is widened to cover the shift (VLEDGER_SIGNED_AT_WINDOW_SECONDS).
Run as a script: python -m tests.shifted_server DATABASE_URL KEYS PORT OFFSET_FILE."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

from tests.browser import DemoLedger, Server, free_port

SIGNED_AT_WINDOW_SECONDS = 30 * 24 * 3600


class ShiftedServer(Server):
    def __init__(self, demo: DemoLedger) -> None:  # noqa: super().__init__ would start `vledger serve`
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.offset_file = demo.folder / "clock-offset-days"
        self.offset_file.write_text("0")
        self.log = (demo.folder / "shifted-serve.log").open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.shifted_server", demo.database_url, str(demo.folder / "vledger-keys"),
             str(self.port), str(self.offset_file)], cwd=Path(__file__).resolve().parent.parent,
            env={**os.environ, "VLEDGER_DB": demo.database_url,
                 "VLEDGER_SIGNED_AT_WINDOW_SECONDS": str(SIGNED_AT_WINDOW_SECONDS)},
            stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.STDOUT)
        self._wait()

    def shift(self, days: float) -> None:
        """Moves the ledger's clock to `days` after the real time."""
        self.offset_file.write_text(str(days))


def shifted_clock(offset_file: Path):
    def now() -> datetime:
        return datetime.now(timezone.utc) + timedelta(days=float(offset_file.read_text() or 0))
    return now


def main(database_url: str, keys: str, port: str, offset_file: str) -> None:
    import uvicorn

    from api.http.app import create_app
    from ledger.application import VoucherLedger

    ledger = VoucherLedger(database_url, keys=Path(keys), clock=shifted_clock(Path(offset_file)))
    application = create_app(ledger=ledger, follow_projections=True)
    uvicorn.run(application, host="127.0.0.1", port=int(port), log_config=None, access_log=False)


if __name__ == "__main__":
    main(*sys.argv[1:5])
