"""J1: what the verifier reports, to the letter. An inspector reads the first
problem's message, its position and the counts of the report (events_checked,
checkpoints_checked, cosigned_by); each test here pins the whole message and
the numbers for one outcome, so a reworded or misplaced finding is a failing
test, not a silent change (docs/decisions/0031: the mutants these kill).

The logs are a real ledger's stored events, copied into memory and changed
there as an insider would change the rows (tests/tampering.py does the same
with SQL): the sequential checks run before an event's own hash is checked,
so most forgeries need not even be well hashed."""

from __future__ import annotations

import json
import uuid
from dataclasses import replace

import pytest

from ledger.aggregates.indexes import Receipt
from ledger.chain import event_hash
from ledger.event_types import HISTORICAL_TOPICS, topics_of
from ledger.signing import SigningKey
from ledger.verify import ChainVerifier, KeyState, verify_log, verify_notifications
from ledger.verify_content import Problem
from tests.verifier_rows import (
    Stored, changed, command_rows, copy_of, event, logged, position_of, refused, relinked, resealed)
from tests.world import World


# --- reading the stored event ---


@pytest.mark.parametrize("change, error", [
    (lambda state: state["seal"].update(event_hash="ab" * 31), "AssertionError()"),
    (lambda state: state["seal"].update(envelope="a string"), "AssertionError()"),
    (lambda state: state.update(facts=["a", "list"]), None),
    (lambda state: state["seal"].pop("signature"), "KeyError('signature')"),
    (lambda state: state.pop("seal"), "KeyError('seal')"),
], ids=["short-hash", "envelope-not-an-object", "facts-not-an-object", "no-signature", "no-seal"])
def test_j1_an_unreadable_stored_event_is_named_with_its_error(logged: World, change, error) -> None:
    rows = copy_of(logged)
    at = rows[10]
    rows[10] = changed(at, change)
    report = verify_log(rows)
    assert report.first_problem.position == 11 and report.first_problem.notification_id == at.id
    assert report.events_checked == 10
    if error is not None:
        assert str(report.first_problem) == event(at, f"the stored event cannot be read: {error}")
    else:
        assert str(report.first_problem).startswith(event(at, "the stored event cannot be read: "))


def test_j1_a_row_that_is_not_json_is_named_with_its_error(logged: World) -> None:
    rows = copy_of(logged)
    at = rows[4]
    rows[4] = replace(at, state=b"{not json")
    try:
        json.loads(b"{not json")
    except ValueError as error:
        expected = f"the stored event cannot be read: {error!r}"
    refused(rows, expected, at)


def test_j1_a_key_event_missing_its_key_id_is_named_as_altered(logged: World) -> None:
    rows = copy_of(logged)
    index = next(i for i, r in enumerate(rows) if r.topic.endswith("Party.Registered") and i > 0)
    at = rows[index]
    rows[index] = changed(at, lambda state: state["facts"].pop("key_id"))
    refused(rows, "its key facts cannot be read: KeyError('key_id') (altered)", at)


# --- 2. chain links ---


def test_j1_a_dropped_event_names_the_version_gap(logged: World) -> None:
    rows = copy_of(logged)
    busiest = max({r.originator_id for r in rows}, key=lambda a: sum(r.originator_id == a for r in rows))
    aggregate = [r for r in rows if r.originator_id == busiest]
    assert len(aggregate) >= 3
    dropped = aggregate[1]
    rows = [r for r in rows if r.id != dropped.id]
    third = aggregate[2]
    refused(rows, f"version {third.originator_version} follows {third.originator_version - 2} "
                  "(an event of this aggregate is missing, duplicated or reordered)", third)


def test_j1_an_event_that_links_elsewhere_names_its_previous_hash(logged: World) -> None:
    rows = copy_of(logged)
    index = next(i for i, r in enumerate(rows) if r.originator_version == 2)
    at = rows[index]
    rows[index] = changed(at, lambda state: state["seal"].update(previous_hash="cd" * 32))
    refused(rows, "its previous_hash does not link to the aggregate's last event", at)


# --- 4. the command's events ---


def test_j1_an_event_of_a_command_after_its_receipt_is_a_replay(logged: World) -> None:
    rows = copy_of(logged)
    issue = command_rows(rows, "issue_voucher")[-1]
    first, receipt = issue[0], issue[-1]
    assert receipt.topic.endswith("Receipt.Recorded") and receipt.id == rows[-1].id
    replayed = Stored(10_000, first.originator_id, 0, first.topic, first.state)
    later = [r for r in rows if r.originator_id == first.originator_id]
    replayed = resealed(replace(replayed, originator_version=later[-1].originator_version + 1),
                        lambda state: state["seal"].update(previous_hash=later[-1].seal["event_hash"]))
    after = position_of(rows, receipt)
    rows.insert(after, replayed)
    refused(rows, "an event of a command after that command's receipt (replayed command)", replayed)


