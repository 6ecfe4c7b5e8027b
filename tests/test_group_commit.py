"""Group commit (issue 15, item 1; docs/decisions/0062): commands submitted
at the same moment are decided in order and committed in one transaction,
each with its own outcome; the write cache they are decided against never
hides another writer's event."""

from __future__ import annotations

import threading
import time
import uuid
from typing import Any

import pytest

from ledger.application import VoucherLedger
from ledger.envelope import iso
from ledger.credit_code import make_credit_code
from ledger.errors import CommandIdReused, Conflict, InvalidSignature, KeyNotValid, LedgerError, RoleNotAllowed
from ledger.signing import SigningKey
from projections import compare_views
from tests.log_checks import assert_ledger_verifies, log_hashes
from tests.world import World

CLIENTS = 64
COMMANDS_PER_CLIENT = 5


class CountingLedger(VoucherLedger):
    """The real ledger, counting the commands of each commit."""

    name = VoucherLedger.name

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.commits: list[int] = []

    def _commit(self, decided, cache) -> None:
        if decided.pending:
            self.commits.append(len(decided.pending))
        super()._commit(decided, cache)


def counting(world: World) -> CountingLedger:
    world.ledger = CountingLedger(world.ledger.database_url, keys=world.ledger.keys_dir, clock=world.clock)
    return world.ledger


def submit_together(ledger: VoucherLedger, commands: list[dict[str, Any]]) -> list[Any]:
    """Submits every command from its own thread while the writer is held, so that all of them queue; then
    lets the writer go. Each thread's outcome or refusal, in the order given."""
    outcomes: list[Any] = [None] * len(commands)

    def send(index: int) -> None:
        try:
            outcomes[index] = ledger.submit(commands[index])
        except LedgerError as error:
            outcomes[index] = error

    threads = [threading.Thread(target=send, args=(index,)) for index in range(len(commands))]
    group = ledger.group_commit
    with group._changed:  # as if a writer were busy: every thread queues and waits
        group._writing = True
    try:
        for index, thread in enumerate(threads):
            thread.start()
            while len(group._queue) < index + 1:  # queued in this order
                time.sleep(0.001)
    finally:
        with group._changed:  # the busy writer hands over: one waiting thread takes the whole queue
            group._writing = False
            group._changed.notify_all()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def offline(world: World, key: Any, voucher: uuid.UUID, minutes: int, **signed: Any) -> dict[str, Any]:
    return world.signed(key, "record_offline_training", voucher,
                        {"started_at": iso(world.clock.now), "minutes": minutes, "location": "workshop"}, **signed)


def test_one_batch_of_accepted_and_refused_commands_gives_each_its_own_outcome_and_records_only_the_accepted(
        world: World) -> None:
    voucher, _ = world.enrolled_voucher()
    world.clock.advance(days=1)
    ledger = counting(world)
    first = offline(world, world.institution, voucher, 30)
    forged = {**offline(world, world.institution, voucher, 40)}
    forged["signature"] = first["signature"]
    reused_id = offline(world, world.institution, voucher, 50, command_id=uuid.UUID(first["envelope"]["command_id"]))
    commands = [first, offline(world, world.institution, voucher, 20), forged, first, reused_id,
                offline(world, world.institution, voucher, 10)]
    before = log_hashes(ledger)

    outcomes = submit_together(ledger, commands)

    assert ledger.commits == [3], "the whole queue was decided as one batch, and its accepted commands committed once"
    assert [type(outcome).__name__ for outcome in outcomes] == [
        "Outcome", "Outcome", "InvalidSignature", "Outcome", "CommandIdReused", "Outcome"]
    assert isinstance(outcomes[2], InvalidSignature) and isinstance(outcomes[4], CommandIdReused)
    assert outcomes[3].duplicate and outcomes[3].result == outcomes[0].result  # a repeat within the batch
    versions = [outcomes[index].result["version"] for index in (0, 1, 5)]
    assert versions == [versions[0], versions[0] + 1, versions[0] + 2]  # each decided on the one before
    assert ledger.get(voucher).offline_minutes == 30 + 20 + 10
    added = len(log_hashes(ledger)) - len(before)
    assert added == 3 * 2  # three accepted commands: an event and a receipt each
    assert assert_ledger_verifies(ledger) == len(before) + added
    ledger.close()


