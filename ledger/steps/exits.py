"""Exits from the loop (L7): expiry and revocation by the bureau. Both free the
trainee x occupation x level for a new voucher."""

from __future__ import annotations

from datetime import date

from ledger.command import Command
from ledger.errors import RuleViolation
from ledger.lifecycle import require_transition
from ledger.steps import require, step
from ledger.steps.redemption import voucher_of_region
from ledger.steps.vouchers import release_claim


@step("expire_voucher", roles=("bureau",))
def expire_voucher(command: Command) -> None:
    """Record that an unpaid voucher ran past its validity."""
    voucher = voucher_of_region(command)
    require(command.today > date.fromisoformat(voucher.valid_until), RuleViolation,
            f"voucher {voucher.id} is valid until {voucher.valid_until}", "L7")
    require_transition(voucher, "expire_voucher")
    voucher.expired(**command.seal(voucher, "Expired", {"valid_until": voucher.valid_until}))
    release_claim(command, voucher)


@step("revoke_voucher", roles=("bureau",))
def revoke_voucher(command: Command) -> None:
    """Revoke a voucher nothing was paid on, e.g. issued in error or obtained by fraud.
    A revoked voucher takes no claw-back, so money paid on it would never return."""
    voucher = voucher_of_region(command)
    require_transition(voucher, "revoke_voucher")
    paid_fen = voucher.prepaid_fen + voucher.allowance_fen
    require(paid_fen == 0, RuleViolation,
            f"{paid_fen} fen were already paid on voucher {voucher.id}; claw it back instead, so the money "
            "returns to its fund", "L7")
    reason = command.body.text("reason", max_length=1000)
    voucher.revoked(**command.seal(voucher, "Revoked", {"reason": reason}))
    release_claim(command, voucher)
