"""`vledger bench`: what signing, chaining and checkpointing every event cost,
measured against a plain eventsourcing baseline in the same run (ratios hold
on a noisy machine, absolute numbers do not). See docs/decisions/0011-benchmark.md.

- `world`: the bench's region, parties, filing and vouchers;
- `baseline`: the same records with plain eventsourcing aggregates;
- `bulk`: large logs of real signed, chained events, written in big transactions;
- `reads`, `http_append`, `verify_probe`, `measure`: the measurements;
- `run`: one whole run; `report`: targets and the table."""