def test_submit_many_gives_each_command_its_own_outcome_in_order_and_commits_the_accepted_together(
        world: World) -> None:
    """An import's rows come as one list (`VoucherLedger.submit_many`): each command's outcome or refusal in
    the list's order, one commit for the accepted ones, nothing recorded for the refused."""
    voucher, _ = world.enrolled_voucher()
    world.clock.advance(days=1)
    ledger = counting(world)
    first = offline(world, world.institution, voucher, 30)
    forged = {**offline(world, world.institution, voucher, 40), "signature": first["signature"]}
    commands = [first, forged, offline(world, world.bureau, voucher, 5), first,
                offline(world, world.institution, voucher, 20)]
    before = log_hashes(ledger)

    answers = ledger.submit_many([(command, None) for command in commands])

    assert [type(answer).__name__ for answer in answers] == [
        "Outcome", "InvalidSignature", "RoleNotAllowed", "Outcome", "Outcome"]
    assert answers[3].duplicate and answers[3].result == answers[0].result
    assert answers[4].result["version"] == answers[0].result["version"] + 1
    assert ledger.commits == [2]
    assert len(log_hashes(ledger)) == len(before) + 2 * 2
    assert ledger.get(voucher).offline_minutes == 50
    assert ledger.submit_many([]) == []
    ledger.close()


def test_a_new_record_whose_id_an_earlier_command_of_the_batch_took_is_refused_as_it_is_decided(
        world: World) -> None:
    """Two registrations naming one new party id in one batch: the second is refused when it is decided (the
    id is taken in the batch, not yet in the database), so the batch's commit does not fail and re-run."""
    ledger = counting(world)
    party = uuid.uuid4()
    commands = [world.signed(world.bureau, "register_party", party, {
        "role": "assessor", "name": f"assessor {number}", "public_key": SigningKey.generate().public_key_b64,
        "credit_code": make_credit_code(party.int % 31 ** 9 + number)}) for number in (1, 2)]

    answers = ledger.submit_many([(command, None) for command in commands])

    assert type(answers[0]).__name__ == "Outcome" and isinstance(answers[1], Conflict)
    assert "already in use" in answers[1].message
    assert ledger.commits == [1], "decided once, committed once: no failed commit and no re-run"
    ledger.close()


def test_submit_many_is_decided_whole_with_no_other_callers_command_between_its_commands(world: World) -> None:
    voucher, _ = world.enrolled_voucher()
    world.clock.advance(days=1)
    ledger = world.ledger
    alone_before, many, alone_after = (offline(world, world.institution, voucher, 1),
                                       [offline(world, world.institution, voucher, 2 + index) for index in range(3)],
                                       offline(world, world.institution, voucher, 9))
    answers: dict[str, Any] = {}
    group = ledger.group_commit
    with group._changed:  # a busy writer: the three callers queue in this order
        group._writing = True
    threads = [threading.Thread(target=lambda: answers.update(before=ledger.submit(alone_before))),
               threading.Thread(target=lambda: answers.update(many=ledger.submit_many([(c, None) for c in many]))),
               threading.Thread(target=lambda: answers.update(after=ledger.submit(alone_after)))]
    try:
        for thread, queued in zip(threads, (1, 4, 5)):
            thread.start()
            while len(group._queue) < queued:
                time.sleep(0.001)
    finally:
        with group._changed:
            group._writing = False
            group._changed.notify_all()
    for thread in threads:
        thread.join(timeout=60)

    versions = [answers["before"].result["version"]] + [answer.result["version"] for answer in answers["many"]] \
        + [answers["after"].result["version"]]
    assert versions == list(range(versions[0], versions[0] + 5))
    assert ledger.get(voucher).offline_minutes == 1 + 2 + 3 + 4 + 9


def test_a_refusal_that_read_what_the_batch_changed_commits_the_batch_first_and_the_rest_decide_on_it(
        world: World) -> None:
    """A refused command may have changed an aggregate before its refusal: that copy is dropped, and the
    commands after it must not decide on the stored state without the batch's events."""
    voucher, _ = world.enrolled_voucher()
    world.clock.advance(days=1)
    other_school = world.register(world.bureau, "institution", name="other school", kind="social_training")
    world.do(world.bureau, "list_in_catalogue", other_school.actor, {})
    ledger = counting(world)
    commands = [offline(world, world.institution, voucher, 30), offline(world, other_school, voucher, 40),
                offline(world, world.institution, voucher, 20)]

    outcomes = submit_together(ledger, commands)

    assert isinstance(outcomes[1], RoleNotAllowed)
    assert outcomes[2].result["version"] == outcomes[0].result["version"] + 1
    assert ledger.commits == [1, 1]
    assert ledger.get(voucher).offline_minutes == 50
    assert_ledger_verifies(ledger)
    ledger.close()


