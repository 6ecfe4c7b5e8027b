"""The bench report: the targets of issues 8 and 15 checked against one run's ratios,
the fields every report has, and the table `vledger bench` prints (rich)."""

from __future__ import annotations

from typing import Any

from rich.table import Table

from api.bench.http_append import CONCURRENT_CLIENTS

REQUIRED_FIELDS = (
    "command", "started_at", "seconds", "machine", "sizes", "ed25519", "append", "bulk", "reads",
    "verification", "projection_rebuild", "memory", "targets",
)
READ_OPERATIONS = ("voucher_history", "voucher_state", "inclusion_proof", "consistency_proof")


def _number(section: Any, key: str) -> float | None:
    value = section.get(key) if isinstance(section, dict) else None
    return value if isinstance(value, (int, float)) else None


def _ratio(top: float | None, bottom: float | None) -> float | None:
    return round(top / bottom, 3) if top is not None and bottom else None


def targets(report: dict[str, Any]) -> dict[str, Any]:
    """Each target of issues 8 and 15 with the measured value (None: not available)."""
    verification = report["verification"]
    one, all_cores = verification.get("one_process", {}), verification.get("all_cores", {})
    ed25519 = report["ed25519"]
    largest = report["reads"][-1] if report["reads"] else {}
    memory = [value for value in report["memory"]["verifier_peak_rss_kib_by_events"].values() if value]
    found = {
        "append_vs_baseline": (report["append"]["ratio_to_baseline"], ">=", 0.8),
        "http_64_clients_commands_per_second": (
            _number(report["append"].get("http", {}).get("clients_64", {}), "commands_per_second"), ">=", 500),
        "http_64_clients_p99_latency_ms": (
            _number(report["append"].get("http", {}).get("clients_64", {}), "p99_ms"), "<", 250),
        "group_ingestion_vs_ed25519_all_cores": (
            _ratio(_number(report["append"].get("group", {}), "commands_per_second"),
                   ed25519["verify_per_second_all_cores"]), ">=", 0.3),
        "verify_one_process_vs_ed25519_one_core": (
            _ratio(_number(one, "events_per_second"), ed25519["verify_per_second_one_core"]), ">=", 0.7),
        "verify_all_cores_vs_ed25519_all_cores": (
            _ratio(_number(all_cores, "events_per_second"), ed25519["verify_per_second_all_cores"]), ">=", 0.7),
        "verify_scaling_vs_ed25519_scaling": (  # "close to linear": as linear as Ed25519 itself is on this machine
            _ratio(_ratio(_number(all_cores, "events_per_second"), _number(one, "events_per_second")),
                   _ratio(ed25519["verify_per_second_all_cores"], ed25519["verify_per_second_one_core"])), ">=", 0.8),
        "projection_rebuild_events_per_second": (
            _number(report["projection_rebuild"], "events_per_second"), ">=", 20_000),
        "inclusion_proof_p99_ms": (_number(largest.get("inclusion_proof", {}), "p99_ms"), "<", 5),
        "voucher_history_p99_ms": (_number(largest.get("voucher_history", {}), "p99_ms"), "<", 20),
        "verifier_memory_growth_largest_vs_smallest": (
            _ratio(memory[-1], memory[0]) if len(memory) > 1 else None, "<=", 1.25),
        "vledger_verify_peak_rss_mib": (
            _number(verification.get("vledger_verify", {}), "peak_rss_kib") and
            round(verification["vledger_verify"]["peak_rss_kib"] / 1024), "<=", 300),
    }
    checked = {}
    for name, (measured, operator, limit) in found.items():
        met = None if measured is None else (measured >= limit if operator == ">=" else
                                             measured <= limit if operator == "<=" else measured < limit)
        checked[name] = {"measured": measured, "target": f"{operator} {limit:g}", "met": met,
                         "at_events": largest.get("events") if name.endswith("p99_ms") else None}
    return checked


def _cell(value: Any, unit: str = "") -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        value = round(value, 2)
    return f"{value:,}{unit}" if isinstance(value, (int, float)) else str(value)


def _available(section: Any) -> bool:
    return isinstance(section, dict) and bool(section) and section.get("available", True)


