"""Tamper evidence beyond the hash chain (J1, modelled on RFC 9162 Certificate
Transparency): the Merkle tree over the log (`tree_store`), signed and
witnessed checkpoints (`checkpoints`), inclusion and consistency proofs
(`proofs`), offline export (`export`), a voucher's verifiable record
(`bundle`, S6) and the verifiable inspection draw (`draw`, L11).
`ledger/verify.py` checks all of it."""

from ledger.transparency.checkpoints import (
    Checkpoint,
    all_checkpoints,
    checkpoint_if_due,
    cosign_latest,
    latest_checkpoint,
    log_identity,
    record_checkpoint,
)
from ledger.transparency.proofs import consistency_proof, inclusion_proof
from ledger.transparency.tree_store import ensure_tree

__all__ = [
    "Checkpoint", "all_checkpoints", "checkpoint_if_due", "consistency_proof", "cosign_latest", "ensure_tree",
    "inclusion_proof", "latest_checkpoint", "log_identity", "record_checkpoint",
]
