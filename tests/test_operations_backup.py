"""Issue 17, backup and restore: `vledger backup` → `vledger restore` →
`vledger verify` on SQLite and (under `make test`) PostgreSQL; the keys folder
backed up under a passphrase; the trust root and ledger key protected at rest."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ledger.errors import BadInput
from ledger.genesis import ledger_key, trust_root_key
from ledger.key_custody import PASSPHRASE_FILE_ENV, backup_keys, restore_keys
from ledger.transparency.checkpoints import record_checkpoint
from tests.cli import vledger
from tests.conftest import POSTGRES_URL, reset_postgres
from tests.world import World

PASSPHRASE = "correct horse battery staple"


def passphrase_env(tmp_path: Path, passphrase: str = PASSPHRASE) -> dict[str, str]:
    path = tmp_path / f"passphrase-{len(passphrase)}"
    path.write_text(passphrase + "\n")
    return {PASSPHRASE_FILE_ENV: str(path)}


def test_backup_restore_verify_round_trip_keeps_every_event_and_checkpoint(world: World, tmp_path: Path) -> None:
    world.paid_voucher()
    record_checkpoint(world.ledger)
    events = world.ledger.max_notification_id()
    source = world.ledger.database_url
    keys_env = {"VLEDGER_KEYS": str(world.ledger.keys_dir), **passphrase_env(tmp_path)}
    backed = vledger("backup", "--out", str(tmp_path / "ledger.backup"), "--keys-out", str(tmp_path / "keys.backup"),
                     "--json", db=source, env=keys_env)
    assert backed.returncode == 0, backed.stderr
    assert json.loads(backed.stdout)["kind"] == ("pg_dump" if POSTGRES_URL else "sqlite")
    world.ledger.close()
    if POSTGRES_URL:  # the original is gone: only the backup can bring the ledger back
        reset_postgres(source)
        target = source
    else:
        target = f"sqlite:///{tmp_path / 'restored' / 'ledger.db'}"
    restored_keys = tmp_path / "restored-keys"
    restored = vledger("restore", str(tmp_path / "ledger.backup"), "--keys", str(tmp_path / "keys.backup"), "--json",
                       db=target, env={**passphrase_env(tmp_path), "VLEDGER_KEYS": str(restored_keys)})
    assert restored.returncode == 0, restored.stderr
    report = json.loads(restored.stdout)["verification"]
    assert report["events_checked"] == events and report["checkpoints_checked"] == 1
    verified = vledger("verify", "--json", db=target, env={"VLEDGER_KEYS": str(restored_keys)})
    assert verified.returncode == 0, verified.stderr
    assert json.loads(verified.stdout)["events_checked"] == events
    assert trust_root_key(restored_keys).key_id == world.root.key_id
    assert (restored_keys / "matching.key").read_bytes() == (world.ledger.keys_dir / "matching.key").read_bytes()


def test_restore_refuses_a_database_that_already_holds_a_ledger(world: World, tmp_path: Path) -> None:
    backed = vledger("backup", "--out", str(tmp_path / "ledger.backup"), db=world.ledger.database_url)
    assert backed.returncode == 0, backed.stderr
    again = vledger("restore", str(tmp_path / "ledger.backup"), db=world.ledger.database_url)
    assert again.returncode == 2 and "restore into an empty database" in again.stderr


def test_restore_refuses_a_file_that_is_no_backup(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not a backup")
    refused = vledger("restore", str(tmp_path / "notes.txt"), "--json", db=f"sqlite:///{tmp_path / 'new.db'}")
    assert refused.returncode == 2
    assert "neither a SQLite backup nor a pg_dump" in json.loads(refused.stderr)["error"]["message"]


def test_keys_backup_holds_no_key_in_the_clear_and_a_wrong_passphrase_opens_nothing(world: World,
                                                                                   tmp_path: Path) -> None:
    archive = backup_keys(world.ledger.keys_dir, PASSPHRASE.encode())
    text = json.dumps(archive)
    plain_seed = json.loads((world.ledger.keys_dir / "trust-root.json").read_text())["private_key"]
    matching = (world.ledger.keys_dir / "matching.key").read_text().strip()
    assert plain_seed not in text and matching not in text
    assert "BEGIN ENCRYPTED PRIVATE KEY" in archive["files"]["trust-root.json"]["private_key_pkcs8"]
    with pytest.raises(BadInput, match="passphrase does not open"):
        restore_keys(archive, tmp_path / "stolen", b"not the passphrase at all")
    assert not (tmp_path / "stolen" / "trust-root.json").exists()


def test_protected_trust_root_and_ledger_key_sign_only_with_the_passphrase(world: World, tmp_path: Path,
                                                                          monkeypatch) -> None:
    keys = world.ledger.keys_dir
    before = ledger_key(keys).key_id
    env = {"VLEDGER_KEYS": str(keys), **passphrase_env(tmp_path)}
    protected = vledger("keys", "protect", db=world.ledger.database_url, env=env)
    assert protected.returncode == 0, protected.stderr
    stored = json.loads((keys / "ledger.json").read_text())
    assert "private_key" not in stored and stored["private_key_pkcs8"].startswith("-----BEGIN ENCRYPTED")
    without = vledger("checkpoint", "--json", db=world.ledger.database_url, env={"VLEDGER_KEYS": str(keys)})
    assert without.returncode == 2 and "needs a passphrase" in json.loads(without.stderr)["error"]["message"]
    wrong = vledger("checkpoint", db=world.ledger.database_url,
                    env={"VLEDGER_KEYS": str(keys), **passphrase_env(tmp_path, "a wrong passphrase")})
    assert wrong.returncode == 2 and "passphrase does not open" in wrong.stderr
    signed = vledger("checkpoint", "--json", db=world.ledger.database_url, env=env)
    assert signed.returncode == 0, signed.stderr
    assert json.loads(signed.stdout)["tree_size"] == world.ledger.max_notification_id()
    monkeypatch.setenv(PASSPHRASE_FILE_ENV, env[PASSPHRASE_FILE_ENV])
    assert ledger_key(keys).key_id == before  # the same key, only kept encrypted


def test_a_keys_backup_cannot_write_outside_the_keys_folder_or_over_a_key(world: World, tmp_path: Path) -> None:
    archive = backup_keys(world.ledger.keys_dir, PASSPHRASE.encode())
    escaping = {**archive, "files": {"../outside.json": archive["files"]["ledger.json"]}}
    with pytest.raises(BadInput, match="outside the keys folder"):
        restore_keys(escaping, tmp_path / "keys", PASSPHRASE.encode())
    assert not (tmp_path / "outside.json").exists()
    with pytest.raises(BadInput, match="already exists"):
        restore_keys(archive, world.ledger.keys_dir, PASSPHRASE.encode())
    restored = restore_keys(archive, tmp_path / "fresh", PASSPHRASE.encode())
    assert "trust-root.json" in restored and trust_root_key(tmp_path / "fresh").key_id == world.root.key_id
