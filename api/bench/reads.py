"""Read latencies at one log size, called in-process the way the HTTP
handlers call them (no network): a voucher's history (`ledger.history`), a
voucher's state (the `vouchers` view, after catch-up), an RFC 9162 inclusion
proof and a consistency proof (`ledger.transparency.proofs`). Random vouchers
and positions, fixed seed. A section whose code is not there is reported
"not available" with the reason, never a number."""

from __future__ import annotations

import random
import time
from typing import Any
from uuid import UUID

from api.bench.measure import latencies
from ledger.application import VoucherLedger
from ledger.history import voucher_history
from ledger.transparency.checkpoints import record_checkpoint
from ledger.transparency.proofs import consistency_proof, inclusion_proof
from projections import catch_up
from projections.queries import voucher_state

SAMPLES = 200


def not_available(reason: str) -> dict[str, Any]:
    return {"available": False, "reason": reason}


def read_latencies(ledger: VoucherLedger, vouchers: list[UUID], samples: int = SAMPLES) -> dict[str, Any]:
    rng = random.Random(8)
    size = ledger.max_notification_id()
    chosen = [rng.choice(vouchers) for _ in range(samples)]
    result: dict[str, Any] = {"events": size}
    voucher_history(ledger, chosen[0])  # warm the process, as a running server is
    result["voucher_history"] = latencies(lambda i: voucher_history(ledger, chosen[i]), samples)
    result["voucher_state"] = _state(ledger, chosen)
    result.update(_proofs(ledger, rng, size, samples))
    return result


def _state(ledger: VoucherLedger, chosen: list[UUID]) -> dict[str, Any]:
    started = time.perf_counter()
    caught = catch_up(ledger)
    catch_up_seconds = time.perf_counter() - started

    def read(index: int) -> None:
        with ledger.engine.connect() as connection:
            voucher_state(connection, str(chosen[index]))

    found = latencies(read, len(chosen))
    found["catch_up_events"] = caught.events
    found["catch_up_seconds"] = round(catch_up_seconds, 3)
    return found


def _proofs(ledger: VoucherLedger, rng: random.Random, size: int, samples: int) -> dict[str, Any]:
    started = time.perf_counter()
    checkpoint = record_checkpoint(ledger)  # also loads the Merkle tree into this process
    load_seconds = time.perf_counter() - started
    tree_size = checkpoint.tree_size
    sequences = [rng.randint(1, size) for _ in range(samples)]
    firsts = [rng.randint(1, tree_size) for _ in range(samples)]
    inclusion = latencies(lambda i: inclusion_proof(ledger, sequences[i]), samples)
    inclusion["tree_load_and_checkpoint_seconds"] = round(load_seconds, 3)
    consistency = latencies(lambda i: consistency_proof(ledger, firsts[i], tree_size), samples)
    return {"inclusion_proof": inclusion, "consistency_proof": consistency}
