"""Fixtures: a fresh ledger per test on SQLite (a temporary file), or on
PostgreSQL when VLEDGER_TEST_POSTGRES holds a URL (`make test` runs both)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from ledger.application import VoucherLedger
from ledger.config import database_url as normalise_url
from tests.world import World

POSTGRES_URL = os.environ.get("VLEDGER_TEST_POSTGRES")


def pytest_report_header(config) -> str:
    if POSTGRES_URL:
        return f"vledger database: PostgreSQL at {make_url(POSTGRES_URL).render_as_string(hide_password=True)}"
    return "vledger database: SQLite (a temporary file per test)"


def reset_postgres(url: str) -> None:
    """Empties the test database in a few milliseconds: ends the connections
    earlier tests left open (their engines and killed servers), then drops and
    recreates the schema with every table in it."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.begin() as connection:
            connection.execute(text("SET LOCAL lock_timeout = '60s'"))
            connection.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"))
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    finally:
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


@pytest.fixture
def shandong(ledger: VoucherLedger) -> World:
    return World(ledger, "shandong")


@pytest.fixture
def jiangxi(ledger: VoucherLedger) -> World:
    return World(ledger, "jiangxi")
