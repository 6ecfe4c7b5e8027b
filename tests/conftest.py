"""Fixtures: a fresh ledger per test on SQLite (a temporary file), or on
PostgreSQL when VLEDGER_TEST_POSTGRES holds a URL (`make test` runs both)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from ledger.application import VoucherLedger
from ledger.config import database_url as normalise_url
from tests.world import World

POSTGRES_URL = os.environ.get("VLEDGER_TEST_POSTGRES")


def reset_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """A fresh, empty database for this test."""
    if POSTGRES_URL:
        url = normalise_url(POSTGRES_URL)
        reset_postgres(url)
        return url
    return f"sqlite:///{tmp_path / 'vledger.db'}"


@pytest.fixture
def ledger(database_url: str, tmp_path: Path):
    app = VoucherLedger(database_url, keys=tmp_path / "keys")
    yield app
    app.close()


@pytest.fixture
def world(ledger: VoucherLedger) -> World:
    return World(ledger, "liaoning")


@pytest.fixture
def hengyang(ledger: VoucherLedger) -> World:
    return World(ledger, "hunan-hengyang")
