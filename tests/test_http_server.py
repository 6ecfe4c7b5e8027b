"""A real `vledger serve` on 127.0.0.1 driven by the command-line client:
keys made with `vledger keys new`, steps sent with `vledger submit`, a signed
read with `vledger get`, access refused across institutions, a repeat
recorded once."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import httpx
import pytest

from ledger.config import database_url as normalise_url
from ledger.credit_code import make_credit_code
from tests.conftest import POSTGRES_URL, reset_postgres

VLEDGER = [str(Path(sys.executable).parent / "vledger")]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def server(tmp_path: Path):
    url = normalise_url(POSTGRES_URL) if POSTGRES_URL else f"sqlite:///{tmp_path / 'served.db'}"
    if POSTGRES_URL:
        reset_postgres(url)
    env = {**os.environ, "VLEDGER_DB": url, "VLEDGER_KEYS": str(tmp_path / "keys")}
    subprocess.run(VLEDGER + ["init"], env=env, check=True, capture_output=True, timeout=60)
    port = free_port()
    process = subprocess.Popen(VLEDGER + ["serve", "--port", str(port)], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        assert f"http://127.0.0.1:{port}" in process.stdout.readline()
        for _ in range(100):
            try:
                if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        yield base, env, tmp_path
    finally:
        process.terminate()
        process.wait(timeout=10)


def cli(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(VLEDGER + list(args), env=env, capture_output=True, text=True, timeout=60)


def test_parties_drive_a_real_server_through_the_command_line(server) -> None:
    base, env, folder = server
    root = str(folder / "keys" / "trust-root.json")
    for _ in range(100):
        ready = httpx.get(base + "/readyz")
        if ready.status_code == 200:
            break
        assert ready.status_code == 503 and ready.json()["database"] == "reachable"
        time.sleep(0.1)
    assert ready.json()["status"] == "ready"
    assert "/v1/vouchers/{voucher_id}/claim" in httpx.get(base + "/openapi.json").json()["paths"]
    made = {}
    for name, role in (("bureau", "bureau"), ("school", "institution"), ("rival", "institution")):
        result = cli(env, "keys", "new", "--role", role, "--out", str(folder / f"{name}.json"), "--json")
        assert result.returncode == 0, result.stderr
        made[name] = json.loads(result.stdout)
    register = ["submit", "--server", base, "register-party", "--json"]
    bureau = cli(env, *register, "--key", root, "--target", made["bureau"]["actor"], "--body", json.dumps(
        {"role": "bureau", "name": "辽宁 bureau", "region": "liaoning", "public_key": made["bureau"]["public_key"]}))
    assert bureau.returncode == 0, bureau.stderr
    body_file = folder / "school.body.json"
    for serial, name in enumerate(("school", "rival")):
        body_file.write_text(json.dumps({"role": "institution", "name": name, "kind": "social_training",
                                         "credit_code": make_credit_code(serial),
                                         "public_key": made[name]["public_key"]}))
        result = cli(env, *register, "--key", str(folder / "bureau.json"), "--target", made[name]["actor"],
                     "--body", f"@{body_file}", "--command-id", "5b0f4a52-6f7e-4d1a-9a43-0d1c2b3a4f5" + str(len(name)))
        assert result.returncode == 0, result.stderr
    filing = cli(env, "submit", "--server", base, "--key", str(folder / "school.json"), "file-class",
                 "--target", "new", "--body", json.dumps({
                     "occupation": "6-31-01-03", "level": 4, "occupation_type": "skill", "courses": ["theory"],
                     "teachers": ["张老师"], "training_kind": "employment",
                    "theory_class_hours": 12, "practical_class_hours": 12, "planned_online_minutes": 0,
                     "starts_on": (datetime.now(timezone.utc).date() + timedelta(days=3)).isoformat(),
                     "ends_on": (datetime.now(timezone.utc).date() + timedelta(days=30)).isoformat(), "quality_commitment": True}))
    assert filing.returncode == 2 and "L2" in filing.stderr  # not in the catalogue yet: refused, exit 2
    listed = cli(env, "submit", "--server", base, "--key", str(folder / "bureau.json"), "list-in-catalogue",
                 "--target", made["school"]["actor"], "--json")
    repeat = cli(env, "submit", "--server", base, "--key", str(folder / "bureau.json"), "list-in-catalogue",
                 "--target", made["school"]["actor"])
    assert listed.returncode == 0 and repeat.returncode == 2 and "already in the catalogue" in repeat.stderr
    party = cli(env, "get", "--server", base, "--key", str(folder / "rival.json"), f"/v1/parties/{made['school']['actor']}")
    assert json.loads(party.stdout)["listed"] is True
    filed = cli(env, "submit", "--server", base, "--key", str(folder / "school.json"), "file-class",
                "--target", "new", "--json", "--body", json.dumps({
                    "occupation": "6-31-01-03", "level": 4, "occupation_type": "skill", "courses": ["theory"],
                    "teachers": ["张老师"], "training_kind": "employment",
                    "theory_class_hours": 12, "practical_class_hours": 12, "planned_online_minutes": 0,
                    "starts_on": (datetime.now(timezone.utc).date() + timedelta(days=3)).isoformat(),
                    "ends_on": (datetime.now(timezone.utc).date() + timedelta(days=30)).isoformat(), "quality_commitment": True}))
    assert filed.returncode == 0, filed.stderr
    filing_id = json.loads(filed.stdout)["target"]
    own = cli(env, "get", "--server", base, "--key", str(folder / "school.json"), f"/v1/filings/{filing_id}")
    assert own.returncode == 0 and json.loads(own.stdout)["status"] == "filed"
    other = cli(env, "get", "--server", base, "--key", str(folder / "rival.json"), f"/v1/filings/{filing_id}")
    assert other.returncode == 2 and "403" in other.stderr
