"""Who may read what (issue 6): an inspector everything; a bureau its region;
an institution its own vouchers and filings; a platform its own learning
records; finance payments; a trainee its own voucher; an assessor the voucher
itself (status, occupation, level, hours) in its region, which it needs to
assess, and nothing else (no lists, no history, no payments)."""

from __future__ import annotations

from typing import Any, Mapping

from api.http.deps import Caller
from api.http.problems import HttpProblem
from ledger.aggregates.filing import ClassFiling
from ledger.aggregates.voucher import Voucher

VOUCHER_ASPECTS = ("voucher", "history", "learning", "payments")


def voucher_readers(voucher: Voucher, caller: Caller) -> set[str]:
    """The aspects of `voucher` the caller may read."""
    return voucher_aspects(caller, region=voucher.region, institution=voucher.institution, trainee=voucher.trainee,
                           platform=voucher.platform)


def voucher_aspects(caller: Caller, *, region: str, institution: str | None, trainee: str,
                    platform: str | None) -> set[str]:
    """The one rule of who reads which aspect of a voucher, from the voucher's
    region and parties; the API and the pages (api/pages) both ask it."""
    if caller.role == "inspector" or (caller.role == "bureau" and caller.region == region):
        return set(VOUCHER_ASPECTS)
    if caller.role == "institution" and institution == caller.id:
        return set(VOUCHER_ASPECTS)
    if caller.role == "trainee" and trainee == caller.id:
        return {"voucher", "learning", "payments"}
    if caller.role == "platform" and platform == caller.id:
        return {"learning"}
    if caller.role == "finance":
        return {"payments"}
    if caller.role == "assessor" and caller.region == region:
        return {"voucher"}
    return set()


def may_read_voucher_row(caller: Caller, row: Mapping[str, Any], aspect: str = "voucher") -> bool:
    """Whether the caller may read `aspect` of the voucher a view row describes
    (a row of projections.vouchers: region, institution, trainee, platform)."""
    return aspect in voucher_aspects(caller, region=row["region"], institution=row["institution"],
                                     trainee=row["trainee"], platform=row["platform"])


def may_read_institution_records(caller: Caller, institution_id: str, region: str | None) -> bool:
    """An institution's vouchers, balances and flags together (its page): an
    inspector, the bureau of its region, the institution itself; as the lists
    of vouchers, flags and balances allow them (REGION_OR_OWN below)."""
    return (caller.role == "inspector" or (caller.role == "bureau" and caller.region == region)
            or (caller.role == "institution" and caller.id == institution_id))


def require_voucher_access(voucher: Voucher, caller: Caller, aspect: str) -> None:
    if aspect not in voucher_readers(voucher, caller):
        raise HttpProblem("not-yours", f"{caller.role} {caller.id} may not read the {aspect} of voucher {voucher.id}: "
                          "an institution reads its own vouchers, a platform its own learning records, "
                          "a bureau its region, finance payments, an assessor the vouchers of its region")


def require_filing_access(filing: ClassFiling, caller: Caller) -> None:
    allowed = (caller.role == "inspector"
               or (caller.role == "bureau" and caller.region == filing.region)
               or (caller.role == "institution" and filing.institution == caller.id)
               or (caller.role == "platform" and filing.platform == caller.id))
    if not allowed:
        raise HttpProblem("not-yours", f"{caller.role} {caller.id} may not read filing {filing.id}: "
                          "an institution reads its own filings, a bureau its region")


# -- lists (api/http/routes/lists.py) ----------------------------------------
# Each list has, per role, the filter that keeps the caller to what it may
# see; a filter the caller asked for that contradicts it is refused (403).

VOUCHER_LIST_OWN = {"bureau": "region", "institution": "institution", "platform": "platform", "trainee": "trainee"}
FILING_LIST_OWN = {"bureau": "region", "institution": "institution", "platform": "platform"}
REGION_OR_OWN = {"bureau": "region", "institution": "institution"}
LIST_RULES = {
    "vouchers": "an inspector lists every voucher, finance every voucher's payment fields, a bureau its region, "
                "an institution its own, a platform those enrolled in classes on it, a trainee its own",
    "filings": "an inspector lists every filing, a bureau its region, an institution or platform its own",
    "flags": "an inspector lists every flag, a bureau its region's, an institution those about itself",
    "audit": "an inspector reads the whole audit trail, a bureau its region's, an institution its own vouchers'",
    "balances": "an inspector and finance read every account, a bureau its region's, an institution its own "
                "accounts, a trainee its allowance",
    "report": "an inspector reads the fortnightly report of every region, a bureau its own region's",
}


def list_scope(caller: Caller, what: str, requested: dict[str, str | None], own: dict[str, str],
               everything: tuple[str, ...] = ("inspector",)) -> dict[str, str | None]:
    """`requested` filters narrowed to what `caller` may list: roles in
    `everything` keep them; a role in `own` gets its column pinned to its own
    id or region; any other role is refused."""
    if caller.role in everything:
        return dict(requested)
    column = own.get(caller.role)
    if column is None:
        raise HttpProblem("not-yours", f"{with_article(caller.role)} may not list {what}: {LIST_RULES[what]}")
    value = caller.region if column == "region" else caller.id
    asked = requested.get(column)
    if asked is not None and asked != value:
        raise HttpProblem("not-yours", f"{caller.role} {caller.id} may not list {what} of {column} {asked}: "
                          f"{LIST_RULES[what]}")
    return {**requested, column: value}


def with_article(role: str) -> str:
    """"an assessor", "an inspector", "a bureau"."""
    return f"{'an' if role[0] in 'aeiou' else 'a'} {role}"


def voucher_list_fields(caller: Caller) -> str:
    """Which voucher fields the caller sees in a list, as for a single voucher."""
    return {"finance": "payments", "platform": "learning"}.get(caller.role, "full")
