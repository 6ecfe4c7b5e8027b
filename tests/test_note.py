"""C2SP signed notes and tlog-checkpoints: our notes are byte-for-byte what
Go's golang.org/x/mod/sumdb/note writes, and we open what it (and the Go
checksum database) publishes."""

from __future__ import annotations

import base64
import hashlib

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ledger.merkle import EMPTY_ROOT
from ledger.note import (
    add_signature,
    checkpoint_body,
    is_valid_key_name,
    key_hash,
    open_note,
    parse_checkpoint_body,
    parse_verifier_key,
    sign_note,
    verifier_key,
)
from ledger.signing import SigningKey

# The example of golang.org/x/mod/sumdb/note (note.go's package comment and note_test.go).
GO_SIGNER_KEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
PETER_VERIFIER_KEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
ENOCH_VERIFIER_KEY = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop"
GO_TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
PETER_SIGNATURE_LINE = (
    "\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
)
ENOCH_SIGNATURE_LINE = (
    "\u2014 EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n"
)

# A signed tree head of the Go checksum database (a tlog-checkpoint whose
# origin is "go.sum database tree"), and Go's built-in key for it.
GO_SUMDB_VERIFIER_KEY = "sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8"
GO_SUMDB_CHECKPOINT = (
    "go.sum database tree\n65209736\n5+uGFjx6xBZG8ip1+wi77v+grwbhhukIrxEUS8PXvRo=\n\n"
    "\u2014 sum.golang.org Az3grnbssgK7ubgFX36gVETtNv0U23qxyAhAMai2QUfeGa3nB/akvkMdlUErfcZz7l/R3cVtYspg3dxXABkGZZKdsQ8=\n"
)

ORIGIN = "vledger.example/province-1"
ROOT = hashlib.sha256(b"some root").digest()


def go_example_key() -> SigningKey:
    encoded = GO_SIGNER_KEY.split("+", 4)[4]
    seed = base64.b64decode(encoded)[1:]
    return SigningKey(Ed25519PrivateKey.from_private_bytes(seed))


def flip_character(text: str, position: int) -> str:
    replacement = "A" if text[position] != "A" else "B"
    return text[:position] + replacement + text[position + 1 :]


@pytest.fixture(scope="module")
def ledger_key() -> SigningKey:
    return SigningKey.generate("ledger", "platform")


@pytest.fixture(scope="module")
def witness_key() -> SigningKey:
    return SigningKey.generate("inspector", "inspector")


# --- Go's published example ---


def test_key_hash_is_the_first_four_bytes_of_sha256_of_name_newline_type_and_key():
    public_key = go_example_key().public_key_raw
    expected = hashlib.sha256(b"PeterNeumann\n\x01" + public_key).digest()[:4]
    assert key_hash("PeterNeumann", public_key) == expected == bytes.fromhex("c74f20a3")


def test_verifier_key_reproduces_go_published_key():
    assert verifier_key("PeterNeumann", go_example_key().public_key_raw) == PETER_VERIFIER_KEY


def test_signing_go_example_text_gives_go_published_note_byte_for_byte():
    signed = sign_note(GO_TEXT, [("PeterNeumann", go_example_key())])
    assert signed == GO_TEXT + "\n" + PETER_SIGNATURE_LINE


def test_go_published_note_opens_with_its_verifier_key():
    body, names = open_note(GO_TEXT + "\n" + PETER_SIGNATURE_LINE, [PETER_VERIFIER_KEY])
    assert body == GO_TEXT
    assert names == ["PeterNeumann"]


def test_go_published_doubly_signed_note_verifies_both_signers():
    note = GO_TEXT + "\n" + PETER_SIGNATURE_LINE + ENOCH_SIGNATURE_LINE
    assert open_note(note, [PETER_VERIFIER_KEY, ENOCH_VERIFIER_KEY]) == (GO_TEXT, ["PeterNeumann", "EnochRoot"])
    assert open_note(note, [ENOCH_VERIFIER_KEY]) == (GO_TEXT, ["EnochRoot"])


def test_go_checksum_database_checkpoint_opens_and_parses():
    body, names = open_note(GO_SUMDB_CHECKPOINT, [GO_SUMDB_VERIFIER_KEY])
    assert names == ["sum.golang.org"]
    origin, tree_size, root_hash = parse_checkpoint_body(body)
    assert origin == "go.sum database tree"
    assert tree_size == 65209736
    assert base64.b64encode(root_hash).decode() == "5+uGFjx6xBZG8ip1+wi77v+grwbhhukIrxEUS8PXvRo="
    with pytest.raises(ValueError, match="invalid signature"):
        open_note(GO_SUMDB_CHECKPOINT.replace("65209736", "65209737"), [GO_SUMDB_VERIFIER_KEY])


