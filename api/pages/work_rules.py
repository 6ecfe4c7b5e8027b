"""What the rules give, shown on the Work page before a party signs: the
subsidy quote for a voucher about to be issued (as `vledger quote` gives it,
api/cli/quote.py, from ledger.subsidy.quote and the region's catalogue, H2),
and the amount due to pay on a voucher (the prepayment its enrolment fixed,
H3, or the balance that fell due when its notice cleared, H7). Read-only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from api.pages.language import _
from api.pages.rendering import PageRefused
from ledger.aggregates.voucher import Voucher
from ledger.errors import BadInput, RuleViolation
from ledger.occupations import occupation_problem
from ledger.rules import profile_for
from ledger.standards import standards_for
from ledger.steps.payments import stage_fen
from ledger.steps.vouchers import catalogue_standard
from ledger.subsidy import MAX_STANDARD_FEN, quote

MAX_QUOTE_FIELD_CHARACTERS = 40


def yuan_to_fen(text: str) -> int:
    """Exact decimal yuan to integer fen; more than two decimals is refused, not rounded."""
    whole, _point, fraction = text.strip().partition(".")
    if not whole.isdigit() or (fraction and (not fraction.isdigit() or len(fraction) > 2)):
        raise PageRefused(400, _("the standard {text} must be yuan with at most two decimals, e.g. 800 or 800.50"),
                          text=repr(text[:MAX_QUOTE_FIELD_CHARACTERS]))
    return int(whole) * 100 + int(fraction.ljust(2, "0") or 0)


def issue_quote(region: str, occupation: str, level_text: str, standard_yuan: str | None,
                filed_on: date) -> dict[str, Any]:
    """The quote for a voucher of `occupation` and `level` in `region`, for a
    class filed on `filed_on`; a refusal by a rule is an answer, bad input a BadInput (an occupation
    the ledger refuses) or a PageRefused (the page's own sentence, in the reader's language)."""
    problem = occupation_problem(occupation)
    if problem:
        raise BadInput(problem)
    if not level_text.isdigit() or not 1 <= int(level_text) <= 5:
        raise PageRefused(400, _("the level must be a whole number from 1 to 5"))
    level = int(level_text)
    typed_fen = yuan_to_fen(standard_yuan) if standard_yuan else None
    if typed_fen is not None and not 1 <= typed_fen <= MAX_STANDARD_FEN:
        raise PageRefused(400, _("the standard must be between 0.01 and {most} yuan"), most=MAX_STANDARD_FEN // 100)
    catalogue = standards_for(region)
    catalogued_fen = catalogue.standard_fen(occupation, level)
    try:
        standard_fen, shortage = catalogue_standard(catalogue, occupation, level, typed_fen, None)
    except RuleViolation as refusal:
        return {"eligible": False, "total_fen": 0, "steps": [], "payments": [], "catalogued_fen": catalogued_fen,
                "refusals": [{"rule": refusal.rule, "reason": refusal.message}], "filed_on": filed_on.isoformat()}
    quoted = quote(profile_for(region), standard_fen=standard_fen, shortage=shortage, filed_on=filed_on).to_json()
    return {**quoted, "standard_fen": standard_fen, "shortage": shortage, "catalogued_fen": catalogued_fen,
            "filed_on": filed_on.isoformat()}


@dataclass(frozen=True)
class Due:
    stage: str  # "prepayment" (H3) or "balance" (H7)
    amount_fen: int
    funds: tuple[str, ...]  # the voucher's region's funds (N6)
    command: str  # prepay or pay


def due_payment(voucher: Voucher) -> Due | None:
    """What finance may pay on `voucher` now, as the rules give it: the
    balance once the notice cleared, else what is left of the prepayment its
    enrolment fixed (as the prepay step allows it); None when nothing is due."""
    funds = profile_for(voucher.region, voucher.profile_version).funds
    if voucher.status == "cleared" and voucher.balance_due_fen > 0:
        return Due("balance", voucher.balance_due_fen, funds, "pay")
    prepayment_fen = stage_fen(voucher, "prepayment") - voucher.prepaid_fen  # what H3 still allows in advance
    if prepayment_fen > 0 and voucher.status != "cleared":
        return Due("prepayment", prepayment_fen, funds, "prepay")
    return None
