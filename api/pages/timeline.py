"""A voucher's timeline for its page: one row per event of the voucher, with
its global sequence number (the Merkle leaf it maps to), who signed it in
what role, what happened in a sentence, the rule that applied and the event
hash; and the inclusion proofs of those events against one tree size."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.persistence import Notification
from sqlalchemy import select

from api.pages.language import Word, _
from ledger.aggregates.party import Party
from ledger.errors import BadInput
from ledger.occupations import occupation_label
from ledger.transparency.tree_store import ensure_tree, leaves_table
from projections.events import LoggedEvent, decode

# The rule each step of the loop answers to (DOMAIN.md).
EVENT_RULES = {
    "Issued": "L7", "Claimed": "L9", "Enrolled": "H4", "OnlineLearningRecorded": "N2",
    "OfflineTrainingRecorded": "L5", "Assessed": "L14", "RedemptionRequested": "H6", "Reviewed": "L13",
    "NoticeOpened": "H7", "ObjectionRaised": "H7", "NoticeClosed": "H7", "Prepaid": "H3", "Paid": "H7",
    "AllowancePaid": "N4", "Expired": "L7", "Revoked": "L7", "ClawedBack": "L12",
}
# Each event's name as the pages show it (Chinese in api/pages/language.py).
EVENT_WORDS = {
    "Issued": _("Issued"), "Claimed": _("Claimed"), "InstitutionChosen": _("InstitutionChosen"),
    "Enrolled": _("Enrolled"), "OnlineLearningRecorded": _("OnlineLearningRecorded"),
    "OfflineTrainingRecorded": _("OfflineTrainingRecorded"), "Assessed": _("Assessed"),
    "RedemptionRequested": _("RedemptionRequested"), "Reviewed": _("Reviewed"), "NoticeOpened": _("NoticeOpened"),
    "ObjectionRaised": _("ObjectionRaised"), "NoticeClosed": _("NoticeClosed"), "Prepaid": _("Prepaid"),
    "Paid": _("Paid"), "AllowancePaid": _("AllowancePaid"), "Expired": _("Expired"), "Revoked": _("Revoked"),
    "ClawedBack": _("ClawedBack"),
}
MAX_PROOFS = 2000


def yuan(amount_fen: int | None) -> str:
    if amount_fen is None:
        return "-"
    sign = "-" if amount_fen < 0 else ""
    return f"{sign}¥{abs(amount_fen) // 100:,}.{abs(amount_fen) % 100:02d}"


def what_happened(name: str, facts: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """One sentence for an event, from its facts (never personal data): the
    catalogue text (api/pages/language.py) and the values of its places."""
    amount = yuan(facts.get("amount_fen"))
    fund = Word(facts.get("fund") or "")
    if name == "Issued":
        return _("issued for {occupation}, standard {standard}, valid until {valid_until}"), {
            "occupation": occupation_label(facts.get("occupation"), facts.get("level")),
            "standard": yuan(facts.get("standard_fen")), "valid_until": facts.get("valid_until")}
    if name == "Enrolled":
        return _("enrolled at institution {institution} in class {filing}; subsidy {subsidy}"), {
            "institution": facts.get("institution"), "filing": facts.get("filing"),
            "subsidy": yuan((facts.get("subsidy") or {}).get("total_fen"))}
    if name == "OnlineLearningRecorded":
        return _("{minutes} min online from {signed_in_at}; face checks passed {passed}, failed {failed}"), {
            "minutes": facts.get("minutes"), "signed_in_at": facts.get("signed_in_at"),
            "passed": facts.get("face_checks_passed", 0), "failed": facts.get("face_checks_failed", 0)}
    if name == "OfflineTrainingRecorded":
        values = {"minutes": facts.get("minutes"), "started_at": facts.get("started_at"),
                  "location": facts.get("location")}
        if facts.get("evidence"):
            return _("{minutes} min offline from {started_at} at {location}; {count} evidence hash(es)"), {
                **values, "count": len(facts["evidence"])}
        return _("{minutes} min offline from {started_at} at {location}"), values
    if name == "Assessed":
        if facts.get("passed"):
            return _("passed, certificate {certificate}"), {"certificate": str(facts.get("certificate_number"))}
        return _("failed"), {}
    if name == "RedemptionRequested":
        return _("redemption requested with {count} evidence hash(es)"), {"count": len(facts.get("evidence", []))}
    if name == "Reviewed":
        return _reviewed(facts)
    if name == "NoticeOpened":
        return _("public notice opened until {closes_at}"), {
            "closes_at": facts.get("closes_at", facts.get("notice_closes_at", ""))}
    if name == "ObjectionRaised":
        return _("objection: {reason}"), {"reason": facts.get("reason", "")}
    if name == "NoticeClosed":
        return _("public notice closed: {outcome}"), {"outcome": Word(str(facts.get("outcome")))}
    if name == "AllowancePaid" and "from_day" in facts:
        return _("living allowance {amount} for {days} day(s), {from_day} to {to_day}, from {fund}"), {
            "amount": amount, "days": facts.get("days"), "from_day": facts.get("from_day"),
            "to_day": facts.get("to_day"), "fund": fund}
    money = {"Prepaid": _("prepaid {amount} from {fund}"), "Paid": _("paid {amount} from {fund}"),
             "AllowancePaid": _("allowance paid {amount} from {fund}")}
    if name in money:
        return money[name], {"amount": amount, "fund": fund}
    if name == "ClawedBack":
        return _("clawed back {amount}: {reason}"), {"amount": amount, "reason": facts.get("reason", "")}
    if name == "Revoked":
        return _("revoked: {reason}"), {"reason": facts.get("reason", "")}
    if name == "Expired":
        return _("expired (valid until {valid_until})"), {"valid_until": facts.get("valid_until")}
    if name == "Claimed":
        return _("claimed by the trainee"), {}
    if name == "InstitutionChosen":
        return _("the trainee chose institution {institution}"), {"institution": facts.get("institution")}
    return name, {}


def _reviewed(facts: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    values = {"decision": Word("approved" if facts.get("approved") else "rejected"), "reason": facts.get("reason", "")}
    failed = [check["name"] for check in facts.get("checks", []) if not check.get("passed")]
    if failed:
        return _("{decision}: {reason}; checks failed: {failed}"), {**values, "failed": ", ".join(failed)}
    if facts.get("checks"):
        return _("{decision}: {reason}; {count} checks passed (L13)"), {**values, "count": len(facts["checks"])}
    return _("{decision}: {reason}"), values


def voucher_events(ledger, voucher_id: UUID) -> list[LoggedEvent]:
    """The voucher's own events in order, each with its global sequence number."""
    table = ledger.recorder.events_record_cls.__table__
    query = (select(table.c.id, table.c.originator_id, table.c.originator_version, table.c.topic, table.c.state)
             .where(table.c.originator_id == voucher_id).order_by(table.c.originator_version))
    with ledger.engine.connect() as connection:
        rows = connection.execute(query).all()
    return [decode(Notification(id=row.id, originator_id=row.originator_id, originator_version=row.originator_version,
                                topic=row.topic, state=bytes(row.state))) for row in rows]


