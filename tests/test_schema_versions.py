"""Issue 17, schema versions: a ledger made by the previous schema (kept in
tests/fixtures) is refused by every command until `vledger init` upgrades it
and says so, and then verifies; view tables built by another definition are
rebuilt from the log instead of silently kept."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.pool import NullPool

from ledger.schema import SCHEMA_HEAD, VERSION_TABLE, current_revision, head_revision
from projections import catch_up, compare_views, position
from projections.view_schema import view_schema_table
from tests.cli import vledger
from tests.world import World

FIXTURES = Path(__file__).resolve().parent / "fixtures"
FIXTURE_EVENTS = 446


def old_ledger(tmp_path: Path) -> tuple[str, dict[str, str]]:
    """A copy of the ledger made on 2026-12-04 by the code before schema versions."""
    shutil.copy(FIXTURES / "ledger-v0.db", tmp_path / "ledger.db")
    shutil.copytree(FIXTURES / "ledger-v0-keys", tmp_path / "keys")
    return f"sqlite:///{tmp_path / 'ledger.db'}", {"VLEDGER_KEYS": str(tmp_path / "keys")}


def test_the_schema_head_constant_is_alembics_head() -> None:
    assert SCHEMA_HEAD == head_revision()


def test_a_ledger_of_the_previous_schema_is_refused_until_init_upgrades_it_then_it_verifies(tmp_path: Path) -> None:
    url, env = old_ledger(tmp_path)
    refused = vledger("verify", "--json", db=url, env=env)
    assert refused.returncode == 2
    assert "run `vledger init` to upgrade it" in json.loads(refused.stderr)["error"]["message"]
    backed = vledger("backup", "--out", str(tmp_path / "before-upgrade.backup"), db=url, env=env)
    assert backed.returncode == 0, backed.stderr  # the advice is "back it up first": that must work
    upgraded = vledger("init", "--if-missing", db=url, env=env)
    assert upgraded.returncode == 0, upgraded.stderr
    assert f"upgraded the ledger's schema from version none (made before schema versions) to {SCHEMA_HEAD}" in (
        upgraded.stdout)
    engine = create_engine(url, poolclass=NullPool)
    assert current_revision(engine) == SCHEMA_HEAD
    verified = vledger("verify", "--json", db=url, env=env)
    assert verified.returncode == 0, verified.stderr
    report = json.loads(verified.stdout)
    assert report["events_checked"] == FIXTURE_EVENTS and report["checkpoints_checked"] == 1
    assert report["views"] == "equal to a fresh replay"
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM view_schema")).scalar() > 0
    again = vledger("init", "--if-missing", db=url, env=env)
    assert again.returncode == 0 and "already initialised" in again.stdout
    engine.dispose()


def test_a_new_ledger_starts_at_the_newest_schema(world: World) -> None:
    assert current_revision(world.ledger.engine) == SCHEMA_HEAD
    assert inspect(world.ledger.engine).has_table(VERSION_TABLE)


def test_a_view_table_built_by_another_definition_is_rebuilt_from_the_log(world: World) -> None:
    """Issue 17: "a changed view table is silently kept because creation only checks that the table exists"."""
    from projections import runner

    world.paid_voucher()
    catch_up(world.ledger)
    applied = position(world.ledger)
    engine = world.ledger.engine
    with engine.begin() as connection:
        connection.execute(view_schema_table.update().where(view_schema_table.c.view_table == "view_vouchers")
                           .values(fingerprint="0" * 64))
        connection.execute(text("DELETE FROM view_vouchers"))  # what an outdated table would hold: wrong rows
    runner._projections.pop(world.ledger, None)  # a new process opens the ledger
    assert position(world.ledger) == 0  # dropped: the next catch-up rebuilds from the first event
    catch_up(world.ledger)
    assert position(world.ledger) == applied and compare_views(world.ledger) == []
    with engine.connect() as connection:
        assert "0" * 64 not in {row.fingerprint for row in connection.execute(view_schema_table.select())}
