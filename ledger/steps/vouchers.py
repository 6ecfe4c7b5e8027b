"""From issue to assessment (L7): the bureau issues at the catalogue's standard
(H2), the trainee claims, the institution enrols the voucher in an approved
class, the platform and the institution record training, an independent
assessor (or an enterprise, for its own staff: S4) assesses and certifies."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from ledger.aggregates.filing import ClassFiling
from ledger.aggregates.indexes import CertificateNumber, SubsidyClaim, TraineeVouchers
from ledger.aggregates.party import Party
from ledger.aggregates.voucher import Voucher
from ledger.checks import hours_of
from ledger.command import Command
from ledger.envelope import iso
from ledger.errors import BadInput, RoleNotAllowed, RuleViolation
from ledger.evidence import OFFLINE_EVIDENCE_KINDS, evidence_items
from ledger.lifecycle import require_transition
from ledger.occupations import read_occupation_and_level
from ledger.rules import profile_for
from ledger.standards import StandardsCatalogue, standards_for
from ledger.steps import require, require_new_target, step
from ledger.steps.classes import require_catalogued, require_hours
from ledger.steps.periods import epidemic_ended_on
from ledger.subsidy import MAX_STANDARD_FEN, Quote, quote

MINUTES_PER_DAY = 24 * 60
CERTIFICATE_KINDS = (  # L14
    "vocational_qualification", "skill_level", "special_ability", "special_operations", "training_qualified")
MAX_VALIDITY = timedelta(days=3 * 366)


def live_voucher(command: Command, *, usable: bool = True) -> Voucher:
    """The target voucher, refusing anything on an exited voucher; `usable`
    also refuses a voucher past its validity (L7: the loop closes by the date)."""
    voucher = command.get(Voucher, command.target, "voucher")
    require(voucher.is_live, RuleViolation, f"voucher {voucher.id} is {voucher.status}; nothing more is recorded on it",
            "L7")
    if usable:
        require(command.today <= date.fromisoformat(voucher.valid_until), RuleViolation,
                f"voucher {voucher.id} expired on {voucher.valid_until}", "L7")
    return voucher


def subsidy_quote(command: Command, voucher: Voucher, filing: ClassFiling, **facts: Any) -> Quote:
    """The voucher's subsidy for its class (H2, H3, S2), refusing when a rule does;
    `facts` adds what is known later (online minutes, S2 segments)."""
    subsidy = quote(profile_for(voucher.region, voucher.profile_version), standard_fen=voucher.standard_fen,
                    shortage=voucher.shortage, filed_on=date.fromisoformat(filing.filed_on),
                    occupation_type=filing.occupation_type, total_class_hours=filing.total_class_hours,
                    theory_class_hours=filing.theory_class_hours, home_practice=filing.home_practice,
                    training_kind=filing.training_kind, approved_on=date.fromisoformat(filing.approved_at[:10]),
                    epidemic_ended_on=epidemic_ended_on(command, voucher.region), **facts)
    if not subsidy.eligible:
        refusal = subsidy.refusals[0]
        raise RuleViolation(refusal.reason, rule=refusal.rule)
    return subsidy


def release_claim(command: Command, voucher: Voucher) -> None:
    """An exited voucher frees its trainee x occupation x level for a new one."""
    claim = command.get(SubsidyClaim, SubsidyClaim.id_for(voucher.trainee, voucher.occupation, str(voucher.level)),
                        "subsidy claim")
    if claim.voucher == str(voucher.id):
        claim.released(**command.seal(claim, "Released", {"voucher": str(voucher.id)}))


@step("issue_voucher", roles=("bureau",))
def issue_voucher(command: Command) -> None:
    """Issue a voucher to a registered trainee of the bureau's region for a
    catalogued occupation code and level, at the standard of the region's
    catalogue (H2); one live voucher per trainee x code x level (S2: one subsidy each)."""
    body, bureau = command.body, command.actor
    require_new_target(command, "voucher")
    trainee_id = body.identifier("trainee")
    occupation, level = read_occupation_and_level(body)
    typed_standard_fen = body.integer("standard_fen", minimum=1, maximum=MAX_STANDARD_FEN, required=False)
    typed_shortage = body.boolean("shortage", required=False)
    valid_until = body.day("valid_until")
    trainee = command.get(Party, trainee_id, "trainee")
    require(trainee.role == "trainee", BadInput, f"party {trainee_id} is not a trainee")
    require(not trainee.erased, RuleViolation, f"trainee {trainee_id} was erased", "L10")
    require(trainee.region == bureau.region, RoleNotAllowed,
            f"trainee {trainee_id} is registered in {trainee.region}, not {bureau.region}")
    require(command.today < valid_until <= command.today + MAX_VALIDITY, BadInput,
            f"valid_until must be after today ({command.today}) and within three years")
    catalogue = standards_for(bureau.region)
    standard_fen, shortage = catalogue_standard(catalogue, occupation, level, typed_standard_fen, typed_shortage)
    claim_id = SubsidyClaim.id_for(str(trainee_id), occupation, str(level))
    claim = command.find(SubsidyClaim, claim_id)
    require(claim is None or claim.voucher is None, RuleViolation,
            f"trainee {trainee_id} already holds live voucher {claim.voucher if claim else ''} for {occupation} "
            f"level {level}; one trainee, one occupation, one level: one subsidy", "S2")
    profile = profile_for(bureau.region)
    if claim is None:
        command.create(SubsidyClaim, claim_id, "Taken", {"voucher": str(command.target)})
    else:
        claim.retaken(**command.seal(claim, "Retaken", {"voucher": str(command.target)}))
    remember_for_trainee(command, str(trainee_id))
    command.create(Voucher, command.target, "Issued", {
        "trainee": str(trainee_id), "occupation": occupation, "level": level,
        "region": profile.region, "profile_version": profile.version,
        "standards_version": catalogue.version,
        "standard_fen": standard_fen, "shortage": shortage,
        "valid_until": valid_until.isoformat(), "issued_by": command.actor_id,
    })


def catalogue_standard(catalogue: StandardsCatalogue, occupation: str, level: int, typed_standard_fen: int | None,
                       typed_shortage: bool | None) -> tuple[int, bool]:
    """The standard and shortage flag the region's catalogue gives (H2); a typed
    standard may be lower (a local standard) but never above it, a typed
    shortage flag must agree with the shortage list."""
    catalogued_fen = catalogue.standard_fen(occupation, level)
    require(catalogued_fen is not None, RuleViolation,
            f"{catalogue.catalogue} has no standard for occupation {occupation} level {level}; "
            "no catalogued standard, no voucher", catalogue.rule)
    require(typed_standard_fen is None or typed_standard_fen <= catalogued_fen, RuleViolation,
            f"standard_fen {typed_standard_fen} is above {catalogued_fen} fen, the standard of {catalogue.catalogue} "
            f"(version {catalogue.version}) for {occupation} level {level}", catalogue.rule)
    shortage = occupation in catalogue.shortage
    require(typed_shortage is None or typed_shortage == shortage, RuleViolation,
            f"occupation {occupation} is {'' if shortage else 'not '}on the shortage list of {catalogue.catalogue}; "
            "the shortage uplift follows the list, not the request", catalogue.rule)
    return typed_standard_fen or catalogued_fen, shortage


def remember_for_trainee(command: Command, trainee_id: str) -> None:
    """Index the voucher under its trainee, so erasure finds the records L6 keeps."""
    index = command.find(TraineeVouchers, TraineeVouchers.id_for(trainee_id))
    facts = {"voucher": str(command.target)}
    if index is None:
        command.create(TraineeVouchers, TraineeVouchers.id_for(trainee_id), "Started", facts)
    else:
        index.added(**command.seal(index, "Added", facts))


@step("claim_voucher", roles=("trainee",))
def claim_voucher(command: Command) -> None:
    """The trainee claims the voucher with their own key (L7, L9)."""
    voucher = live_voucher(command)
    require(voucher.trainee == command.actor_id, RoleNotAllowed, "only the voucher's own trainee claims it")
    require_transition(voucher, "claim_voucher")
    voucher.claimed(**command.seal(voucher, "Claimed", {}))


@step("choose_institution", roles=("trainee",))
def choose_institution(command: Command) -> None:
    """The trainee chooses, with their own key, the institution that may accept
    the voucher (L7: 劳动者领取和使用; L9); until then no institution can take it,
    and a new choice replaces the last one before enrolment."""
    voucher = live_voucher(command)
    require(voucher.trainee == command.actor_id, RoleNotAllowed, "only the voucher's own trainee chooses for it")
    require_transition(voucher, "choose_institution")
    institution_id = command.body.identifier("institution")
    institution = command.get(Party, institution_id, "institution")
    require(institution.role == "institution", BadInput, f"party {institution_id} is not an institution")
    require_catalogued(institution, "institution")
    require(institution.region == voucher.region, RuleViolation,
            f"institution {institution_id} is in {institution.region}; the voucher is for {voucher.region}", "L7")
    voucher.institution_chosen(**command.seal(voucher, "InstitutionChosen", {"institution": str(institution_id)}))


@step("enrol", roles=("institution",))
def enrol(command: Command) -> None:
    """Accept the voucher (受理) into an approved class of this institution (H4, L2, L12),
    only when the voucher's trainee chose this institution (L7)."""
    voucher = live_voucher(command)
    require_transition(voucher, "enrol")
    require(voucher.chosen_institution == command.actor_id, RoleNotAllowed,
            f"the trainee of voucher {voucher.id} chose another institution; only the chosen one enrols it")
    filing = command.get(ClassFiling, command.body.identifier("filing"), "filing")
    require(filing.institution == command.actor_id, RoleNotAllowed, "the filing belongs to another institution")
    require(filing.status == "approved", RuleViolation,
            f"filing {filing.id} is {filing.status}; no approved filing, no training and no subsidy", "H4")
    require_catalogued(command.actor, "institution")
    require((filing.occupation, filing.level, filing.region) == (voucher.occupation, voucher.level, voucher.region),
            BadInput, f"the class trains {filing.occupation} level {filing.level} in {filing.region}; "
            f"the voucher is for {voucher.occupation} level {voucher.level} in {voucher.region}")
    subsidy = subsidy_quote(command, voucher, filing)
    voucher.enrolled(**command.seal(voucher, "Enrolled", {
        "filing": str(filing.id), "institution": command.actor_id, "platform": filing.platform,
        "occupation_type": filing.occupation_type, "total_class_hours": filing.total_class_hours,
        "theory_class_hours": filing.theory_class_hours, "practical_class_hours": filing.practical_class_hours,
        "home_practice": filing.home_practice, "training_kind": filing.training_kind,
        "subsidy": subsidy.to_json(),
    }))


