"""Envelopes bound in place and time, read signatures used once (issue 13,
items 5 and 8; docs/decisions/0021 and 0023): an envelope names the ledger
it is for and is refused by any other; one signed too long ago is refused;
a read signature's nonce is accepted once, across server processes."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from api.http.app import create_app
from ledger.application import VoucherLedger
from ledger.envelope import sign_command
from ledger.errors import BadInput
from ledger.genesis import initialise
from ledger.signing import canonical_json
from ledger.verify import verify_log
from tests.http_support import TestClient, http_client, problem_of, read_headers
from tests.tampering import Insider
from tests.world import World


def refused(world: World, signed: dict) -> str:
    before = world.log_snapshot()
    with pytest.raises(BadInput) as caught:
        world.ledger.submit(signed)
    assert world.log_snapshot() == before, "a refused command changed the log"
    return str(caught.value)


def revoke(world: World, **options) -> dict:
    return sign_command(world.bureau, "revoke_voucher", uuid.uuid4(), {"reason": "x"},
                        **{"signed_at": world.clock.now, "ledger": world.ledger.origin, **options})


def test_an_envelope_names_its_ledger_and_another_ledger_refuses_it(world: World, tmp_path: Path) -> None:
    """Issue 13: "the same envelope was accepted by two ledgers"."""
    other = VoucherLedger(f"sqlite:///{tmp_path / 'other.db'}", keys=tmp_path / "other-keys", clock=world.clock)
    initialise(other, origin="hengyang.example/vouchers")
    assert other.origin == "hengyang.example/vouchers" and world.ledger.origin != other.origin
    signed = world.signed(world.bureau, "revoke_voucher", uuid.uuid4(), {"reason": "x"})
    assert signed["envelope"]["ledger"] == world.ledger.origin
    before = [row.id for row in other.notifications()]
    with pytest.raises(BadInput, match="for the ledger 'vledger.example/training-vouchers', and this ledger is "
                                       "'hengyang.example/vouchers'"):
        other.submit(signed)
    assert [row.id for row in other.notifications()] == before
    other.close()


def test_an_envelope_for_another_ledger_is_refused_before_its_signature_or_rules_are_looked_at(world: World) -> None:
    forged = revoke(world, ledger="somewhere.else/log")
    forged["signature"] = forged["signature"][::-1]  # also a bad signature: the ledger is what is named
    assert "for the ledger 'somewhere.else/log'" in refused(world, forged)


def test_an_envelope_without_a_ledger_is_the_earlier_format_and_submit_refuses_it(world: World) -> None:
    signed = revoke(world)
    envelope = {name: value for name, value in signed["envelope"].items() if name != "ledger"}
    resigned = {"envelope": envelope, "signature": world.bureau.sign(canonical_json(envelope))}
    assert "missing: ledger" in refused(world, resigned)


def test_an_envelope_signed_in_2001_is_refused_with_the_window_in_the_sentence(world: World) -> None:
    """Issue 13: "one signed in 2001 was accepted"."""
    message = refused(world, revoke(world, signed_at=datetime(2001, 1, 1, tzinfo=timezone.utc)))
    assert "older than the 24 h this ledger accepts" in message and "VLEDGER_SIGNED_AT_WINDOW_SECONDS" in message


def test_the_window_is_24_hours_by_default_to_the_second(world: World) -> None:
    voucher = world.issue(world.trainee())
    just_inside = sign_command(world.bureau, "revoke_voucher", voucher, {"reason": "moved away"},
                               signed_at=world.clock.now - timedelta(hours=24), ledger=world.ledger.origin)
    assert "older than" in refused(world, revoke(world, signed_at=world.clock.now - timedelta(hours=24, seconds=1)))
    assert world.ledger.submit(just_inside).result["command"] == "revoke_voucher"


def test_the_window_is_configurable_by_environment(world: World, monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("VLEDGER_SIGNED_AT_WINDOW_SECONDS", "3600")
    strict = VoucherLedger(world.ledger.database_url, keys=world.ledger.keys_dir, clock=world.clock)
    assert strict.signed_at_window == timedelta(hours=1)
    with pytest.raises(BadInput, match="older than the 1 h"):
        strict.submit(revoke(world, signed_at=world.clock.now - timedelta(minutes=61)))
    strict.close()
    monkeypatch.setenv("VLEDGER_SIGNED_AT_WINDOW_SECONDS", "a day")
    with pytest.raises(BadInput, match="VLEDGER_SIGNED_AT_WINDOW_SECONDS must be whole seconds"):
        VoucherLedger(world.ledger.database_url, keys=world.ledger.keys_dir)


def test_a_repeat_of_a_recorded_command_returns_its_first_result_even_after_the_window(world: World) -> None:
    voucher = world.issue(world.trainee())
    signed = world.signed(world.bureau, "revoke_voucher", voucher, {"reason": "moved away"})
    first = world.ledger.submit(signed)
    world.clock.advance(days=3)
    again = world.ledger.submit(signed)
    assert again.duplicate and again.result == first.result


def test_verify_refuses_an_event_whose_envelope_names_another_ledger(world: World, tmp_path: Path) -> None:
    """Only the verifier's own check stands between this forged log and
    "intact": the appended command is well signed, hashed, linked and receipted."""
    voucher = world.issue(world.trainee())
    signed = sign_command(world.bureau, "revoke_voucher", voucher, {"reason": "x"}, signed_at=world.clock.now,
                          ledger="somewhere.else/log")
    insider = Insider(world.ledger.database_url, tmp_path)
    insider.append_command(signed, [(voucher, "vledger:Voucher.Revoked", {"reason": "x"})])
    copy = VoucherLedger(insider.url, keys=world.ledger.keys_dir)
    report = verify_log(copy.notifications())
    copy.close()
    assert "is for the ledger 'somewhere.else/log', not this log's" in str(report.first_problem)


def test_reads_carry_a_nonce_accepted_once(world: World) -> None:
    """Issue 13: "a read signature was accepted three times within its window"."""
    voucher = world.issue(world.trainee())
    http = http_client(world)
    path = f"/v1/vouchers/{voucher}"
    header = read_headers(world.inspector, path, world.clock.now)
    assert http.get(path, headers=header).status_code == 200
    again = problem_of(http.get(path, headers=header), 401, "invalid-signature")
    assert "already used once" in again["detail"]
    fresh = read_headers(world.inspector, path, world.clock.now)
    assert http.get(path, headers=fresh).status_code == 200


def test_a_spent_nonce_stays_spent_for_another_server_process(world: World) -> None:
    voucher = world.issue(world.trainee())
    path = f"/v1/vouchers/{voucher}"
    header = read_headers(world.inspector, path, world.clock.now)
    assert http_client(world).get(path, headers=header).status_code == 200
    restarted = VoucherLedger(world.ledger.database_url, keys=world.ledger.keys_dir, clock=world.clock)
    second_server = TestClient(create_app(ledger=restarted), raise_server_exceptions=False)
    problem_of(second_server.get(path, headers=header), 401, "invalid-signature")
    restarted.close()


def test_a_read_header_without_a_nonce_or_with_a_short_one_is_bad_input(world: World) -> None:
    voucher = world.issue(world.trainee())
    http = http_client(world)
    path = f"/v1/vouchers/{voucher}"
    header = read_headers(world.inspector, path, world.clock.now)
    without = {**header, "Signature-Input": ";".join(part for part in header["Signature-Input"].split(";")
                                                     if not part.startswith("nonce="))}
    assert "missing: nonce" in problem_of(http.get(path, headers=without), 400, "bad-input")["detail"]
    short = read_headers(world.inspector, path, world.clock.now, nonce="abc")
    assert "nonce must be 16 to 64" in problem_of(http.get(path, headers=short), 400, "bad-input")["detail"]


def test_verify_refuses_an_earlier_format_envelope_after_envelopes_began_to_name_the_ledger(
        world: World, tmp_path: Path) -> None:
    """The earlier format (no `ledger`) is accepted only for what was recorded
    before issue 13; submit has refused it since, so one after is forged."""
    voucher = world.issue(world.trainee())
    envelope = {name: value for name, value in revoke(world)["envelope"].items() if name != "ledger"}
    envelope["target"] = str(voucher)
    signed = {"envelope": envelope, "signature": world.bureau.sign(canonical_json(envelope))}
    insider = Insider(world.ledger.database_url, tmp_path)
    insider.append_command(signed, [(voucher, "vledger:Voucher.Revoked", {"reason": "x"})])
    copy = VoucherLedger(insider.url, keys=world.ledger.keys_dir)
    report = verify_log(copy.notifications())
    copy.close()
    assert "names no ledger, recorded after envelopes began to name it" in str(report.first_problem)


def test_a_genesis_envelope_names_the_origin_its_body_sets(tmp_path: Path) -> None:
    from ledger.application import ROOT_ID
    from ledger.signing import SigningKey

    fresh = VoucherLedger(f"sqlite:///{tmp_path / 'fresh.db'}", keys=tmp_path / "fresh-keys")
    root = SigningKey.generate(actor=str(ROOT_ID), role="root")
    body = {"public_key": root.public_key_b64, "ledger_public_key": root.public_key_b64, "origin": "a.example/log"}
    with pytest.raises(BadInput, match="for the ledger 'b.example/log', and this ledger is 'a.example/log'"):
        fresh.submit(sign_command(root, "genesis", ROOT_ID, body, ledger="b.example/log"))
    assert fresh.max_notification_id() == 0
    fresh.close()
