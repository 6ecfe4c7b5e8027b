"""RFC 9162 Merkle trees (J1, tamper-evident history): published vectors,
agreement between the tree store and the RFC's reference definitions, and
refusal of every altered proof."""

from __future__ import annotations

import hashlib
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.merkle import (
    EMPTY_ROOT,
    MerkleTree,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    root_from_inclusion_proof,
    root_from_leaves,
    verify_consistency,
    verify_inclusion,
)
from ledger.transparency.tree_store import LogTree

# The Certificate Transparency reference test data, as published in
# transparency-dev/merkle testonly/constants.go and proof/verify_test.go.
LEAF_INPUTS = [
    bytes.fromhex(h)
    for h in [
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    ]
]
ROOTS_BY_SIZE = {
    0: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    1: "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    2: "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    3: "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    4: "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    5: "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    6: "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    7: "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    8: "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
}
LEAF_HASHES_HEX = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
    "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
    "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
    "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
    "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
    "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1",
]
# (leaf index, tree size, audit path) from proof/verify_test.go.
PUBLISHED_INCLUSION_PROOFS = [
    (0, 1, []),
    (0, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (5, 8, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (1, 5, ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
]
# (first, second, consistency path) from proof/verify_test.go.
PUBLISHED_CONSISTENCY_PROOFS = [
    (1, 1, []),
    (1, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (6, 8, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (2, 5, ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
    (6, 7, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
]


def vector_leaves() -> list[bytes]:
    return [leaf_hash(data) for data in LEAF_INPUTS]


def numbered_leaves(count: int) -> list[bytes]:
    """Leaves as the ledger makes them: leaf_hash of a 32-byte event hash."""
    return [leaf_hash(hashlib.sha256(str(i).encode()).digest()) for i in range(count)]


def flip_byte(value: bytes, position: int) -> bytes:
    changed = bytearray(value)
    changed[position % len(changed)] ^= 0x01
    return bytes(changed)


LARGE_LEAVES = numbered_leaves(300)
LARGE_TREE = MerkleTree(LARGE_LEAVES)


# --- published vectors ---


def test_empty_tree_root_is_sha256_of_nothing():
    assert EMPTY_ROOT.hex() == ROOTS_BY_SIZE[0]
    assert root_from_leaves([]) == EMPTY_ROOT
    assert MerkleTree().root() == EMPTY_ROOT


def test_leaf_and_node_hashes_use_the_rfc_domain_prefixes():
    assert leaf_hash(b"x") == hashlib.sha256(b"\x00x").digest()
    assert node_hash(b"a" * 32, b"b" * 32) == hashlib.sha256(b"\x01" + b"a" * 32 + b"b" * 32).digest()


def test_leaf_hashes_match_the_certificate_transparency_vectors():
    assert [h.hex() for h in vector_leaves()] == LEAF_HASHES_HEX


@pytest.mark.parametrize("size", range(0, 9))
def test_roots_match_the_published_roots_for_every_size_up_to_eight(size):
    leaves = vector_leaves()
    assert root_from_leaves(leaves[:size]).hex() == ROOTS_BY_SIZE[size]
    assert MerkleTree(leaves[:size]).root().hex() == ROOTS_BY_SIZE[size]
    assert MerkleTree(leaves).root(size).hex() == ROOTS_BY_SIZE[size]


@pytest.mark.parametrize(("index", "size", "path"), PUBLISHED_INCLUSION_PROOFS)
def test_inclusion_proofs_match_the_published_vectors(index, size, path):
    leaves = vector_leaves()
    expected = [bytes.fromhex(h) for h in path]
    root = bytes.fromhex(ROOTS_BY_SIZE[size])
    assert inclusion_proof(leaves, index, size) == expected
    assert MerkleTree(leaves).inclusion_proof(index, size) == expected
    assert verify_inclusion(index, size, leaves[index], expected, root)


@pytest.mark.parametrize(("first", "second", "path"), PUBLISHED_CONSISTENCY_PROOFS)
def test_consistency_proofs_match_the_published_vectors(first, second, path):
    leaves = vector_leaves()
    expected = [bytes.fromhex(h) for h in path]
    assert consistency_proof(leaves, first, second) == expected
    assert MerkleTree(leaves).consistency_proof(first, second) == expected
    assert verify_consistency(
        first, second, bytes.fromhex(ROOTS_BY_SIZE[first]), bytes.fromhex(ROOTS_BY_SIZE[second]), expected
    )


# --- the tree store agrees with the RFC reference definitions ---


def test_every_prefix_root_of_the_store_equals_the_reference_root():
    for size in range(0, len(LARGE_LEAVES) + 1):
        assert LARGE_TREE.root(size) == root_from_leaves(LARGE_LEAVES[:size]), size


def test_appending_one_by_one_gives_the_same_roots_as_building_at_once():
    tree = MerkleTree()
    for size, leaf in enumerate(LARGE_LEAVES[:100], start=1):
        tree.append(leaf)
        assert tree.size == size
        assert tree.root() == LARGE_TREE.root(size)


def test_every_inclusion_proof_up_to_64_leaves_equals_the_reference_and_verifies():
    for size in range(1, 65):
        leaves = LARGE_LEAVES[:size]
        root = root_from_leaves(leaves)
        for index in range(size):
            proof = LARGE_TREE.inclusion_proof(index, size)
            assert proof == inclusion_proof(leaves, index, size), (index, size)
            assert root_from_inclusion_proof(index, size, leaves[index], proof) == root
            assert verify_inclusion(index, size, leaves[index], proof, root)


def test_sampled_inclusion_proofs_up_to_300_leaves_equal_the_reference_and_verify():
    rng = random.Random(9162)
    for size in range(65, 301):
        leaves = LARGE_LEAVES[:size]
        root = LARGE_TREE.root(size)
        for index in {0, size - 1, *rng.sample(range(size), 3)}:
            proof = LARGE_TREE.inclusion_proof(index, size)
            assert proof == inclusion_proof(leaves, index, size), (index, size)
            assert verify_inclusion(index, size, leaves[index], proof, root)


def test_every_consistency_proof_up_to_64_leaves_equals_the_reference_and_verifies():
    for second in range(1, 65):
        leaves = LARGE_LEAVES[:second]
        for first in range(1, second + 1):
            proof = LARGE_TREE.consistency_proof(first, second)
            assert proof == consistency_proof(leaves, first, second), (first, second)
            assert verify_consistency(first, second, LARGE_TREE.root(first), LARGE_TREE.root(second), proof)


def test_sampled_consistency_proofs_up_to_300_leaves_equal_the_reference_and_verify():
    rng = random.Random(6962)
    for second in range(65, 301):
        for first in {1, second - 1, second, *rng.sample(range(1, second), 3)}:
            proof = LARGE_TREE.consistency_proof(first, second)
            assert proof == consistency_proof(LARGE_LEAVES, first, second), (first, second)
            assert verify_consistency(first, second, LARGE_TREE.root(first), LARGE_TREE.root(second), proof)


@settings(max_examples=60, deadline=None)
@given(data=st.data(), size=st.integers(min_value=1, max_value=300))
def test_any_leaf_of_any_prefix_has_a_verifying_inclusion_proof(data, size):
    index = data.draw(st.integers(min_value=0, max_value=size - 1))
    proof = LARGE_TREE.inclusion_proof(index, size)
    assert verify_inclusion(index, size, LARGE_LEAVES[index], proof, LARGE_TREE.root(size))


def test_proofs_default_to_the_whole_tree():
    assert LARGE_TREE.root() == LARGE_TREE.root(300)
    assert LARGE_TREE.inclusion_proof(7) == LARGE_TREE.inclusion_proof(7, 300)
    assert LARGE_TREE.consistency_proof(100) == LARGE_TREE.consistency_proof(100, 300)


def test_proofs_stay_logarithmic_in_length():
    assert len(LARGE_TREE.inclusion_proof(0)) <= 9
    assert len(LARGE_TREE.consistency_proof(1)) <= 9


# --- any change makes verification fail ---


def test_inclusion_proof_fails_when_any_path_hash_is_changed():
    for size in (2, 5, 8, 13, 64, 255):
        root = LARGE_TREE.root(size)
        for index in range(0, size, max(1, size // 7)):
            proof = LARGE_TREE.inclusion_proof(index, size)
            for position in range(len(proof)):
                for byte in (0, 17, 31):
                    changed = list(proof)
                    changed[position] = flip_byte(proof[position], byte)
                    assert not verify_inclusion(index, size, LARGE_LEAVES[index], changed, root)


def test_inclusion_proof_fails_when_the_leaf_hash_or_root_is_changed():
    size, index = 13, 6
    proof = LARGE_TREE.inclusion_proof(index, size)
    root = LARGE_TREE.root(size)
    for byte in range(32):
        assert not verify_inclusion(index, size, flip_byte(LARGE_LEAVES[index], byte), proof, root)
        assert not verify_inclusion(index, size, LARGE_LEAVES[index], proof, flip_byte(root, byte))


def test_inclusion_proof_fails_with_an_extra_or_a_missing_hash():
    for size in (1, 2, 3, 8, 13, 300):
        root = LARGE_TREE.root(size)
        for index in {0, size // 2, size - 1}:
            proof = LARGE_TREE.inclusion_proof(index, size)
            leaf = LARGE_LEAVES[index]
            assert not verify_inclusion(index, size, leaf, [*proof, root], root)
            assert not verify_inclusion(index, size, leaf, [root, *proof], root)
            if proof:
                assert not verify_inclusion(index, size, leaf, proof[:-1], root)
                assert not verify_inclusion(index, size, leaf, proof[1:], root)


def test_inclusion_proof_fails_for_another_index_or_tree_size():
    size, index = 13, 6
    proof = LARGE_TREE.inclusion_proof(index, size)
    root = LARGE_TREE.root(size)
    leaf = LARGE_LEAVES[index]
    for other_index in (index - 1, index + 1, index ^ 2):
        assert not verify_inclusion(other_index, size, leaf, proof, root)
    # A proof does not pin the size by itself (sizes 12 and 13 share this
    # path's shape); the signed root does. A tree of another height fails.
    for other_size in (size * 2, size // 2 + 1):
        assert not verify_inclusion(index, other_size, leaf, proof, root)


def test_inclusion_proof_fails_when_hashes_are_not_32_bytes():
    proof = LARGE_TREE.inclusion_proof(3, 8)
    root = LARGE_TREE.root(8)
    assert not verify_inclusion(3, 8, b"WrongLeaf", proof, root)
    assert not verify_inclusion(3, 8, LARGE_LEAVES[3], [*proof[:-1], proof[-1][:31]], root)
    with pytest.raises(ValueError):
        root_from_inclusion_proof(3, 8, LARGE_LEAVES[3], proof[:-1])


def test_consistency_proof_fails_when_any_path_hash_is_changed():
    for first, second in [(1, 2), (3, 7), (4, 8), (6, 8), (13, 64), (100, 255), (255, 256)]:
        root1, root2 = LARGE_TREE.root(first), LARGE_TREE.root(second)
        proof = LARGE_TREE.consistency_proof(first, second)
        for position in range(len(proof)):
            for byte in (0, 16, 31):
                changed = list(proof)
                changed[position] = flip_byte(proof[position], byte)
                assert not verify_consistency(first, second, root1, root2, changed)


def test_consistency_proof_fails_when_either_root_is_changed():
    for first, second in [(1, 2), (3, 7), (4, 8), (13, 64), (255, 256)]:
        root1, root2 = LARGE_TREE.root(first), LARGE_TREE.root(second)
        proof = LARGE_TREE.consistency_proof(first, second)
        for byte in (0, 9, 31):
            assert not verify_consistency(first, second, flip_byte(root1, byte), root2, proof)
            assert not verify_consistency(first, second, root1, flip_byte(root2, byte), proof)
        assert not verify_consistency(first, second, root2, root1, proof)


def test_consistency_proof_fails_with_an_extra_or_a_missing_hash():
    for first, second in [(1, 2), (2, 5), (3, 7), (4, 8), (6, 8), (13, 64), (100, 255)]:
        root1, root2 = LARGE_TREE.root(first), LARGE_TREE.root(second)
        proof = LARGE_TREE.consistency_proof(first, second)
        assert not verify_consistency(first, second, root1, root2, [])
        assert not verify_consistency(first, second, root1, root2, proof[:-1])
        assert not verify_consistency(first, second, root1, root2, [*proof, root1])
        assert not verify_consistency(first, second, root1, root2, [*proof, root2])
        assert not verify_consistency(first, second, root1, root2, [root1, *proof])
        assert not verify_consistency(first, second, root1, root2, [proof[0], *proof])


def test_consistency_proof_fails_for_other_tree_sizes():
    first, second = 6, 13
    root1, root2 = LARGE_TREE.root(first), LARGE_TREE.root(second)
    proof = LARGE_TREE.consistency_proof(first, second)
    for other_first in (first - 1, first + 1, first ^ 2):
        assert not verify_consistency(other_first, second, root1, root2, proof)
    for other_second in (second * 2, second // 2):
        assert not verify_consistency(first, other_second, root1, root2, proof)


def test_a_rewritten_history_is_not_consistent_with_the_old_checkpoint():
    rewritten = list(LARGE_LEAVES[:20])
    rewritten[4] = leaf_hash(b"a different event")
    forged = MerkleTree(rewritten)
    proof = forged.consistency_proof(10, 20)
    assert not verify_consistency(10, 20, LARGE_TREE.root(10), forged.root(20), proof)


# --- edge cases decided as transparency-dev/merkle does ---


def test_equal_sizes_are_consistent_only_with_an_empty_proof_and_equal_roots():
    root = LARGE_TREE.root(5)
    assert verify_consistency(5, 5, root, root, [])
    assert not verify_consistency(5, 5, root, LARGE_TREE.root(6), [])
    assert not verify_consistency(5, 5, root, root, [root])


def test_j1_a_consistency_proof_from_the_empty_tree_is_refused_as_the_reference_verifiers_do():
    """transparency-dev/merkle (since v0.0.3): "consistency proof from empty
    tree is meaningless"; Go's tlog.CheckTree and ProveTree refuse size 0 too.
    Only 0 and 0 with equal roots holds, as equal sizes always do."""
    assert verify_consistency(0, 0, EMPTY_ROOT, EMPTY_ROOT, [])
    assert not verify_consistency(0, 7, EMPTY_ROOT, LARGE_TREE.root(7), [])
    assert not verify_consistency(0, 1, EMPTY_ROOT, LARGE_TREE.root(1), [])
    assert not verify_consistency(0, 7, EMPTY_ROOT, LARGE_TREE.root(7), [EMPTY_ROOT])
    assert not verify_consistency(0, 0, EMPTY_ROOT, LARGE_TREE.root(1), [])


@pytest.mark.parametrize("second", [0, 1, 7, 300])
def test_j1_no_consistency_proof_is_made_from_the_empty_tree(second):
    with pytest.raises(ValueError, match="tree size 0 proves nothing"):
        LARGE_TREE.consistency_proof(0, second)
    with pytest.raises(ValueError, match="tree size 0 proves nothing"):
        consistency_proof(LARGE_LEAVES, 0, second)


def test_impossible_arguments_raise_value_error():
    root = LARGE_TREE.root(8)
    with pytest.raises(ValueError):
        verify_inclusion(8, 8, LARGE_LEAVES[0], [], root)
    with pytest.raises(ValueError):
        verify_inclusion(0, 0, LARGE_LEAVES[0], [], EMPTY_ROOT)
    with pytest.raises(ValueError):
        verify_inclusion(-1, 8, LARGE_LEAVES[0], [], root)
    with pytest.raises(ValueError):
        verify_consistency(8, 7, root, root, [])
    with pytest.raises(ValueError):
        verify_consistency(-1, 7, root, root, [])
    with pytest.raises(ValueError):
        LARGE_TREE.inclusion_proof(300)
    with pytest.raises(ValueError):
        LARGE_TREE.root(301)
    with pytest.raises(ValueError):
        LARGE_TREE.consistency_proof(5, 301)
    with pytest.raises(ValueError):
        inclusion_proof(LARGE_LEAVES[:4], 0, 5)


def test_the_store_refuses_leaf_hashes_that_are_not_32_bytes():
    tree = MerkleTree()
    with pytest.raises(ValueError):
        tree.append(b"short")
    assert tree.size == 0


def test_a_leaf_index_is_found_in_memory_across_the_ids_a_sequence_skipped() -> None:
    """PostgreSQL's sequence skips ids after a rolled-back transaction; the tree has no gaps, so the
    leaf of id N is found from the runs of consecutive ids, and an id in a gap has no leaf."""
    state = LogTree()
    state.extend([1, 2, 3], [bytes([n]) * 32 for n in (1, 2, 3)])
    state.extend([7, 8], [bytes([n]) * 32 for n in (7, 8)])  # 4-6 skipped
    state.extend([9, 20], [bytes([n]) * 32 for n in (9, 20)])  # 10-19 skipped, within one batch
    assert [state.leaf_index(n) for n in (1, 3, 7, 8, 9, 20)] == [0, 2, 3, 4, 5, 6]
    assert [state.leaf_index(n) for n in (0, 4, 6, 10, 19, 21)] == [None] * 6
    assert (state.run_ids, state.run_leaves, state.last_notification_id, state.size) == ([1, 7, 20], [0, 3, 6], 20, 7)
