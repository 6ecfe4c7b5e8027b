"""Creating a ledger (`vledger init`): the trust root key, the ledger's own
checkpoint key and the matching key go to the keys folder; the genesis event,
self-signed by the trust root, goes to the log."""

from __future__ import annotations

from pathlib import Path

from ledger.application import ROOT_ID, VoucherLedger
from ledger.config import masked_url
from ledger.envelope import DEFAULT_ORIGIN, sign_command
from ledger.errors import BadInput, Conflict
from ledger.note import origin_problem
from ledger.personal import PersonalData
from ledger.schema import upgrade
from ledger.signing import SigningKey

TRUST_ROOT_FILE = "trust-root.json"
LEDGER_KEY_FILE = "ledger.json"
MATCHING_KEY_FILE = "matching.key"


def trust_root_key(keys: Path) -> SigningKey:
    return SigningKey.load(keys / TRUST_ROOT_FILE)


def ledger_key(keys: Path) -> SigningKey:
    return SigningKey.load(keys / LEDGER_KEY_FILE)


def initialise(ledger: VoucherLedger, origin: str = DEFAULT_ORIGIN) -> dict:
    """Writes the keys and records genesis; refuses an initialised ledger."""
    if origin_problem(origin) is not None:
        raise BadInput(f"--origin: {origin_problem(origin)}")
    if ledger.is_initialised():
        raise Conflict(f"the ledger at {masked_url(ledger.database_url)} is already initialised")
    upgrade(ledger.engine)  # a new ledger starts at the newest schema version (ledger/schema.py)
    keys = ledger.keys_dir
    keys.mkdir(parents=True, exist_ok=True)
    root = SigningKey.generate(actor=str(ROOT_ID), role="root")
    checkpoint_key = SigningKey.generate(actor="ledger", role="ledger")
    for path, key in ((keys / TRUST_ROOT_FILE, root), (keys / LEDGER_KEY_FILE, checkpoint_key)):
        if path.exists():
            raise Conflict(f"{path} already exists; move it away or choose another keys folder")
        key.save(path)
    if not (keys / MATCHING_KEY_FILE).exists():
        PersonalData.new_matching_key(keys / MATCHING_KEY_FILE)
    signed = sign_command(root, "genesis", ROOT_ID, {
        "public_key": root.public_key_b64,
        "ledger_public_key": checkpoint_key.public_key_b64,
        "origin": origin,
    }, signed_at=ledger.clock(), ledger=origin)
    return ledger.submit(signed).result
