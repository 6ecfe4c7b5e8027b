"""One bench run, every measurement on the same database kind, in this order:

1. the machine's Ed25519 verify rate, one core and all cores (the limit);
2. appends: command by command through the application vs the plain
   eventsourcing baseline, interleaved in two halves so drift hits both;
   then the same number from 16 threads at once, group-committed;
3. the log grown in bulk (`api.bench.bulk`) to each read size (10^5, 10^6
   up to `--events`, and `--events` itself); at each: a checkpoint, read
   latencies, and verification on all cores in its own process (memory);
   at the largest size also `vledger verify` itself (wall time and peak
   memory, its views check included);
4. at the largest size: verification on one process, a projection rebuild, and appends through HTTP to a real `vledger serve`
   that also serves proofs over the whole log (its peak memory).

Returns the JSON report (`api.bench.report` lays it out and checks targets)."""

from __future__ import annotations

import json
import os
import platform
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable
from uuid import UUID

from api.bench.baseline import BaselineLedger
from api.bench.bulk import grow_to
from api.bench.http_append import http_runs, run_http_append
from api.bench.measure import ed25519_verify_rate, ed25519_verify_rate_all_cores, run_module
from api.bench.reads import not_available, read_latencies
from api.bench.world import RECORDS_PER_VOUCHER, BenchWorld
from ledger.application import VoucherLedger
from ledger.envelope import iso, utc_now
from projections import rebuild

GROUP_THREADS = 16
Phase = Callable[[str, int | None], Callable[[int], None]]
"""phase(description, total) -> advance(n): how the runner shows progress."""


