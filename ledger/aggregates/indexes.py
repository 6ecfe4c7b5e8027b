"""Small index aggregates with uuid5 ids, saved in the same transaction as the
real change so the database refuses a duplicate atomically (STYLE.md 1)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.domain import event

from ledger.aggregates.chained import Chained, derived_id


class Receipt(Chained):
    """One per command_id: the same envelope twice records once (idempotency)."""
    TOPIC = "vledger:Receipt"

    @staticmethod
    def id_for(command_id: str):
        return derived_id("receipt", command_id)

    @event("Recorded")
    def __init__(self, id: UUID, facts: dict[str, Any], seal: dict[str, Any]) -> None:
        self.result: dict[str, Any] = facts["result"]
        self.envelope_hash: str = facts["envelope_hash"]
        self.link(seal)


class SubsidyClaim(Chained):
    """One live voucher per trainee x occupation x level (S2, one subsidy each)."""
    TOPIC = "vledger:SubsidyClaim"

    @staticmethod
    def id_for(trainee: str, occupation: str, level: str):
        return derived_id("subsidy-claim", trainee, occupation, level)

    @event("Taken")
    def __init__(self, id: UUID, facts: dict[str, Any], seal: dict[str, Any]) -> None:
        self.voucher: str | None = facts["voucher"]
        self.link(seal)

    @event("Retaken")
    def retaken(self, facts: dict[str, Any], seal: dict[str, Any]) -> None:
        self.voucher = facts["voucher"]
        self.link(seal)

    @event("Released")
    def released(self, facts: dict[str, Any], seal: dict[str, Any]) -> None:
        self.voucher = None
        self.link(seal)


class CertificateNumber(Chained):
    """One certificate number, one voucher (fraud rule: a certificate on two vouchers)."""
    TOPIC = "vledger:CertificateNumber"

    @staticmethod
    def id_for(number: str):
        return derived_id("certificate", number)

    @event("Claimed")
    def __init__(self, id: UUID, facts: dict[str, Any], seal: dict[str, Any]) -> None:
        self.voucher: str = facts["voucher"]
        self.link(seal)


class NationalIdentity(Chained):
    """One registration per person (L10 every subsidised person is in the system, once)."""
    TOPIC = "vledger:NationalIdentity"

    @staticmethod
    def id_for(national_id_hash: str):
        return derived_id("national-id", national_id_hash)

    @event("Bound")
    def __init__(self, id: UUID, facts: dict[str, Any], seal: dict[str, Any]) -> None:
        self.trainee: str = facts["trainee"]
        self.link(seal)


class CreditCode(Chained):
    """One organisation per unified social credit code: the parties it is
    registered as (one per role) and its lifetime ban (L12: "终身不再获得入围资格")."""
    TOPIC = "vledger:CreditCode"

    @staticmethod
    def id_for(code: str):
        return derived_id("credit-code", code)

    @event("Bound")
    def __init__(self, id: UUID, facts: dict[str, Any], seal: dict[str, Any]) -> None:
        self.parties: dict[str, str] = {facts["role"]: facts["party"]}
        self.banned = False
        self.link(seal)

    @event("BoundAgain")
    def bound_again(self, facts: dict[str, Any], seal: dict[str, Any]) -> None:
        self.parties[facts["role"]] = facts["party"]
        self.link(seal)

    @event("Banned")
    def banned_for_life(self, facts: dict[str, Any], seal: dict[str, Any]) -> None:
        self.banned = True
        self.link(seal)


class TraineeVouchers(Chained):
    """The vouchers issued to one trainee, so that erasure can find the records
    it must keep (L6: "线上培训数据资料保存不少于5年")."""
    TOPIC = "vledger:TraineeVouchers"

    @staticmethod
    def id_for(trainee: str):
        return derived_id("trainee-vouchers", trainee)

    @event("Started")
    def __init__(self, id: UUID, facts: dict[str, Any], seal: dict[str, Any]) -> None:
        self.vouchers: list[str] = [facts["voucher"]]
        self.link(seal)

    @event("Added")
    def added(self, facts: dict[str, Any], seal: dict[str, Any]) -> None:
        self.vouchers.append(facts["voucher"])
        self.link(seal)


class KeyHolder(Chained):
    """One party per public key: a signed read names only its key id (RFC 9421
    `keyid`), so a key registered for two parties would make its reads ambiguous."""
    TOPIC = "vledger:KeyHolder"

    @staticmethod
    def id_for(key_id: str):
        return derived_id("key-holder", key_id)

    @event("Held")
    def __init__(self, id: UUID, facts: dict[str, Any], seal: dict[str, Any]) -> None:
        self.party: str = facts["party"]
        self.link(seal)