def _approved_at(command: Command, voucher: Voucher) -> str:
    return command.get(ClassFiling, voucher.filing, "filing").approved_at


def outside_class_period(command: Command, voucher: Voucher, moment: datetime) -> int:
    """1 when a session is dated outside the filing's class period, else 0; the
    review counts them (L13: each claimant's learning record is checked)."""
    filing = command.get(ClassFiling, voucher.filing, "filing")
    return int(not filing.starts_on <= moment.date().isoformat() <= filing.ends_on)


@step("record_online_learning", roles=("platform",))
def record_online_learning(command: Command) -> None:
    """A platform records an online session: sign-in, minutes, Q&A and tests,
    random face checks (N2, L5, L6), within the class's online hours (H1, L1, S1, J2, J3)."""
    voucher = live_voucher(command)
    require_transition(voucher, "record_online_learning")
    body = command.body
    signed_in_at = body.moment("signed_in_at")
    minutes = body.integer("minutes", minimum=1, maximum=MINUTES_PER_DAY)
    facts = {
        "platform": command.actor_id, "signed_in_at": iso(signed_in_at), "minutes": minutes,
        "questions_answered": body.integer("questions_answered", minimum=0, maximum=10_000),
        "tests_taken": body.integer("tests_taken", minimum=0, maximum=1000),
        "tests_passed": body.integer("tests_passed", minimum=0, maximum=1000),
        "face_checks_passed": body.integer("face_checks_passed", minimum=0, maximum=1000),
        "face_checks_failed": body.integer("face_checks_failed", minimum=0, maximum=1000),
    }
    require(facts["tests_passed"] <= facts["tests_taken"], BadInput, "tests_passed cannot exceed tests_taken")
    require(voucher.platform == command.actor_id, RuleViolation,
            "only the platform named in the class filing records its online learning", "L2")
    require_catalogued(command.actor, "platform")
    require(iso(signed_in_at) >= _approved_at(command, voucher), RuleViolation,
            "training recorded before the class filing was approved gets no subsidy", "H4")
    require(signed_in_at <= command.now, BadInput, "signed_in_at is in the future")
    facts["outside_class_period"] = outside_class_period(command, voucher, signed_in_at)
    profile = profile_for(voucher.region, voucher.profile_version)
    require_hours(profile, hours_of(voucher), voucher.online_minutes + minutes, stage="session")
    voucher.online_learning_recorded(**command.seal(voucher, "OnlineLearningRecorded", facts))


