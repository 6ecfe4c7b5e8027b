"""What waits for each party on its Work page (/work), read from the views
the API reads and limited as the API limits them (api/http/access.py): a
bureau its region, an institution its own vouchers and filings, finance the
payment fields of every voucher, a trainee its own vouchers. An assessor may
list nothing (it reads one voucher by id, as the API lets it), so its queue
is empty and its page asks for the voucher number."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from api.http.access import FILING_LIST_OWN, VOUCHER_LIST_OWN, may_read_voucher_row
from api.http.deps import Caller
from ledger.lifecycle import IN_TRAINING_OR_AFTER, STATES
from projections.queries import rows_of
from projections.registry import FILINGS, PARTIES
from projections.vouchers import VOUCHERS

MAX_QUEUE_ROWS = 50


def _vouchers(connection: Connection, caller: Caller, *statuses: str, **equal: Any) -> list[dict[str, Any]]:
    """Voucher rows in `statuses`, newest first, pinned to what `caller` may list."""
    table = VOUCHERS.table
    own = VOUCHER_LIST_OWN.get(caller.role)
    if own is not None:
        equal[own] = caller.region if own == "region" else caller.id
    elif caller.role not in ("inspector", "finance"):
        return []
    statement = (select(table).where(table.c.status.in_(statuses),
                                     *[table.c[name] == value for name, value in equal.items()])
                 .order_by(table.c.updated_at.desc(), table.c.id).limit(MAX_QUEUE_ROWS))
    rows = rows_of(connection, statement)
    aspect = {"finance": "payments", "platform": "learning"}.get(caller.role, "voucher")
    assert all(may_read_voucher_row(caller, row, aspect) for row in rows), "a queue showed a voucher not the caller's"
    return rows


def _filings(connection: Connection, caller: Caller, status: str) -> list[dict[str, Any]]:
    table = FILINGS.table
    own = FILING_LIST_OWN.get(caller.role)
    if own is None:
        return []
    value = caller.region if own == "region" else caller.id
    statement = (select(table).where(table.c.status == status, table.c[own] == value)
                 .order_by(table.c.filed_at.desc(), table.c.id).limit(MAX_QUEUE_ROWS))
    return rows_of(connection, statement)


def bureau_queue(connection: Connection, caller: Caller) -> dict[str, list[dict[str, Any]]]:
    """Trainees of the region to issue vouchers to, filings to decide, redemptions to review."""
    parties = PARTIES.table
    trainees = rows_of(connection, select(parties.c.id, parties.c.registered_at, parties.c.allowance_groups)
                       .where(parties.c.role == "trainee", parties.c.region == caller.region,
                              parties.c.erased.is_(False))
                       .order_by(parties.c.registered_at.desc(), parties.c.id).limit(MAX_QUEUE_ROWS))
    return {"trainees": trainees, "filings": _filings(connection, caller, "filed"),
            "redemptions": _vouchers(connection, caller, "redemption_requested")}


def institution_queue(connection: Connection, caller: Caller) -> dict[str, list[dict[str, Any]]]:
    """Its approved classes (to enrol in), its certified vouchers (to redeem), its vouchers in training."""
    return {"filings": _filings(connection, caller, "approved"),
            "certified": _vouchers(connection, caller, "certified"),
            "training": _vouchers(connection, caller, "enrolled", "training")}


def finance_queue(connection: Connection, caller: Caller) -> dict[str, list[dict[str, Any]]]:
    """Vouchers whose notice cleared (balance due, H7) and vouchers in training not yet prepaid (H3)."""
    unprepaid = [row for row in _vouchers(connection, caller, *IN_TRAINING_OR_AFTER) if row["prepaid_fen"] == 0]
    return {"balances": _vouchers(connection, caller, "cleared"), "prepayments": unprepaid}


def trainee_queue(connection: Connection, caller: Caller) -> dict[str, list[dict[str, Any]]]:
    """Its vouchers to claim and to choose an institution for, and the institutions listed in its region."""
    parties = PARTIES.table
    institutions = rows_of(connection, select(parties.c.id, parties.c.name, parties.c.kind)
                           .where(parties.c.role == "institution", parties.c.region == caller.region,
                                  parties.c.listed.is_(True), parties.c.banned.is_(False))
                           .order_by(parties.c.name, parties.c.id).limit(MAX_QUEUE_ROWS))
    return {"to_claim": _vouchers(connection, caller, "issued"),
            "to_choose": _vouchers(connection, caller, "claimed", "chosen"), "institutions": institutions,
            "record": _vouchers(connection, caller, *STATES)}  # its training record (S6): every voucher, any state


def platform_queue(connection: Connection, caller: Caller) -> dict[str, list[dict[str, Any]]]:
    """Vouchers enrolled in classes on the platform, to record online learning on (N2)."""
    return {"training": _vouchers(connection, caller, "enrolled", "training")}


def inspector_queue(connection: Connection, caller: Caller) -> dict[str, list[dict[str, Any]]]:
    return {}  # an inspector reads the whole ledger from the inspector pages


def assessor_queue(connection: Connection, caller: Caller) -> dict[str, list[dict[str, Any]]]:
    return {}


QUEUES = {"bureau": bureau_queue, "institution": institution_queue, "finance": finance_queue,
          "trainee": trainee_queue, "assessor": assessor_queue, "platform": platform_queue,
          "inspector": inspector_queue}


def queue_for(connection: Connection, caller: Caller) -> dict[str, list[dict[str, Any]]] | None:
    """The caller's queue, or None for a role with nothing to sign here (the root)."""
    queue = QUEUES.get(caller.role)
    return None if queue is None else queue(connection, caller)
