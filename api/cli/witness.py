"""`vledger witness new-key|vkey|serve`: a C2SP tlog-witness in its own process,
with its own key and state folder and no access to the ledger's database
(ledger/witness/, api/http/witness_app.py)."""

from __future__ import annotations

import logging
from pathlib import Path

import typer

from api.cli import app
from ledger.errors import BadInput, Conflict
from ledger.note import is_valid_key_name, parse_verifier_key
from ledger.signing import SigningKey
from ledger.witness import cosignature

WITNESS_ROLE = "witness"
witness_app = typer.Typer(help="A C2SP tlog-witness cosigning the ledger's checkpoints (cosignature/v1).",
                          no_args_is_help=True)
app.add_typer(witness_app, name="witness")


def load_witness_key(path: Path) -> tuple[str, SigningKey]:
    """The witness's name and key from a file `witness new-key` wrote."""
    key = SigningKey.load(path)
    if key.role != WITNESS_ROLE or not is_valid_key_name(key.actor):
        raise BadInput(f"{path} is not a witness key file (make one with `vledger witness new-key`)")
    return key.actor, key


@witness_app.command("new-key")
def new_key(name: str = typer.Option(..., "--name", help="The witness's name, a schema-less URL such as "
                                                         "witness.finance.example.gov.cn/w1."),
            out: Path = typer.Option(..., "--out", help="The key file to write (readable by its owner only).")
            ) -> None:
    """Make a witness key; print its cosignature/v1 verifier key."""
    if not is_valid_key_name(name) or "://" in name:
        raise BadInput(f"--name {name!r} must be a schema-less URL with no space, plus sign or control character")
    if out.exists():
        raise Conflict(f"{out} already exists; move it away or choose another --out")
    key = SigningKey.generate(actor=name, role=WITNESS_ROLE)
    try:
        key.save(out)
    except OSError as error:
        raise BadInput(f"--out {out} cannot be written: {error.strerror}") from None
    typer.echo(cosignature.verifier_key(name, key.public_key_raw))


@witness_app.command("vkey")
def vkey(key: Path = typer.Option(..., "--key", help="The witness key file.")) -> None:
    """Print the witness's cosignature/v1 verifier key (algorithm byte 0x04)."""
    name, signing_key = load_witness_key(key)
    typer.echo(cosignature.verifier_key(name, signing_key.public_key_raw))


@witness_app.command("serve")
def serve(key: Path = typer.Option(..., "--key", help="The witness key file."),
          log_vkey: list[str] = typer.Option(..., "--log-vkey", help="A log's note verifier key "
                                             "(`vledger checkpoint --vkey`); repeatable."),
          state: Path = typer.Option(..., "--state", help="Folder where the witness keeps each log's latest "
                                                          "cosigned checkpoint."),
          host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (loopback by default)."),
          port: int = typer.Option(8080, "--port", min=1, max=65535, help="TCP port.")) -> None:
    """Serve POST /add-checkpoint (c2sp.org/tlog-witness) for the logs named by --log-vkey."""
    import uvicorn

    from api.http.witness_app import create_witness_app
    from ledger.witness.service import Witness
    from ledger.witness.state import WitnessState

    name, signing_key = load_witness_key(key)
    for text in log_vkey:
        try:
            parse_verifier_key(text)
        except ValueError as error:
            raise BadInput(f"--log-vkey {text[:80]!r}: {error}") from None
    try:
        witness = Witness(signing_key, name, log_vkey, WitnessState(state))
    except OSError as error:
        raise BadInput(f"--state {state} cannot be used: {error.strerror}") from None
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    shown_host = f"[{host}]" if ":" in host else host
    typer.echo(f"witness {witness.vkey} following {', '.join(witness.logs)} at http://{shown_host}:{port}; "
               "Ctrl-C stops")
    uvicorn.run(create_witness_app(witness), host=host, port=port, log_config=None, log_level="warning")