def test_j1_a_changed_envelope_on_a_commands_second_event_is_named(logged: World) -> None:
    rows = copy_of(logged)
    second = command_rows(rows, "issue_voucher")[0][1]
    index = position_of(rows, second) - 1
    rows = relinked(rows, index, lambda state: state["seal"]["envelope"].update(signed_at="2020-01-01T00:00:00Z"))
    refused(rows, "its envelope or signature differs from the other events of the same command", rows[index])


def test_j1_a_changed_signature_on_a_commands_second_event_is_named(logged: World) -> None:
    rows = copy_of(logged)
    first, second = command_rows(rows, "issue_voucher")[0][:2]
    other = command_rows(rows, "claim_voucher")[0][0].seal["signature"]
    index = position_of(rows, second) - 1
    rows = relinked(rows, index, lambda state: state["seal"].update(signature=other))
    refused(rows, "its envelope or signature differs from the other events of the same command", rows[index])


def test_j1_a_receipt_at_another_aggregate_is_a_replay(logged: World) -> None:
    rows = copy_of(logged)
    receipt = command_rows(rows, "claim_voucher")[0][-1]
    index = position_of(rows, receipt) - 1
    rows[index] = replace(receipt, originator_id=uuid.uuid4())
    assert str(rows[index].originator_id) != str(Receipt.id_for(receipt.envelope["command_id"]))
    refused(rows, "a receipt that is not the first and only receipt of its command_id (replayed command)",
            rows[index])


def test_j1_a_command_whose_envelope_names_no_command_id_has_its_receipt_at_the_empty_ids(logged: World) -> None:
    """The sequential pass alone (the hashes are left as they were): a receipt
    of an envelope with no command_id is the one the empty command_id names."""
    rows = copy_of(logged)
    issue = command_rows(rows, "issue_voucher")[-1]
    assert issue[-1].id == rows[-1].id
    for row in issue:
        rows[position_of(rows, row) - 1] = changed(row, lambda state: state["seal"]["envelope"].pop("command_id"))
    rows[-1] = replace(rows[-1], originator_id=Receipt.id_for(""))
    verifier = ChainVerifier()
    assert None not in [verifier.admit(row) for row in rows]
    verifier.finish()
    assert verifier.first_problem is None
    rows[-1] = replace(rows[-1], originator_id=uuid.uuid4())
    verifier = ChainVerifier()
    for row in rows:
        verifier.admit(row)
    assert verifier.first_problem == Problem(len(rows), rows[-1].id, str(rows[-1].originator_id),
                                             "a receipt that is not the first and only receipt of its command_id "
                                             "(replayed command)")


def test_j1_a_command_with_no_receipt_is_named_at_its_last_event(logged: World) -> None:
    """The missing receipt shows when the next command begins; the problem
    names the command and the position of its last event."""
    rows = copy_of(logged)
    claim = command_rows(rows, "claim_voucher")[0]
    rows = [r for r in rows if r.id != claim[-1].id]
    last = position_of(rows, claim[-2])
    report = verify_log(rows)
    message = f"command {claim[0].envelope['command_id']} has no receipt (replayed or truncated)"
    assert report.first_problem == Problem(last, 0, "command", message)
    assert str(report.first_problem) == f"the command ending at log position {last}: {message}"
    assert report.events_checked == last - 1


def test_j1_a_last_command_with_no_receipt_is_named_at_the_end_of_the_log(logged: World) -> None:
    rows = copy_of(logged)[:-1]
    assert not rows[-1].topic.endswith("Receipt.Recorded")
    report = verify_log(rows)
    message = f"command {rows[-1].envelope['command_id']} has no receipt (replayed or truncated)"
    assert report.first_problem == Problem(len(rows), 0, "command", message)
    assert report.events_checked == len(rows) - 1


def test_j1_a_partial_log_needs_no_receipts(logged: World) -> None:
    """A bundle holds chosen events only (S6): its commands lack their receipts."""
    rows = [r for r in copy_of(logged) if not r.topic.endswith("Receipt.Recorded")]
    verifier = ChainVerifier(partial_log=True)
    jobs = [verifier.admit(row) for row in rows]
    verifier.finish()
    assert verifier.first_problem is None and None not in jobs
    assert [job[0] for job in jobs] == list(range(1, len(rows) + 1))


