"""Request and response models of the HTTP API (separate from storage).
Every request model refuses unknown fields; the ledger checks the envelope's
contents field by field with the limits in `ledger/envelope.py`."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

UUID_PATTERN = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
KEY_ID_PATTERN = r"^[0-9a-f]{16}$"
STRICT = ConfigDict(extra="forbid")

EXAMPLE_ENVELOPE = {
    "command_id": "5b0f4a52-6f7e-4d1a-9a43-0d1c2b3a4f51",
    "ledger": "vledger.example/training-vouchers",
    "actor": "0b6a1e2c-3d4f-4a5b-8c9d-0e1f2a3b4c5d",
    "key_id": "3f9a1c0d5e7b2a41",
    "signed_at": "2023-03-01T08:00:00.000000Z",
    "command": "issue_voucher",
    "target": "7d1c2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f",
    "body": {"trainee": "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d", "occupation": "6-31-01-03", "level": 4,
             "valid_until": "2023-08-28"},
}
EXAMPLE_SIGNATURE = "q6Ek0cC1bq0p3a1j2X9y8Zr3oQ1qQv7m0r2Zk1sJ8u9P4xA5dC6bV7nM8lK9jH0gF1eD2cB3aZ4yX5wV6uT7sA=="


class Envelope(BaseModel):
    """What the party signed: canonical JSON (RFC 8785) of these eight fields, Ed25519.
    Each write route takes a subclass whose `command` and `body` are its step's
    (api/http/route_models.py)."""

    model_config = STRICT
    command_id: str = Field(max_length=36, description="UUID; the idempotency key")
    ledger: str = Field(max_length=200, description="the ledger the envelope is for: its checkpoint origin "
                                                     "(`origin` of GET /v1/keys); refused by every other ledger")
    actor: str = Field(max_length=36, description="the acting party's UUID")
    key_id: str = Field(max_length=16, description="16 hex digits naming the signing key")
    signed_at: str = Field(max_length=40, description="ISO 8601 UTC time, e.g. 2023-03-01T08:00:00Z; refused when "
                                                      "older than the ledger's window (default 24 h)")
    command: str = Field(max_length=64, description="the ledger step, e.g. issue_voucher")
    target: str = Field(max_length=36, description="UUID of the aggregate the step acts on")
    body: dict[str, Any] = Field(description="the step's fields; unknown fields are refused")


class Personal(BaseModel):
    """A trainee's name and national ID, sent beside the envelope; the log keeps
    only a keyed hash and ciphertext (N1, L5)."""

    model_config = STRICT
    name: str = Field(max_length=100)
    national_id: str = Field(max_length=18)
    nonce: str = Field(max_length=64)


class WriteResult(BaseModel):
    """What a recorded command returns; the same body again on an idempotent repeat."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "command_id": EXAMPLE_ENVELOPE["command_id"], "command": "issue_voucher",
        "target": EXAMPLE_ENVELOPE["target"], "version": 1, "recorded_at": "2023-03-01T08:00:00.050000Z",
        "event_hashes": ["9c1f" + "0" * 60]}]})
    command_id: str
    command: str
    target: str
    version: int | None
    recorded_at: str
    event_hashes: list[str]


class Page(BaseModel):
    """One page of a list; pass `next_cursor` as `cursor` for the next (null: no more)."""

    items: list[dict[str, Any]]
    next_cursor: str | None