def test_another_writers_revocation_is_seen_by_the_next_command_not_hidden_by_the_cache(world: World) -> None:
    """Another process (here another ledger object on the same database) revokes the institution's key after
    this writer cached the institution: the next command signed with it is refused."""
    voucher, _ = world.enrolled_voucher()
    world.clock.advance(days=1)
    writer = world.ledger
    writer.submit(offline(world, world.institution, voucher, 30))  # the institution is in the writer's cache now
    elsewhere = VoucherLedger(writer.database_url, keys=writer.keys_dir, clock=world.clock)
    elsewhere.submit(world.signed(world.bureau, "revoke_key", world.institution.actor,
                                  {"key_id": world.institution.key_id, "reason": "the laptop was stolen"}))
    elsewhere.close()
    with pytest.raises(KeyNotValid):
        writer.submit(offline(world, world.institution, voucher, 20))
    assert writer.get(voucher).offline_minutes == 30


def test_another_writers_event_on_the_same_voucher_is_decided_on_not_overwritten(world: World) -> None:
    voucher, _ = world.enrolled_voucher()
    world.clock.advance(days=1)
    writer = world.ledger
    writer.submit(offline(world, world.institution, voucher, 30))
    elsewhere = VoucherLedger(writer.database_url, keys=writer.keys_dir, clock=world.clock)
    elsewhere.submit(offline(world, world.institution, voucher, 40))
    elsewhere.close()
    outcome = writer.submit(offline(world, world.institution, voucher, 20))
    assert writer.get(voucher).offline_minutes == 90 and outcome.result["version"] == writer.get(voucher).version
    assert_ledger_verifies(writer)


def test_64_concurrent_writers_every_acknowledged_command_recorded_exactly_once(world: World) -> None:
    filing = world.approved_filing()
    shared, _ = world.enrolled_voucher(filing=filing)
    own = [world.enrolled_voucher(filing=filing)[0] for _ in range(CLIENTS)]
    world.clock.advance(days=1)
    ledger = counting(world)
    plans = [[offline(world, world.institution, shared if index % 2 else own[client], 3)
              for index in range(COMMANDS_PER_CLIENT)] for client in range(CLIENTS)]
    before = len(log_hashes(ledger))
    acknowledged: list[list[Any]] = [[] for _ in range(CLIENTS)]
    barrier = threading.Barrier(CLIENTS)

    def client(number: int) -> None:
        barrier.wait()
        for command in plans[number]:
            acknowledged[number].append(ledger.submit(command))

    threads = [threading.Thread(target=client, args=(number,)) for number in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)

    outcomes = [outcome for per_client in acknowledged for outcome in per_client]
    assert len(outcomes) == CLIENTS * COMMANDS_PER_CLIENT and not any(outcome.duplicate for outcome in outcomes)
    hashes = log_hashes(ledger)
    recorded = [event_hash for outcome in outcomes for event_hash in outcome.result["event_hashes"]]
    assert len(recorded) == len(set(recorded)) and set(recorded) <= set(hashes)
    assert len(hashes) == before + len(recorded) + len(outcomes)  # and a receipt each: nothing else, nothing twice
    shared_records = sum(1 for per_client in plans for index in range(COMMANDS_PER_CLIENT) if index % 2)
    assert ledger.get(shared).offline_minutes == 3 * shared_records
    assert max(ledger.commits) > 1, "concurrent commands shared a commit"
    print(f"\n{len(outcomes)} commands from {CLIENTS} threads in {len(ledger.commits)} commits "
          f"(largest {max(ledger.commits)})")
    assert_ledger_verifies(ledger)
    assert compare_views(ledger) == []
    ledger.close()


def test_a_repeat_signed_too_long_ago_still_gets_the_first_result_from_a_fresh_writer(world: World) -> None:
    """The signed_at window refuses new commands, never the repeat of a recorded one (its receipt answers),
    even when no batch of this writer has seen that receipt."""
    voucher, _ = world.enrolled_voucher()
    world.clock.advance(days=1)
    signed = offline(world, world.institution, voucher, 30)
    first = world.ledger.submit(signed)
    world.clock.advance(days=3)
    fresh = VoucherLedger(world.ledger.database_url, keys=world.ledger.keys_dir, clock=world.clock)
    again = fresh.submit(signed)
    assert again.duplicate and again.result == first.result
    fresh.close()
