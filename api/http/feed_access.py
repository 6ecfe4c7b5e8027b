"""Which events of the feed a reader sees (issue 16, item 3;
docs/decisions/0044), by the same rule as its reads of one voucher
(api/http/access.py): an inspector every event; of a voucher, whoever reads
its history (the bureau of its region, its institution) every event, finance
and the trainee its payment events, the trainee and its platform its online
learning records (a platform only its own); of a class filing, whoever reads
the filing. Parties, keys, receipts and the other records are the
inspector's alone here (parties and keys are public at /v1/parties)."""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

from api.http.access import require_filing_access, voucher_readers, with_article
from api.http.deps import Caller
from api.http.problems import HttpProblem
from ledger.aggregates.filing import ClassFiling
from ledger.aggregates.voucher import Voucher

FEED_READERS = ("inspector", "bureau", "institution", "platform", "finance", "trainee")
FEED_RULE = ("an inspector follows every event, a bureau its region's vouchers and filings, an institution its own, "
             "a platform its learning records and filings, finance payments, a trainee its own voucher's learning "
             "records and payments")
PAYMENT_EVENTS = frozenset({"Prepaid", "Paid", "AllowancePaid", "ClawedBack"})
LEARNING_EVENTS = frozenset({"OnlineLearningRecorded"})


class FeedScope:
    """`may_read(row)` for one caller, loading each aggregate once per scope."""

    def __init__(self, ledger: Any, caller: Caller) -> None:
        if caller.role not in FEED_READERS:
            raise HttpProblem("not-yours", f"{with_article(caller.role)} may not follow the event feed: {FEED_RULE}")
        self.ledger = ledger
        self.caller = caller
        self._aspects: dict[UUID, set[str]] = {}
        self._filings: dict[UUID, bool] = {}

    def may_read(self, row: Any) -> bool:
        if self.caller.role == "inspector":
            return True
        kind, _, event = row.topic.split(":", 1)[-1].partition(".")
        if kind == "Voucher":
            aspects = self._voucher_aspects(row.originator_id)
            if "history" in aspects:
                return True
            if event in PAYMENT_EVENTS:
                return "payments" in aspects
            if event in LEARNING_EVENTS and "learning" in aspects:
                platform = json.loads(row.state)["facts"].get("platform")
                return self.caller.role != "platform" or platform == self.caller.id
            return False
        if kind == "ClassFiling":
            return self._filing_readable(row.originator_id)
        return False

    def _voucher_aspects(self, voucher_id: UUID) -> set[str]:
        if voucher_id not in self._aspects:
            voucher = self.ledger.find(voucher_id)
            self._aspects[voucher_id] = voucher_readers(voucher, self.caller) if isinstance(voucher, Voucher) \
                else set()
        return self._aspects[voucher_id]

    def _filing_readable(self, filing_id: UUID) -> bool:
        if filing_id not in self._filings:
            filing = self.ledger.find(filing_id)
            try:
                readable = isinstance(filing, ClassFiling)
                if readable:
                    require_filing_access(filing, self.caller)
            except HttpProblem:
                readable = False
            self._filings[filing_id] = readable
        return self._filings[filing_id]
