"""The trust registry and the catalogue: genesis, parties and their keys
(trust model), credit codes, catalogue entry, exit and lifetime ban (L2, L3,
L12, S5), and erasure of a trainee's personal data after retention (L6)."""

from __future__ import annotations

from ledger.aggregates.indexes import CreditCode, KeyHolder, NationalIdentity, TraineeVouchers
from ledger.aggregates.party import CATALOGUED_ROLES, CODED_ROLES, INSTITUTION_KINDS, Party
from ledger.aggregates.voucher import Voucher
from ledger.command import Command
from ledger.credit_code import require_credit_code
from ledger.errors import BadInput, Conflict, InvalidSignature, NotFound, RoleNotAllowed, RuleViolation
from ledger.note import origin_problem
from ledger.personal import check_personal, commitment
from ledger.retention import retained_until
from ledger.rules import ALLOWANCE_GROUPS, REGIONS
from ledger.signing import canonical_json, key_id_of, public_key_from_b64, verify_signature
from ledger.steps import require, require_new_target, step

ROOT_REGISTERS = ("bureau", "finance", "inspector")
BUREAU_REGISTERS = ("institution", "platform", "trainee", "assessor")


def _public_key(command: Command) -> tuple[str, str]:
    public_key = command.body.text("public_key", max_length=64)
    raw = public_key_from_b64(public_key).public_bytes_raw()
    return public_key, key_id_of(raw)


def _hold_key(command: Command, key_id: str, party: str) -> None:
    """Each key pair belongs to one party: a key another party holds is refused,
    so nobody can make another party's signed reads ambiguous by registering its key."""
    holder = command.find(KeyHolder, KeyHolder.id_for(key_id))
    require(holder is None, Conflict, f"key {key_id} is already held by party {holder.party if holder else ''}; "
            "each party registers its own key pair")
    command.create(KeyHolder, KeyHolder.id_for(key_id), "Held", {"party": party})


@step("genesis", roles=("root",))
def genesis(command: Command) -> None:
    """Create the ledger: the trust root registers itself, self-signed."""
    from ledger.application import ROOT_ID

    require(command.target == ROOT_ID, BadInput, f"genesis targets the trust root id {ROOT_ID}")
    require(command.find(Party, ROOT_ID) is None, Conflict, "this ledger already has a trust root")
    public_key, key_id = _public_key(command)
    ledger_public_key = command.body.text("ledger_public_key", max_length=64)
    public_key_from_b64(ledger_public_key)
    origin = command.body.text("origin", max_length=200)
    require(origin_problem(origin) is None, BadInput, f"genesis: {origin_problem(origin)}")
    require(command.envelope["key_id"] == key_id and command.actor_id == str(ROOT_ID), BadInput,
            "genesis is signed by the trust root key it registers")
    require(verify_signature(public_key, canonical_json(command.envelope), command.signature),
            InvalidSignature, "the genesis signature does not verify with the trust root key")
    command.create(Party, ROOT_ID, "Registered", {
        "role": "root", "name": "trust root", "region": "", "registered_by": str(ROOT_ID),
        "key_id": key_id, "public_key": public_key,
        "ledger_public_key": ledger_public_key, "origin": origin,
    })


@step("register_party", roles=("root", "bureau"))
def register_party(command: Command) -> None:
    """Register a party with its first public key (the root registers bureaus,
    finance and inspectors; a bureau registers institutions, platforms,
    assessors and trainees of its region). Institutions, platforms and
    assessors carry their unified social credit code, which binds one party
    per role and stays banned for life once banned (L12)."""
    actor, body = command.actor, command.body
    role = body.choice("role", ROOT_REGISTERS + BUREAU_REGISTERS)
    allowed = ROOT_REGISTERS if actor.role == "root" else BUREAU_REGISTERS
    require(role in allowed, RoleNotAllowed, f"a {actor.role} registers only: {', '.join(allowed)}")
    require_new_target(command, "party")
    public_key, key_id = _public_key(command)
    if actor.role == "root":
        region = body.choice("region", REGIONS, required=role == "bureau") or ""
    else:
        region = actor.region
    facts = {"role": role, "region": region, "registered_by": command.actor_id,
             "key_id": key_id, "public_key": public_key}
    if role == "trainee":
        facts.update(_trainee_facts(command))
        employer = command.body.raw("employer_credit_code", required=False)
        if employer is not None:  # S4: an enterprise assesses only its own staff
            facts["employer_credit_code"] = require_credit_code(employer, "body.employer_credit_code")
    else:
        facts["name"] = body.text("name", max_length=200)
    if role == "institution":
        facts["kind"] = body.choice("kind", INSTITUTION_KINDS)  # L3
    if role in CODED_ROLES:
        facts["credit_code"] = _bind_credit_code(command, role)
    command.create(Party, command.target, "Registered", facts)
    _hold_key(command, key_id, str(command.target))