def test_note_signed_only_by_unknown_keys_is_refused():
    with pytest.raises(ValueError, match="no verifiable signatures"):
        open_note(GO_TEXT + "\n" + PETER_SIGNATURE_LINE + ENOCH_SIGNATURE_LINE, [])


def test_bad_signature_by_a_known_key_refuses_the_note():
    line = PETER_SIGNATURE_LINE[:60] + "ABCD" + PETER_SIGNATURE_LINE[60:]
    with pytest.raises(ValueError, match="invalid signature for key PeterNeumann\\+c74f20a3"):
        open_note(GO_TEXT + "\n" + line, [PETER_VERIFIER_KEY])


def test_repeated_signatures_are_looked_at_once():
    note = GO_TEXT + "\n" + PETER_SIGNATURE_LINE * 2 + ENOCH_SIGNATURE_LINE * 2
    assert open_note(note, [PETER_VERIFIER_KEY]) == (GO_TEXT, ["PeterNeumann"])


def test_more_than_100_signatures_is_malformed():
    with pytest.raises(ValueError, match="malformed note"):
        open_note(GO_TEXT + "\n" + PETER_SIGNATURE_LINE * 101, [PETER_VERIFIER_KEY])


@pytest.mark.parametrize(
    "note",
    [
        GO_TEXT,
        GO_TEXT + "\n",
        GO_TEXT + "\n" + PETER_SIGNATURE_LINE[:-1],
        "\x01" + GO_TEXT + "\n" + PETER_SIGNATURE_LINE,
        "\udcff" + GO_TEXT + "\n" + PETER_SIGNATURE_LINE,
        GO_TEXT + "\n" + "\u2014 Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=",
        GO_TEXT + "\n" + PETER_SIGNATURE_LINE + "Unexpected line.\n",
        GO_TEXT + "\n" + PETER_SIGNATURE_LINE.replace("\u2014", "-"),
        GO_TEXT + "\n" + "\u2014 PeterNeumann x08go/Z!\n",
        GO_TEXT + "\n" + "\u2014 PeterNeumann AAAAAA==\n",
        GO_TEXT + "\n" + "\u2014 PeterNeumann \n",
    ],
    ids=[
        "no blank line",
        "no signatures",
        "no final newline",
        "control character",
        "not utf-8",
        "space in key name",
        "line that is not a signature",
        "hyphen instead of em dash",
        "signature not base64",
        "signature shorter than 5 bytes",
        "empty signature",
    ],
)
def test_malformed_notes_are_refused_as_note_go_refuses_them(note):
    with pytest.raises(ValueError, match="malformed note"):
        open_note(note, [PETER_VERIFIER_KEY])


def test_every_mangled_go_verifier_key_is_refused():
    key = PETER_VERIFIER_KEY
    assert parse_verifier_key(key) == ("PeterNeumann", bytes.fromhex("c74f20a3"), go_example_key().public_key_raw)
    for start in range(len(key) + 1):
        for end in range(start + 1, len(key) + 1):
            if (start, end) != (0, len(key)):
                with pytest.raises(ValueError):
                    parse_verifier_key(key[start:end])
    for position in range(len(key)):
        mangled = key[:position] + chr(ord(key[position]) + 1) + key[position + 1 :]
        with pytest.raises(ValueError):
            parse_verifier_key(mangled)


def test_verifier_keys_of_wrong_length_or_unknown_type_are_refused():
    with pytest.raises(ValueError, match="32 bytes"):
        parse_verifier_key("PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==")
    with pytest.raises(ValueError, match="unknown"):
        parse_verifier_key("PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")


def test_j1_listing_the_same_verifier_key_twice_is_ambiguous_as_in_go_note_open():
    """Go's note.VerifierList keeps every key under its name and hash, and
    Open refuses a signature whose name and hash name more than one:
    "ambiguous key PeterNeumann+c74f20a3"."""
    with pytest.raises(ValueError, match="ambiguous key PeterNeumann\\+c74f20a3"):
        open_note(GO_TEXT + "\n" + PETER_SIGNATURE_LINE, [PETER_VERIFIER_KEY, PETER_VERIFIER_KEY])
    assert open_note(GO_TEXT + "\n" + PETER_SIGNATURE_LINE, [PETER_VERIFIER_KEY])[1] == ["PeterNeumann"]


