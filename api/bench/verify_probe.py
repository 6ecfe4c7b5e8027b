"""`python -m api.bench.verify_probe --db URL --processes N`: the verification
`vledger verify` runs (`ledger.verify.verify_log` over the stored log and its
checkpoints, same function, same streaming), alone in its own process, so
its events/s and its peak resident size (VmHWM, with the largest worker's)
are the verifier's and nothing else's: `vledger verify` also compares the
stored views with a fresh replay afterwards, which the bench times separately
as the projection rebuild. Prints one JSON line."""

from __future__ import annotations

import argparse
import json
import sys


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--processes", type=int, default=1)
    arguments = parser.parse_args()

    from api.bench.measure import peak_rss_kib
    from ledger.application import VoucherLedger
    from ledger.transparency.checkpoints import all_checkpoints
    from ledger.verify import verify_log

    ledger = VoucherLedger(arguments.db)
    report = verify_log(ledger.notifications(), all_checkpoints(ledger), processes=arguments.processes)
    summary = report.to_json()
    summary["peak_rss_kib"] = peak_rss_kib()
    json.dump(summary, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