@dataclass(frozen=True)
class Sizes:
    events: int
    append_commands: int
    http_commands: int
    read_sizes: tuple[int, ...]

    @classmethod
    def for_events(cls, events: int) -> "Sizes":
        append = min(2000, max(40, events // 50))
        smaller = {events // 10} if events // 10 >= 1000 else set()  # verifier memory at two sizes at least
        read_sizes = sorted({size for size in (10**5, 10**6, 10**7) if size <= events} | {events} | smaller)
        return cls(events, append, min(400, append), tuple(read_sizes))


def _quiet(_description: str, _total: int | None) -> Callable[[int], None]:
    return lambda _n: None


def run_bench(database_url: str, events: int, phase: Phase = _quiet) -> dict[str, Any]:
    sizes = Sizes.for_events(events)
    started = time.perf_counter()
    ledger = VoucherLedger(database_url)
    world = BenchWorld(ledger)
    cores = os.cpu_count() or 1
    report: dict[str, Any] = {
        "command": f"vledger bench --events {events}",
        "started_at": iso(utc_now()),
        "machine": {"cores": cores, "python": platform.python_version(), "platform": platform.platform(),
                    "database": ledger.engine.dialect.name},
        "sizes": {"events": events, "append_commands": sizes.append_commands,
                  "http_commands": sizes.http_commands, "read_sizes": list(sizes.read_sizes)},
    }
    phase("Ed25519 verify rate", None)(1)
    report["ed25519"] = {"verify_per_second_one_core": round(ed25519_verify_rate()),
                         "verify_per_second_all_cores": round(ed25519_verify_rate_all_cores(cores)),
                         "processes": cores}
    report["append"] = _appends(world, database_url, sizes.append_commands, phase)
    report["append"]["group"] = _group_ingestion(world, sizes.append_commands, phase)
    report["bulk"], report["reads"], by_size = [], [], []
    vouchers: list[UUID] = report["append"]["group"].pop("voucher_ids")  # read too, when the sizes are tiny
    for size in sizes.read_sizes:
        grown = grow_to(world, size, phase(f"bulk log to {size:,} events", size - ledger.max_notification_id()))
        vouchers.extend(grown.pop("voucher_ids"))
        report["bulk"].append({"to_events": size, **grown})
        phase(f"reads at {size:,} events", None)(1)
        report["reads"].append(read_latencies(ledger, vouchers) if vouchers else
                               {"events": size, "voucher_history": not_available("no voucher in the log")})
        phase(f"verifying {size:,} events on {cores} processes", None)(1)
        by_size.append(_verify_probe(database_url, cores))
        if size == sizes.read_sizes[-1]:  # its views check replays into a scratch database: at the largest size
            phase(f"vledger verify at {size:,} events", None)(1)
            cli = _verify_cli(database_url, cores)
    phase("verifying on one process", None)(1)
    one = _verify_probe(database_url, 1)
    report["verification"] = {"one_process": one, "all_cores": by_size[-1], "by_size": by_size, "vledger_verify": cli}
    report["projection_rebuild"] = _rebuild(ledger, phase)
    phase("appends through HTTP", None)(1)
    http_vouchers = [world.enrolled_voucher()
                     for _ in range(http_runs(database_url) * -(-sizes.http_commands // RECORDS_PER_VOUCHER))]
    report["append"]["http"] = run_http_append(world, database_url, http_vouchers, sizes.http_commands)
    report["memory"] = {
        "verifier_peak_rss_kib_by_events": {str(found.get("events_checked")): found.get("peak_rss_kib")
                                            for found in by_size},
        "verifier_worker_peak_rss_kib": by_size[-1].get("peak_worker_rss_kib"),
        "vledger_verify_peak_rss_kib": cli.get("peak_rss_kib"),
        "server_peak_rss_kib": report["append"]["http"].get("server_peak_rss_kib"),
    }
    report["seconds"] = round(time.perf_counter() - started, 1)
    ledger.close()
    return report


def _appends(world: BenchWorld, database_url: str, commands: int, phase: Phase) -> dict[str, Any]:
    """`commands` learning records through `VoucherLedger.submit` (signing
    included) and as many plain saves of two events, in two interleaved halves."""
    voucher_count = -(-commands // RECORDS_PER_VOUCHER)
    advance = phase("enrolling vouchers for the append test", voucher_count)
    vouchers = []
    for _ in range(voucher_count):
        vouchers.append(world.enrolled_voucher())
        advance(1)
    baseline = BaselineLedger(database_url)
    plain_vouchers = [baseline.enrol() for _ in range(voucher_count)]
    seconds = {"application": 0.0, "baseline": 0.0}
    advance = phase("appending: vledger and baseline", 2 * commands)
    halves = (range(0, commands // 2), range(commands // 2, commands))
    for half in halves:
        started = time.perf_counter()
        for index in half:
            world.submit(world.learning_record(vouchers[index // RECORDS_PER_VOUCHER], index % RECORDS_PER_VOUCHER))
        seconds["application"] += time.perf_counter() - started
        advance(len(half))
        started = time.perf_counter()
        for index in half:
            baseline.record(plain_vouchers[index // RECORDS_PER_VOUCHER], index % RECORDS_PER_VOUCHER)
        seconds["baseline"] += time.perf_counter() - started
        advance(len(half))
    baseline.close()
    application = {"commands": commands, "events_per_command": 2, "seconds": round(seconds["application"], 3),
                   "commands_per_second": round(commands / seconds["application"], 1)}
    plain = {"commands": commands, "events_per_save": 2, "seconds": round(seconds["baseline"], 3),
             "commands_per_second": round(commands / seconds["baseline"], 1)}
    return {"application": application, "baseline": plain,
            "ratio_to_baseline": round(seconds["baseline"] / seconds["application"], 3)}


def _group_ingestion(world: BenchWorld, commands: int, phase: Phase) -> dict[str, Any]:
    """`commands` learning records, signed beforehand, submitted by GROUP_THREADS threads at once through
    `VoucherLedger.submit`: they are decided in order and committed in groups (ledger/group_commit.py)."""
    voucher_count = -(-commands // RECORDS_PER_VOUCHER)
    advance = phase("enrolling vouchers for group-committed ingestion", voucher_count)
    vouchers = []
    for _ in range(voucher_count):
        vouchers.append(world.enrolled_voucher())
        advance(1)
    signed = [world.learning_record(vouchers[index // RECORDS_PER_VOUCHER], index % RECORDS_PER_VOUCHER)
              for index in range(commands)]
    slices = [signed[thread::GROUP_THREADS] for thread in range(GROUP_THREADS)]
    advance = phase(f"group-committed ingestion, {GROUP_THREADS} threads", commands)
    start = threading.Barrier(GROUP_THREADS + 1)

    def submit_slice(mine: list[dict[str, Any]]) -> None:
        start.wait()
        for command in mine:
            world.ledger.submit(command)
            advance(1)

    threads = [threading.Thread(target=submit_slice, args=(mine,)) for mine in slices]
    for thread in threads:
        thread.start()
    start.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    return {"commands": commands, "threads": GROUP_THREADS, "seconds": round(seconds, 3),
            "commands_per_second": round(commands / seconds, 1), "voucher_ids": vouchers}


def _verify_probe(database_url: str, processes: int) -> dict[str, Any]:
    ran = run_module("api.bench.verify_probe", ["--db", database_url, "--processes", str(processes)])
    if ran["returncode"] != 0:
        return not_available(f"the verifier failed: {ran['stderr'][-300:]}")
    found = json.loads(ran["stdout"].strip().splitlines()[-1])
    return {"processes": processes, "events_checked": found["events_checked"], "intact": found["intact"],
            "seconds": found["seconds"], "events_per_second": found["events_per_second"],
            "peak_rss_kib": found["peak_rss_kib"], "peak_worker_rss_kib": ran["peak_worker_rss_kib"]}


def _verify_cli(database_url: str, processes: int) -> dict[str, Any]:
    ran = run_module("api.cli", ["verify", "--json", "--processes", str(processes), "--db", database_url])
    if ran["returncode"] != 0:
        return not_available(f"`vledger verify` exited {ran['returncode']}: {ran['stderr'][-300:]}")
    found = json.loads(ran["stdout"])
    return {"processes": processes, "events_checked": found.get("events_checked"), "intact": found.get("intact"),
            "events_per_second": found.get("events_per_second"), "wall_seconds": round(ran["seconds"], 3),
            "views": found.get("views"), "peak_rss_kib": ran["peak_rss_kib"],
            "peak_worker_rss_kib": ran["peak_worker_rss_kib"]}


def _rebuild(ledger: VoucherLedger, phase: Phase) -> dict[str, Any]:
    advance = phase("projection rebuild", ledger.max_notification_id())
    done = rebuild(ledger, progress=advance)
    return {"events": done.events, "seconds": round(done.seconds, 3), "events_per_second": done.events_per_second}
