"""`vledger quote`: the subsidy the rules give, step by step."""

from __future__ import annotations

from dataclasses import replace

import typer

from api.cli import app
from api.cli.options import JsonOption, print_json
from ledger.envelope import parse_date
from ledger.errors import BadInput, RuleViolation
from ledger.occupations import occupation_problem
from ledger.rules import ALLOWANCE_GROUPS, OCCUPATION_TYPES, TRAINING_KINDS, profile_for
from ledger.standards import standards_for
from ledger.steps.vouchers import catalogue_standard
from ledger.subsidy import ALLOWANCE_FUND, AllowanceQuote, Refusal, Step, allowance_quote
from ledger.subsidy import quote as compute_quote


def yuan_to_fen(text: str) -> int:
    """Exact decimal yuan to integer fen; more than two decimals is refused, not rounded."""
    whole, _, fraction = text.strip().partition(".")
    if not whole.isdigit() or (fraction and (not fraction.isdigit() or len(fraction) > 2)):
        raise BadInput(f"--standard-yuan {text!r} must be a yuan amount with at most two decimals, e.g. 800 or 800.50")
    return int(whole) * 100 + int(fraction.ljust(2, "0") or 0)


def standard_of(region: str, standard_yuan: str | None, shortage: bool, occupation: str | None,
                level: int | None) -> tuple[int, bool, Refusal | None]:
    """The standard and shortage flag: typed, or from the region's catalogue for
    `occupation` and `level` (H2), where a typed standard above it is a refusal."""
    typed_fen = yuan_to_fen(standard_yuan) if standard_yuan is not None else None
    if occupation is None:
        if level is not None or typed_fen is None:
            raise BadInput("give --standard-yuan, or --occupation with --level for the catalogue's standard")
        return typed_fen, shortage, None
    problem = occupation_problem(occupation)
    if problem or level is None or not 1 <= level <= 5:
        raise BadInput(problem or "--occupation needs --level, a whole number from 1 to 5")
    try:
        standard_fen, listed = catalogue_standard(standards_for(region), occupation, level, typed_fen, None)
    except RuleViolation as refusal:
        return typed_fen or 0, shortage, Refusal(refusal.rule, refusal.message)
    return (typed_fen if typed_fen is not None else standard_fen), listed, None


def quote_json(quoted: dict, allowance: AllowanceQuote | None) -> dict:
    """The quote's JSON, with the living allowance as the trainee's payment when one is quoted."""
    if allowance is not None:
        quoted["payments"] += [{"stage": p.stage, "fen": p.fen, "payee": p.payee} for p in allowance.payments()]
        quoted["allowance"] = {"days": allowance.days, "fen": allowance.fen, "payee": "trainee",
                               "fund": ALLOWANCE_FUND, "refusal": allowance.refusal and {
                                   "rule": allowance.refusal.rule, "reason": allowance.refusal.reason}}
    return quoted


@app.command()
def quote(
    region: str = typer.Option(..., "--region", help="national, hunan-hengyang, liaoning, shandong or jiangxi."),
    standard_yuan: str = typer.Option(None, "--standard-yuan",
                                      help="The standard, yuan; with --occupation, at most the catalogue's (H2)."),
    shortage: bool = typer.Option(False, "--shortage", help="A shortage occupation (H2; with --occupation, "
                                                              "the region's shortage list decides)."),
    occupation: str = typer.Option(None, "--occupation", help="Occupation code, e.g. 6-31-01-03: the standard "
                                                                "comes from the region's catalogue (H2)."),
    level: int = typer.Option(None, "--level", help="Level 1-5, with --occupation."),
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
    allowance_days: int = typer.Option(None, "--allowance-days",
                                       help="Days of online training to quote a living allowance for (N4, S3)."),
    allowance_group: list[str] = typer.Option([], "--allowance-group",
                                              help="The trainee's group for the allowance (repeatable): "
                                                   + ", ".join(ALLOWANCE_GROUPS) + "."),
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
    standard_fen, shortage, catalogue_refusal = standard_of(region, standard_yuan, shortage, occupation, level)
    result = compute_quote(
        profile, standard_fen=standard_fen, shortage=shortage, filed_on=filed,
        occupation_type=occupation_type, total_class_hours=total_class_hours, online_minutes=online_minutes,
        theory_class_hours=theory_class_hours, home_practice=home_practice, training_kind=training_kind,
        epidemic_ended_on=parse_date(epidemic_ended_on, what="--epidemic-ended-on") if epidemic_ended_on else None,
        segmented_online_percent=profile.segments.online_ceiling_percent if segmented else None,
        offline_done_on=parse_date(offline_done_on, what="--offline-done-on") if offline_done_on else filed)
    if catalogue_refusal:  # as the quote refuses: nothing is payable, the steps say why
        result = replace(result, total_fen=0, payments=[], eligible=False,
                         refusals=[catalogue_refusal, *result.refusals],
                         steps=[*result.steps, Step(catalogue_refusal.rule, "not eligible: nothing is payable",
                                                    -result.total_fen)])
    allowance = None
    if allowance_days is not None:
        unknown = sorted(set(allowance_group) - set(ALLOWANCE_GROUPS))
        if unknown:
            raise BadInput(f"--allowance-group must be among: {', '.join(ALLOWANCE_GROUPS)}; got {', '.join(unknown)}")
        allowance = allowance_quote(profile, days=allowance_days, groups=tuple(allowance_group),
                                    online_minutes=online_minutes)
    if json_output:
        print_json(quote_json(result.to_json(), allowance))
        return
    for step in result.steps:
        typer.echo(f"{step.rule:>4}  {step.description:<60} {step.fen / 100:>12,.2f} yuan")
    typer.echo(f"total {result.total_fen} fen ({result.total_fen / 100:,.2f} yuan); eligible: {result.eligible}")
    for payment in result.payments + (allowance.payments() if allowance else []):
        typer.echo(f"  pay {payment.stage} to the {payment.payee}: {payment.fen} fen")
    if allowance and allowance.refusal:
        typer.echo(f"  no living allowance ({allowance.refusal.rule}): {allowance.refusal.reason}")
    typer.echo(f"online class hours (compared with the caps): {result.online_class_hours}")
    for refusal in result.refusals:
        typer.echo(f"  refused by {refusal.rule}: {refusal.reason}")