def _bind_credit_code(command: Command, role: str) -> str:
    """The organisation's code binds this party for `role`; a banned code never
    registers again, under any id or role (L12: "终身不再获得入围资格")."""
    code = require_credit_code(command.body.raw("credit_code"), "body.credit_code")
    index = command.find(CreditCode, CreditCode.id_for(code))
    facts = {"role": role, "party": str(command.target)}
    if index is None:
        command.create(CreditCode, CreditCode.id_for(code), "Bound", facts)
        return code
    require(not index.banned, RuleViolation,
            f"the organisation with credit code {code} was banned for life and may not register again", "L12")
    require(role not in index.parties, Conflict,
            f"credit code {code} is already registered as {role} {index.parties.get(role)}; one organisation, "
            "one party per role")
    index.bound_again(**command.seal(index, "BoundAgain", facts))
    return code


def _trainee_facts(command: Command) -> dict:
    """A trainee is real-name (N1, L5) but the log keeps only a keyed hash and ciphertext."""
    signed_commitment = command.body.sha256("personal_sha256")
    groups = command.body.raw("allowance_groups", required=False) or []
    require(isinstance(groups, list) and set(groups) <= set(ALLOWANCE_GROUPS) and len(set(groups)) == len(groups),
            BadInput, f"allowance_groups must be distinct items of: {', '.join(ALLOWANCE_GROUPS)} (N4)")
    require(command.personal is not None, BadInput,
            "a trainee registration carries the personal data {name, national_id, nonce} beside the envelope")
    personal = check_personal(command.personal)
    require(commitment(personal) == signed_commitment, BadInput,
            "personal_sha256 does not match the personal data sent beside the envelope")
    personal_data = command.ledger.personal_data
    national_id_hash = personal_data.national_id_hash(personal["national_id"])
    identity_id = NationalIdentity.id_for(national_id_hash)
    existing = command.find(NationalIdentity, identity_id)
    require(existing is None, RuleViolation,
            f"this person is already registered as trainee {existing.trainee if existing else ''}", "L10")
    command.create(NationalIdentity, identity_id, "Bound", {"trainee": str(command.target)})
    key, sealed_personal = personal_data.seal_personal(str(command.target), personal)
    command.beside_log.append(lambda session: personal_data.store_key(session, str(command.target), key))
    return {
        "name": "",
        "national_id_hash": national_id_hash,
        "sealed_personal": sealed_personal,
        "allowance_groups": groups,
    }


def _managed_party(command: Command) -> Party:
    """The target party, which the actor may manage: the root any, a bureau those it registered."""
    party = command.get(Party, command.target, "party")
    require(command.actor.role == "root" or party.registered_by == command.actor_id, RoleNotAllowed,
            f"party {command.target} was registered by another authority; only it or the trust root manages it")
    return party


@step("rotate_key", roles=("root", "bureau"))
def rotate_key(command: Command) -> None:
    """Replace a party's key; events signed before still verify, the old key signs nothing new."""
    party = _managed_party(command)
    public_key, key_id = _public_key(command)
    require(key_id not in party.keys, Conflict, f"key {key_id} is already registered for this party")
    _hold_key(command, key_id, str(party.id))
    party.key_rotated(**command.seal(party, "KeyRotated", {"key_id": key_id, "public_key": public_key}))


