"""Offline verification with no database (J1), a trainee's verifiable record
(S6), erasure that keeps the chain verifiable, and the verifiable inspection
draw (L11)."""

from __future__ import annotations

import json

import pytest

from ledger.errors import BadInput, TamperDetected
from ledger.transparency.bundle import make_bundle, verify_bundle
from ledger.transparency.checkpoints import all_checkpoints, record_checkpoint
from ledger.transparency.draw import draw, pick
from ledger.transparency.export import export_ledger, read_checkpoints, read_events, read_keys
from ledger.verify import verify_log
from tests.cli import vledger, vledger_json
from tests.world import World


def verify_export(folder, saved=None):
    return verify_log(read_events(folder), read_checkpoints(folder), saved_checkpoint=saved,
                      trust_root_public_key=read_keys(folder)["trust_root_public_key"])


def test_j1_an_export_verifies_with_no_database_and_an_altered_line_is_named(world: World, tmp_path) -> None:
    world.paid_voucher()
    saved = record_checkpoint(world.ledger)
    summary = export_ledger(world.ledger, tmp_path / "export")
    assert summary["events"] == saved.tree_size and summary["checkpoints"] == 1
    report = verify_export(tmp_path / "export", saved)
    assert report.intact and report.events_checked == saved.tree_size
    lines = (tmp_path / "export" / "events.jsonl").read_text().splitlines()
    paid = next(i for i, line in enumerate(lines) if "Voucher.Paid" in line)
    lines[paid] = lines[paid].replace('"amount_fen":', '"amount_fen":1', 1)
    (tmp_path / "export" / "events.jsonl").write_text("\n".join(lines) + "\n")
    altered = verify_export(tmp_path / "export").first_problem
    assert f"event #{json.loads(lines[paid])['notification_id']} " in str(altered)
    del lines[paid:]
    (tmp_path / "export" / "events.jsonl").write_text("\n".join(lines) + "\n")
    truncated = verify_export(tmp_path / "export", saved)
    assert "truncated" in str(truncated.first_problem)


def test_s6_a_voucher_bundle_proves_its_events_offline_and_breaks_when_changed(world: World) -> None:
    voucher = world.paid_voucher()
    world.trained_voucher()  # later events the bundle does not need
    bundle = make_bundle(world.ledger, voucher)
    summary = verify_bundle(json.loads(json.dumps(bundle)))
    assert summary["intact"] and summary["voucher_events"] == len(world.ledger.stored_events(voucher))
    roles = {event["state"]["seal"]["envelope"]["actor"] for event in bundle["events"]}
    assert world.finance.actor in roles and world.institution.actor in roles
    changed = json.loads(json.dumps(bundle))
    paid = next(e for e in changed["events"] if e["topic"].endswith("Voucher.Paid"))
    paid["state"]["facts"]["amount_fen"] += 1
    with pytest.raises(TamperDetected, match=f"event #{paid['notification_id']}"):
        verify_bundle(changed)
    rehashed = json.loads(json.dumps(bundle))
    rehashed["events"][-1]["audit_path"][0] = "00" * 32
    with pytest.raises(TamperDetected, match="inclusion proof"):
        verify_bundle(rehashed)
    with pytest.raises(TamperDetected, match="trust root"):
        verify_bundle(bundle, trust_root_public_key=world.finance.public_key_b64)
    with pytest.raises(BadInput, match="keys must be a JSON object"):
        verify_bundle({**bundle, "keys": ["not", "an", "object"]})  # a BadInput, never an AttributeError


def test_erased_trainee_cannot_be_read_back_from_ledger_export_or_bundle_and_verify_passes(world: World,
                                                                                           tmp_path) -> None:
    person = world.person()
    trainee = world.trainee(personal=person)
    voucher = world.issue(trainee)
    stored = [n for n in world.ledger.notifications() if str(n.originator_id) == trainee.actor][0]
    ciphertext = json.loads(stored.state)["facts"]["sealed_personal"]
    assert world.ledger.personal_data.open_personal(trainee.actor, ciphertext)["name"] == person["name"]
    env = {"VLEDGER_KEYS": str(world.ledger.keys_dir)}
    result = vledger("erase", "--trainee", trainee.actor, db=world.ledger.database_url, env=env)
    assert result.returncode == 0, result.stderr
    assert world.ledger.personal_data.open_personal(trainee.actor, ciphertext) is None
    assert world.ledger.get(trainee.actor).erased
    export_ledger(world.ledger, tmp_path / "export")
    bundle = json.dumps(make_bundle(world.ledger, voucher), ensure_ascii=False)
    for text in [*(p.read_text(encoding="utf-8") for p in (tmp_path / "export").iterdir()), bundle,
                 *(n.state.decode() for n in world.ledger.notifications())]:
        assert person["name"] not in text and person["national_id"] not in text
    assert verify_export(tmp_path / "export").intact
    assert verify_bundle(json.loads(bundle))["intact"]
    verified = vledger_json("verify", "--processes", "2", db=world.ledger.database_url, env=env)
    assert verified["intact"] is True


def test_l11_the_draw_is_recomputable_from_the_signed_root_and_refuses_a_foreign_checkpoint(world: World) -> None:
    for _ in range(4):
        world.register(world.bureau, "institution", name="another school", kind="social_training")
    checkpoint = record_checkpoint(world.ledger)
    result = draw(world.ledger, checkpoint, 3, region=world.region)
    assert result["population"] == 5 and len(set(result["chosen"])) == 3
    assert draw(world.ledger, checkpoint, 3, region=world.region) == result
    population = [world.institution.actor] + [c for c in result["chosen"] if c != world.institution.actor]
    assert set(result["chosen"]) <= set(draw(world.ledger, checkpoint, 5, region=world.region)["chosen"])
    assert pick(bytes.fromhex(checkpoint.root_hash), population, 1) == \
        pick(bytes.fromhex(checkpoint.root_hash), list(reversed(population)), 1)
    forged = type(checkpoint)(**{**checkpoint.__dict__, "root_hash": "ab" * 32})
    with pytest.raises(TamperDetected):
        draw(world.ledger, forged, 3)
    assert all_checkpoints(world.ledger) == [checkpoint]


def test_j1_command_line_export_and_bundle_verify_offline_and_exit_1_when_altered(world: World, tmp_path) -> None:
    voucher = world.paid_voucher()
    env = {"VLEDGER_KEYS": str(world.ledger.keys_dir)}
    db = world.ledger.database_url
    folder, bundle_file = tmp_path / "export", tmp_path / "bundle.json"
    assert vledger("export", "--out", str(folder), db=db, env=env).returncode == 0
    assert vledger("bundle", "--voucher", str(voucher), "--out", str(bundle_file), db=db, env=env).returncode == 0
    offline = {"VLEDGER_DB": "sqlite:////nonexistent/no.db"}  # no database at all
    assert vledger_json("verify", "--export", str(folder), "--processes", "1", env=offline)["intact"] is True
    assert vledger_json("verify", "--bundle", str(bundle_file), env=offline)["voucher"] == str(voucher)
    text = bundle_file.read_text()
    bundle_file.write_text(text.replace('"amount_fen": ', '"amount_fen": 1', 1))
    altered = vledger("verify", "--bundle", str(bundle_file), env=offline)
    assert altered.returncode == 1 and "verification failed: event #" in altered.stderr
