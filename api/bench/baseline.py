"""The baseline: what the same learning records cost with plain `eventsourcing`
and nothing of vledger (no envelope, signature, rule, hash chain or receipt
lookup), written the library's own way: get the voucher, trigger its event,
save it with a new small index aggregate in one `save()`, so each save
records the same two events a vledger command records (the step's event and
its receipt). Same persistence module, same database, its own table
(`vledgerbaseline_events`)."""

from __future__ import annotations

import time
import uuid
from typing import Any

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event

BASELINE_NAME = "vledgerbaseline"


class PlainVoucher(Aggregate):
    @event("Enrolled")
    def __init__(self, institution: str) -> None:
        self.institution = institution
        self.online_minutes = 0
        self.offline_minutes = 0

    @event("OnlineLearningRecorded")
    def record_online(self, minutes: int, platform: str) -> None:
        self.online_minutes += minutes

    @event("OfflineTrainingRecorded")
    def record_offline(self, minutes: int, location: str) -> None:
        self.offline_minutes += minutes


class PlainReceipt(Aggregate):
    @event("Recorded")
    def __init__(self, voucher: str) -> None:
        self.voucher = voucher


class BaselineLedger(Application):
    name = BASELINE_NAME

    def __init__(self, database_url: str) -> None:
        super().__init__({"PERSISTENCE_MODULE": "eventsourcing_sqlalchemy", "SQLALCHEMY_URL": database_url,
                          "CREATE_TABLE": "y"})

    def enrol(self) -> uuid.UUID:
        voucher = PlainVoucher(institution="bench school")
        self.save(voucher)
        return voucher.id

    def record(self, voucher_id: uuid.UUID, index: int) -> None:
        voucher: PlainVoucher = self.repository.get(voucher_id)
        if index % 2 == 0:
            voucher.record_online(minutes=5, platform="bench platform")
        else:
            voucher.record_offline(minutes=60, location="workshop 2")
        self.save(voucher, PlainReceipt(voucher=str(voucher_id)))


def run_baseline(database_url: str, commands: int, records_per_voucher: int) -> dict[str, Any]:
    """`commands` saves of two events each, `records_per_voucher` per voucher."""
    baseline = BaselineLedger(database_url)
    vouchers = [baseline.enrol() for _ in range(-(-commands // records_per_voucher))]
    started = time.perf_counter()
    for index in range(commands):
        baseline.record(vouchers[index // records_per_voucher], index % records_per_voucher)
    seconds = time.perf_counter() - started
    baseline.close()
    return {"commands": commands, "events_per_save": 2, "seconds": round(seconds, 3),
            "commands_per_second": round(commands / seconds, 1)}
