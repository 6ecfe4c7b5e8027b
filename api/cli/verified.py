"""`vledger get --verify PATH` (issue 16; docs/decisions/0043): a signed read
through the verifying client (api/verified_client.py), which keeps the last
checkpoint it trusted in a file between runs."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import typer

from api.client import LedgerClient
from api.verified_client import VerifiedClient, vkey_of_state_file
from ledger.errors import BadInput

VkeyOption = typer.Option(None, "--vkey", envvar="VLEDGER_LEDGER_VKEY",
                          help="With --verify: the ledger's note verifier key (`vledger checkpoint --vkey`), "
                               "given out of band; read from --trusted when that file exists.")
TrustedOption = typer.Option(None, "--trusted", envvar="VLEDGER_TRUSTED_CHECKPOINT",
                             help="With --verify: the file that keeps the last checkpoint this client trusted "
                                  "(default: one per ledger key under ~/.vledger/trusted/).")


def verified_get(client: LedgerClient, path: str, vkey: str | None, trusted: Path | None) -> Any:
    """The read, verified; raises a VerificationFailed (exit 1) naming what did not verify."""
    if vkey is None and trusted is not None:
        vkey = vkey_of_state_file(trusted)
    if vkey is None:
        raise BadInput("--verify needs the ledger's verifier key: --vkey (from `vledger checkpoint --vkey`), or "
                       "--trusted naming a file an earlier verified read wrote")
    if trusted is None:
        trusted = Path.home() / ".vledger" / "trusted" / f"{hashlib.sha256(vkey.encode()).hexdigest()[:16]}.json"
    trusted.parent.mkdir(parents=True, exist_ok=True)
    return VerifiedClient(client, vkey, state_file=trusted).get(path)