@step("revoke_key", roles=("root", "bureau"))
def revoke_key(command: Command) -> None:
    """Revoke a party's key: from now on it signs nothing."""
    party = _managed_party(command)
    key_id = command.body.text("key_id", max_length=16)
    reason = command.body.text("reason", max_length=500)
    require(key_id in party.keys, NotFound, f"key {key_id} is not registered for party {command.target}")
    require(party.key_is_valid(key_id), Conflict, f"key {key_id} is already revoked or rotated out")
    party.key_revoked(**command.seal(party, "KeyRevoked", {"key_id": key_id, "reason": reason}))


def _catalogue_party(command: Command) -> Party:
    party = command.get(Party, command.target, "party")
    require(party.role in CATALOGUED_ROLES, BadInput, "only institutions and platforms are in the catalogue")
    require(party.region == command.actor.region, RoleNotAllowed,
            f"party {command.target} is in region {party.region}, not {command.actor.region}")
    return party


@step("list_in_catalogue", roles=("bureau",))
def list_in_catalogue(command: Command) -> None:
    """Admit an institution or platform to the recommended catalogue (L2)."""
    party = _catalogue_party(command)
    require(not party.banned, RuleViolation, "a party caught faking is banned for life and never relisted", "L12")
    index = command.find(CreditCode, CreditCode.id_for(party.credit_code)) if party.credit_code else None
    require(index is None or not index.banned, RuleViolation,
            f"credit code {party.credit_code} was banned for life; no party under it is listed again", "L12")
    require(not party.listed, Conflict, "the party is already in the catalogue")
    party.listed_in_catalogue(**command.seal(party, "Listed", {}))


@step("delist", roles=("bureau",))
def delist(command: Command) -> None:
    """Remove from the catalogue: dynamic exit, e.g. a zombie platform (L12, S5)."""
    party = _catalogue_party(command)
    reason = command.body.text("reason", max_length=500)
    require(party.listed, Conflict, "the party is not in the catalogue")
    party.delisted(**command.seal(party, "Delisted", {"reason": reason}))


@step("ban", roles=("bureau",))
def ban(command: Command) -> None:
    """Ban for life a party caught faking, and its credit code with every party
    registered under it (L12: "终身不再获得入围资格")."""
    party = _catalogue_party(command)
    reason = command.body.text("reason", max_length=500)
    require(not party.banned, Conflict, "the party is already banned")
    party.banned_for_life(**command.seal(party, "Banned", {"reason": reason}))
    index = command.find(CreditCode, CreditCode.id_for(party.credit_code)) if party.credit_code else None
    if index is None:
        return
    index.banned_for_life(**command.seal(index, "Banned", {"party": str(party.id), "reason": reason}))
    for other_id in index.parties.values():
        other = command.get(Party, other_id, "party")
        if not other.banned:
            other.banned_for_life(**command.seal(other, "Banned", {"reason": f"credit code banned: {reason}"}))


@step("erase_trainee", roles=("root", "bureau"))
def erase_trainee(command: Command) -> None:
    """Destroy a trainee's personal-data key; the log keeps only ciphertext nobody
    can open. Refused while the trainee's records must be kept (L6: "线上培训数据资料保存不少于5年")."""
    party = _managed_party(command)
    require(party.role == "trainee", BadInput, "only a trainee's personal data is erased")
    require(not party.erased, Conflict, "this trainee was already erased")
    kept_until = _records_kept_until(command)
    require(kept_until is None or command.today >= kept_until, RuleViolation,
            f"trainee {command.target}'s learning and payment records must be kept until {kept_until}; "
            "erasure is possible from that day", "L6")
    reason = command.body.text("reason", max_length=500)
    command.beside_log.append(lambda session: command.ledger.personal_data.delete_key(session, str(command.target)))
    party.personal_data_erased(**command.seal(party, "Erased", {"reason": reason}))


def _records_kept_until(command: Command):
    """The first day the trainee may be erased: the latest end of the retention
    periods of their vouchers (L6), or None."""
    index = command.find(TraineeVouchers, TraineeVouchers.id_for(str(command.target)))
    ends = [retained_until(command.get(Voucher, voucher_id, "voucher")) for voucher_id in
            (index.vouchers if index else [])]
    return max((end for end in ends if end is not None), default=None)
