"""Helpers for the HTTP tests: the API over a test world's ledger (same
simulated clock), and a signing client per party."""

from __future__ import annotations

import warnings
from datetime import datetime
from typing import Any

from api.client import LedgerClient
from api.http.app import create_app
from api.http.read_auth import signature_headers
from ledger.signing import SigningKey
from tests.world import World

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette's TestClient announces a future move away from httpx
    from fastapi.testclient import TestClient


def http_client(world: World) -> TestClient:
    return TestClient(create_app(ledger=world.ledger), raise_server_exceptions=False)


def party(world: World, http: TestClient, key: SigningKey) -> LedgerClient:
    return LedgerClient(None, key, http=http, clock=world.clock)


def problem_of(response: Any, status: int, slug: str) -> dict[str, Any]:
    """Asserts an RFC 9457 problem of the given status and type; returns it."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["type"].endswith("/" + slug), problem
    assert problem["status"] == status and problem["title"] and problem["detail"]
    return problem


def read_headers(key: SigningKey, path: str, now: datetime, *, nonce: str | None = None,
                 base: str = "http://testserver") -> dict[str, str]:
    """RFC 9421 headers of a signed GET of `path` (with its query) on `base`."""
    return signature_headers(key, "GET", base + path, now, nonce=nonce)
