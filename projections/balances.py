"""Double-entry balances in integer fen. Every money movement is a posting
that takes `amount_fen` from one account (credit) and gives it to another
(debit), so the balances of all accounts always sum to zero.

Accounts: `fund:<region>:<fund>` (the named funds, N6), `commitment:<bureau>`
(what a bureau has approved and not yet made due), `receivable:<institution>`
(due to an institution), `paid:<institution>` (disbursed to it),
`allowance:<trainee>` (living allowance, N4). The flow of a voucher:

- enrolment: the approved subsidy, fund (the profile's first fund) → commitment;
- prepayment (H3): commitment → receivable → paid;
- redemption request with S2 segments: what they no longer pay, commitment → fund;
- notice closed with no objection (H7): the rest, commitment → receivable;
- payment: receivable → paid, one posting per stage (balance H7, online and
  offline segments S2, full N3); a payment from another fund than the one
  committed moves that amount between the funds first (N6);
- allowance (N4): employment subsidy fund → allowance;
- any exit releases what is still committed or due back to the fund; a
  claw-back reverses everything paid, to the funds it came from."""

from __future__ import annotations

from sqlalchemy import JSON, BigInteger, Column, Integer, String, Table

from ledger.lifecycle import leads_out
from ledger.rules import profile_for
from projections.events import LoggedEvent
from projections.store import METADATA, Store, ViewTable

