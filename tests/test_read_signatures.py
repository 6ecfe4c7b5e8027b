"""Signed reads as RFC 9421 HTTP Message Signatures (docs/decisions/0049):
the library verifies the RFC's own Ed25519 example (Appendix B.2.6), the
headers the client makes verify when the signature base is rebuilt by hand
from RFC 9421 section 2.5, and malformed inputs are refused by name."""

from __future__ import annotations

import base64
import uuid
from datetime import datetime, timezone

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from http_message_signatures import HTTPMessageVerifier, MappingKeyResolver, algorithms

from api.http.read_auth import _Lines, _Message, parse_signature, signature_headers, verify_signature_headers
from ledger.credit_code import make_credit_code
from ledger.errors import BadInput, Conflict, InvalidSignature
from ledger.signing import SigningKey
from tests.http_support import http_client, problem_of, read_headers
from tests.world import World

RFC_KEY_SEED = "n4Ni-HpISpVObnQMW0wOhCKROaIKqKtW_2ZYb2p9KcU="  # RFC 9421 B.1.4 test-key-ed25519
NOW = datetime(2026, 12, 5, 6, 0, tzinfo=timezone.utc)
URL = "http://ledger.example:8000/v1/vouchers/7d1c2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f/history?limit=2"


def rfc_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(base64.urlsafe_b64decode(RFC_KEY_SEED))


def test_the_library_verifies_rfc_9421_b_2_6() -> None:
    message = _Message("POST", "http://example.com/foo?param=Value&Pet=dog", _Lines([
        ("Host", "example.com"), ("Date", "Tue, 20 Apr 2021 02:07:55 GMT"), ("Content-Type", "application/json"),
        ("Content-Length", "18"),
        ("Signature-Input", 'sig-b26=("date" "@method" "@path" "@authority" "content-type" "content-length")'
                            ';created=1618884473;keyid="test-key-ed25519"'),
        ("Signature", "sig-b26=:wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKR"
                      "Cw==:")]))
    resolver = MappingKeyResolver(public_keys={"test-key-ed25519": rfc_key().public_key()}, private_keys={})
    verifier = HTTPMessageVerifier(signature_algorithm=algorithms.ED25519, key_resolver=resolver)
    [result] = verifier.verify(message, max_age=None)
    assert result.parameters["keyid"] == "test-key-ed25519"
    changed = _Message("POST", "http://example.com/bar", message.headers)
    with pytest.raises(Exception):
        verifier.verify(changed, max_age=None)


def test_read_headers_verify_against_a_signature_base_rebuilt_by_hand() -> None:
    key = SigningKey(rfc_key(), actor="a", role="inspector")
    headers = signature_headers(key, "get", URL, NOW, nonce="n" * 24)
    params = headers["Signature-Input"].removeprefix("vledger=")
    assert params == ('("@method" "@authority" "@path" "@query");created=1796450400;keyid="' + key.key_id
                      + '";alg="ed25519";nonce="' + "n" * 24 + '";tag="vledger-read"')
    base = "\n".join([
        '"@method": GET', '"@authority": ledger.example:8000',
        '"@path": /v1/vouchers/7d1c2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f/history', '"@query": ?limit=2',
        f'"@signature-params": {params}'])
    signature = base64.b64decode(headers["Signature"].removeprefix("vledger=:").removesuffix(":"))
    key.private_key.public_key().verify(signature, base.encode())
    signed = parse_signature({name.lower(): value for name, value in headers.items()})
    assert (signed.key_id, signed.created, signed.nonce) == (key.key_id, 1796450400, "n" * 24)
    verify_signature_headers("GET", URL, headers.items(), signed, key.public_key_b64)
    for other in (URL.replace("limit=2", "limit=3"), URL.replace(":8000", ":8001"), URL.replace("history", "x")):
        with pytest.raises(InvalidSignature):
            verify_signature_headers("GET", other, headers.items(), signed, key.public_key_b64)
    with pytest.raises(InvalidSignature):
        verify_signature_headers("HEAD", URL, headers.items(), signed, key.public_key_b64)


@pytest.mark.parametrize("change, says", [
    (lambda value: value.replace('"@query"', '"@query" "date"'), "covers exactly"),
    (lambda value: value.replace(';tag="vledger-read"', ""), "missing: tag"),
    (lambda value: value.replace('alg="ed25519"', 'alg="hmac-sha256"'), 'alg="ed25519"'),
    (lambda value: value + ';expires=1900000000', "does not use"),
    (lambda value: value + ", vledger2=()", "one signature"),
    (lambda value: value.replace('keyid="', 'keyid="X'), "keyid must be"),
    (lambda value: value.replace("created=", "created=-"), "created must be"),
    (lambda value: "vledger=notalist", "covers exactly"),
    (lambda value: "((", "not an RFC 8941 dictionary"),
])
def test_malformed_signature_input_is_bad_input_naming_what(change, says: str) -> None:
    headers = signature_headers(SigningKey(rfc_key()), "GET", URL, NOW)
    lowered = {"signature-input": change(headers["Signature-Input"]), "signature": headers["Signature"]}
    with pytest.raises(BadInput) as caught:
        parse_signature(lowered)
    assert says in str(caught.value)


def test_the_server_finds_the_reader_from_its_key_id_and_follows_rotations(world: World) -> None:
    voucher, _ = world.enrolled_voucher()
    http = http_client(world)
    path = f"/v1/vouchers/{voucher}"
    assert http.get(path, headers=read_headers(world.institution, path, world.clock.now)).status_code == 200
    new_key = SigningKey.generate(actor=world.institution.actor, role="institution")
    world.do(world.bureau, "rotate_key", world.institution.actor, {"public_key": new_key.public_key_b64})
    assert http.get(path, headers=read_headers(new_key, path, world.clock.now)).json()["id"] == str(voucher)
    old = problem_of(http.get(path, headers=read_headers(world.institution, path, world.clock.now)), 401,
                     "key-not-valid")
    assert world.institution.key_id in old["detail"]


def test_a_key_another_party_holds_cannot_be_registered_or_rotated_to(world: World) -> None:
    """Reads name only their key id, so a bureau registering another party's public key (or rotating a
    party to it) would make that party's reads ambiguous: both are refused, nothing is recorded, and the
    key's holder goes on reading."""
    voucher, _ = world.enrolled_voucher()
    before = world.log_snapshot()
    with pytest.raises(Conflict) as caught:
        world.do(world.bureau, "register_party", uuid.uuid4(), {
            "role": "platform", "public_key": world.institution.public_key_b64, "name": "lookalike",
            "credit_code": make_credit_code(424242)})
    assert "already held by party" in str(caught.value)
    with pytest.raises(Conflict):
        world.do(world.bureau, "rotate_key", world.platform.actor, {"public_key": world.institution.public_key_b64})
    assert world.log_snapshot() == before
    http = http_client(world)
    path = f"/v1/vouchers/{voucher}"
    assert http.get(path, headers=read_headers(world.institution, path, world.clock.now)).json()["id"] == str(voucher)