def table(report: dict[str, Any]) -> Table:
    machine = report["machine"]
    out = Table(title=f"vledger bench --events {report['sizes']['events']:,} ({machine['cores']} cores, "
                      f"Python {machine['python']}, {machine['database']})")
    out.add_column("measure")
    out.add_column("value", justify="right")
    out.add_column("compared with", justify="right")
    append = report["append"]
    out.add_row("append, application (commands/s)", _cell(append["application"]["commands_per_second"]),
                f"{_cell(append['ratio_to_baseline'])}× baseline")
    out.add_row("append, plain eventsourcing baseline (saves/s)", _cell(append["baseline"]["commands_per_second"]),
                "2 events per save, both")
    group = append.get("group", {})
    ed25519_all = report["ed25519"]["verify_per_second_all_cores"]
    out.add_row(f"append, {_cell(group.get('threads'))} threads, group-committed (commands/s)",
                _cell(group.get("commands_per_second")),
                f"{_cell(_ratio(group.get('commands_per_second'), ed25519_all))}× Ed25519 all processes")
    http = append.get("http", {})
    out.add_row("append through HTTP (commands/s)", _cell(http.get("commands_per_second")),
                f"{_cell(_ratio(http.get('commands_per_second'), append['application']['commands_per_second']))}"
                "× application")
    for clients in CONCURRENT_CLIENTS:
        section = http.get(f"clients_{clients}", {})
        out.add_row(f"append through HTTP, {clients} clients (commands/s)", _cell(section.get("commands_per_second")),
                    f"p50 / p99 {_cell(section.get('p50_ms'))} / {_cell(section.get('p99_ms'))} ms")
    if "batches" in http:
        section = http["batches"]
        out.add_row(f"append through HTTP, batches of {section['per_batch']}, 1 client (commands/s)",
                    _cell(section.get("commands_per_second")),
                    f"{_cell(_ratio(section.get('commands_per_second'), ed25519_all))}× Ed25519 all processes")
    if "workers" in http:
        section = http["workers"]
        out.add_row(f"append through HTTP, --workers {section['workers']}, {section['clients']} clients (commands/s)",
                    _cell(section.get("commands_per_second")),
                    f"p50 / p99 {_cell(section.get('p50_ms'))} / {_cell(section.get('p99_ms'))} ms")
    ed25519 = report["ed25519"]
    out.add_row("Ed25519 verify, one core (/s)", _cell(ed25519["verify_per_second_one_core"]), "the limit")
    out.add_row(f"Ed25519 verify, {ed25519['processes']} processes (/s)",
                _cell(ed25519["verify_per_second_all_cores"]), "")
    verification = report["verification"]
    for label, key, limit, limit_name in (
            ("verify, 1 process (events/s)", "one_process", "verify_per_second_one_core", "one core"),
            (f"verify, {machine['cores']} processes (events/s)", "all_cores", "verify_per_second_all_cores",
             f"{ed25519['processes']} processes")):
        section = verification.get(key, {})
        if _available(section):
            out.add_row(label, _cell(section.get("events_per_second")),
                        f"{_cell(_ratio(section.get('events_per_second'), ed25519[limit]))}× Ed25519 {limit_name}")
        else:
            out.add_row(label, "not available", section.get("reason", ""))
    cli = verification.get("vledger_verify", {})
    out.add_row(f"`vledger verify` at {_cell(cli.get('events_checked'))} events, wall (s)",
                _cell(cli.get("wall_seconds")) if _available(cli) else "n/a",
                f"views {cli.get('views')}; peak {_cell(cli.get('peak_rss_kib') and cli['peak_rss_kib'] // 1024)} MiB"
                if _available(cli) else cli.get("reason", ""))
    rebuild = report["projection_rebuild"]
    out.add_row("projection rebuild (events/s)",
                _cell(rebuild.get("events_per_second")) if _available(rebuild) else "not available",
                "target 20,000" if _available(rebuild) else rebuild.get("reason", ""))
    for reads in report["reads"]:
        for operation in READ_OPERATIONS:
            section = reads.get(operation, {})
            label = f"{operation.replace('_', ' ')} at {reads['events']:,} events"
            if _available(section):
                out.add_row(f"{label} (p50 / p99 ms)", f"{_cell(section['p50_ms'])} / {_cell(section['p99_ms'])}", "")
            else:
                out.add_row(label, "not available", section.get("reason", ""))
    memory = report["memory"]
    for events, kib in memory["verifier_peak_rss_kib_by_events"].items():
        out.add_row(f"verifier peak RSS at {_cell(int(events) if events.isdigit() else events)} events",
                    _cell(kib and kib // 1024, " MiB"), "")
    out.add_row("server peak RSS", _cell(memory["server_peak_rss_kib"] and memory["server_peak_rss_kib"] // 1024,
                                         " MiB"), "after appends and proofs over the whole log")
    for name, target in report["targets"].items():
        verdict = {True: "met", False: "NOT met", None: "n/a"}[target["met"]]
        out.add_row(f"target {name}", _cell(target["measured"]), f"{target['target']}: {verdict}")
    return out