@pytest.mark.parametrize("ledger_name, message", [
    (None, "an envelope that names no ledger, recorded after envelopes began to name it (forged)"),
    ("elsewhere.example/log", "its envelope is for the ledger 'elsewhere.example/log', not this log's '{origin}'"),
])
def test_j1_an_envelope_for_no_or_another_ledger_is_forged(logged: World, ledger_name, message) -> None:
    rows = copy_of(logged)
    claim = command_rows(rows, "claim_voucher")[0]

    def rename(state):
        if ledger_name is None:
            state["seal"]["envelope"].pop("ledger")
        else:
            state["seal"]["envelope"]["ledger"] = ledger_name

    for row in claim:
        rows[position_of(rows, row) - 1] = changed(row, rename)
    refused(rows, message.format(origin=logged.ledger.origin), claim[0])


def test_j1_envelopes_of_the_earlier_format_are_accepted_before_the_first_that_names_the_ledger(
        logged: World) -> None:
    """Issue 13: a log begun before envelopes named the ledger. Only the
    envelope's own check is exercised here, so the hashes are left alone."""
    rows = copy_of(logged)
    verifier = ChainVerifier()
    assert verifier._envelope_ledger_problem({"command": "x"}) is None
    assert not verifier.envelopes_name_ledger
    assert verifier._envelope_ledger_problem({"ledger": ""}) is None
    assert verifier.envelopes_name_ledger
    assert verifier._envelope_ledger_problem({"command": "x"}) == \
        "an envelope that names no ledger, recorded after envelopes began to name it (forged)"
    assert rows[0].envelope["ledger"] == logged.ledger.origin


# --- 3. who signed ---


def test_j1_a_genesis_that_is_not_first_is_named(logged: World) -> None:
    rows = copy_of(logged)
    genesis = rows[0]
    usurper = Stored(10_000, uuid.uuid4(), 1, genesis.topic, genesis.state)
    usurper = resealed(usurper)
    rows.append(usurper)
    refused(rows, "a genesis that is not the first event of the log", usurper)


def test_j1_a_genesis_by_another_trust_root_is_named(logged: World) -> None:
    rows = copy_of(logged)
    other = SigningKey.generate(actor=str(uuid.uuid4()), role="root")
    refused(rows, "the genesis trust root is not the one you trust", rows[0],
            trust_root_public_key=other.public_key_b64)
    report = verify_notifications(rows, trust_root_public_key=other.public_key_b64)
    assert str(report.first_problem) == event(rows[0], "the genesis trust root is not the one you trust")
    assert verify_log(rows, trust_root_public_key=rows[0].facts["public_key"]).intact


def test_j1_a_genesis_naming_no_origin_makes_every_named_envelope_foreign(logged: World) -> None:
    """The origin comes from the genesis facts: with none there, the log's
    origin is the empty name, and the first envelope naming a ledger is for another log."""
    rows = relinked(copy_of(logged), 0, lambda state: state["facts"].pop("origin"))
    refused(rows, f"its envelope is for the ledger {logged.ledger.origin!r}, not this log's ''", rows[0])


@pytest.mark.parametrize("drop, message", [
    ("actor", "signed with key {key_id}, not registered to actor  before this event"),
    ("key_id", "signed with key , not registered to actor {actor} before this event"),
])
def test_j1_an_envelope_missing_its_signer_is_named(logged: World, drop, message) -> None:
    rows = copy_of(logged)
    claim = command_rows(rows, "claim_voucher")[0]
    envelope = claim[0].envelope
    for row in claim:
        rows[position_of(rows, row) - 1] = changed(row, lambda state: state["seal"]["envelope"].pop(drop))
    refused(rows, message.format(**envelope), claim[0])


def test_j1_a_key_of_another_party_is_named(logged: World) -> None:
    rows = copy_of(logged)
    claim = command_rows(rows, "claim_voucher")[0]
    envelope = claim[0].envelope
    for row in claim:
        rows[position_of(rows, row) - 1] = changed(
            row, lambda state: state["seal"]["envelope"].update(actor=logged.bureau.actor))
    refused(rows, f"signed with key {envelope['key_id']}, not registered to actor {logged.bureau.actor} "
                  "before this event", claim[0])


def test_j1_a_party_erased_signs_nothing_and_a_step_outside_its_role_is_named(world: World) -> None:
    """After reading the whole log, the verifier's choice of signer key for a
    next command: none for an erased party, none for a role the step does
    not allow (or a step that does not exist), the registered key otherwise."""
    trainee = world.trainee()
    world.issue(trainee)
    world.do(world.bureau, "erase_trainee", trainee.actor, {"reason": "asked to be forgotten"})
    rows = copy_of(world)
    issue = command_rows(rows, "issue_voucher")[0]
    verifier = ChainVerifier()
    assert None not in [verifier.admit(row) for row in rows]
    next_position = len(rows) + 1
    claim = {"actor": trainee.actor, "key_id": trainee.key_id, "command": "claim_voucher"}
    assert verifier._signer_key(next_position, claim, {}) == \
        ("", f"signed by party {trainee.actor} after it was erased")
    assert verifier._signer_key(next_position, issue[0].envelope | {"command": "claim_voucher"}, {}) == \
        ("", "a bureau may not take the step 'claim_voucher'")
    assert verifier._signer_key(next_position, issue[0].envelope | {"command": "no_such_step"}, {}) == \
        ("", "a bureau may not take the step 'no_such_step'")
    assert verifier._signer_key(next_position, issue[0].envelope, {}) == (world.bureau.public_key_b64, None)


