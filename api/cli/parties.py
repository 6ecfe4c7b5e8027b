"""Command-line verbs for a person at a bureau, institution, platform, finance
or inspection office, on the signing client (`api/client.py`):

    vledger keys new --role institution --out school.json
    vledger submit --server URL --key bureau.json issue-voucher --target new --body @voucher.json
    vledger get --server URL --key school.json /v1/vouchers/<id>
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any, Optional

import httpx
import typer

from api.cli import app
from api.cli.options import JsonOption, print_json
from api.cli.verified import TrustedOption, VkeyOption, verified_get
from api.client import ApiProblem, LedgerClient
from api.http.paths import ROUTE_BY_COMMAND
from ledger.aggregates.party import ROLES
from ledger.envelope import parse_uuid
from ledger.errors import BadInput
from ledger.signing import SigningKey

keys_app = typer.Typer(help="Make key pairs for parties.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")

ServerOption = typer.Option(..., "--server", help="The vledger server, e.g. http://127.0.0.1:8000.")
KeyOption = typer.Option(..., "--key", help="Your key file (from `vledger keys new`).")
MAX_INPUT_BYTES = 64 * 1024


@keys_app.command("new")
def keys_new(role: str = typer.Option(..., "--role", help=f"One of: {', '.join(ROLES[1:])}."),
             out: Path = typer.Option(..., "--out", help="Where to write the private key file (mode 0600)."),
             actor: Optional[str] = typer.Option(None, "--actor", help="The party's UUID (default: a new one)."),
             json_output: bool = JsonOption) -> None:
    """Make an Ed25519 key pair; give the public key to your registrar, keep the file."""
    if role not in ROLES[1:]:
        raise BadInput(f"--role must be one of: {', '.join(ROLES[1:])}")
    if out.exists():
        raise BadInput(f"{out} already exists; choose another --out so no key is overwritten")
    party = str(parse_uuid(actor, what="--actor")) if actor else str(uuid.uuid4())
    key = SigningKey.generate(actor=party, role=role)
    key.save(out)
    summary = {"actor": party, "role": role, "key_id": key.key_id, "public_key": key.public_key_b64,
               "file": str(out)}
    if json_output:
        print_json(summary)
        return
    typer.echo(f"{role} {party}: key {key.key_id} written to {out}")
    typer.echo(f"public key (give it to your registrar): {key.public_key_b64}")


def _json_argument(text: str, what: str) -> Any:
    """JSON given inline or as @file."""
    if text.startswith("@"):
        path = Path(text[1:])
        try:
            if path.stat().st_size > MAX_INPUT_BYTES:
                raise BadInput(f"{what} file {path} is larger than {MAX_INPUT_BYTES // 1024} KiB")
            text = path.read_text()
        except OSError as error:
            raise BadInput(f"cannot read {what} file {path}: {error.strerror}") from None
    try:
        return json.loads(text)
    except ValueError as error:
        raise BadInput(f"{what} is not JSON: {error}") from None


def _client(server: str, key: Path) -> LedgerClient:
    return LedgerClient.from_key_file(server, key)


def _call(action) -> Any:
    try:
        return action()
    except ApiProblem as problem:
        typer.echo(f"refused: {problem}", err=True)
        raise typer.Exit(2) from None
    except httpx.HTTPError as error:
        raise BadInput(f"cannot reach the server: {error}") from None


@app.command()
def submit(step: str = typer.Argument(..., help="The step, e.g. issue-voucher, enrol, pay."),
           target: str = typer.Option(..., "--target", help="UUID the step acts on, or `new` for a fresh one."),
           body: str = typer.Option("{}", "--body", help="The step's body as JSON, or @file."),
           personal: Optional[str] = typer.Option(None, "--personal",
                                                  help="A trainee's {name, national_id, nonce} as JSON or @file."),
           command_id: Optional[str] = typer.Option(None, "--command-id", help="Idempotency key (default: new)."),
           server: str = ServerOption, key: Path = KeyOption, json_output: bool = JsonOption) -> None:
    """Sign one step with your key and send it to the server."""
    command = step.replace("-", "_")
    if command not in ROUTE_BY_COMMAND:
        raise BadInput(f"unknown step {step!r}; known: {', '.join(sorted(c.replace('_', '-') for c in ROUTE_BY_COMMAND))}")
    target_id = uuid.uuid4() if target == "new" else parse_uuid(target, what="--target")
    values = _json_argument(body, "--body")
    if not isinstance(values, dict):
        raise BadInput("--body must be a JSON object")
    person = _json_argument(personal, "--personal") if personal else None
    client = _client(server, key)
    reply = _call(lambda: client.send(client.sign(command, target_id, values, command_id=parse_uuid(
        command_id, what="--command-id") if command_id else None), person))
    if json_output:
        print_json(reply.body)
        return
    replay = " (repeat: already recorded, nothing new)" if reply.replayed else ""
    typer.echo(f"{command} on {reply.body['target']}: recorded at {reply.body['recorded_at']}, "
               f"version {reply.body['version']}{replay}")


@app.command()
def get(path: str = typer.Argument(..., help="An API path, e.g. /v1/vouchers/<id>."),
        server: str = ServerOption, key: Path = KeyOption,
        verify: bool = typer.Option(False, "--verify", help="Check signatures, inclusion proofs and consistency "
                                                            "with the last trusted checkpoint (exit 1 if not)."),
        vkey: Optional[str] = VkeyOption, trusted: Optional[Path] = TrustedOption,
        json_output: bool = JsonOption) -> None:
    """A signed read: prints the JSON the server returns (errors too, as JSON, with --json)."""
    if not path.startswith("/"):
        raise BadInput("the path starts with /, e.g. /v1/vouchers/<id>")
    client = _client(server, key)
    if verify:
        print_json(_call(lambda: verified_get(client, path, vkey, trusted)))
        return
    print_json(_call(lambda: client.get(path)))
