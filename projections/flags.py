"""Fraud flags. Each names the rule and the events that raised it. The
ledger refuses most of these patterns at the door; the flags catch what a
single command cannot see (the same trainee on two vouchers) and what a log
written by an older or faulty writer might hold.

- two_places (L7): one trainee in two places at overlapping times;
- day_overflow (N2): more study minutes started in one day than the day holds;
- online_share (L1, S1, J2, H1): online minutes over the profile's cap;
- face_check_failed (L6): a random face check failed;
- certificate_reused (L13): one certificate number on two vouchers;
- redemption_after_exit (L7): redemption asked after expiry or an exit;
- training_before_approval (H4): training before the class filing was approved;
- outside_catalogue (L2, L12): a platform or institution not in the catalogue;
- institution_outlier (L11): pass rate or volume far out of line with its region
  (computed when read, from the institution statistics this view keeps)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any, Iterable

from sqlalchemy import JSON, Column, Integer, String, Table

from ledger.aggregates.voucher import EXITS
from ledger.envelope import iso
from ledger.rules import profile_for
from ledger.subsidy import online_share_refusal
from projections.events import LoggedEvent
from projections.store import METADATA, Store, ViewTable

CHINA_STANDARD_TIME = timezone(timedelta(hours=8))
MINUTES_PER_DAY = 24 * 60
OUTLIER_MIN_ASSESSED = 20
OUTLIER_PASS_RATE_POINTS = 30
OUTLIER_MIN_ENROLLED = 50
OUTLIER_VOLUME_FACTOR = 3
RECENT_ASSESSMENTS = 10

FLAGS = ViewTable(Table(
    "view_flags", METADATA,
    Column("id", String(120), primary_key=True),
    Column("kind", String(32), nullable=False, index=True),
    Column("rule", String(8), nullable=False),
    Column("voucher", String(36), index=True),
    Column("trainee", String(36)),
    Column("institution", String(36), index=True),
    Column("region", String(32), nullable=False),
    Column("events", JSON, nullable=False),
    Column("detail", String(500), nullable=False),
    Column("sequence", Integer, nullable=False),
    Column("raised_at", String(27), nullable=False),
), key=("id",))

SESSIONS = ViewTable(Table(
    "view_sessions", METADATA,
    Column("sequence", Integer, primary_key=True),
    Column("trainee", String(36), nullable=False, index=True),
    Column("voucher", String(36), nullable=False),
    Column("kind", String(8), nullable=False),
    Column("place", String(300), nullable=False),
    Column("started_at", String(27), nullable=False, index=True),
    Column("ended_at", String(27), nullable=False),
    Column("minutes", Integer, nullable=False),
    Column("day", String(10), nullable=False),
    Column("region", String(32), nullable=False),
), key=("sequence",), group="trainee", append_only=True)

CERTIFICATES = ViewTable(Table(
    "view_certificates", METADATA,
    Column("number", String(64), primary_key=True),
    Column("voucher", String(36), nullable=False),
    Column("sequence", Integer, nullable=False),
), key=("number",))

INSTITUTIONS = ViewTable(Table(
    "view_institution_stats", METADATA,
    Column("institution", String(36), primary_key=True),
    Column("region", String(32), nullable=False, index=True),
    Column("enrolled", Integer, nullable=False),
    Column("assessed", Integer, nullable=False),
    Column("passed", Integer, nullable=False),
    Column("recent_assessments", JSON, nullable=False),
    Column("last_sequence", Integer, nullable=False),
), key=("institution",))


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


class Flags:
    name = "flags"
    tables = (FLAGS, SESSIONS, CERTIFICATES, INSTITUTIONS)

    def apply(self, event: LoggedEvent, store: Store) -> None:
        """Runs before the voucher view: `voucher` is the state before this event."""
        if event.aggregate_type != "Voucher" or event.type == "Voucher.Issued":
            return
        voucher = store.get("view_vouchers", event.aggregate_id)
        assert voucher is not None, f"event {event.sequence} changes a voucher never issued"
        kind = event.type
        if kind == "Voucher.Enrolled":
            self._enrolled(event, store, voucher)
        elif kind in ("Voucher.OnlineLearningRecorded", "Voucher.OfflineTrainingRecorded"):
            self._session(event, store, voucher)
        elif kind == "Voucher.Assessed":
            self._assessed(event, store, voucher)
        elif kind == "Voucher.RedemptionRequested":
            expired = event.recorded_at[:10] > voucher["valid_until"]
            if voucher["status"] in EXITS or expired:
                why = f"voucher was {voucher['status']}" if voucher["status"] in EXITS else (
                    f"voucher expired on {voucher['valid_until']}")
                raise_flag(store, event, "redemption_after_exit", "L7", str(event.sequence), [event.sequence],
                           f"redemption requested but the {why}", voucher)

    def _enrolled(self, event: LoggedEvent, store: Store, voucher: dict) -> None:
        institution = event.facts["institution"]
        self._catalogued(event, store, voucher, institution, "institution")
        stats = self._stats(store, institution, voucher["region"])
        stats["enrolled"] += 1
        stats["last_sequence"] = event.sequence
        store.put("view_institution_stats", stats)

    def _assessed(self, event: LoggedEvent, store: Store, voucher: dict) -> None:
        stats = self._stats(store, voucher["institution"], voucher["region"])
        stats["assessed"] += 1
        stats["passed"] += 1 if event.facts["passed"] else 0
        stats["recent_assessments"] = (stats["recent_assessments"] + [event.sequence])[-RECENT_ASSESSMENTS:]
        stats["last_sequence"] = event.sequence
        store.put("view_institution_stats", stats)
        number = event.facts.get("certificate_number")
        if not event.facts["passed"] or not number:
            return
        first = store.get("view_certificates", number)
        if first is None:
            store.put("view_certificates", {"number": number, "voucher": event.aggregate_id,
                                            "sequence": event.sequence})
        elif first["voucher"] != event.aggregate_id:
            raise_flag(store, event, "certificate_reused", "L13", number, [first["sequence"], event.sequence],
                       f"certificate {number} is already on voucher {first['voucher']}", voucher)

    @staticmethod
    def _stats(store: Store, institution: str, region: str) -> dict:
        return store.get("view_institution_stats", institution) or {
            "institution": institution, "region": region, "enrolled": 0, "assessed": 0, "passed": 0,
            "recent_assessments": [], "last_sequence": 0}

    def _session(self, event: LoggedEvent, store: Store, voucher: dict) -> None:
        facts = event.facts
        online = event.type == "Voucher.OnlineLearningRecorded"
        started_at = facts["signed_in_at"] if online else facts["started_at"]
        start = _moment(started_at)
        place = f"online:{facts['platform']}" if online else f"offline:{facts['institution']}:{facts['location']}"
        session = {"sequence": event.sequence, "trainee": voucher["trainee"], "voucher": event.aggregate_id,
                   "kind": "online" if online else "offline", "place": place, "started_at": started_at,
                   "ended_at": iso(start + timedelta(minutes=facts["minutes"])), "minutes": facts["minutes"],
                   "day": start.astimezone(CHINA_STANDARD_TIME).date().isoformat(), "region": voucher["region"]}
        earlier = list(store.group("view_sessions", voucher["trainee"]))
        store.put("view_sessions", session)
        self._two_places(event, store, voucher, session, earlier)
        self._day_overflow(event, store, voucher, session, earlier)
        self._before_approval(event, store, voucher, started_at)
        actor, role = (facts["platform"], "platform") if online else (facts["institution"], "institution")
        self._catalogued(event, store, voucher, actor, role)
        if online:
            if facts["face_checks_failed"] > 0:
                raise_flag(store, event, "face_check_failed", "L6", str(event.sequence), [event.sequence],
                           f"{facts['face_checks_failed']} random face check(s) failed in an online session",
                           voucher)
            profile = profile_for(voucher["region"], voucher["profile_version"])
            refusal = online_share_refusal(profile, voucher["occupation_type"], voucher["total_class_hours"],
                                           voucher["online_minutes"] + facts["minutes"])
            if refusal is not None:
                raise_flag(store, event, "online_share", refusal.rule, event.aggregate_id, [event.sequence],
                           refusal.reason, voucher)

    @staticmethod
    def _two_places(event: LoggedEvent, store: Store, voucher: dict, session: dict, earlier: list) -> None:
        for other in earlier:
            overlaps = other["started_at"] < session["ended_at"] and session["started_at"] < other["ended_at"]
            if overlaps and other["place"] != session["place"]:
                raise_flag(store, event, "two_places", "L7", f"{other['sequence']}:{event.sequence}",
                           [other["sequence"], event.sequence],
                           f"trainee {voucher['trainee']} is recorded at {other['place']} and at "
                           f"{session['place']} at overlapping times", voucher)

    @staticmethod
    def _day_overflow(event: LoggedEvent, store: Store, voucher: dict, session: dict, earlier: list) -> None:
        same_day = [other for other in earlier if other["day"] == session["day"]] + [session]
        minutes = sum(other["minutes"] for other in same_day)
        if minutes > MINUTES_PER_DAY:
            raise_flag(store, event, "day_overflow", "N2", f"{voucher['trainee']}:{session['day']}",
                       [other["sequence"] for other in same_day],
                       f"trainee {voucher['trainee']} has {minutes} study minutes starting on {session['day']}; "
                       f"a day holds {MINUTES_PER_DAY}", voucher)

    @staticmethod
    def _before_approval(event: LoggedEvent, store: Store, voucher: dict, started_at: str) -> None:
        filing = store.get("view_filings", voucher["filing"]) if voucher["filing"] else None
        approved_at = filing["approved_at"] if filing else None
        if approved_at is None or started_at < approved_at:
            events = [event.sequence] + ([filing["approved_sequence"]] if approved_at else [])
            raise_flag(store, event, "training_before_approval", "H4", str(event.sequence), sorted(events),
                       f"training at {started_at} but the class filing was "
                       f"{'approved at ' + approved_at if approved_at else 'never approved'}", voucher)

    @staticmethod
    def _catalogued(event: LoggedEvent, store: Store, voucher: dict, party_id: str, role: str) -> None:
        party = store.get("view_parties", party_id)
        if party is not None and party["listed"]:
            return
        events = [event.sequence]
        if party is not None and party["catalogue_sequence"]:
            events.insert(0, party["catalogue_sequence"])
        rule = "L12" if party is not None and party["banned"] else "L2"
        raise_flag(store, event, "outside_catalogue", rule, str(event.sequence), events,
                   f"{role} {party_id} is not in the recommended catalogue", voucher)


def raise_flag(store: Store, event: LoggedEvent, kind: str, rule: str, key: str, events: list[int], detail: str,
               voucher: dict) -> None:
    flag_id = f"{kind}:{key}"
    flag = store.get("view_flags", flag_id)
    if flag is None:
        flag = {"id": flag_id, "kind": kind, "rule": rule, "voucher": voucher["id"], "trainee": voucher["trainee"],
                "institution": voucher["institution"], "region": voucher["region"], "events": [],
                "sequence": event.sequence, "raised_at": event.recorded_at}
    flag["events"] = sorted(set(flag["events"]) | set(events))
    flag["detail"] = detail[:500]
    store.put("view_flags", flag)


def outlier_flags(stats: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Institutions whose pass rate or volume is far out of line with the rest
    of their region (L11: a reason to inspect, not a verdict)."""
    by_region: dict[str, list[dict]] = {}
    for row in stats:
        by_region.setdefault(row["region"], []).append(row)
    flags = []
    for region, rows in sorted(by_region.items()):
        for row in rows:
            others = [other for other in rows if other["institution"] != row["institution"]]
            if not others:
                continue
            reasons = []
            others_assessed = sum(other["assessed"] for other in others)
            if row["assessed"] >= OUTLIER_MIN_ASSESSED and others_assessed >= OUTLIER_MIN_ASSESSED:
                rate = 100 * row["passed"] / row["assessed"]
                others_rate = 100 * sum(other["passed"] for other in others) / others_assessed
                if abs(rate - others_rate) > OUTLIER_PASS_RATE_POINTS:
                    reasons.append(f"pass rate {rate:.0f}% against {others_rate:.0f}% elsewhere in {region}")
            others_mean = sum(other["enrolled"] for other in others) / len(others)
            if row["enrolled"] >= OUTLIER_MIN_ENROLLED and row["enrolled"] > OUTLIER_VOLUME_FACTOR * others_mean:
                reasons.append(f"{row['enrolled']} vouchers enrolled against {others_mean:.0f} on average "
                               f"elsewhere in {region}")
            if reasons:
                flags.append({"id": f"institution_outlier:{row['institution']}", "kind": "institution_outlier",
                              "rule": "L11", "voucher": None, "trainee": None, "institution": row["institution"],
                              "region": region, "events": list(row["recent_assessments"]),
                              "detail": "; ".join(reasons), "sequence": row["last_sequence"],
                              "raised_at": None})
    return flags
