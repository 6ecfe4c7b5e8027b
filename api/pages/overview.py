"""The ledger page's figures: the latest checkpoints with their signers and
witnesses, events per day, the last full verification, the fortnightly
report (N5, from `projections.report`)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select

from ledger.signing import key_id_of, unb64
from ledger.transparency.checkpoints import all_checkpoints, log_identity
from ledger.transparency.witnessed import witness_cosignatures
from projections.audit import AUDIT
from projections.vouchers import VOUCHERS

SHOWN_CHECKPOINTS = 10
FORTNIGHT_DAYS = 14


def checkpoints(ledger) -> list[dict[str, Any]]:
    """The latest checkpoints, newest first, each with its signers: the
    ledger, the registered parties that cosigned, and the C2SP witnesses
    whose cosignature/v1 verifies."""
    identity = log_identity(ledger)
    ledger_key_id = key_id_of(unb64(identity.ledger_public_key, what="ledger public key"))
    shown = []
    for checkpoint in reversed(all_checkpoints(ledger)[-SHOWN_CHECKPOINTS:]):
        signers = [{"name": checkpoint.origin, "role": "ledger", "key_id": ledger_key_id}]
        signers += [{"name": c["name"], "role": c["role"], "party": c["party"], "key_id": c["key_id"]}
                    for c in checkpoint.cosignatures]
        signers += [{"name": c["name"], "role": "witness", "party": c["name"], "key_id": c["vkey"].split("+")[1]}
                    for c in witness_cosignatures(ledger, checkpoint.tree_size) if c["verifies"]]
        shown.append({**checkpoint.to_json(), "signers": signers})
    return shown


def events_per_day(connection) -> dict[str, list]:
    """Days (Unix seconds at 00:00 UTC) and the number of events recorded each day."""
    day = func.substr(AUDIT.table.c.recorded_at, 1, 10)
    rows = connection.execute(select(day, func.count()).group_by(day).order_by(day)).all()
    series: dict[str, list] = {"day": [], "time": [], "events": []}
    for text, count in rows:
        series["day"].append(text)
        series["time"].append(int((date.fromisoformat(text) - date(1970, 1, 1)).total_seconds()))
        series["events"].append(count)
    return series


def last_verification(ledger) -> dict[str, Any] | None:
    """The result of the last `vledger verify` recorded with
    `api.pages.verification.record_verification`, or None (never verified)."""
    from api.pages.verification import last_verification as recorded

    return recorded(ledger.engine)


def report_day(connection, asked: date | None) -> date | None:
    """The day whose fortnight the report shows: the one asked for, else the
    day of the last change to a voucher (the demo runs on a simulated clock)."""
    if asked is not None:
        return asked
    last = connection.execute(select(func.max(VOUCHERS.table.c.updated_at))).scalar()
    return date.fromisoformat(last[:10]) if last else None


def fortnightly_report(connection, asked: date | None = None) -> dict[str, Any] | None:
    """N5 双周调度表 from the projections (`projections.report`), by region."""
    from projections.report import fortnight_of, fortnight_report

    day = report_day(connection, asked)
    if day is None:
        return None
    report = fortnight_report(connection, day)
    first, _ = fortnight_of(day)
    report["previous_day"] = (first - timedelta(days=1)).isoformat()
    report["next_day"] = (first + timedelta(days=FORTNIGHT_DAYS)).isoformat()
    return report
