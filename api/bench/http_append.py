"""Appends through HTTP: a real `vledger serve` subprocess on loopback, driven
by the signing `LedgerClient` one command after another (what a platform's
integration does), then by 16 and by 64 clients at once (group-committed by
the server), then by one client sending them in batches (as `vledger import`
does). Bounded in commands and in time. Then a few inclusion
proofs over HTTP, so the server's peak memory includes holding the Merkle
tree of the whole log."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from typing import Any
from uuid import UUID

import httpx

from api.bench.measure import latencies, peak_rss_kib, percentiles
from api.bench.world import RECORDS_PER_VOUCHER, BenchWorld
from api.client import ApiProblem, LedgerClient
from api.imports.runner import BATCH_COMMANDS

STARTUP_TIMEOUT_SECONDS = 60
MAX_SECONDS = 60
PROOF_SAMPLES = 50
CONCURRENT_CLIENTS = (16, 64)
WORKERS = 2  # on PostgreSQL, `vledger serve --workers 2` with 16 clients on each
CLIENTS_PER_WORKER = 16
RETRIES_ON_CONFLICT = 5  # a 409 says another write changed the same record first: send it again


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def http_runs(database_url: str) -> int:
    """How many runs `run_http_append` makes, each on its own vouchers: one client, each number of concurrent
    clients, one client sending batches, and on PostgreSQL the server in WORKERS processes."""
    return 2 + len(CONCURRENT_CLIENTS) + (1 if database_url.startswith("postgresql") else 0)


def start_server(database_url: str, workers: int = 1) -> tuple[subprocess.Popen, str]:
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "api.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
                               "--db", database_url, "--workers", str(workers)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"vledger serve exited: {server.stderr.read().decode()[-500:]}")
        try:
            if httpx.get(f"{base_url}/healthz", timeout=1).status_code == 200:
                return server, base_url
        except httpx.HTTPError:
            time.sleep(0.1)
    stop_server(server)
    raise RuntimeError("vledger serve did not answer /healthz within a minute")


def stop_server(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def _ok(response: httpx.Response) -> None:
    assert response.status_code == 200, response.text[:300]


def run_http_append(world: BenchWorld, database_url: str, vouchers: list[UUID], commands: int) -> dict[str, Any]:
    """One client sending one command after another, then CONCURRENT_CLIENTS at once, then on PostgreSQL
    WORKERS server processes with CLIENTS_PER_WORKER clients each (each run on its own vouchers;
    `vouchers` holds enough for `http_runs`)."""
    per_run = -(-commands // RECORDS_PER_VOUCHER)
    server, base_url = start_server(database_url)
    try:
        http = httpx.Client(base_url=base_url, timeout=30)
        clients = {key.actor: LedgerClient(None, key, http=http) for key in (world.platform, world.institution)}
        done, started = 0, time.perf_counter()
        for index in range(commands):
            voucher = vouchers[index // RECORDS_PER_VOUCHER]
            signed = world.learning_record(voucher, index % RECORDS_PER_VOUCHER)
            reply = clients[signed["envelope"]["actor"]].send(signed)
            assert reply.status in (200, 201), reply.body
            done += 1
            if time.perf_counter() - started > MAX_SECONDS:
                break
        seconds = time.perf_counter() - started
        concurrent = {f"clients_{clients}": _concurrent_clients(
                          world, base_url, vouchers[per_run * (run + 1):per_run * (run + 2)], commands, clients)
                      for run, clients in enumerate(CONCURRENT_CLIENTS)}
        batch_run = len(CONCURRENT_CLIENTS) + 1
        batches = _batches(world, http, vouchers[per_run * batch_run:per_run * (batch_run + 1)], commands)
        size = world.ledger.max_notification_id()
        proofs = latencies(lambda i: _ok(http.get("/v1/proofs/inclusion", params={"seq": 1 + (i * 7919) % size})),
                           PROOF_SAMPLES)
        http.close()
        result = {"commands": done, "seconds": round(seconds, 3), "commands_per_second": round(done / seconds, 1),
                  **concurrent, "batches": batches, "inclusion_proof_over_http": proofs,
                  "server_peak_rss_kib": peak_rss_kib(server.pid)}
    finally:
        stop_server(server)
    if http_runs(database_url) > 2 + len(CONCURRENT_CLIENTS):
        server, base_url = start_server(database_url, WORKERS)
        try:
            rest = vouchers[per_run * (2 + len(CONCURRENT_CLIENTS)):]
            result["workers"] = {"workers": WORKERS, **_concurrent_clients(world, base_url, rest, commands,
                                                                           WORKERS * CLIENTS_PER_WORKER)}
        finally:
            stop_server(server)
    return result


def _batches(world: BenchWorld, http: httpx.Client, vouchers: list[UUID], commands: int) -> dict[str, Any]:
    """`commands` learning records, signed beforehand, sent by one client BATCH_COMMANDS at a time (POST
    /v1/command-batches, as `vledger import` sends a file's rows); commands/s over the wall time."""
    signed = [world.learning_record(vouchers[index // RECORDS_PER_VOUCHER], index % RECORDS_PER_VOUCHER)
              for index in range(commands)]
    client = LedgerClient(None, world.platform, http=http)
    started = time.perf_counter()
    for first in range(0, commands, BATCH_COMMANDS):
        answers = client.send_batch([(command, None) for command in signed[first:first + BATCH_COMMANDS]])
        refused = [answer for answer in answers if isinstance(answer, ApiProblem)]
        if refused:
            raise RuntimeError(f"{len(refused)} commands of a batch were not recorded; the first: {refused[0]}")
    seconds = time.perf_counter() - started
    return {"commands": commands, "per_batch": BATCH_COMMANDS, "seconds": round(seconds, 3),
            "commands_per_second": round(commands / seconds, 1)}


def _send(client: LedgerClient, command: dict[str, Any]) -> ApiProblem | None:
    """Sends one command; its refusal, or None when it was recorded."""
    try:
        client.send(command)
    except ApiProblem as refusal:
        return refusal
    return None


def _concurrent_clients(world: BenchWorld, base_url: str, vouchers: list[UUID], commands: int,
                        clients: int) -> dict[str, Any]:
    """`commands` learning records, signed beforehand, sent by `clients` threads at once, each with its own
    connection; commands/s over the wall time, and each request's latency."""
    signed = [world.learning_record(vouchers[index // RECORDS_PER_VOUCHER], index % RECORDS_PER_VOUCHER)
              for index in range(commands)]
    timings: list[float] = []
    retried: list[int] = []
    failures: list[str] = []
    start = threading.Barrier(clients + 1)

    def client(mine: list[dict[str, Any]]) -> None:
        with httpx.Client(base_url=base_url, timeout=60) as http:
            senders = {key.actor: LedgerClient(None, key, http=http) for key in (world.platform, world.institution)}
            start.wait()
            for command in mine:
                sent = time.perf_counter()
                refusal = _send(senders[command["envelope"]["actor"]], command)
                for _ in range(RETRIES_ON_CONFLICT):  # another process wrote the same voucher first: send again
                    if refusal is None or refusal.status != 409:
                        break
                    retried.append(1)
                    refusal = _send(senders[command["envelope"]["actor"]], command)
                timings.append(time.perf_counter() - sent)
                if refusal is not None:
                    failures.append(str(refusal)[:300])

    threads = [threading.Thread(target=client, args=(signed[number::clients],)) for number in range(clients)]
    for thread in threads:
        thread.start()
    start.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    if failures:
        raise RuntimeError(f"{len(failures)} of {len(signed)} commands were not recorded; the first: {failures[0]}")
    return {"clients": clients, "commands": len(timings), "seconds": round(seconds, 3),
            "commands_per_second": round(len(timings) / seconds, 1), "resent_after_conflict": len(retried),
            **percentiles(timings)}
