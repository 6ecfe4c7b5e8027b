"""Measuring: latency percentiles, the machine's own Ed25519 verify rate, and
the peak resident size of a process (VmHWM in /proc/<pid>/status, Linux)."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

ED25519_SECONDS = 1.5
POLL_SECONDS = 0.05


def latencies(call: Callable[[int], Any], samples: int) -> dict[str, Any]:
    """p50 and p99 in milliseconds of `call(i)` for i in range(samples)."""
    timings = []
    for index in range(samples):
        started = time.perf_counter()
        call(index)
        timings.append(time.perf_counter() - started)
    return percentiles(timings)


def percentiles(timings_seconds: list[float]) -> dict[str, Any]:
    """The count, p50 and p99 in milliseconds of some timings in seconds."""
    timings = sorted(timings_seconds)

    def at(fraction: float) -> float:
        return round(1000 * timings[min(len(timings) - 1, int(fraction * len(timings)))], 3)

    return {"samples": len(timings), "p50_ms": at(0.50), "p99_ms": at(0.99)}


def ed25519_verify_rate(seconds: float = ED25519_SECONDS) -> float:
    """Verifications per second on this process (one core): a 300-byte
    message, the size of an envelope, with a key object made once."""
    key = Ed25519PrivateKey.generate()
    public = key.public_key()
    message = os.urandom(300)
    signature = key.sign(message)
    count, started = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - started) < seconds:
        for _ in range(200):
            public.verify(signature, message)
        count += 200
    return count / elapsed


def ed25519_verify_rate_all_cores(processes: int, seconds: float = ED25519_SECONDS) -> float:
    """The sum of the per-process rates with every process verifying at once."""
    if processes <= 1:
        return ed25519_verify_rate(seconds)
    with multiprocessing.get_context("spawn").Pool(processes) as pool:
        return sum(pool.map(ed25519_verify_rate, [seconds] * processes))


def peak_rss_kib(pid: int | str = "self") -> int | None:
    """VmHWM (peak resident set size) of a live process, in KiB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def _children(pid: int) -> list[int]:
    found = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            text = (task / "children").read_text().split()
            found.extend(int(child) for child in text)
    except OSError:
        pass
    return found


def run_module(module: str, arguments: list[str], timeout_seconds: float = 3600) -> dict[str, Any]:
    """Runs `python -m <module> <arguments>` (e.g. `api.cli verify ...`, the
    `vledger` command line) as its own process, polling the peak resident
    size of it and of its worker processes until it exits."""
    command = [sys.executable, "-m", module, *arguments]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak_main, peak_worker = 0, 0
    while process.poll() is None:
        peak_main = max(peak_main, peak_rss_kib(process.pid) or 0)
        for child in _children(process.pid):
            peak_worker = max(peak_worker, peak_rss_kib(child) or 0)
        if time.perf_counter() - started > timeout_seconds:
            process.kill()
            break
        time.sleep(POLL_SECONDS)
    stdout, stderr = process.communicate()
    return {"returncode": process.returncode, "stdout": stdout, "stderr": stderr,
            "seconds": time.perf_counter() - started, "peak_rss_kib": peak_main or None,
            "peak_worker_rss_kib": peak_worker or None}
