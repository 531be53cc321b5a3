"""C2SP signed notes, vkeys and cosignatures, and the RFC 9162 proof checks refusing what they must refuse."""

from __future__ import annotations

import base64
import hashlib

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from service.audit.merkle import (
    CompactRange,
    consistency_proof,
    inclusion_path,
    leaf_hash,
    verify_consistency,
    verify_inclusion,
)
from service.audit.note import (
    COSIGNATURE,
    CheckpointBody,
    NoteError,
    cosign,
    cosignature_time,
    note_signed_by,
    parse_checkpoint_body,
    parse_verifier_key,
    sign_checkpoint_note,
    split_note,
    verifier_key,
)
from service.audit.signing import public_key_text

ROOT = hashlib.sha256(b"root").digest()


@pytest.fixture
def key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def test_a_checkpoint_note_is_three_lines_an_empty_line_and_the_signature_with_the_spec_key_id(
    key: Ed25519PrivateKey,
) -> None:
    note = sign_checkpoint_note(CheckpointBody("desa.example.id/mufakat", 42, ROOT), key)

    body, [signature] = split_note(note)
    raw = base64.b64decode(public_key_text(key))
    assert body == f"desa.example.id/mufakat\n42\n{base64.b64encode(ROOT).decode()}\n"
    assert note == body + "\n" + signature.line() + "\n"
    assert signature.key_id == hashlib.sha256(b"desa.example.id/mufakat\n\x01" + raw).digest()[:4]
    assert note_signed_by(note, public_key_text(key)) == signature


def test_a_note_with_an_altered_body_or_signed_by_another_key_is_not_signed_by_the_pinned_key(
    key: Ed25519PrivateKey,
) -> None:
    note = sign_checkpoint_note(CheckpointBody("desa.example.id/mufakat", 42, ROOT), key)
    other = public_key_text(Ed25519PrivateKey.generate())

    assert note_signed_by(note.replace("\n42\n", "\n43\n"), public_key_text(key)) is None
    assert note_signed_by(note, other) is None
    assert note_signed_by("not a note", public_key_text(key)) is None


@pytest.mark.parametrize(
    "body",
    ["origin\n042\n" + base64.b64encode(ROOT).decode() + "\n", "origin\n42\nnot-base64\n", "origin\n42\n", ""],
)
def test_a_malformed_checkpoint_body_is_refused(body: str) -> None:
    with pytest.raises(NoteError):
        parse_checkpoint_body(body)


def test_a_vkey_round_trips_even_when_its_base64_holds_a_plus() -> None:
    keys = [Ed25519PrivateKey.generate() for _ in range(40)]
    with_plus = next(
        k for k in keys if "+" in base64.b64encode(b"\x04" + base64.b64decode(public_key_text(k))).decode()
    )

    vkey = verifier_key("bappeda.example.id/w", public_key_text(with_plus), COSIGNATURE)

    assert parse_verifier_key(vkey) == ("bappeda.example.id/w", public_key_text(with_plus), COSIGNATURE)
    with pytest.raises(NoteError, match="does not match"):
        parse_verifier_key(vkey.replace("bappeda", "bapeda"))


def test_a_cosignature_verifies_at_its_time_and_not_when_the_time_or_body_changes(key: Ed25519PrivateKey) -> None:
    body = CheckpointBody("desa.example.id/mufakat", 42, ROOT).text()
    signature = cosign(body, "inspektorat.example.id/w", key, 1_764_633_600)

    assert cosignature_time(body, signature, public_key_text(key)) == 1_764_633_600
    assert (
        signature.key_id
        == hashlib.sha256(b"inspektorat.example.id/w\n\x04" + base64.b64decode(public_key_text(key))).digest()[:4]
    )
    later = type(signature)(
        signature.name, signature.key_id, (1_764_633_601).to_bytes(8, "big") + signature.signature[8:]
    )
    assert cosignature_time(body, later, public_key_text(key)) is None
    assert cosignature_time(body.replace("42", "43"), signature, public_key_text(key)) is None


def _tree(count: int) -> tuple[list[bytes], dict[tuple[int, int], bytes]]:
    from service.audit.merkle import append_leaves

    leaves = [leaf_hash(hashlib.sha256(bytes([n])).digest()) for n in range(count)]
    nodes: dict[tuple[int, int], bytes] = {}
    frontier: dict[tuple[int, int], bytes] = {}
    for level, index, hash_ in append_leaves(frontier, 0, leaves):
        nodes[(level, index)] = hash_
    return leaves, nodes


def test_an_inclusion_proof_fails_for_another_leaf_index_or_root() -> None:
    leaves, nodes = _tree(11)
    compact = CompactRange()
    for leaf in leaves:
        compact.append(leaf)
    path = inclusion_path(lambda keys: {k: nodes[k] for k in keys}, 6, 11)

    assert verify_inclusion(leaves[6], 6, 11, path, compact.root())
    assert not verify_inclusion(leaves[6], 7, 11, path, compact.root())
    assert not verify_inclusion(leaves[6], 6, 11, path, ROOT)
    assert not verify_inclusion(leaves[6], 11, 11, path, compact.root())


def test_a_consistency_proof_fails_for_swapped_or_forged_roots() -> None:
    leaves, nodes = _tree(13)
    small, large = CompactRange(), CompactRange()
    for n, leaf in enumerate(leaves):
        large.append(leaf)
        if n < 6:
            small.append(leaf)
    proof = consistency_proof(lambda keys: {k: nodes[k] for k in keys}, 6, 13)

    assert verify_consistency(6, 13, small.root(), large.root(), proof)
    assert not verify_consistency(6, 13, large.root(), small.root(), proof)
    assert not verify_consistency(6, 13, small.root(), ROOT, proof)
    assert not verify_consistency(6, 13, small.root(), large.root(), [])
    assert verify_consistency(13, 13, large.root(), large.root(), [])
    assert not verify_consistency(13, 13, large.root(), small.root(), [])
