"""The simulation's model of one ledger: the parties and their current keys,
the records it created (vouchers, filings), and how it submits a command and
judges the answer. The ledger's own aggregates are the state the moves read
(`tests/simulation_moves.py` predicts each step's decision from them); the
checks after each step compare the views with a fresh replay
(`tests/simulation_checks.py`).

Every command is signed through `World.signed` and submitted through
`VoucherLedger.submit`, never around them."""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ledger.aggregates.filing import ClassFiling
from ledger.aggregates.party import Party
from ledger.aggregates.voucher import Voucher
from ledger.application import VoucherLedger
from ledger.errors import LedgerError
from ledger.signing import SigningKey
from tests.world import ELECTRICIAN, WELDER, World

REGION = "hunan-hengyang"  # prepayment (H3), shortage uplift (H2) and living allowance (N4): every money path
OTHER_REGION = "liaoning"
OCCUPATIONS = ((ELECTRICIAN, 4), (ELECTRICIAN, 3), (WELDER, 5))  # codes of ledger/catalogues/occupations.json


@dataclass
class Answer:
    """What the ledger said to one submitted command."""

    signed: dict[str, Any]
    result: dict[str, Any] | None = None
    duplicate: bool = False
    error: LedgerError | None = None

    @property
    def recorded(self) -> bool:
        return self.error is None


@dataclass
class Plan:
    """One command the model is about to send, and what it expects."""

    signer: str | None  # the actor who lawfully signs it (None: nobody can)
    body: dict[str, Any]
    ready: bool | None  # predicted: recorded (True), refused (False), unknown (None)
    personal: dict[str, Any] | None = None
    new_key: SigningKey | None = None  # a key the command registers


@dataclass
class Model:
    world: World
    database_url: str
    keys_dir: Path
    other_bureau: SigningKey = field(init=False)
    keys: dict[str, SigningKey | None] = field(default_factory=dict)  # actor -> current key, None once revoked
    revoked: dict[str, SigningKey] = field(default_factory=dict)  # actor -> its last revoked key
    trainees: list[str] = field(default_factory=list)
    institutions: list[str] = field(default_factory=list)
    platforms: list[str] = field(default_factory=list)
    vouchers: list[uuid.UUID] = field(default_factory=list)
    filings: list[uuid.UUID] = field(default_factory=list)
    people: dict[str, dict[str, str]] = field(default_factory=dict)  # trainee -> personal data
    recorded: list[Answer] = field(default_factory=list)  # accepted envelopes, for replays
    counts: Counter = field(default_factory=Counter)  # (command, "recorded"/"refused") -> how many
    serial: int = 0
    paid: int = 0  # vouchers that reached `paid`: the lawful path runs the whole loop (L7)

    def __post_init__(self) -> None:
        world = self.world
        for key in (world.bureau, world.finance, world.inspector, world.institution, world.platform, world.assessor):
            self.keys[key.actor] = key
        self.institutions.append(world.institution.actor)
        self.platforms.append(world.platform.actor)
        self.other_bureau = world.register(world.root, "bureau", name=f"{OTHER_REGION} bureau", region=OTHER_REGION)
        self.keys[self.other_bureau.actor] = self.other_bureau

    # -- the ledger and its state --------------------------------------------

    @property
    def ledger(self) -> VoucherLedger:
        return self.world.ledger

    @property
    def today(self) -> date:
        return self.world.clock.now.date()

    def voucher(self, voucher_id: uuid.UUID) -> Voucher:
        return self.ledger.get(voucher_id)

    def filing(self, filing_id: uuid.UUID) -> ClassFiling:
        return self.ledger.get(filing_id)

    def party(self, actor: str) -> Party:
        return self.ledger.get(actor)

    def key_of(self, actor: str | None) -> SigningKey | None:
        return self.keys.get(actor) if actor else None

    def signing_key(self, actor: str) -> SigningKey:
        """The actor's current key, or the one revoked last (which the ledger must refuse)."""
        return self.keys.get(actor) or self.revoked[actor]

    def key_revoked(self, actor: str) -> None:
        self.revoked[actor] = self.keys[actor]
        self.keys[actor] = None

    def can_sign(self, actor: str | None) -> bool:
        """The actor holds a valid key and was not erased (trust model)."""
        key = self.key_of(actor)
        return key is not None and not self.party(actor).erased

    def catalogued(self, actor: str | None) -> bool:
        """An institution or platform counts while listed and never banned (L2, L12)."""
        if actor is None:
            return False
        party = self.party(actor)
        return party.listed and not party.banned

    def pick(self, items: list, index: int) -> Any:
        return items[index % len(items)] if items else None

    def next_serial(self) -> int:
        self.serial += 1
        return self.serial

    # -- submitting ----------------------------------------------------------

    def submit(self, signed: dict[str, Any], personal: dict[str, Any] | None = None,
               ledger: VoucherLedger | None = None) -> Answer:
        """One command through `VoucherLedger.submit`; a refusal is an answer."""
        answer = Answer(signed)
        try:
            outcome = (ledger or self.ledger).submit(signed, personal=personal)
        except LedgerError as error:
            answer.error = error
        else:
            answer.result, answer.duplicate = outcome.result, outcome.duplicate
        self.count(answer)
        return answer

    def count(self, answer: Answer) -> None:
        command = answer.signed["envelope"]["command"]
        self.counts[(command, "recorded" if answer.recorded else "refused")] += 1
        if answer.recorded and not answer.duplicate:
            self.recorded.append(answer)

    @property
    def submitted(self) -> int:
        return sum(self.counts.values())

    # -- restarts ------------------------------------------------------------

    def restart(self) -> None:
        """Closes the ledger application and opens a new one on the same database and keys."""
        clock = self.world.clock
        self.ledger.close()
        fresh = VoucherLedger(self.database_url, keys=self.keys_dir)
        fresh.clock = clock
        self.world.ledger = fresh
