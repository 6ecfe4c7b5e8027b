"""A real `vledger serve` on 127.0.0.1 over a test world's database, and a
plain HTTP sender of pre-signed commands that tells acknowledged (201/200),
refused (4xx problem+json) and unanswered (no response) apart. Used by the
crash, hostile-input and load tests."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx

from api.http.paths import ROUTE_BY_COMMAND
from ledger.envelope import iso, utc_now
from tests.concurrency_workers import Job
from tests.world import World

VLEDGER = str(Path(sys.executable).parent / "vledger")
REQUEST_TIMEOUT_SECONDS = 30.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def real_time_world(world: World) -> World:
    """From here on the world signs at the real time, as the server's clock runs."""
    world.clock.now = utc_now()
    return world


class Server:
    """`vledger serve --port P` in its own process, on the world's database and keys."""

    def __init__(self, world: World, serve_args: tuple[str, ...] = ()) -> None:
        self.env = {**os.environ, "VLEDGER_DB": world.ledger.database_url,
                    "VLEDGER_KEYS": str(world.ledger.keys_dir)}
        self.serve_args = serve_args  # e.g. ("--log-level", "info"); stderr is read only by `stop`
        self.process: subprocess.Popen | None = None
        self.base = ""

    def start(self) -> "Server":
        port = free_port()
        self.base = f"http://127.0.0.1:{port}"
        self.process = subprocess.Popen([VLEDGER, "serve", "--host", "127.0.0.1", "--port", str(port),
                                         *self.serve_args],
                                        env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        for _ in range(300):
            assert self.process.poll() is None, self.process.stderr.read().decode()[-2000:]
            try:
                if httpx.get(self.base + "/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.TransportError:
                time.sleep(0.1)
        raise AssertionError("vledger serve did not come up within 30 seconds")

    def kill(self) -> None:
        """SIGKILL: no shutdown, no flush, no goodbye."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)
        assert self.process.returncode == -signal.SIGKILL

    def stop(self) -> str:
        """SIGTERM, then what it wrote on stderr (tracebacks of server faults would be there)."""
        if self.process is None or self.process.poll() is not None:
            return ""
        self.process.send_signal(signal.SIGTERM)
        try:
            _, errors = self.process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            _, errors = self.process.communicate()
        return errors.decode(errors="replace")

    def wait_until_ready(self, timeout_seconds: float = 120) -> dict[str, Any]:
        """Until /readyz says the projections caught up."""
        deadline = time.monotonic() + timeout_seconds
        while True:
            response = httpx.get(self.base + "/readyz", timeout=REQUEST_TIMEOUT_SECONDS)
            if response.status_code == 200 and all(lag == 0 for lag in (response.json()["projections"] or {}).values()):
                return response.json()
            assert time.monotonic() < deadline, f"not caught up: {response.text}"
            time.sleep(0.2)


def send(http: httpx.Client, job: Job) -> dict[str, Any]:
    """Posts one pre-signed command to its endpoint; the outcome as the
    concurrency workers report it, plus `unanswered` when no response came."""
    signed, personal = job
    envelope = signed["envelope"]
    payload = dict(signed)
    if personal is not None:
        payload["personal"] = personal
    base = {"command_id": envelope["command_id"]}
    try:
        response = http.post(ROUTE_BY_COMMAND[envelope["command"]].url(envelope["target"], envelope["body"]),
                             json=payload)
    except httpx.TransportError as error:
        return {**base, "status": "unanswered", "error": type(error).__name__}
    if response.status_code in (200, 201):
        return {**base, "status": "recorded", "duplicate": response.status_code == 200, "result": response.json(),
                "http_status": response.status_code}
    problem = response.json() if response.headers.get("content-type", "").startswith("application/problem+json") \
        else {}
    return {**base, "status": "refused" if 400 <= response.status_code < 500 else "crashed",
            "http_status": response.status_code, "error": problem.get("type", "").rsplit("/", 1)[-1],
            "rule": problem.get("rule"), "message": problem.get("detail") or response.text[:300]}


def training_burst(world: World, vouchers: int, sessions: int, new_vouchers: int) -> list[Job]:
    """Commands on several aggregates, signed now: training sessions on enrolled
    vouchers, round-robin, and vouchers issued to registered trainees."""
    filing = world.approved_filing()
    enrolled = [world.enrolled_voucher(filing=filing)[0] for _ in range(vouchers)]
    trainees = [world.trainee() for _ in range(new_vouchers)]
    jobs: list[Job] = []
    for session in range(sessions):
        for voucher in enrolled:
            jobs.append((world.signed(world.institution, "record_offline_training", voucher, {
                "started_at": iso(world.clock.now), "minutes": 20 + session % 40, "location": "workshop"}), None))
    for trainee in trainees:
        jobs.append((world.signed(world.bureau, "issue_voucher", uuid.uuid4(), {
            "trainee": trainee.actor, "occupation": "6-18-02-04", "level": 3, "standard_fen": 120000,
            "shortage": False, "valid_until": (world.clock.now + timedelta(days=90)).date().isoformat()}), None))
    return jobs