def test_j1_a_revoked_key_is_named_by_the_verifier(world: World) -> None:
    world.do(world.bureau, "revoke_key", world.institution.actor,
             {"key_id": world.institution.key_id, "reason": "laptop stolen"})
    verifier = ChainVerifier()
    for row in copy_of(world):
        verifier.admit(row)
    envelope = {"actor": world.institution.actor, "key_id": world.institution.key_id, "command": "file_class"}
    assert verifier._signer_key(99, envelope, {}) == \
        ("", f"signed with key {world.institution.key_id} after it was revoked or rotated out")
    assert verifier.keys[(world.institution.actor, world.institution.key_id)] == \
        KeyState(world.institution.actor, "institution", world.institution.public_key_b64, revoked=True)


def test_j1_a_rotated_key_is_learned_with_its_party_and_role(world: World) -> None:
    new_key = SigningKey.generate(actor=world.institution.actor, role="institution")
    world.do(world.bureau, "rotate_key", world.institution.actor, {"public_key": new_key.public_key_b64})
    verifier = ChainVerifier()
    for row in copy_of(world):
        verifier.admit(row)
    assert verifier.keys[(world.institution.actor, new_key.key_id)] == \
        KeyState(world.institution.actor, "institution", new_key.public_key_b64)
    assert verifier.keys[(world.institution.actor, world.institution.key_id)].revoked
    assert verifier.keys[(world.bureau.actor, world.bureau.key_id)] == \
        KeyState(world.bureau.actor, "bureau", world.bureau.public_key_b64)


def test_j1_only_a_commands_first_event_has_its_signature_checked(logged: World) -> None:
    """The content job carries the signer's key for the first event of a
    command and "" for the others (they must carry the same envelope)."""
    rows = copy_of(logged)
    verifier = ChainVerifier()
    jobs = [verifier.admit(row) for row in rows]
    first_events = {r.id for r in rows if r.id == min(x.id for x in rows
                                                      if x.envelope["command_id"] == r.envelope["command_id"])}
    for row, job in zip(rows, jobs):
        assert (job[-1] != "") == (row.id in first_events), row
    assert jobs[0][-1] == rows[0].facts["public_key"]
    assert jobs[3] == (4, rows[3].id, str(rows[3].originator_id), rows[3].originator_version, rows[3].topic,
                       rows[3].state, "")


# --- 5. stored bytes: the tree store's leaves and the topics ---


def leaves_of(rows: list[Stored]) -> list[tuple[int, int, bytes]]:
    return [(i, r.id, bytes.fromhex(r.seal["event_hash"])) for i, r in enumerate(rows)]


@pytest.mark.parametrize("alter", ["index", "id", "hash"])
def test_j1_a_tree_store_leaf_that_names_another_event_is_named(logged: World, alter) -> None:
    rows = copy_of(logged)
    leaves = leaves_of(rows)
    index, notification_id, leaf = leaves[6]
    leaves[6] = {"index": (index + 1, notification_id, leaf), "id": (index, notification_id + 1, leaf),
                 "hash": (index, notification_id, b"\x01" * 32)}[alter]
    shown = leaves[6]
    refused(rows, f"the Merkle tree's leaf {shown[0]} records event #{shown[1]}, not this one at position 7: "
                  "an event was renumbered, or the tree store altered", rows[6], stored_leaves=leaves)


def test_j1_a_tree_store_shorter_than_the_log_is_checked_as_far_as_it_goes(logged: World) -> None:
    """The tree store is extended lazily: the events after its last leaf are not an error."""
    rows = copy_of(logged)
    report = verify_log(rows, stored_leaves=leaves_of(rows)[:5])
    assert report.intact and report.events_checked == len(rows)
    assert verify_log(rows, stored_leaves=[]).intact


def test_j1_a_module_path_topic_after_stable_names_is_altered(logged: World) -> None:
    rows = copy_of(logged)
    index = next(i for i, r in enumerate(rows) if r.topic == "vledger:Voucher.Claimed")
    old = next(topic for topic in topics_of("Voucher.Claimed") if topic in HISTORICAL_TOPICS)
    rows[index] = replace(rows[index], topic=old)
    refused(rows, f"its topic {old!r} is a module path, stored after events began to carry stable names (altered)",
            rows[index])
