"""One setting picks the database (DESIGN.md): the dialect-specific parts of
`ledger/config.py`, and a ledger opened from the plain `postgresql://` or
`sqlite:///` URL a user would write, on whichever database this run uses."""

from __future__ import annotations

from pathlib import Path

import pytest

from ledger.application import VoucherLedger
from ledger.config import database_url as normalise, keys_dir
from ledger.errors import BadInput
from tests.world import World


def test_a_plain_postgresql_url_means_the_psycopg_3_driver() -> None:
    assert normalise("postgresql://vledger:pw@db.example:5432/vledger") == \
        "postgresql+psycopg://vledger:pw@db.example:5432/vledger"
    assert normalise("postgresql+psycopg://u@h/d") == "postgresql+psycopg://u@h/d"
    assert normalise("sqlite:///./vledger.db") == "sqlite:///./vledger.db"


@pytest.mark.parametrize("url", ["mysql://u@h/d", "not a url", "oracle://x"])
def test_only_sqlite_and_postgresql_are_accepted(url: str) -> None:
    with pytest.raises(BadInput):
        normalise(url)


def test_keys_sit_beside_a_sqlite_file_and_in_vledger_keys_for_a_server(monkeypatch) -> None:
    monkeypatch.delenv("VLEDGER_KEYS", raising=False)
    assert keys_dir("sqlite:////srv/ledger/office.db") == Path("/srv/ledger/office-keys")
    assert keys_dir("postgresql+psycopg://u@h/d") == Path("vledger-keys")
    monkeypatch.setenv("VLEDGER_KEYS", "/etc/vledger/keys")
    assert keys_dir("postgresql+psycopg://u@h/d") == Path("/etc/vledger/keys")


def test_a_ledger_opened_from_the_url_a_user_writes_records_and_reads_back(database_url: str,
                                                                          tmp_path: Path) -> None:
    plain = database_url.replace("postgresql+psycopg://", "postgresql://")
    ledger = VoucherLedger(normalise(plain), keys=tmp_path / "keys")
    world = World(ledger)
    voucher = world.issue(world.trainee())
    reopened = VoucherLedger(normalise(plain), keys=tmp_path / "keys")
    assert reopened.get(voucher).status == "issued"
    assert reopened.engine.dialect.name == ledger.engine.dialect.name
    reopened.close()
    ledger.close()

