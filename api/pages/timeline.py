"""A voucher's timeline for its page: one row per event of the voucher, with
its global sequence number (the Merkle leaf it maps to), who signed it in
what role, what happened in a sentence, the rule that applied and the event
hash; and the inclusion proofs of those events against one tree size."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.persistence import Notification
from sqlalchemy import select

from api.pages.language import _
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


def what_happened(name: str, facts: dict[str, Any]) -> str:
    """One sentence for an event, from its facts (never personal data)."""
    if name == "Issued":
        return (f"issued for {occupation_label(facts.get('occupation'), facts.get('level'))}, standard "
                f"{yuan(facts.get('standard_fen'))}, valid until {facts.get('valid_until')}")
    if name == "Enrolled":
        total = (facts.get("subsidy") or {}).get("total_fen")
        return f"enrolled at institution {facts.get('institution')} in class {facts.get('filing')}; subsidy {yuan(total)}"
    if name == "OnlineLearningRecorded":
        return (f"{facts.get('minutes')} min online from {facts.get('signed_in_at')}; face checks passed "
                f"{facts.get('face_checks_passed', 0)}, failed {facts.get('face_checks_failed', 0)}")
    if name == "OfflineTrainingRecorded":
        return f"{facts.get('minutes')} min offline from {facts.get('started_at')} at {facts.get('location')}"
    if name == "Assessed":
        return ("passed, certificate " + str(facts.get("certificate_number"))) if facts.get("passed") else "failed"
    if name == "RedemptionRequested":
        return f"redemption requested with {len(facts.get('evidence', []))} evidence hash(es)"
    if name == "Reviewed":
        failed = [check["name"] for check in facts.get("checks", []) if not check.get("passed")]
        checked = (f"; checks failed: {', '.join(failed)}" if failed else
                   f"; {len(facts['checks'])} checks passed (L13)" if facts.get("checks") else "")
        return ("approved" if facts.get("approved") else "rejected") + f": {facts.get('reason', '')}{checked}"
    if name == "NoticeOpened":
        return f"public notice opened until {facts.get('closes_at', facts.get('notice_closes_at', ''))}"
    if name == "ObjectionRaised":
        return f"objection: {facts.get('reason', '')}"
    if name == "NoticeClosed":
        return f"public notice closed: {facts.get('outcome')}"
    if name == "AllowancePaid" and "from_day" in facts:
        return (f"living allowance {yuan(facts.get('amount_fen'))} for {facts.get('days')} day(s), "
                f"{facts.get('from_day')} to {facts.get('to_day')}, from {facts.get('fund')}")
    if name in ("Prepaid", "Paid", "AllowancePaid"):
        return f"{name.lower().replace('allowancepaid', 'allowance paid')} {yuan(facts.get('amount_fen'))} from {facts.get('fund')}"
    if name == "ClawedBack":
        return f"clawed back {yuan(facts.get('amount_fen'))}: {facts.get('reason', '')}"
    if name == "Revoked":
        return f"revoked: {facts.get('reason', '')}"
    if name == "Expired":
        return f"expired (valid until {facts.get('valid_until')})"
    if name == "Claimed":
        return "claimed by the trainee"
    if name == "InstitutionChosen":
        return f"the trainee chose institution {facts.get('institution')}"
    return name


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
            "what": what_happened(name, event.facts),
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