@step("record_offline_training", roles=("institution",))
def record_offline_training(command: Command) -> None:
    """The institution records offline (practical) training hours, with the hashes of
    its sign-in sheet, photos or video if it gives them (ledger/evidence.py); none during
    the epidemic period where the profile bans it (H5: 疫情期间，不允许组织线下集中实操培训)."""
    voucher = live_voucher(command)
    require_transition(voucher, "record_offline_training")
    require(voucher.institution == command.actor_id, RoleNotAllowed, "the voucher is enrolled at another institution")
    require_catalogued(command.actor, "institution")
    body = command.body
    started_at = body.moment("started_at")
    minutes = body.integer("minutes", minimum=1, maximum=MINUTES_PER_DAY)
    location = body.text("location", max_length=200)
    evidence = body.raw("evidence", required=False)
    require(iso(started_at) >= _approved_at(command, voucher), RuleViolation,
            "training recorded before the class filing was approved gets no subsidy", "H4")
    require(started_at <= command.now, BadInput, "started_at is in the future")
    period = profile_for(voucher.region, voucher.profile_version).epidemic_period
    if period is not None and period.offline_practical_banned:
        ended_on = epidemic_ended_on(command, voucher.region)
        require(not period.covers(started_at.date(), ended_on), RuleViolation,
                f"no offline group practical training during the epidemic period (疫情期间，不允许组织线下集中实操培训): "
                f"it runs from {period.starts_on} until the bureau records its end"
                f"{f' ({ended_on})' if ended_on else '; no end is recorded yet'}", "H5")
    facts = {"institution": command.actor_id, "started_at": iso(started_at), "minutes": minutes, "location": location,
             "outside_class_period": outside_class_period(command, voucher, started_at)}
    if evidence is not None:
        facts["evidence"] = evidence_items(evidence, OFFLINE_EVIDENCE_KINDS)
    voucher.offline_training_recorded(**command.seal(voucher, "OfflineTrainingRecorded", facts))


