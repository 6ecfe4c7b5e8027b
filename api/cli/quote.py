"""`vledger quote`: the subsidy the rules give, step by step."""

from __future__ import annotations

import typer

from api.cli import app
from api.cli.options import JsonOption, print_json
from ledger.envelope import parse_date
from ledger.errors import BadInput
from ledger.rules import OCCUPATION_TYPES, TRAINING_KINDS, profile_for
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
    training_kind: str = typer.Option("employment", "--training-kind",
                                      help="employment, upgrade or apprenticeship (H3: apprenticeship keeps "
                                           "the earlier standard and prepayment)."),
    total_class_hours: int = typer.Option(None, "--total-class-hours", help="The class's total class hours."),
    theory_class_hours: int = typer.Option(None, "--theory-class-hours",
                                           help="Theory class hours, with --total-class-hours (H1, J2, J3, L1)."),
    home_practice: bool = typer.Option(False, "--home-practice",
                                       help="Practical courses suited to home practice may go online (H1)."),
    online_minutes: int = typer.Option(0, "--online-minutes", help="Minutes studied online."),
    epidemic_ended_on: str = typer.Option(None, "--epidemic-ended-on",
                                          help="Day the epidemic period ended, if recorded (H3, H5)."),
    segmented: bool = typer.Option(False, "--segmented",
                                   help="The city opted in to segmented subsidy; the platform gets the ceiling (S2)."),
    offline_done_on: str = typer.Option(
        None, "--offline-done-on", help="Last day of offline training, for S2's offline part (default: --filed-on)."),
    json_output: bool = JsonOption,
) -> None:
    """The subsidy the rules give; a refusal by a rule is an answer (exit 0)."""
    if occupation_type not in OCCUPATION_TYPES:
        raise BadInput(f"--occupation-type must be one of: {', '.join(OCCUPATION_TYPES)}")
    if training_kind not in TRAINING_KINDS:
        raise BadInput(f"--training-kind must be one of: {', '.join(TRAINING_KINDS)}")
    if theory_class_hours is not None and total_class_hours is None:
        raise BadInput("--theory-class-hours needs --total-class-hours (practical = total - theory)")
    profile = profile_for(region)
    if segmented and profile.segments is None:
        raise BadInput(f"--segmented: {region} pays no segments (S2)")
    filed = parse_date(filed_on, what="--filed-on")
    result = compute_quote(
        profile, standard_fen=yuan_to_fen(standard_yuan), shortage=shortage, filed_on=filed,
        occupation_type=occupation_type, total_class_hours=total_class_hours, online_minutes=online_minutes,
        theory_class_hours=theory_class_hours, home_practice=home_practice, training_kind=training_kind,
        epidemic_ended_on=parse_date(epidemic_ended_on, what="--epidemic-ended-on") if epidemic_ended_on else None,
        segmented_online_percent=profile.segments.online_ceiling_percent if segmented else None,
        offline_done_on=parse_date(offline_done_on, what="--offline-done-on") if offline_done_on else filed)
    if json_output:
        print_json(result.to_json())
        return
    for step in result.steps:
        typer.echo(f"{step.rule:>4}  {step.description:<60} {step.fen / 100:>12,.2f} yuan")
    typer.echo(f"total {result.total_fen} fen ({result.total_fen / 100:,.2f} yuan); eligible: {result.eligible}")
    for payment in result.payments:
        typer.echo(f"  pay {payment.stage} to the {payment.payee}: {payment.fen} fen")
    typer.echo(f"online class hours (compared with the caps): {result.online_class_hours}")
    for refusal in result.refusals:
        typer.echo(f"  refused by {refusal.rule}: {refusal.reason}")
