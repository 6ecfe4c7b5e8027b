"""Parties and their keys: the trust registry (trust model) and the catalogue
of institutions and platforms with entry, exit and lifetime ban (L2, L3, L12)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.domain import event

from ledger.aggregates.chained import Chained

ROLES = ("root", "bureau", "finance", "institution", "platform", "trainee", "inspector", "assessor")
CATALOGUED_ROLES = ("institution", "platform")
CODED_ROLES = ("institution", "platform", "assessor")  # carry a unified social credit code (L12)
INSTITUTION_KINDS = ("social_training", "high_skill_base", "enterprise", "project_based")  # L3


class Party(Chained):
    TOPIC = "vledger:Party"

    @event("Registered")
    def __init__(self, id: UUID, facts: dict[str, Any], seal: dict[str, Any]) -> None:
        self.role: str = facts["role"]
        self.name: str = facts.get("name", "")
        self.region: str = facts.get("region", "")
        self.kind: str = facts.get("kind", "")
        self.credit_code: str = facts.get("credit_code", "")
        self.employer_credit_code: str = facts.get("employer_credit_code", "")
        self.registered_by: str = facts["registered_by"]
        self.keys: dict[str, dict[str, Any]] = {}
        self.add_key(facts["key_id"], facts["public_key"], seal["recorded_at"])
        self.listed = False
        self.banned = False
        self.national_id_hash: str = facts.get("national_id_hash", "")
        self.allowance_groups: list[str] = list(facts.get("allowance_groups", []))
        self.erased = False
        self.link(seal)

    def add_key(self, key_id: str, public_key: str, valid_from: str) -> None:
        self.keys[key_id] = {"public_key": public_key, "valid_from": valid_from, "valid_until": None}

    def key_is_valid(self, key_id: str) -> bool:
        key = self.keys.get(key_id)
        return key is not None and key["valid_until"] is None

    @event("KeyRotated")
    def key_rotated(self, facts: dict[str, Any], seal: dict[str, Any]) -> None:
        for key in self.keys.values():
            if key["valid_until"] is None:
                key["valid_until"] = seal["recorded_at"]
        self.add_key(facts["key_id"], facts["public_key"], seal["recorded_at"])
        self.link(seal)

    @event("KeyRevoked")
    def key_revoked(self, facts: dict[str, Any], seal: dict[str, Any]) -> None:
        self.keys[facts["key_id"]]["valid_until"] = seal["recorded_at"]
        self.link(seal)

    @event("Listed")
    def listed_in_catalogue(self, facts: dict[str, Any], seal: dict[str, Any]) -> None:
        self.listed = True
        self.link(seal)

    @event("Delisted")
    def delisted(self, facts: dict[str, Any], seal: dict[str, Any]) -> None:
        self.listed = False
        self.link(seal)

    @event("Banned")
    def banned_for_life(self, facts: dict[str, Any], seal: dict[str, Any]) -> None:
        self.listed = False
        self.banned = True
        self.link(seal)

    @event("Erased")
    def personal_data_erased(self, facts: dict[str, Any], seal: dict[str, Any]) -> None:
        self.erased = True
        self.link(seal)