@step("assess", roles=("assessor", "institution"))
def assess(command: Command) -> None:
    """Record the assessment and, if passed, the certificate (L14), by an
    assessment body of the voucher's region independent of the institution
    ("由相应管理部门或相关单位按规定实施考核评价", 001), or by an enterprise for its own
    staff (S4: "参加企业组织的线上培训的…企业可…进行综合评价"); only after the
    class's total hours are done (H1: total hours do not change) and within its
    online hours (H1, L1, S1, J2, J3)."""
    voucher = live_voucher(command)
    require_transition(voucher, "assess")
    require_may_assess(command, voucher)
    profile = profile_for(voucher.region, voucher.profile_version)
    require_hours(profile, hours_of(voucher), voucher.online_minutes, voucher.offline_minutes, stage="assessment")
    body = command.body
    passed = body.boolean("passed")
    facts: dict = {"passed": passed, "assessed_by": command.actor_id, "assessed_by_role": command.actor.role}
    if passed:
        number = body.text("certificate_number", max_length=64)
        facts["certificate_number"] = number
        facts["certificate_kind"] = body.choice("certificate_kind", CERTIFICATE_KINDS)
        certificate_id = CertificateNumber.id_for(number)
        existing = command.find(CertificateNumber, certificate_id)
        require(existing is None, RuleViolation,
                f"certificate {number} is already on voucher {existing.voucher if existing else ''}", "L13")
        command.create(CertificateNumber, certificate_id, "Claimed", {"voucher": str(voucher.id)})
    voucher.assessed(**command.seal(voucher, "Assessed", facts))
    if not passed:
        release_claim(command, voucher)


def require_may_assess(command: Command, voucher: Voucher) -> None:
    """An assessor of the voucher's region, not banned and not the training
    institution under another id (same credit code); or the training
    institution itself only if it is an enterprise and the trainee its employee (S4)."""
    actor = command.actor
    institution = command.get(Party, voucher.institution, "institution")
    if actor.role == "assessor":
        require(actor.region == voucher.region, RoleNotAllowed,
                f"assessor {actor.id} is registered in {actor.region}; voucher {voucher.id} is in {voucher.region}")
        require(not actor.banned, RuleViolation, f"assessor {actor.id} is banned for life", "L12")
        require(not institution.credit_code or actor.credit_code != institution.credit_code, RuleViolation,
                f"assessor {actor.id} has the credit code of the training institution ({actor.credit_code}); "
                "assessment is independent of the trainer except an enterprise assessing its own staff", "S4")
        return
    require(voucher.institution == command.actor_id, RoleNotAllowed, "the voucher is enrolled at another institution")
    require_catalogued(actor, "institution")
    trainee = command.get(Party, voucher.trainee, "trainee")
    require(actor.kind == "enterprise" and actor.credit_code and trainee.employer_credit_code == actor.credit_code,
            RuleViolation, f"institution {actor.id} ({actor.kind}) may not assess its own trainee: only an "
            "enterprise assesses the staff it trains (参加企业组织的线上培训的, 企业可…进行综合评价); "
            "others are assessed by an assessor", "S4")
