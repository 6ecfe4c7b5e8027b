"""Support for the browser tests: a real `vledger serve` on 127.0.0.1 over a
small demo ledger in a temporary folder, and Debian's headless Chromium
driven by Playwright (its own browser download does not work here; `make
test-sqlite` installs Chromium with scripts/chromium-for-tests.sh)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from ledger.application import VoucherLedger
from ledger.signing import SigningKey
from ledger.transparency import cosign_latest, record_checkpoint
from tests.world import World

CHROMIUM = os.environ.get("VLEDGER_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
SERVER_START_SECONDS = 60
LONG_TIMELINE_EVENTS = 50


def artifacts_dir() -> Path:
    """Where screenshots and timings go (VLEDGER_TEST_ARTIFACTS, else a temp folder)."""
    folder = Path(os.environ.get("VLEDGER_TEST_ARTIFACTS") or Path(tempfile.gettempdir()) / "vledger-test-artifacts")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


DOCS_SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


def screenshot(page: Any, name: str, full_page: bool = True) -> Path:
    """The page as a picture in the artifacts folder; with VLEDGER_SCREENSHOTS_TO_DOCS=1 also
    in docs/screenshots, to refresh the committed ones (a plain test run leaves the tree clean)."""
    path = artifacts_dir() / name
    page.screenshot(path=str(path), full_page=full_page)
    if os.environ.get("VLEDGER_SCREENSHOTS_TO_DOCS"):
        DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        (DOCS_SCREENSHOTS / name).write_bytes(path.read_bytes())
    return path


def vledger_command() -> list[str]:
    script = Path(sys.executable).parent / "vledger"
    return [str(script)] if script.exists() else [sys.executable, "-m", "api.cli"]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class DemoLedger:
    folder: Path
    database_url: str
    inspector_key: Path
    institution_keys: list[Path]
    long_voucher: str  # a voucher with LONG_TIMELINE_EVENTS events
    long_voucher_institution: SigningKey
    long_voucher_national_id: str
    busiest_institution: str  # the demo institution with the most money movements (for the chart)
    events: int

    def key_file(self, label: str) -> Path:
        """The key file `vledger demo` wrote for `label`, e.g. "liaoning-bureau"."""
        return self.folder / "vledger-keys" / "demo" / f"{label}.json"


def run_vledger(folder: Path, database_url: str, *arguments: str) -> str:
    environment = {**os.environ, "VLEDGER_DB": database_url}
    done = subprocess.run([*vledger_command(), *arguments], cwd=folder, env=environment, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"vledger {' '.join(arguments)} failed: {done.stderr[-2000:]}"
    return done.stdout


def build_demo_ledger(folder: Path) -> DemoLedger:
    """`vledger init` + `vledger demo --vouchers 10`, a voucher with 50 events
    (online and offline records through the test world's helpers), then a
    checkpoint of it all cosigned by the inspector (a witness)."""
    database_url = f"sqlite:///{folder / 'vledger.db'}"
    run_vledger(folder, database_url, "init")
    run_vledger(folder, database_url, "demo", "--vouchers", "10")
    keys = folder / "vledger-keys"
    ledger = VoucherLedger(database_url, keys=keys)
    try:
        world = World(ledger, "liaoning")
        personal = world.person()
        trainee = world.trainee(personal)
        filing = world.approved_filing()
        voucher = world.issue(trainee)
        world.claim_and_choose(trainee, voucher)
        world.do(world.institution, "enrol", voucher, {"filing": str(filing)})
        world.clock.advance(days=3)
        for record in range(LONG_TIMELINE_EVENTS - 4):  # after issued, claimed, institution chosen, enrolled
            world.clock.advance(hours=1)
            if record % 2:
                world.online(voucher, 10)
            else:
                world.offline(voucher, 10)
        assert len(ledger.stored_events(voucher)) == LONG_TIMELINE_EVENTS
        record_checkpoint(ledger)
        cosign_latest(ledger, SigningKey.load(keys / "demo" / "inspector.json"))
        events = ledger.max_notification_id()
        busiest = busiest_institution(ledger)
    finally:
        ledger.close()
    institution_keys = sorted((keys / "demo").glob("*-institution-*.json"))
    return DemoLedger(folder, database_url, keys / "demo" / "inspector.json", institution_keys, str(voucher),
                      world.institution, personal["national_id"], busiest, events)


def busiest_institution(ledger: VoucherLedger) -> str:
    """The name of the institution whose paid account moved most often, claw-backs first."""
    from sqlalchemy import select

    from projections import catch_up
    from projections.balances import POSTINGS
    from projections.registry import PARTIES

    catch_up(ledger)
    postings = POSTINGS.table
    with ledger.engine.connect() as connection:
        rows = connection.execute(select(postings.c.debit_account, postings.c.credit_account, postings.c.stage)).all()
        score: dict[str, int] = {}
        for debit, credit, stage in rows:
            for side in (debit, credit):
                if side.startswith("paid:"):
                    score[side[5:]] = score.get(side[5:], 0) + (100 if stage == "claw_back" else 1)
        best = max(score, key=score.get)
        return connection.execute(select(PARTIES.table.c.name).where(PARTIES.table.c.id == best)).scalar()


class Server:
    """`vledger serve` on a free loopback port, stopped by `stop()`."""

    def __init__(self, demo: DemoLedger) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = (demo.folder / "serve.log").open("w")
        self.process = subprocess.Popen(
            [*vledger_command(), "serve", "--host", "127.0.0.1", "--port", str(self.port)], cwd=demo.folder,
            env={**os.environ, "VLEDGER_DB": demo.database_url}, stdin=subprocess.DEVNULL, stdout=self.log,
            stderr=subprocess.STDOUT)
        self._wait()

    def _wait(self) -> None:
        deadline = time.monotonic() + SERVER_START_SECONDS
        while time.monotonic() < deadline:
            assert self.process.poll() is None, "vledger serve exited early; see serve.log"
            try:
                if httpx.get(self.url + "/healthz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise AssertionError(f"vledger serve did not answer within {SERVER_START_SECONDS} s")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


def launch_chromium(playwright: Any):
    assert Path(CHROMIUM).exists(), (f"{CHROMIUM} is missing: run scripts/chromium-for-tests.sh "
                                     "(make test-sqlite does) to install Debian's chromium")
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


@contextmanager
def chromium_over(server: Any) -> Iterator[Any]:
    """Debian's Chromium for the tests of one module; the browser and `server` stop at the end."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            yield browser
        finally:
            browser.close()
            server.stop()


def new_page(browser: Any) -> Any:
    return browser.new_context(viewport={"width": 1280, "height": 900}).new_page()


def log_in(page: Any, base_url: str, key_file: Path, next_path: str = "/") -> None:
    """Logs in through the login page as a person would: paste the key file, press the button."""
    page.goto(f"{base_url}/login?next={next_path}")
    page.fill("#key-text", key_file.read_text() if isinstance(key_file, Path) else json.dumps(key_file))
    page.click("#login-button")
    page.wait_for_url(f"{base_url}{next_path}")
