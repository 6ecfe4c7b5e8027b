"""Who may read what (issue 6): an inspector everything; a bureau its region;
an institution its own vouchers and filings; a platform its own learning
records; finance payments; a trainee its own voucher."""

from __future__ import annotations

from api.http.deps import Caller
from api.http.problems import HttpProblem
from ledger.aggregates.filing import ClassFiling
from ledger.aggregates.voucher import Voucher

VOUCHER_ASPECTS = ("voucher", "history", "learning", "payments")


def voucher_readers(voucher: Voucher, caller: Caller) -> set[str]:
    """The aspects of `voucher` the caller may read."""
    if caller.role == "inspector" or (caller.role == "bureau" and caller.region == voucher.region):
        return set(VOUCHER_ASPECTS)
    if caller.role == "institution" and voucher.institution == caller.id:
        return set(VOUCHER_ASPECTS)
    if caller.role == "trainee" and voucher.trainee == caller.id:
        return {"voucher", "learning", "payments"}
    if caller.role == "platform" and voucher.platform == caller.id:
        return {"learning"}
    if caller.role == "finance":
        return {"payments"}
    return set()


def require_voucher_access(voucher: Voucher, caller: Caller, aspect: str) -> None:
    if aspect not in voucher_readers(voucher, caller):
        raise HttpProblem("not-yours", f"{caller.role} {caller.id} may not read the {aspect} of voucher {voucher.id}: "
                          "an institution reads its own vouchers, a platform its own learning records, "
                          "a bureau its region, finance payments")


def require_filing_access(filing: ClassFiling, caller: Caller) -> None:
    allowed = (caller.role == "inspector"
               or (caller.role == "bureau" and caller.region == filing.region)
               or (caller.role == "institution" and filing.institution == caller.id)
               or (caller.role == "platform" and filing.platform == caller.id))
    if not allowed:
        raise HttpProblem("not-yours", f"{caller.role} {caller.id} may not read filing {filing.id}: "
                          "an institution reads its own filings, a bureau its region")
