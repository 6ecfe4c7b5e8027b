"""Time travel and checking: the views replayed purely in memory from the log,
and a comparison of the stored views with a fresh replay in a scratch
database (projections/scratch.py; views are checked, not trusted)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable, Iterable

from eventsourcing.persistence import Notification

from ledger.envelope import iso, parse_time
from ledger.errors import BadInput, NotFound
from projections.events import LoggedEvent, decode
from projections.log import events as log_events, last_recorded_by
from projections.scratch import ScratchViews, differing_rows, ordered_rows
from projections.store import Store
from projections.views import TABLES, apply

MAX_DIFFERENCES = 1000


def replay(events: Iterable[LoggedEvent | Notification], *, until: int | None = None,
           progress: Callable[[int], None] | None = None) -> Store:
    """Every view as it stood after event `until` (all when None), in memory,
    from the log's events (or the library's notifications) in order."""
    store = Store(TABLES, complete=True)
    count = 0
    for event in events:
        if isinstance(event, Notification):
            event = decode(event)
        if until is not None and event.sequence > until:
            break
        apply(event, store)
        count += 1
        if progress and count % 1000 == 0:
            progress(1000)
    if progress and count % 1000:
        progress(count % 1000)
    return store


def as_of_sequence(ledger: Any, as_of: str) -> int:
    """The sequence number `--as-of` names: a number in the log, or a time
    (ISO 8601 with a zone), meaning the last event recorded at or before it
    (the log as far as it had reached then)."""
    last = ledger.max_notification_id()
    text = str(as_of).strip()
    if text.isdigit():
        sequence = int(text)
        if not 1 <= sequence <= last:
            raise BadInput(f"--as-of {sequence} is beyond the log, which holds events 1 to {last}")
        return sequence
    moment: datetime = parse_time(text, what="--as-of")
    found = last_recorded_by(ledger, iso(moment))
    if not found:
        raise BadInput(f"--as-of {text}: nothing was recorded by then")
    return found


@dataclass(frozen=True)
class Difference:
    view: str  # the view table, e.g. "view_vouchers"
    key: str  # the row's key, e.g. a voucher id or "sequence/position"
    stored: dict[str, Any] | None  # None: the stored view lacks the row
    replayed: dict[str, Any] | None  # None: a fresh replay has no such row

    def to_json(self) -> dict[str, Any]:
        return {"view": self.view, "key": self.key, "stored": self.stored, "replayed": self.replayed}


def compare_views(source: Any, *, progress: Callable[[int], None] | None = None,
                  limit: int = MAX_DIFFERENCES) -> list[Difference]:
    """Replays the log up to the stored views' position and returns
    every row where a stored view differs from the replay (at most `limit`);
    then replays the rest of the log, so an event no view can apply raises
    `ViewFailed` here too. Read-only: it never writes the views."""
    from projections.runner import open_source, projection_for

    ledger = open_source(source)
    recorder = projection_for(ledger).view
    for _ in range(3):
        position = recorder.position()
        differences = _compare_at(ledger, position, progress, limit)
        if recorder.position() == position:
            return differences
    raise BadInput("the views kept moving while being compared; stop the catch-up and run it again")


def _compare_at(ledger: Any, position: int, progress: Callable[[int], None] | None,
                limit: int) -> list[Difference]:
    """The log up to `position` replayed into a scratch database, every view
    compared with it in key order (both sides streamed), then the rest of
    the log replayed there too: memory stays bounded however long the log."""
    differences: list[Difference] = []
    with ScratchViews() as scratch:
        scratch.replay(log_events(ledger, stop=position) if position else (), progress)
        with ledger.engine.connect() as connection:
            for view in TABLES.values():
                for key, stored, replayed in differing_rows(view, ordered_rows(connection, view), scratch.rows(view)):
                    if len(differences) >= limit:
                        break
                    differences.append(Difference(view.name, view.key_text(key), stored, replayed))
        scratch.replay(log_events(ledger, start=position + 1))  # not yet in the views: each must apply
    return differences


def replay_summary(store: Store, sequence: int, *, voucher: str | None = None,
                   institution: str | None = None) -> dict[str, Any]:
    """What `vledger replay --as-of` shows, from a replayed store."""
    statuses: dict[str, int] = {}
    for row in store.all("view_vouchers"):
        statuses[row["status"]] = statuses.get(row["status"], 0) + 1
    by_kind: dict[str, int] = {}
    for row in store.all("view_balances"):
        by_kind[row["kind"]] = by_kind.get(row["kind"], 0) + row["balance_fen"]
    assert sum(by_kind.values()) == 0, "replayed balances must sum to zero"
    last = store.rows["view_audit"].get(sequence)
    summary: dict[str, Any] = {
        "as_of": {"sequence": sequence, "recorded_at": last["recorded_at"] if last else None},
        "vouchers_by_status": dict(sorted(statuses.items())), "balances_by_kind": dict(sorted(by_kind.items())),
        "flags": len(store.rows["view_flags"]),
    }
    if voucher is not None:
        row = store.get("view_vouchers", voucher)
        if row is None:
            raise NotFound(f"voucher {voucher} did not exist at sequence {sequence}")
        summary["voucher"] = row
    if institution is not None:
        party = store.get("view_parties", institution)
        if party is None or party["role"] != "institution":
            raise NotFound(f"institution {institution} did not exist at sequence {sequence}")
        summary["institution"] = {
            "party": party,
            "accounts": [row for row in store.all("view_balances") if row["owner"] == institution],
            "vouchers_by_status": _count(row["status"] for row in store.all("view_vouchers")
                                         if row["institution"] == institution),
            "statistics": store.get("view_institution_stats", institution),
        }
    return summary


def _count(values: Iterable[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return dict(sorted(counts.items()))
