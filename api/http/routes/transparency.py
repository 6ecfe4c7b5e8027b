"""Public transparency endpoints: checkpoints and RFC 9162 proofs (wired to
the tamper-evidence functions in `ledger/` when they exist)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["transparency"])
