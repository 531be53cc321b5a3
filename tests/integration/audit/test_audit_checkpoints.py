"""Sealing checkpoints: on demand, periodically (only when something new was recorded), with one lasting key."""

from __future__ import annotations

import multiprocessing
import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from service.app.application import Mufakat
from service.audit.checkpoints import list_checkpoints, newest_checkpoints, seal_checkpoint
from service.audit.signing import load_or_create_signing_key, public_key_text


@pytest.fixture
def database_url(sqlite_database_url: str) -> str:
    return sqlite_database_url


def test_an_empty_log_has_nothing_to_seal(ledger: Mufakat, service_key: Ed25519PrivateKey) -> None:
    assert seal_checkpoint(ledger, service_key) is None
    assert list_checkpoints(ledger) == []


def test_periodic_sealing_seals_only_when_something_new_was_recorded(
    ledger: Mufakat, service_key: Ed25519PrivateKey
) -> None:
    ledger.tokens.issue("auditor", "Inspektorat", [])
    first = seal_checkpoint(ledger, service_key, only_if_new=True)

    again = seal_checkpoint(ledger, service_key, only_if_new=True)
    ledger.tokens.issue("partner", "Bappeda", [])
    after_a_write = seal_checkpoint(ledger, service_key, only_if_new=True)

    assert first is not None and first.position == 1
    assert again is None
    # The new checkpoint covers the write and the first checkpoint's own event before it.
    assert after_a_write is not None and after_a_write.position == 3
    assert [number for number, _ in list_checkpoints(ledger)] == [1, 2]
    assert all(checkpoint.signature_holds(public_key_text(service_key)) for _, checkpoint in list_checkpoints(ledger))


def test_the_signing_key_is_made_once_readable_by_its_owner_only_and_kept(key_file: Path) -> None:
    made = load_or_create_signing_key(key_file)
    loaded = load_or_create_signing_key(key_file)

    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert public_key_text(loaded) == public_key_text(made)


def _public_key_made_at(key_file: Path) -> str:
    return public_key_text(load_or_create_signing_key(key_file))


def test_workers_starting_together_agree_on_one_key(key_file: Path) -> None:
    with multiprocessing.get_context("fork").Pool(4) as pool:
        keys = pool.map(_public_key_made_at, [key_file] * 16)

    assert len(set(keys)) == 1
    assert [p.name for p in key_file.parent.iterdir() if "signing" in p.name] == [key_file.name]


def test_the_newest_checkpoints_come_newest_first_as_c2sp_notes_of_growing_trees(
    ledger: Mufakat, service_key: Ed25519PrivateKey
) -> None:
    sizes = []
    for number in range(3):
        ledger.tokens.issue("partner", f"Mitra {number}", [])
        sealed = seal_checkpoint(ledger, service_key)
        assert sealed is not None
        sizes.append(sealed.tree_size)

    newest = [(number, checkpoint.tree_size) for number, checkpoint in newest_checkpoints(ledger)]

    # Each tree holds the tokens so far and the checkpoints before it.
    assert sizes == [1, 3, 5]
    assert newest == [(3, 5), (2, 3), (1, 1)]
    assert all(checkpoint.note and checkpoint.signature_holds() for _, checkpoint in newest_checkpoints(ledger))
