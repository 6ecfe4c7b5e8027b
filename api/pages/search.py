"""Search by voucher id, institution (id or part of its name), certificate
number, or a trainee's national ID: its keyed hash (64 hex digits, HMAC as
the ledger stores it) or the number itself, which is hashed here with the
ledger's matching key and never shown, logged or put in a URL."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from sqlalchemy import select

from api.pages.language import _
from ledger.aggregates.indexes import CertificateNumber, NationalIdentity
from ledger.aggregates.party import Party
from ledger.aggregates.voucher import Voucher
from projections.registry import PARTIES
from projections.vouchers import VOUCHERS

MAX_QUERY_CHARACTERS = 100
MAX_RESULTS = 50
HASH_PATTERN = re.compile(r"^[0-9a-f]{64}$")
NATIONAL_ID_PATTERN = re.compile(r"^[0-9]{17}[0-9X]$")
NATIONAL_ID_KINDS = ("national_id", "national_id_hash")


@dataclass
class Results:
    kind: str  # what the query was taken for
    vouchers: list[dict[str, Any]] = field(default_factory=list)
    institutions: list[dict[str, Any]] = field(default_factory=list)
    shown_query: str = ""  # never a national ID


def classify(query: str) -> str:
    text = query.strip()
    if NATIONAL_ID_PATTERN.match(text.upper()):
        return "national_id"
    if HASH_PATTERN.match(text.lower()):
        return "national_id_hash"
    try:
        UUID(text)
        return "id"
    except ValueError:
        return "text"


def search(ledger, connection, query: str) -> Results:
    """Everything the query can name; the caller filters by what the viewer may see."""
    text = query.strip()[:MAX_QUERY_CHARACTERS]
    kind = classify(text)
    if kind == "national_id":
        return _by_national_id_hash(ledger, connection, ledger.personal_data.national_id_hash(text.upper()),
                                    _("national ID (hashed, not shown)"))
    if kind == "national_id_hash":
        return _by_national_id_hash(ledger, connection, text.lower(), _("national ID hash"))
    results = Results(_("text"), shown_query=text)
    if kind == "id":
        found = ledger.find(UUID(text))
        if isinstance(found, Voucher):
            results.kind = _("voucher id")
            results.vouchers = _vouchers(connection, VOUCHERS.table.c.id == str(found.id))
            return results
        if isinstance(found, Party) and found.role == "institution":
            results.kind = _("institution id")
            results.institutions = [_institution(found)]
            results.vouchers = _vouchers(connection, VOUCHERS.table.c.institution == str(found.id))
            return results
    certificate = ledger.find(CertificateNumber.id_for(text))
    if isinstance(certificate, CertificateNumber):
        results.kind = _("certificate number")
        results.vouchers = _vouchers(connection, VOUCHERS.table.c.id == certificate.voucher)
        return results
    if len(text) >= 2:
        table = PARTIES.table
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        rows = connection.execute(select(table).where(table.c.role == "institution",
                                                      table.c.name.like(pattern, escape="\\"))
                                  .order_by(table.c.name).limit(MAX_RESULTS)).mappings().all()
        if rows:
            results.kind = _("institution name")
            results.institutions = [{"id": row["id"], "name": row["name"], "region": row["region"]} for row in rows]
    return results


def _by_national_id_hash(ledger, connection, national_id_hash: str, kind: str) -> Results:
    """The vouchers of the trainee bound to this keyed hash, unless that trainee
    was erased (L10): the hash stays in the log, which must not lead back to an
    erased person (docs/decisions/0024)."""
    results = Results(kind, shown_query=national_id_hash if kind == "national ID hash" else "")
    identity = ledger.find(NationalIdentity.id_for(national_id_hash))
    if not isinstance(identity, NationalIdentity):
        return results
    trainee = ledger.find(UUID(identity.trainee))
    if isinstance(trainee, Party) and not trainee.erased:
        results.vouchers = _vouchers(connection, VOUCHERS.table.c.trainee == identity.trainee)
    return results


def _institution(party: Party) -> dict[str, Any]:
    return {"id": str(party.id), "name": party.name, "region": party.region}


def _vouchers(connection, condition) -> list[dict[str, Any]]:
    table = VOUCHERS.table
    query = (select(table.c.id, table.c.status, table.c.region, table.c.occupation, table.c.level,
                    table.c.institution, table.c.trainee, table.c.platform, table.c.certificate_number)
             .where(condition).order_by(table.c.last_sequence.desc()).limit(MAX_RESULTS))
    return [dict(row) for row in connection.execute(query).mappings()]
