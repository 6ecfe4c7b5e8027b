"""`vledger quote`: the subsidy the rules give, step by step."""

from __future__ import annotations

import typer

from api.cli import app
from api.cli.options import JsonOption, print_json
from ledger.envelope import parse_date
from ledger.errors import BadInput
from ledger.rules import OCCUPATION_TYPES, profile_for
from ledger.subsidy import quote as compute_quote


def yuan_to_fen(text: str) -> int:
    """Exact decimal yuan to integer fen; more than two decimals is refused, not rounded."""
    whole, _, fraction = text.strip().partition(".")
    if not whole.isdigit() or (fraction and (not fraction.isdigit() or len(fraction) > 2)):
        raise BadInput(f"--standard-yuan {text!r} must be a yuan amount with at most two decimals, e.g. 800 or 800.50")
    return int(whole) * 100 + int(fraction.ljust(2, "0") or 0)


@app.command()
def quote(
    region: str = typer.Option(..., "--region", help="national, hunan-hengyang, liaoning, shandong or jiangxi."),
    standard_yuan: str = typer.Option(..., "--standard-yuan", help="The occupation's catalogue standard, yuan."),
    shortage: bool = typer.Option(False, "--shortage", help="A shortage occupation (H2)."),
    filed_on: str = typer.Option(..., "--filed-on", help="Date the class was filed, YYYY-MM-DD."),
    occupation_type: str = typer.Option("skill", "--occupation-type", help="knowledge, skill or simulation."),
    total_class_hours: int = typer.Option(None, "--total-class-hours", help="The class's total class hours."),
    online_minutes: int = typer.Option(0, "--online-minutes", help="Minutes studied online."),
    json_output: bool = JsonOption,
) -> None:
    """The subsidy the rules give; a refusal by a rule is an answer (exit 0)."""
    if occupation_type not in OCCUPATION_TYPES:
        raise BadInput(f"--occupation-type must be one of: {', '.join(OCCUPATION_TYPES)}")
    result = compute_quote(profile_for(region), standard_fen=yuan_to_fen(standard_yuan), shortage=shortage,
                           filed_on=parse_date(filed_on, what="--filed-on"), occupation_type=occupation_type,
                           total_class_hours=total_class_hours, online_minutes=online_minutes)
    if json_output:
        print_json(result.to_json())
        return
    for step in result.steps:
        typer.echo(f"{step.rule:>4}  {step.description:<60} {step.fen / 100:>12,.2f} yuan")
    typer.echo(f"total {result.total_fen} fen ({result.total_fen / 100:,.2f} yuan); eligible: {result.eligible}")
    for payment in result.payments:
        typer.echo(f"  pay {payment.stage}: {payment.fen} fen")
    for refusal in result.refusals:
        typer.echo(f"  refused by {refusal.rule}: {refusal.reason}")
