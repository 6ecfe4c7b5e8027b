"""Voucher state (L7): where each voucher is in the loop (its state from the
declared lifecycle, `ledger/lifecycle.py`), under which region
profile version, at which institution and class, its hours online and offline
(minutes and whole class hours, L1/S1), its certificate (L14), and its money:
approved, prepaid (H3), paid (H7), allowance (N4), clawed back; with the
sequence number of the last event applied."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Integer, String, Table

from ledger.lifecycle import status_after
from ledger.rules import profile_for
from projections.events import LoggedEvent
from projections.store import METADATA, Store, ViewTable

VOUCHERS = ViewTable(Table(
    "view_vouchers", METADATA,
    Column("id", String(36), primary_key=True),
    Column("status", String(24), nullable=False, index=True),
    Column("trainee", String(36), nullable=False, index=True),
    Column("region", String(32), nullable=False),
    Column("profile_version", String(32), nullable=False),
    Column("occupation", String(100), nullable=False),
    Column("level", String(50), nullable=False),
    Column("issued_by", String(36), nullable=False),
    Column("issued_at", String(27), nullable=False),
    Column("valid_until", String(10), nullable=False),
    Column("filing", String(36)),
    Column("institution", String(36), index=True),
    Column("platform", String(36)),
    Column("occupation_type", String(16)),
    Column("total_class_hours", Integer, nullable=False),
    Column("online_minutes", Integer, nullable=False),
    Column("offline_minutes", Integer, nullable=False),
    Column("online_class_hours", Integer, nullable=False),
    Column("offline_class_hours", Integer, nullable=False),
    Column("face_checks_failed", Integer, nullable=False),
    Column("certificate_number", String(64)),
    Column("certificate_kind", String(32)),
    Column("certified_at", String(27), index=True),
    Column("approved_fen", BigInteger, nullable=False),
    Column("prepaid_fen", BigInteger, nullable=False),
    Column("paid_fen", BigInteger, nullable=False),
    Column("allowance_fen", BigInteger, nullable=False),
    Column("clawed_back_fen", BigInteger, nullable=False),
    Column("objections", Integer, nullable=False),
    Column("last_sequence", Integer, nullable=False),
    Column("updated_at", String(27), nullable=False),
), key=("id",))


class Vouchers:
    name = "vouchers"
    tables = (VOUCHERS,)

    def apply(self, event: LoggedEvent, store: Store) -> None:
        if event.aggregate_type != "Voucher":
            return
        facts = event.facts
        if event.type == "Voucher.Issued":
            voucher = {
                "id": event.aggregate_id, "status": "issued", "trainee": facts["trainee"], "region": facts["region"],
                "profile_version": facts["profile_version"], "occupation": facts["occupation"],
                "level": str(facts["level"]), "issued_by": facts["issued_by"], "issued_at": event.recorded_at,
                "valid_until": facts["valid_until"], "filing": None, "institution": None, "platform": None,
                "occupation_type": None, "total_class_hours": 0, "online_minutes": 0, "offline_minutes": 0,
                "online_class_hours": 0, "offline_class_hours": 0, "face_checks_failed": 0,
                "certificate_number": None, "certificate_kind": None, "certified_at": None, "approved_fen": 0,
                "prepaid_fen": 0, "paid_fen": 0, "allowance_fen": 0, "clawed_back_fen": 0, "objections": 0}
        else:
            voucher = store.get("view_vouchers", event.aggregate_id)
            assert voucher is not None, f"event {event.sequence} changes a voucher never issued"
            self._change(voucher, event)
        voucher["status"] = status_after(event.type.removeprefix("Voucher."), voucher["status"], facts)
        voucher["last_sequence"], voucher["updated_at"] = event.sequence, event.recorded_at
        self._check(voucher, event)
        store.put("view_vouchers", voucher)

    @staticmethod
    def _check(voucher: dict, event: LoggedEvent) -> None:
        """TIGER_STYLE, the same money invariants as the write side (ledger/money.py)."""
        payouts_fen = voucher["prepaid_fen"] + voucher["paid_fen"]
        assert payouts_fen <= voucher["approved_fen"], (
            f"event {event.sequence}: voucher {voucher['id']} paid out {payouts_fen} fen of {voucher['approved_fen']}")
        assert voucher["clawed_back_fen"] in (0, payouts_fen + voucher["allowance_fen"]), (
            f"event {event.sequence}: voucher {voucher['id']} clawed back other than what was paid")

    @staticmethod
    def _change(voucher: dict, event: LoggedEvent) -> None:
        facts, kind = event.facts, event.type
        class_hour_minutes = profile_for(voucher["region"], voucher["profile_version"]).class_hour_minutes
        if kind == "Voucher.Enrolled":
            voucher.update(filing=facts["filing"], institution=facts["institution"], platform=facts.get("platform"),
                           occupation_type=facts["occupation_type"], total_class_hours=facts["total_class_hours"],
                           approved_fen=facts["subsidy"]["total_fen"])
        elif kind == "Voucher.RedemptionRequested" and "subsidy" in facts:  # S2: final segments
            voucher["approved_fen"] = facts["subsidy"]["total_fen"]
        elif kind == "Voucher.OnlineLearningRecorded":
            voucher["online_minutes"] += facts["minutes"]
            voucher["online_class_hours"] = voucher["online_minutes"] // class_hour_minutes
            voucher["face_checks_failed"] += facts["face_checks_failed"]
        elif kind == "Voucher.OfflineTrainingRecorded":
            voucher["offline_minutes"] += facts["minutes"]
            voucher["offline_class_hours"] = voucher["offline_minutes"] // class_hour_minutes
        elif kind == "Voucher.Assessed" and facts["passed"]:
            voucher.update(certificate_number=facts.get("certificate_number"),
                           certificate_kind=facts.get("certificate_kind"), certified_at=event.recorded_at)
        elif kind == "Voucher.ObjectionRaised":
            voucher["objections"] += 1
        elif kind == "Voucher.Prepaid":
            voucher["prepaid_fen"] += facts["amount_fen"]
        elif kind == "Voucher.Paid":
            voucher["paid_fen"] += facts["amount_fen"]
        elif kind == "Voucher.AllowancePaid":
            voucher["allowance_fen"] += facts["amount_fen"]
        elif kind == "Voucher.ClawedBack":
            voucher["clawed_back_fen"] += facts["amount_fen"]
