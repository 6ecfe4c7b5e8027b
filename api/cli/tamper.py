"""Tamper evidence on the command line (J1): `checkpoint` (and `checkpoint
cosign`), `proof inclusion|consistency`, `verify`, `export`, `bundle`,
`erase`, `draw` (L11)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from api.cli import app
from api.cli.options import DatabaseOption, JsonOption, open_ledger, print_json
from api.pages.verification import record_verification
from ledger.envelope import parse_uuid, sign_command
from ledger.errors import BadInput, NotFound, TamperDetected, ViewFailed
from ledger.genesis import trust_root_key
from ledger.signing import SigningKey
from ledger.transparency.bundle import make_bundle, verify_bundle
from ledger.transparency.checkpoints import (
    Checkpoint, all_checkpoints, cosign_latest, latest_checkpoint, log_identity, record_checkpoint)
from ledger.transparency.draw import draw as draw_targets
from ledger.transparency.export import export_ledger, read_checkpoints, read_events, read_keys
from ledger.transparency.proofs import consistency_proof, inclusion_proof
from ledger.transparency.tree_store import stored_leaves
from ledger.transparency.witnessed import check_witness_vkeys, witnessed_note
from ledger.verify import Report, verify_log
from projections import compare_views, failures

console = Console(stderr=True)
checkpoint_app = typer.Typer(help="Record, print or cosign a signed checkpoint of the log.", no_args_is_help=False)
proof_app = typer.Typer(help="RFC 9162 proofs as JSON (hex hashes).", no_args_is_help=True)
app.add_typer(checkpoint_app, name="checkpoint")
app.add_typer(proof_app, name="proof")


def _progress(disable: bool) -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                    console=console, transient=True, disable=disable)


def _read_json_file(path: Path, what: str) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise BadInput(f"{what} {path} cannot be read as JSON: {error}") from None


def _load_key(path: Path) -> SigningKey:
    try:
        return SigningKey.load(path)
    except OSError as error:
        raise BadInput(f"key file {path} cannot be read: {error.strerror}") from None


# --- checkpoint ---


@checkpoint_app.callback(invoke_without_command=True)
def checkpoint(ctx: typer.Context,
               latest: bool = typer.Option(False, "--latest", help="Print the latest checkpoint; record none."),
               note: bool = typer.Option(False, "--note", help="As a C2SP tlog-checkpoint signed note."),
               vkey: bool = typer.Option(False, "--vkey", help="Print the ledger's note verifier key."),
               witness: list[str] = typer.Option([], "--witness", help="A witness URL (c2sp.org/tlog-witness) to "
                                                 "push the checkpoint to once; repeatable."),
               witness_vkey: list[str] = typer.Option([], "--witness-vkey", help="A witness's cosignature/v1 "
                                                      "verifier key (`vledger witness vkey`); repeatable."),
               db: str = DatabaseOption, json_output: bool = JsonOption) -> None:
    """Record a signed checkpoint of every event so far (or print the latest with --latest)."""
    if ctx.invoked_subcommand is not None:
        return
    if witness and not witness_vkey:
        raise BadInput("--witness needs the witness's verifier key: give --witness-vkey (`vledger witness vkey`)")
    check_witness_vkeys(witness_vkey)
    ledger = open_ledger(db)
    identity = log_identity(ledger)
    if vkey:
        typer.echo(identity.vkey())
        return
    found = latest_checkpoint(ledger) if latest else record_checkpoint(ledger)
    if found is None:
        raise NotFound("no checkpoint has been recorded yet; run `vledger checkpoint`")
    if witness:
        _push_to_witnesses(ledger, found, witness, witness_vkey, json_output)
        return
    if note:
        typer.echo(witnessed_note(ledger, found), nl=False)
    elif json_output:
        print_json(found.to_json())
    else:
        typer.echo(f"checkpoint {found.tree_size} events, root {found.root_hash}, at {found.timestamp}; "
                   f"cosigned by {', '.join(c['name'] for c in found.cosignatures) or 'no witness yet'}")


def _push_to_witnesses(ledger, found: Checkpoint, urls: list[str], witness_vkeys: list[str],
                       json_output: bool) -> None:
    from api.witness_push import push_checkpoint

    pushed = [push_checkpoint(ledger, url, witness_vkeys, found) for url in urls]
    if json_output:
        print_json([{"url": p.url, "tree_size": p.tree_size, "cosigned_by": p.cosigned_by} for p in pushed])
        return
    for one in pushed:
        typer.echo(f"checkpoint {one.tree_size} cosigned by {', '.join(one.cosigned_by)} (witness at {one.url})")


@checkpoint_app.command("cosign")
def cosign(key: Path = typer.Option(..., "--key", help="The witness's key file (finance or inspector)."),
           db: str = DatabaseOption, json_output: bool = JsonOption) -> None:
    """A witness checks the latest checkpoint and adds its cosignature."""
    ledger = open_ledger(db)
    cosigned = cosign_latest(ledger, _load_key(key))
    if json_output:
        print_json(cosigned.to_json())
        return
    typer.echo(f"cosigned checkpoint {cosigned.tree_size} ({cosigned.root_hash}); cosigned by "
               f"{', '.join(c['name'] for c in cosigned.cosignatures)}")


# --- proofs ---


@proof_app.command("inclusion")
def proof_inclusion(seq: int = typer.Option(..., "--seq", help="The event's global sequence number."),
                    tree_size: int = typer.Option(None, "--tree-size", help="Default: the latest checkpoint."),
                    db: str = DatabaseOption, json_output: bool = JsonOption) -> None:
    """{leaf_index, tree_size, leaf_hash, root_hash, audit_path} for event --seq (RFC 9162 2.1.3)."""
    if seq < 1:
        raise BadInput("--seq is an event's sequence number, from 1")
    print_json(inclusion_proof(open_ledger(db), seq, tree_size))


@proof_app.command("consistency")
def proof_consistency(first: int = typer.Option(..., "--from", help="The earlier tree size."),
                      second: int = typer.Option(..., "--to", help="The later tree size."),
                      db: str = DatabaseOption, json_output: bool = JsonOption) -> None:
    """{first, second, first_root, second_root, consistency_path} (RFC 9162 2.1.4)."""
    print_json(consistency_proof(open_ledger(db), first, second))


# --- verify ---


@app.command()
def verify(checkpoint_file: Path = typer.Option(None, "--checkpoint",
                                                help="A checkpoint saved earlier (`checkpoint --latest --json`)."),
           export: Path = typer.Option(None, "--export", help="Verify an export folder; no database needed."),
           bundle: Path = typer.Option(None, "--bundle", help="Verify a voucher bundle file offline."),
           processes: int = typer.Option(os.cpu_count() or 1, "--processes", help="Worker processes."),
           trust_root: str = typer.Option(None, "--trust-root", help="The trust root public key you trust (base64)."),
           db: str = DatabaseOption, json_output: bool = JsonOption) -> None:
    """Full verification: signatures, chain links, checkpoints, consistency with a saved checkpoint."""
    if not 1 <= processes <= 256:
        raise BadInput("--processes must be from 1 to 256")
    if export is not None and bundle is not None:
        raise BadInput("give --export or --bundle, not both")
    if bundle is not None:
        summary = verify_bundle(_read_json_file(bundle, "bundle"), trust_root)
        if json_output:
            print_json(summary)
        else:
            typer.echo(f"intact: voucher {summary['voucher']}: {summary['voucher_events']} events, "
                       f"{summary['events_checked']} with their signers' keys, included in checkpoint "
                       f"{summary['checkpoint_tree_size']} ({summary['checkpoint_root_hash']}); cosigned by "
                       f"{', '.join(summary['cosigned_by']) or 'no witness'}")
        return
    saved = Checkpoint.from_json(_read_json_file(checkpoint_file, "checkpoint")) if checkpoint_file else None
    if export is not None:
        keys = read_keys(export)
        ledger, events, checkpoints, total = None, read_events(export), read_checkpoints(export), None
        trust_root, leaves = trust_root or keys.get("trust_root_public_key"), None
    else:
        ledger = open_ledger(db)
        events, checkpoints, total = ledger.notifications(), all_checkpoints(ledger), ledger.max_notification_id()
        leaves = stored_leaves(ledger)
    with _progress(json_output) as progress:
        task = progress.add_task("verifying events", total=total)
        report = verify_log(events, checkpoints, saved_checkpoint=saved, trust_root_public_key=trust_root,
                            processes=processes, progress=lambda n: progress.advance(task, n),
                            stored_leaves=leaves)
    report_json = report.to_json()
    report_json.update(_compare_views(ledger, report))
    if ledger is not None and saved is None:  # what the ledger page shows as the last full verification
        record_verification(ledger.engine, report_json)
    if json_output:
        print_json(report_json)
    if report_json["first_problem"] is not None:
        raise TamperDetected(report_json["first_problem"])
    if not json_output:
        _print_report(report_json)


def _compare_views(ledger, report: Report) -> dict[str, Any]:
    """Every projection equals a fresh replay (DESIGN.md trust model), and
    every view can apply every accepted event (none failed)."""
    if ledger is None or report.first_problem is not None:
        return {}
    try:
        differences = compare_views(ledger)
        failed = failures.first(ledger.engine)  # recorded by a catch-up, e.g. the server's
        if failed is not None:
            raise failed
    except ViewFailed as failure:
        return {"views": "failed", "first_problem": f"{failure}; the read side stops before that event"}
    if differences:
        first = differences[0]
        return {"views": "differ", "first_problem": f"view {first.view}, key {first.key}: the stored view "
                                                    "differs from a fresh replay of the log"}
    return {"views": "equal to a fresh replay"}


def _print_report(summary: dict[str, Any]) -> None:
    typer.echo(f"intact: {summary['events_checked']} events, {summary['aggregates']} chains, {summary['keys']} keys, "
               f"{summary['checkpoints_checked']} checkpoints verified in {summary['seconds']:.2f} s "
               f"({summary['events_per_second']} events/s on {summary['processes']} processes)")
    for label, key in (("latest checkpoint", "latest_checkpoint"), ("your saved checkpoint", "saved_checkpoint")):
        found = summary.get(key)
        if found:
            typer.echo(f"{label}: {found['tree_size']} events, root {found['root_hash']}, cosigned by "
                       f"{', '.join(found['cosigned_by']) or 'no witness'}")
    if summary.get("views"):
        typer.echo(f"views: {summary['views']}")


# --- export, bundle, erase, draw ---


@app.command()
def export(out: Path = typer.Option(..., "--out", help="Folder to write events.jsonl, checkpoints.jsonl, keys.json."),
           db: str = DatabaseOption, json_output: bool = JsonOption) -> None:
    """Write the log, its checkpoints and public keys as plain files for offline verification."""
    if out.exists() and not out.is_dir():
        raise BadInput(f"--out {out} exists and is not a folder")
    ledger = open_ledger(db)
    with _progress(json_output) as progress:
        task = progress.add_task("exporting events", total=ledger.max_notification_id())
        summary = export_ledger(ledger, out, progress=lambda n: progress.advance(task, n))
    if json_output:
        print_json(summary)
        return
    typer.echo(f"exported {summary['events']} events, {summary['checkpoints']} checkpoints and "
               f"{summary['keys']} keys to {out}; check with `vledger verify --export {out}`")


@app.command()
def bundle(voucher: str = typer.Option(..., "--voucher", help="Voucher id (UUID)."),
           out: Path = typer.Option(..., "--out", help="The bundle file to write."),
           db: str = DatabaseOption, json_output: bool = JsonOption) -> None:
    """One file proving a voucher's events, their signers and their inclusion at a checkpoint (S6)."""
    ledger = open_ledger(db)
    made = make_bundle(ledger, parse_uuid(voucher, what="--voucher"))
    try:
        out.write_text(json.dumps(made, ensure_ascii=False, indent=1), encoding="utf-8")
    except OSError as error:
        raise BadInput(f"--out {out} cannot be written: {error.strerror}") from None
    summary = {"out": str(out), "voucher": voucher, "events": len(made["events"]),
               "checkpoint_tree_size": made["checkpoint"]["tree_size"]}
    if json_output:
        print_json(summary)
        return
    typer.echo(f"bundle of voucher {voucher}: {summary['events']} events proved against checkpoint "
               f"{summary['checkpoint_tree_size']}, written to {out}; check with `vledger verify --bundle {out}`")