def test_j1_an_ambiguous_key_that_signed_nothing_in_the_note_is_ignored_as_in_go():
    other = verifier_key("SomeoneElse", SigningKey.generate().public_key_raw)
    assert open_note(GO_TEXT + "\n" + PETER_SIGNATURE_LINE, [PETER_VERIFIER_KEY, other, other])[1] == [
        "PeterNeumann"
    ]


# --- our own checkpoints ---


def test_checkpoint_body_has_origin_size_and_base64_root_each_on_a_line():
    assert checkpoint_body(ORIGIN, 42, ROOT) == f"{ORIGIN}\n42\n{base64.b64encode(ROOT).decode()}\n"
    assert checkpoint_body(ORIGIN, 0, EMPTY_ROOT) == f"{ORIGIN}\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n"


def test_signed_checkpoint_round_trips(ledger_key):
    note = sign_note(checkpoint_body(ORIGIN, 42, ROOT), [(ORIGIN, ledger_key)])
    body, names = open_note(note, [verifier_key(ORIGIN, ledger_key.public_key_raw)])
    assert names == [ORIGIN]
    assert parse_checkpoint_body(body) == (ORIGIN, 42, ROOT)
    assert note.split("\n")[3] == ""
    assert note.split("\n")[4].startswith(f"\u2014 {ORIGIN} ")


def test_a_flipped_character_in_the_body_is_refused(ledger_key):
    note = sign_note(checkpoint_body(ORIGIN, 42, ROOT), [(ORIGIN, ledger_key)])
    key = verifier_key(ORIGIN, ledger_key.public_key_raw)
    body_length = len(checkpoint_body(ORIGIN, 42, ROOT))
    for position in range(body_length - 1):
        if note[position] == "\n":
            continue
        with pytest.raises(ValueError):
            open_note(flip_character(note, position), [key])


def test_a_flipped_byte_in_the_signature_is_refused(ledger_key):
    body = checkpoint_body(ORIGIN, 42, ROOT)
    note = sign_note(body, [(ORIGIN, ledger_key)])
    key = verifier_key(ORIGIN, ledger_key.public_key_raw)
    encoded = note.rstrip("\n").split(" ")[-1]
    raw = base64.b64decode(encoded)
    for position in range(len(raw)):
        changed = bytearray(raw)
        changed[position] ^= 0x01
        forged = note.replace(encoded, base64.b64encode(bytes(changed)).decode())
        with pytest.raises(ValueError):
            open_note(forged, [key])


def test_a_note_checked_with_the_wrong_key_is_refused(ledger_key, witness_key):
    note = sign_note(checkpoint_body(ORIGIN, 42, ROOT), [(ORIGIN, ledger_key)])
    with pytest.raises(ValueError, match="no verifiable signatures"):
        open_note(note, [verifier_key(ORIGIN, witness_key.public_key_raw)])
    with pytest.raises(ValueError, match="no verifiable signatures"):
        open_note(note, [verifier_key("another.example/log", ledger_key.public_key_raw)])


def test_a_signature_under_a_known_name_and_hash_by_another_key_is_refused(ledger_key, witness_key):
    """Someone who forges a line with our name and key hash but signs with their
    own key is caught: the known key is checked and fails."""
    body = checkpoint_body(ORIGIN, 42, ROOT)
    honest_hash = key_hash(ORIGIN, ledger_key.public_key_raw)
    forged_signature = base64.b64encode(honest_hash + witness_key.sign_raw(body.encode())).decode()
    forged = f"{body}\n\u2014 {ORIGIN} {forged_signature}\n"
    with pytest.raises(ValueError, match="invalid signature"):
        open_note(forged, [verifier_key(ORIGIN, ledger_key.public_key_raw)])


def test_a_witness_cosignature_is_appended_and_verifies(ledger_key, witness_key):
    witness = "inspector.example/witness"
    note = sign_note(checkpoint_body(ORIGIN, 42, ROOT), [(ORIGIN, ledger_key)])
    ledger_vkey = verifier_key(ORIGIN, ledger_key.public_key_raw)
    witness_vkey = verifier_key(witness, witness_key.public_key_raw)
    cosigned = add_signature(note, witness, witness_key)
    assert cosigned.startswith(note)
    assert cosigned.count("\u2014 ") == 2
    assert open_note(cosigned, [ledger_vkey, witness_vkey])[1] == [ORIGIN, witness]
    assert open_note(cosigned, [witness_vkey])[1] == [witness]
    assert open_note(cosigned, [ledger_vkey])[1] == [ORIGIN]
    assert sign_note(checkpoint_body(ORIGIN, 42, ROOT), [(ORIGIN, ledger_key), (witness, witness_key)]) == cosigned


