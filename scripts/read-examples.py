"""Regenerates api/http/read_examples.json: the example request and response of each
read operation in the OpenAPI document, taken from a test world with a paid
voucher, as the inspector reads it.

    .venv/bin/python scripts/read-examples.py > api/http/read_examples.json
"""
import json, tempfile, pathlib, sys
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))
from ledger.application import VoucherLedger
from ledger.transparency import record_checkpoint
from projections import catch_up
from tests.world import World
from tests.http_support import http_client, party
d = pathlib.Path(tempfile.mkdtemp())
ledger = VoucherLedger(f"sqlite:///{d}/l.db", keys=d / "keys")
world = World(ledger, "liaoning")
paid = world.paid_voucher()
enrolled, trainee = world.enrolled_voucher()
record_checkpoint(world.ledger)
catch_up(world.ledger)
http = http_client(world)
inspector = party(world, http, world.inspector)
v = str(paid); f = str(world.ledger.find(enrolled).filing)
today = world.clock.now.date().isoformat()
calls = {
 "getHealth": ("/healthz", {}), "getReadiness": ("/readyz", {}),
 "getParty": (f"/v1/parties/{world.institution.actor}", {"party_id": world.institution.actor}),
 "listKeys": ("/v1/keys", {"limit": 2}),
 "listFilings": ("/v1/filings", {"region": "liaoning", "limit": 1}),
 "getFiling": (f"/v1/filings/{f}", {"filing_id": f}),
 "listVouchers": ("/v1/vouchers", {"status": "paid", "limit": 1}),
 "getVoucher": (f"/v1/vouchers/{v}", {"voucher_id": v}),
 "getVoucherHistory": (f"/v1/vouchers/{v}/history", {"voucher_id": v, "limit": 2}),
 "getVoucherPayments": (f"/v1/vouchers/{v}/payments", {"voucher_id": v}),
 "getLearningRecords": (f"/v1/vouchers/{v}/learning-records", {"voucher_id": v, "limit": 1}),
 "getVoucherBundle": (f"/v1/vouchers/{v}/bundle", {"voucher_id": v}),
 "listCheckpoints": ("/v1/checkpoints", {"from": 1, "limit": 1}),
 "getLatestCheckpoint": ("/v1/checkpoints/latest", {}),
 "getInclusionProof": ("/v1/proofs/inclusion", {"seq": 3, "tree_size": 8}),
 "getConsistencyProof": ("/v1/proofs/consistency", {"first": 3, "second": 8}),
 "listFlags": ("/v1/flags", {"limit": 1}),
 "listAudit": ("/v1/audit", {"voucher": v, "limit": 1}),
 "listBalances": ("/v1/balances", {"region": "liaoning", "limit": 1}),
 "getFortnightReport": ("/v1/reports/fortnight", {"date": today}),
 "listEvents": ("/v1/events", {"after": 0, "limit": 2}),
}
out = {}
for op, (path, params) in calls.items():
    query = {k: x for k, x in params.items() if not k.endswith("_id")}
    body = inspector.get(path, query)
    out[op] = {"parameters": params, "response": body}
print(json.dumps(out, indent=1, ensure_ascii=False))