def timeline(ledger, events: list[LoggedEvent]) -> list[dict[str, Any]]:
    parties: dict[str, Party | None] = {}
    rows = []
    for event in events:
        if event.actor not in parties:
            party = ledger.find(UUID(event.actor))
            parties[event.actor] = party if isinstance(party, Party) else None
        party = parties[event.actor]
        name = event.type.split(".", 1)[1]
        rows.append({
            "sequence": event.sequence, "version": event.version, "recorded_at": event.recorded_at,
            "event": name, "actor": event.actor, "actor_name": party.name if party else "unknown",
            "role": party.role if party else "unknown", "key_id": event.key_id,
            "what": what_happened(name, event.facts),  # (catalogue text, its values)
            "rule": event.facts.get("rule") or EVENT_RULES.get(name, ""), "event_hash": event.event_hash})
    return rows


def inclusion_proofs(ledger, sequences: list[int], tree_size: int) -> list[dict[str, Any]]:
    """RFC 9162 proofs of the events with these sequence numbers against the
    tree of size `tree_size`; an event not in that tree gets `included: false`."""
    if len(sequences) > MAX_PROOFS:
        raise BadInput(f"at most {MAX_PROOFS} proofs at once")
    log_tree = ensure_tree(ledger)
    if not 1 <= tree_size <= log_tree.size:
        raise BadInput(f"tree_size must be from 1 to {log_tree.size} (the log's size), not {tree_size}")
    with ledger.engine.connect() as connection:
        found = dict(connection.execute(select(leaves_table.c.notification_id, leaves_table.c.leaf_index)
                                        .where(leaves_table.c.notification_id.in_(sequences))).all())
    proofs = []
    for sequence in sequences:
        index = found.get(sequence)
        if index is None or index >= tree_size:
            proofs.append({"notification_id": sequence, "tree_size": tree_size, "included": False})
            continue
        tree = log_tree.tree
        proofs.append({"notification_id": sequence, "included": True, "leaf_index": index, "tree_size": tree_size,
                       "leaf_hash": tree.leaf(index).hex(), "root_hash": tree.root(tree_size).hex(),
                       "audit_path": [value.hex() for value in tree.inclusion_proof(index, tree_size)]})
    return proofs