def test_cosigning_again_with_the_same_key_replaces_the_earlier_signature(ledger_key, witness_key):
    witness = "inspector.example/witness"
    note = sign_note(checkpoint_body(ORIGIN, 42, ROOT), [(ORIGIN, ledger_key)])
    once = add_signature(note, witness, witness_key)
    assert add_signature(once, witness, witness_key) == once


def test_a_witness_can_cosign_go_example_note():
    enoch = SigningKey.generate()
    cosigned = add_signature(GO_TEXT + "\n" + PETER_SIGNATURE_LINE, "EnochRoot", enoch)
    names = open_note(cosigned, [PETER_VERIFIER_KEY, verifier_key("EnochRoot", enoch.public_key_raw)])[1]
    assert names == ["PeterNeumann", "EnochRoot"]


def test_signing_refuses_bad_bodies_and_names(ledger_key):
    with pytest.raises(ValueError):
        sign_note("no final newline", [(ORIGIN, ledger_key)])
    with pytest.raises(ValueError):
        sign_note("tab\there\n", [(ORIGIN, ledger_key)])
    with pytest.raises(ValueError):
        sign_note("body\n", [])
    with pytest.raises(ValueError):
        sign_note("body\n", [("has space", ledger_key)])
    with pytest.raises(ValueError):
        sign_note("body\n", [("has+plus", ledger_key)])
    with pytest.raises(ValueError):
        sign_note("body\n", [(ORIGIN, ledger_key), (ORIGIN, ledger_key)])


def test_key_names_follow_the_signed_note_rules():
    assert is_valid_key_name("example.com/log42")
    for bad in ["", "a b", "a+b", "a\u00a0b", "a\nb", "a\u2003b"]:
        assert not is_valid_key_name(bad)


@pytest.mark.parametrize(
    "body",
    [
        f"{ORIGIN}\n42\n{base64.b64encode(ROOT).decode()}",
        f"{ORIGIN}\n042\n{base64.b64encode(ROOT).decode()}\n",
        f"{ORIGIN}\n-1\n{base64.b64encode(ROOT).decode()}\n",
        f"{ORIGIN}\n+1\n{base64.b64encode(ROOT).decode()}\n",
        f"{ORIGIN}\n4 2\n{base64.b64encode(ROOT).decode()}\n",
        f"{ORIGIN}\n\u0664\u0662\n{base64.b64encode(ROOT).decode()}\n",
        f"{ORIGIN}\n99999999999999999999\n{base64.b64encode(ROOT).decode()}\n",
        f"{ORIGIN}\n42\n{base64.b64encode(ROOT[:31]).decode()}\n",
        f"{ORIGIN}\n42\n{base64.b64encode(ROOT).decode().rstrip('=')}\n",
        f"{ORIGIN}\n42\n{base64.b64encode(ROOT).decode()[:-2]}B=\n",
        f"{ORIGIN}\n42\n{ROOT.hex()}\n",
        f"\n42\n{base64.b64encode(ROOT).decode()}\n",
        f"{ORIGIN}\n42\n",
        f"{ORIGIN}\n42\n{base64.b64encode(ROOT).decode()}\n\nextension\n",
    ],
    ids=[
        "no final newline",
        "leading zero",
        "negative size",
        "plus sign",
        "space in size",
        "non-ASCII digits",
        "size beyond int64",
        "31-byte root",
        "unpadded root",
        "non-canonical base64",
        "hex root",
        "empty origin",
        "no root line",
        "empty line",
    ],
)
def test_malformed_checkpoint_bodies_are_refused(body):
    with pytest.raises(ValueError):
        parse_checkpoint_body(body)


def test_checkpoint_extension_lines_are_allowed_and_ignored():
    body = checkpoint_body(ORIGIN, 7, ROOT) + "extension line\n"
    assert parse_checkpoint_body(body) == (ORIGIN, 7, ROOT)


def test_checkpoint_body_refuses_bad_values():
    with pytest.raises(ValueError):
        checkpoint_body("", 1, ROOT)
    with pytest.raises(ValueError):
        checkpoint_body("two\nlines", 1, ROOT)
    with pytest.raises(ValueError):
        checkpoint_body(ORIGIN, -1, ROOT)
    with pytest.raises(ValueError):
        checkpoint_body(ORIGIN, True, ROOT)
    with pytest.raises(ValueError):
        checkpoint_body(ORIGIN, 1, ROOT[:31])