@app.command()
def erase(trainee: str = typer.Option(..., "--trainee", help="Trainee id (UUID)."),
          key: Path = typer.Option(None, "--key", help="The registering bureau's key file (default: trust root)."),
          reason: str = typer.Option("erasure requested", "--reason", help="Why (recorded in the log)."),
          db: str = DatabaseOption, json_output: bool = JsonOption) -> None:
    """Destroy a trainee's personal-data key and record the erasure; the chain still verifies."""
    ledger = open_ledger(db)
    signer = _load_key(key) if key is not None else trust_root_key(ledger.keys_dir)
    target = parse_uuid(trainee, what="--trainee")
    outcome = ledger.submit(sign_command(signer, "erase_trainee", target, {"reason": reason},
                                         signed_at=ledger.clock(), ledger=ledger.origin))
    if json_output:
        print_json(outcome.result)
        return
    typer.echo(f"trainee {trainee} erased: their name and national ID can no longer be read "
               f"(event {outcome.result['event_hashes'][0]})")


@app.command()
def draw(checkpoint_file: Path = typer.Option(..., "--checkpoint", help="A signed checkpoint (JSON)."),
         count: int = typer.Option(..., "--count", help="How many to pick."),
         region: str = typer.Option(None, "--region", help="Only this region."),
         of: str = typer.Option("institutions", "--of", help="institutions or vouchers."),
         db: str = DatabaseOption, json_output: bool = JsonOption) -> None:
    """Random inspection targets anyone can recompute from a signed checkpoint (L11)."""
    from ledger.rules import REGIONS

    if region is not None and region not in REGIONS:
        raise BadInput(f"--region must be one of: {', '.join(REGIONS)}")
    saved = Checkpoint.from_json(_read_json_file(checkpoint_file, "checkpoint"))
    result = draw_targets(open_ledger(db), saved, count, region, of)
    if json_output:
        print_json(result)
        return
    typer.echo(f"drawn from checkpoint {saved.tree_size} (root {saved.root_hash}), "
               f"{len(result['chosen'])} of {result['population']} {of}:")
    for chosen in result["chosen"]:
        typer.echo(f"  {chosen}")
    typer.echo(f"recipe: {result['recipe']}")
