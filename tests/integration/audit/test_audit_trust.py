"""The trust a verification speaks with: a key file beside the database is the operator's word, not an anchor.

A forger who controls the host rewrites the whole log and re-signs every
checkpoint with a key of their own, and puts that key's file where the
service's was. Everything in the log then agrees with everything else, so
the only thing that can tell the forgery from the real log is a key pinned
out of band. The verifier must say which of the two it was given.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask

from service.adapters.storage import persistence_settings
from service.app.application import Mufakat
from service.audit.checkpoints import seal_checkpoint
from service.audit.signing import load_or_create_signing_key, public_key_text
from service.cli.main import main
from service.http.app_factory import create_app
from service.http.current import current_mufakat


class Host:
    """A database and the signing key file beside it."""

    def __init__(self, folder: Path, partners: int) -> None:
        folder.mkdir()
        self.database_url = "sqlite:///" + str(folder / "mufakat.db")
        self.key_file = folder / "mufakat-signing.key"
        self.key = load_or_create_signing_key(self.key_file)
        ledger = Mufakat(env=persistence_settings(self.database_url))
        try:
            for number in range(partners):
                ledger.tokens.issue("partner", f"Mitra {number}", [])
            seal_checkpoint(ledger, self.key)
        finally:
            ledger.close()

    def verify(self, *args: str) -> Any:
        env = {"MUFAKAT_DATABASE_URL": self.database_url, "MUFAKAT_SECRET_KEY_FILE": str(self.key_file)}
        return CliRunner().invoke(main, ["verify", *args], env=env)


@pytest.fixture
def genuine(tmp_path: Path) -> Host:
    return Host(tmp_path / "genuine", partners=4)


@pytest.fixture
def forged(tmp_path: Path) -> Host:
    """A log written from scratch by the forger, sealed with the forger's key, the forger's key file beside it."""
    return Host(tmp_path / "forged", partners=6)


@pytest.fixture
def forged_app(forged: Host) -> Iterator[Flask]:
    application = create_app(
        {
            "TESTING": True,
            "MUFAKAT_LEDGER_ENV": persistence_settings(forged.database_url),
            "MUFAKAT_SECRET_KEY_FILE": str(forged.key_file),
        }
    )
    yield application
    opened = application.extensions.get("mufakat")
    if opened is not None:
        opened.close()


def test_a_forgery_re_signed_with_the_key_file_beside_it_is_only_the_operators_word(forged: Host) -> None:
    result = forged.verify()

    report = json.loads(result.stdout)
    # The key file may still give exit 0 (API.md), but it never passes for an anchor.
    assert result.exit_code == 0, result.output
    assert report["trust"] == "operator_key"
    assert report["trust_anchors"] == ["key_file"]
    assert any("operator's" in note for note in report["notes"])
    assert "operator_key" in result.stderr


def test_the_pinned_public_key_of_the_genuine_service_exposes_the_same_forgery(genuine: Host, forged: Host) -> None:
    result = forged.verify("--public-key", public_key_text(genuine.key))

    report = json.loads(result.stdout)
    assert result.exit_code == 1
    assert report["ok"] is False
    assert "key other than the service's" in report["first_failure"]["reason"]


def test_a_key_pinned_out_of_band_makes_the_verification_anchored(genuine: Host, tmp_path: Path) -> None:
    result = genuine.verify("--public-key", public_key_text(genuine.key))

    report = json.loads(result.stdout)
    assert result.exit_code == 0, result.output
    assert (report["ok"], report["trust"], report["trust_anchors"]) == (True, "anchored", ["public_key"])
    assert "operator_key" not in result.stderr


def test_a_kept_checkpoint_anchors_even_with_a_key_file_beside_the_database(genuine: Host, tmp_path: Path) -> None:
    ledger = Mufakat(env=persistence_settings(genuine.database_url))
    try:
        kept = seal_checkpoint(ledger, genuine.key)
    finally:
        ledger.close()
    kept_file = tmp_path / "kept.json"
    kept_file.write_text(json.dumps(kept.as_dict()), encoding="utf-8")

    report = json.loads(genuine.verify("--checkpoint", str(kept_file)).stdout)

    assert (report["ok"], report["trust"], report["trust_anchors"]) == (True, "anchored", ["checkpoint"])


def test_the_service_verifying_itself_over_http_says_it_speaks_with_its_own_key(forged_app: Flask) -> None:
    with forged_app.app_context():
        _, secret = current_mufakat().tokens.issue("auditor", "Inspektorat", [])

    answer = forged_app.test_client().get("/api/v1/audit/verify", headers={"Authorization": f"Bearer {secret}"})

    assert answer.status_code == 200
    assert answer.json["ok"] is True
    assert answer.json["trust"] == "operator_key"
    assert answer.json["trust_anchors"] == ["key_file"]
