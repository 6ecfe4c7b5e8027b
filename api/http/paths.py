"""Where each ledger step is sent over HTTP: one resource-oriented endpoint per
step under /v1. Plain data with no web framework, so the server's routes and
the parties' client (`api/client.py`) share one table."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class WriteRoute:
    path: str
    commands: tuple[str, ...]
    tag: str
    summary: str
    target_param: str | None = None

    def url(self, target: str, body: dict[str, Any]) -> str:
        """The concrete path for a command on `target` (`key_id` comes from the body)."""
        values = {"key_id": str(body.get("key_id", ""))}
        if self.target_param:
            values[self.target_param] = str(target)
        return self.path.format(**values)


def _voucher(suffix: str, command: str, summary: str) -> WriteRoute:
    return WriteRoute(f"/v1/vouchers/{{voucher_id}}/{suffix}", (command,), "vouchers", summary, "voucher_id")


BATCH_PATH = "/v1/command-batches"  # several signed envelopes at once, decided in order (api/http/routes/batches.py)

WRITE_ROUTES: tuple[WriteRoute, ...] = (
    WriteRoute("/v1/parties", ("register_party",), "parties",
               "Register a party with its first public key (a trainee's personal data goes beside the envelope)"),
    WriteRoute("/v1/parties/{party_id}/keys", ("rotate_key",), "parties", "Rotate a party's key", "party_id"),
    WriteRoute("/v1/parties/{party_id}/keys/{key_id}/revocation", ("revoke_key",), "parties",
               "Revoke one of a party's keys", "party_id"),
    WriteRoute("/v1/parties/{party_id}/erasure", ("erase_trainee",), "parties",
               "Erase a trainee's personal data (crypto-shredding)", "party_id"),
    WriteRoute("/v1/catalogue/{party_id}", ("list_in_catalogue", "delist", "ban"), "catalogue",
               "List, delist or ban for life an institution or platform (L2, L12, S5)", "party_id"),
    WriteRoute("/v1/filings", ("file_class",), "filings", "File a class online (H4, L4)"),
    WriteRoute("/v1/filings/{filing_id}/approval", ("approve_filing", "reject_filing"), "filings",
               "Approve or reject a class filing before the class starts (H4)", "filing_id"),
    WriteRoute("/v1/epidemic-period-end", ("end_epidemic_period",), "filings",
               "The bureau records the day the city's epidemic period ended (H3, H5)"),
    WriteRoute("/v1/segmented-subsidy", ("adopt_segmented_subsidy",), "filings",
               "A city's bureau opts in to segmented subsidy, the platform's part at most the ceiling (S2)"),
    WriteRoute("/v1/vouchers", ("issue_voucher",), "vouchers", "Issue a voucher to a registered trainee (S2)"),
    _voucher("claim", "claim_voucher", "The trainee claims the voucher (L7, L9)"),
    _voucher("institution-choice", "choose_institution",
             "The trainee chooses, with their own key, the institution that may enrol the voucher (L7)"),
    _voucher("enrolment", "enrol", "Enrol the voucher in an approved class of the institution the trainee chose "
                                   "(H4, L2, L7)"),
    _voucher("online-learning", "record_online_learning",
             "A platform records online learning (N2, L5, L6, H1, L1, S1, J2, J3)"),
    _voucher("offline-training", "record_offline_training", "The institution records offline training (H5)"),
    _voucher("assessment", "assess", "Record the assessment and certificate (S4, L14, H1)"),
    _voucher("redemption", "request_redemption", "Ask to redeem with evidence hashes (H6, N3, J3)"),
    _voucher("review", "review_redemption", "The bureau reviews a redemption (L13, J4)"),
    _voucher("notice", "open_notice", "Open the public notice (H3, H7)"),
    _voucher("objections", "raise_objection", "Object during the public notice (H7)"),
    _voucher("notice/closure", "close_notice", "Close the public notice (H7)"),
    _voucher("prepayments", "prepay", "Finance prepays part of the subsidy (H3)"),
    _voucher("payments", "pay", "Finance pays the balance (H7)"),
    _voucher("allowance", "pay_allowance", "Finance pays a living allowance for named days of online training "
                                           "(N4, S3)"),
    _voucher("claw-back", "claw_back", "The bureau claws back every fen paid (L12)"),
    _voucher("expiry", "expire_voucher", "Record that an unpaid voucher expired (L7)"),
    _voucher("revocation", "revoke_voucher", "Revoke an unpaid voucher (L7)"),
)

ROUTE_BY_COMMAND: dict[str, WriteRoute] = {command: route for route in WRITE_ROUTES for command in route.commands}
