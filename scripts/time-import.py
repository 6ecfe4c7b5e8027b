"""Times importing a 10,000-row roster into a served demo ledger, once with
`vledger import` and once through the import page in headless Chromium
(issue 14 item 3). Not a test: run it by hand and read the two figures.

    .venv/bin/python scripts/time-import.py [--rows 10000] [--folder DIR] [--no-page]

Each way imports its own file (different trainees), so neither finds the
other's rows already recorded."""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.browser import Server, launch_chromium, log_in, run_vledger, vledger_command  # noqa: E402
from tests.roster_files import write_roster  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--folder", type=Path, default=None)
    parser.add_argument("--no-page", action="store_true", help="time `vledger import` only")
    arguments = parser.parse_args()
    folder = arguments.folder or Path(tempfile.mkdtemp(prefix="vledger-time-import-"))
    folder.mkdir(parents=True, exist_ok=True)
    database_url = f"sqlite:///{folder / 'vledger.db'}"
    run_vledger(folder, database_url, "init")
    run_vledger(folder, database_url, "demo", "--vouchers", "1")
    bureau = folder / "vledger-keys" / "demo" / "liaoning-bureau.json"
    by_cli = write_roster(folder / "roster-cli.xlsx", arguments.rows, serial=1_000_000)
    by_page = write_roster(folder / "roster-page.xlsx", arguments.rows, serial=2_000_000)
    server = Server(SimpleNamespace(folder=folder, database_url=database_url))
    try:
        started = time.monotonic()
        done = subprocess.run([*vledger_command(), "import", "roster", str(by_cli), "--key", str(bureau),
                               "--server", server.url], capture_output=True, text=True, cwd=folder)
        cli_seconds = time.monotonic() - started
        print(f"vledger import: {cli_seconds:.1f} s, exit {done.returncode}: {done.stdout.strip()}", flush=True)
        if not arguments.no_page:
            page_seconds, summary = through_the_page(server.url, bureau, by_page)
            print(f"import page: {page_seconds:.1f} s: {summary}", flush=True)
    finally:
        server.stop()
    print(f"folder: {folder}")


def through_the_page(url: str, bureau: Path, roster: Path) -> tuple[float, str]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            page = browser.new_context(accept_downloads=True).new_page()
            log_in(page, url, bureau, "/import")
            page.set_input_files("#import-file", str(roster))
            started = time.monotonic()
            page.click("#import-start")
            page.wait_for_function("document.getElementById('import-status').textContent.startsWith('Signing')",
                                   timeout=600_000)
            planned = time.monotonic() - started
            page.wait_for_selector('body[data-import-done="yes"]', timeout=3_600_000)
            seconds = time.monotonic() - started
            return seconds, f"{page.inner_text('#import-summary')} (the server's reading of the file: {planned:.1f} s)"
        finally:
            browser.close()


if __name__ == "__main__":
    main()
