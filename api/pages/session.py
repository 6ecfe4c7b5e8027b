"""Who is looking at a page (docs/decisions/0010-inspector-pages.md).

A browser cannot sign every request the way the API's clients do, so a party
logs in once: the login page's JavaScript loads the party's key file, which
never leaves the browser, and signs a one-time challenge from the server with
Web Crypto Ed25519. The server checks that signature against the party's
currently valid registered key, exactly as a signed API read is checked, and
sets a short-lived session cookie (HttpOnly, SameSite=Strict) authenticated by
an HMAC under a secret that lives only in the server's memory, so a restart
ends every session. Each request re-reads the party: a key revoked or rotated,
or a party erased, ends its session at once."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import threading
import time
from dataclasses import dataclass

from ledger.aggregates.party import Party
from ledger.errors import BadInput, InvalidSignature, KeyNotValid
from ledger.signing import verify_signature

LOGIN_VERSION_LINE = "vledger-pages-login-v1"
COOKIE_NAME = "vledger_session"
SESSION_SECONDS = 30 * 60
CHALLENGE_SECONDS = 120
MAX_FIELD_CHARACTERS = 200


def login_string_to_sign(challenge: str, actor: str, key_id: str) -> bytes:
    """What the login page signs: the version line, the challenge, actor and key id."""
    return "\n".join((LOGIN_VERSION_LINE, challenge, actor, key_id)).encode("utf-8")


@dataclass(frozen=True)
class Session:
    actor: str
    key_id: str
    expires: int


class SessionKeeper:
    """Issues challenges and session cookies for one server process."""

    def __init__(self, secret: bytes | None = None, clock=time.time) -> None:
        self._secret = secret or os.urandom(32)
        self._clock = clock
        self._used: dict[str, float] = {}
        self._lock = threading.Lock()

    def _mac(self, text: str) -> str:
        return hmac.new(self._secret, text.encode("utf-8"), hashlib.sha256).hexdigest()

    # -- challenges ----------------------------------------------------------

    def challenge(self) -> str:
        """`<expiry>.<nonce>.<mac>`: good once, for CHALLENGE_SECONDS."""
        body = f"{int(self._clock()) + CHALLENGE_SECONDS}.{secrets.token_hex(16)}"
        return f"{body}.{self._mac('challenge:' + body)}"

    def _take_challenge(self, challenge: str) -> None:
        parts = challenge.split(".")
        if len(parts) != 3 or not parts[0].isdigit():
            raise BadInput("the login challenge is malformed; reload the login page")
        body = f"{parts[0]}.{parts[1]}"
        if not hmac.compare_digest(self._mac("challenge:" + body), parts[2]):
            raise InvalidSignature("the login challenge was not issued by this server; reload the login page")
        now = self._clock()
        if int(parts[0]) < now:
            raise InvalidSignature("the login challenge expired; reload the login page and sign again")
        with self._lock:
            self._used = {nonce: until for nonce, until in self._used.items() if until >= now}
            if parts[1] in self._used:
                raise InvalidSignature("this login challenge was already used; reload the login page")
            self._used[parts[1]] = int(parts[0])

    # -- login ---------------------------------------------------------------

    def login(self, ledger, challenge: str, actor: str, key_id: str, signature: str) -> Session:
        """Checks the signed challenge against the party's valid registered key."""
        for name, value in (("challenge", challenge), ("actor", actor), ("key_id", key_id),
                            ("signature", signature)):
            if not isinstance(value, str) or not value or len(value) > MAX_FIELD_CHARACTERS:
                raise BadInput(f"login needs {name} as a non-empty string of at most {MAX_FIELD_CHARACTERS} "
                               "characters")
        self._take_challenge(challenge)
        key = current_key(ledger, actor, key_id)
        if not verify_signature(key["public_key"], login_string_to_sign(challenge, actor, key_id), signature):
            raise InvalidSignature(f"the login signature does not verify with key {key_id} of party {actor}")
        return Session(actor, key_id, int(self._clock()) + SESSION_SECONDS)

    def cookie(self, session: Session) -> str:
        body = f"{session.actor}.{session.key_id}.{session.expires}"
        return f"{body}.{self._mac('session:' + body)}"

    def session_of(self, cookie: str | None) -> Session | None:
        """The session a cookie proves, or None when absent, forged or expired."""
        if not cookie or len(cookie) > 300:
            return None
        parts = cookie.split(".")
        if len(parts) != 4 or not parts[2].isdigit():
            return None
        body = ".".join(parts[:3])
        if not hmac.compare_digest(self._mac("session:" + body), parts[3]):
            return None
        if int(parts[2]) < self._clock():
            return None
        return Session(parts[0], parts[1], int(parts[2]))


def current_key(ledger, actor: str, key_id: str) -> dict:
    """The party's key `key_id` if it is registered and valid now; else KeyNotValid."""
    party = find_party(ledger, actor)
    if party is None:
        raise KeyNotValid(f"actor {actor} is not a registered party")
    key = party.keys.get(key_id)
    if key is None or key["valid_until"] is not None:
        raise KeyNotValid(f"key {key_id} is not a currently valid key of party {actor}")
    if party.erased:
        raise KeyNotValid(f"party {actor} was erased and can no longer read")
    return key


def find_party(ledger, actor: str) -> Party | None:
    from uuid import UUID

    try:
        party_id = UUID(actor)
    except (ValueError, TypeError, AttributeError):
        return None
    party = ledger.find(party_id)
    return party if isinstance(party, Party) else None