POSTINGS = ViewTable(Table(
    "view_postings", METADATA,
    Column("sequence", Integer, primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("voucher", String(36), nullable=False, index=True),
    Column("debit_account", String(120), nullable=False, index=True),
    Column("credit_account", String(120), nullable=False, index=True),
    Column("debit_kind", String(16), nullable=False),
    Column("credit_kind", String(16), nullable=False),
    Column("amount_fen", BigInteger, nullable=False),
    Column("stage", String(16), nullable=False),
    Column("rule", String(8), nullable=False),
    Column("region", String(32), nullable=False),
    Column("recorded_at", String(27), nullable=False, index=True),
), key=("sequence", "position"), append_only=True)

BALANCES = ViewTable(Table(
    "view_balances", METADATA,
    Column("account", String(120), primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("owner", String(64), nullable=False, index=True),
    Column("region", String(32), nullable=False),
    Column("balance_fen", BigInteger, nullable=False),
    Column("last_sequence", Integer, nullable=False),
), key=("account",))

COMMITMENTS = ViewTable(Table(
    "view_commitments", METADATA,
    Column("voucher", String(36), primary_key=True),
    Column("bureau", String(36), nullable=False),
    Column("institution", String(36), nullable=False),
    Column("trainee", String(36), nullable=False),
    Column("region", String(32), nullable=False),
    Column("fund", String(64), nullable=False),
    Column("committed_fen", BigInteger, nullable=False),
    Column("receivable_fen", BigInteger, nullable=False),
    Column("paid_by_fund", JSON, nullable=False),
    Column("allowance_by_fund", JSON, nullable=False),
    Column("last_sequence", Integer, nullable=False),
), key=("voucher",))

STAGE_RULES = {"prepayment": "H3", "balance": "H7", "online": "S2", "offline": "S2", "full": "N3"}
NEVER_NEGATIVE = ("commitment", "receivable", "paid", "allowance")


class Balances:
    name = "balances"
    tables = (POSTINGS, BALANCES, COMMITMENTS)

    def apply(self, event: LoggedEvent, store: Store) -> None:
        if event.aggregate_type != "Voucher":
            return
        if event.type == "Voucher.Enrolled":
            self._commit(event, store)
            return
        money = store.get("view_commitments", event.aggregate_id)
        if money is None:
            return  # never enrolled: nothing approved, nothing to move
        ledger = _Postings(event, store, money["region"])
        facts = event.facts
        if event.type == "Voucher.Prepaid":
            amount_fen = facts["amount_fen"]
            self._switch_fund(ledger, money, facts["fund"], amount_fen)
            ledger.post(f"commitment:{money['bureau']}", f"receivable:{money['institution']}", amount_fen,
                        "prepayment")
            ledger.post(f"receivable:{money['institution']}", f"paid:{money['institution']}", amount_fen,
                        "prepayment")
            money["committed_fen"] -= amount_fen
            _add(money["paid_by_fund"], facts["fund"], amount_fen)
        elif event.type == "Voucher.RedemptionRequested" and "subsidy" in facts:
            self._resegment(ledger, money, facts["subsidy"]["total_fen"])
        elif event.type == "Voucher.NoticeClosed" and facts["outcome"] == "cleared":
            ledger.post(f"commitment:{money['bureau']}", f"receivable:{money['institution']}",
                        money["committed_fen"], "balance")
            money["receivable_fen"] += money["committed_fen"]
            money["committed_fen"] = 0
        elif event.type == "Voucher.Paid":
            self._pay(ledger, money, facts)
        elif event.type == "Voucher.AllowancePaid":
            ledger.post(f"fund:{money['region']}:{facts['fund']}", f"allowance:{money['trainee']}",
                        facts["amount_fen"], "allowance", "N4")
            _add(money["allowance_by_fund"], facts["fund"], facts["amount_fen"])
        elif event.type == "Voucher.ClawedBack":
            self._claw_back(ledger, money, facts)
        if self._is_exit(event):
            self._release(ledger, money)
        if ledger.count:
            money["last_sequence"] = event.sequence
            store.put("view_commitments", money)
        ledger.check(money)

    @staticmethod
    def _is_exit(event: LoggedEvent) -> bool:
        """The event leads out of the loop, by the declared lifecycle."""
        return leads_out(event.type.removeprefix("Voucher."), event.facts)

    @staticmethod
    def _commit(event: LoggedEvent, store: Store) -> None:
        voucher = store.get("view_vouchers", event.aggregate_id)
        region = voucher["region"]
        fund = profile_for(region, voucher["profile_version"]).funds[0]
        money = {"voucher": event.aggregate_id, "bureau": voucher["issued_by"],
                 "institution": event.facts["institution"], "trainee": voucher["trainee"], "region": region,
                 "fund": fund, "committed_fen": event.facts["subsidy"]["total_fen"], "receivable_fen": 0,
                 "paid_by_fund": {}, "allowance_by_fund": {}, "last_sequence": event.sequence}
        ledger = _Postings(event, store, region)
        ledger.post(f"fund:{region}:{fund}", f"commitment:{money['bureau']}", money["committed_fen"], "commitment",
                    "N6")
        store.put("view_commitments", money)
        ledger.check(money)

    @staticmethod
    def _resegment(ledger: "_Postings", money: dict, total_fen: int) -> None:
        """S2: the request fixed the segments; what they no longer pay goes back to the fund."""
        settled_fen = sum(money["paid_by_fund"].values()) + money["receivable_fen"]
        released_fen = money["committed_fen"] - (total_fen - settled_fen)
        assert released_fen >= 0, "S2 segments never pay more than the committed subsidy"
        ledger.post(f"commitment:{money['bureau']}", f"fund:{money['region']}:{money['fund']}", released_fen,
                    "release", "S2")
        money["committed_fen"] -= released_fen

    @staticmethod
    def _switch_fund(ledger: "_Postings", money: dict, fund: str, amount_fen: int) -> None:
        if fund != money["fund"]:
            ledger.post(f"fund:{money['region']}:{fund}", f"fund:{money['region']}:{money['fund']}", amount_fen,
                        "fund_transfer", "N6")

    def _pay(self, ledger: "_Postings", money: dict, facts: dict) -> None:
        amount_fen = facts["amount_fen"]
        assert amount_fen <= money["receivable_fen"], "a payment exceeds what is due (H7)"
        self._switch_fund(ledger, money, facts["fund"], amount_fen)
        stages = [stage for stage in facts.get("stages", []) if stage["fen"] > 0]
        if sum(stage["fen"] for stage in stages) != amount_fen:
            stages = [{"stage": "balance", "fen": amount_fen}]
        for stage in stages:
            ledger.post(f"receivable:{money['institution']}", f"paid:{money['institution']}", stage["fen"],
                        stage["stage"])
        money["receivable_fen"] -= amount_fen
        _add(money["paid_by_fund"], facts["fund"], amount_fen)

    @staticmethod
    def _claw_back(ledger: "_Postings", money: dict, facts: dict) -> None:
        rule = facts.get("rule") or "L12"
        recovered_fen = 0
        for fund, amount_fen in sorted(money["paid_by_fund"].items()):
            ledger.post(f"paid:{money['institution']}", f"fund:{money['region']}:{fund}", amount_fen, "claw_back",
                        rule)
            recovered_fen += amount_fen
        for fund, amount_fen in sorted(money["allowance_by_fund"].items()):
            ledger.post(f"allowance:{money['trainee']}", f"fund:{money['region']}:{fund}", amount_fen, "claw_back",
                        rule)
            recovered_fen += amount_fen
        assert recovered_fen == facts["amount_fen"], "a claw-back recovers exactly what was paid"
        money["paid_by_fund"], money["allowance_by_fund"] = {}, {}

    @staticmethod
    def _release(ledger: "_Postings", money: dict) -> None:
        if money["receivable_fen"]:
            ledger.post(f"receivable:{money['institution']}", f"commitment:{money['bureau']}",
                        money["receivable_fen"], "release", "L7")
            money["committed_fen"] += money["receivable_fen"]
            money["receivable_fen"] = 0
        if money["committed_fen"]:
            ledger.post(f"commitment:{money['bureau']}", f"fund:{money['region']}:{money['fund']}",
                        money["committed_fen"], "release", "L7")
            money["committed_fen"] = 0


def _add(totals: dict, fund: str, amount_fen: int) -> None:
    totals[fund] = totals.get(fund, 0) + amount_fen


class _Postings:
    """The postings of one event; each moves money between two accounts."""

    def __init__(self, event: LoggedEvent, store: Store, region: str) -> None:
        self.event, self.store, self.region = event, store, region
        self.count = 0
        self.net_fen = 0
        self.touched: dict[str, dict] = {}

    def post(self, credit: str, debit: str, amount_fen: int, stage: str, rule: str | None = None) -> None:
        if amount_fen == 0:
            return
        assert amount_fen > 0 and credit != debit, f"a posting moves a positive amount between two accounts"
        event = self.event
        self.store.put("view_postings", {
            "sequence": event.sequence, "position": self.count, "voucher": event.aggregate_id,
            "debit_account": debit, "credit_account": credit, "debit_kind": debit.split(":", 1)[0],
            "credit_kind": credit.split(":", 1)[0], "amount_fen": amount_fen, "stage": stage,
            "rule": rule or STAGE_RULES.get(stage, "N6"), "region": self.region, "recorded_at": event.recorded_at})
        self._move(debit, amount_fen)
        self._move(credit, -amount_fen)
        self.count += 1

    def _move(self, account: str, delta_fen: int) -> None:
        row = self.store.get("view_balances", account)
        if row is None:
            kind, owner = account.split(":", 1)
            row = {"account": account, "kind": kind, "owner": owner.rsplit(":", 1)[-1], "region": self.region,
                   "balance_fen": 0}
        row["balance_fen"] += delta_fen
        row["last_sequence"] = self.event.sequence
        self.store.put("view_balances", row)
        self.touched[account] = row
        self.net_fen += delta_fen

    def check(self, money: dict) -> None:
        """TIGER_STYLE: every event's postings sum to zero, no account but a
        fund goes negative, a voucher's open amounts never do."""
        assert self.net_fen == 0, f"event {self.event.sequence}: postings do not balance ({self.net_fen} fen)"
        for account, row in self.touched.items():
            assert row["kind"] not in NEVER_NEGATIVE or row["balance_fen"] >= 0, (
                f"event {self.event.sequence}: account {account} went negative ({row['balance_fen']} fen)")
        assert money["committed_fen"] >= 0 and money["receivable_fen"] >= 0, (
            f"event {self.event.sequence}: voucher {money['voucher']} owes a negative amount")
