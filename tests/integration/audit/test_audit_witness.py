"""Witnesses, public proofs over HTTP, and a verifier that never says ok without a trust anchor.

Two logs share one signing key and one origin: the honest log the witness
follows, and a fork of it (what a service rewritten behind the public's back
would show). The witness talks to the service through Flask's test client.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from service.adapters.storage import persistence_settings
from service.app.application import Mufakat
from service.audit.checkpoints import seal_checkpoint
from service.audit.export import write_export
from service.audit.merkle import verify_consistency, verify_inclusion
from service.audit.signing import load_or_create_signing_key, public_key_text
from service.audit.verify import verify_store
from service.audit.witness import configured_witnesses
from service.audit.witness_client import SplitView, Witness, WitnessError
from service.cli.main import main
from service.http.app_factory import create_app

ORIGIN = "desa.example.id/mufakat"


@pytest.fixture(autouse=True)
def origin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MUFAKAT_LOG_ORIGIN", ORIGIN)


class Service:
    """One deployment: its ledger and its HTTP app, sharing the database."""

    def __init__(self, database_url: str, key_file: Path, witnesses: str = "") -> None:
        self.database_url = database_url
        self.key_file = key_file
        self.key = load_or_create_signing_key(key_file)
        self.ledger = Mufakat(env=persistence_settings(database_url))
        self.app: Flask = create_app(
            {
                "TESTING": True,
                "MUFAKAT_LEDGER_ENV": persistence_settings(database_url),
                "MUFAKAT_SECRET_KEY_FILE": str(key_file),
                "MUFAKAT_WITNESSES": witnesses,
            }
        )
        self.client: FlaskClient = self.app.test_client()

    def record(self, count: int) -> None:
        for number in range(count):
            self.ledger.tokens.issue("partner", f"Mitra {number}", [])

    def seal(self) -> Any:
        return seal_checkpoint(self.ledger, self.key)

    def fetch(self, url: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        """What the witness's HTTP client does, through the test client."""
        path = url.removeprefix("http://log.test")
        answer = self.client.get(path) if body is None else self.client.post(path, json=body)
        if answer.status_code >= 400:
            raise WitnessError(f"{answer.status_code}: {answer.get_data(as_text=True)}")
        return dict(answer.json or {})

    def close(self) -> None:
        self.ledger.close()
        opened = self.app.extensions.get("mufakat")
        if opened is not None:
            opened.close()


@pytest.fixture
def services(tmp_path: Path) -> Iterator[Callable[..., Service]]:
    made: list[Service] = []

    def make(name: str, witnesses: str = "") -> Service:
        service = Service("sqlite:///" + str(tmp_path / f"{name}.db"), tmp_path / "signing.key", witnesses)
        made.append(service)
        return service

    yield make
    for service in made:
        service.close()


@pytest.fixture
def witness(tmp_path: Path) -> Witness:
    return Witness(tmp_path / "witness-state", "inspektorat.example.id/witness")


def test_the_witness_cosigns_a_log_that_only_grew_and_the_service_shows_its_cosignature(
    services: Callable[..., Service], witness: Witness
) -> None:
    service = services("honest", witness.verifier_key())
    service.record(5)
    service.seal()
    first = witness.run("http://log.test", public_key_text(service.key), service.fetch)
    service.record(7)
    service.seal()

    second = witness.run("http://log.test", public_key_text(service.key), service.fetch)

    # 5 events, the first checkpoint, its cosignature, 7 more events: 14.
    assert (first.tree_size, second.previous_size, second.tree_size) == (5, 5, 14)
    latest = service.client.get("/api/v1/audit/checkpoints/latest").json
    [cosignature] = latest["cosignatures"]
    assert (cosignature["witness"], cosignature["tree_size"]) == ("inspektorat.example.id/witness", 14)
    assert cosignature["cosignature"] == second.cosignature
    witnesses = {"inspektorat.example.id/witness": public_key_text(witness.key)}
    verified = verify_store(service.ledger.recorder, public_key_text(service.key), (), witnesses, 1)
    assert (verified.ok, verified.witnessed_tree_size) == (True, 14)


def test_the_witness_refuses_a_fork_of_the_same_size_with_another_root(
    services: Callable[..., Service], witness: Witness
) -> None:
    honest, fork = services("honest"), services("fork")
    honest.record(5)
    honest.seal()
    fork.record(4)
    fork.ledger.tokens.issue("admin", "Penyusup", [])
    fork.seal()
    witness.run("http://log.test", public_key_text(honest.key), honest.fetch, post=False)

    with pytest.raises(SplitView, match="split view: two checkpoints of 5 events"):
        witness.run("http://log.test", public_key_text(fork.key), fork.fetch, post=False)
    assert witness.last()["tree_size"] == 5  # type: ignore[index]  # what it cosigned stays its reference


def test_the_witness_refuses_a_longer_log_that_rewrote_what_it_cosigned(
    services: Callable[..., Service], witness: Witness
) -> None:
    honest, fork = services("honest"), services("fork")
    honest.record(5)
    honest.seal()
    fork.record(4)
    fork.ledger.tokens.issue("admin", "Penyusup", [])
    fork.record(9)
    fork.seal()
    witness.run("http://log.test", public_key_text(honest.key), honest.fetch, post=False)

    with pytest.raises(SplitView, match="does not extend the one of 5 this witness cosigned"):
        witness.run("http://log.test", public_key_text(fork.key), fork.fetch, post=False)


def test_the_witness_command_exits_non_zero_and_says_refused_on_a_split_view(
    services: Callable[..., Service], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    honest, fork = services("honest"), services("fork")
    honest.record(3)
    honest.seal()
    fork.record(2)
    fork.ledger.tokens.issue("admin", "Penyusup", [])
    fork.seal()
    state = tmp_path / "cli-witness"
    keeper = Witness(state, "bappeda.example.id/witness")
    keeper.run("http://log.test", public_key_text(honest.key), honest.fetch, post=False)
    monkeypatch.setattr("service.audit.witness_client.http_fetch", fork.fetch)

    result = CliRunner().invoke(
        main,
        ["witness", "--log", "http://log.test", "--public-key", public_key_text(fork.key), "--state", str(state)],
    )

    assert result.exit_code == 2
    assert "REFUSED: split view" in result.stderr


def test_the_service_refuses_a_cosignature_from_an_unknown_witness_or_over_no_checkpoint_of_its_own(
    services: Callable[..., Service], witness: Witness
) -> None:
    service = services("honest", witness.verifier_key())
    service.record(3)
    service.seal()
    done = witness.run("http://log.test", public_key_text(service.key), service.fetch, post=False)
    latest = service.client.get("/api/v1/audit/checkpoints/latest").json
    forged_note = latest["note"].replace("\n3\n", "\n4\n", 1)

    unknown = service.client.post(
        "/api/v1/audit/witnesses/stranger.example/witness/cosignatures",
        json={"checkpoint": latest["note"], "cosignature": done.cosignature},
    )
    over_another = service.client.post(
        "/api/v1/audit/witnesses/inspektorat.example.id/witness/cosignatures",
        json={"checkpoint": forged_note, "cosignature": done.cosignature},
    )

    assert (unknown.status_code, unknown.json["code"]) == (404, "not_found")
    assert (over_another.status_code, over_another.json["code"]) == (422, "cosignature_refused")
    assert service.client.get("/api/v1/audit/checkpoints/latest").json["cosignatures"] == []


def test_verify_requiring_a_witness_fails_when_no_checkpoint_was_cosigned(
    services: Callable[..., Service], witness: Witness
) -> None:
    service = services("honest")
    service.record(3)
    service.seal()
    witnesses = {"inspektorat.example.id/witness": public_key_text(witness.key)}

    report = verify_store(service.ledger.recorder, public_key_text(service.key), (), witnesses, 1)

    assert report.ok is False
    assert report.first_failure is not None and "cosignatures of 1" in report.first_failure.reason


def test_proofs_are_public_and_verify_against_the_signed_checkpoint(services: Callable[..., Service]) -> None:
    service = services("honest")
    service.record(9)
    old = service.seal()
    service.record(4)
    new = service.seal()

    inclusion = service.client.get(f"/api/v1/audit/proofs/inclusion?position=7&tree_size={new.tree_size}").json
    consistency = service.client.get(
        f"/api/v1/audit/proofs/consistency?first={old.tree_size}&second={new.tree_size}"
    ).json

    assert set(inclusion) == {"position", "leaf_index", "tree_size", "leaf_hash", "root_hash", "audit_path"}
    assert set(consistency) == {"first", "second", "first_root", "second_root", "proof"}
    assert verify_inclusion(
        bytes.fromhex(inclusion["leaf_hash"]),
        inclusion["leaf_index"],
        new.tree_size,
        [bytes.fromhex(node) for node in inclusion["audit_path"]],
        bytes.fromhex(new.root_hash),
    )
    assert verify_consistency(
        old.tree_size,
        new.tree_size,
        bytes.fromhex(old.root_hash),
        bytes.fromhex(new.root_hash),
        [bytes.fromhex(node) for node in consistency["proof"]],
    )


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("inclusion?position=1&tree_size=999", 422),
        ("inclusion?position=999&tree_size=5", 422),
        ("inclusion?position=9&tree_size=5", 422),
        ("inclusion?position=0&tree_size=5", 422),
        ("consistency?first=6&second=5", 422),
        ("consistency?first=1&second=999", 422),
        ("consistency?first=x&second=5", 422),
    ],
)
def test_a_proof_of_a_size_or_position_the_log_does_not_have_is_a_problem(
    services: Callable[..., Service], query: str, status: int
) -> None:
    service = services("honest")
    service.record(9)

    answer = service.client.get(f"/api/v1/audit/proofs/{query}")

    assert answer.status_code == status
    assert answer.content_type == "application/problem+json"


class TestFailClosed:
    """`mufakat verify` never prints "ok": true without a trust anchor."""

    @pytest.fixture
    def sealed(self, services: Callable[..., Service]) -> Service:
        service = services("honest")
        service.record(6)
        service.seal()
        return service

    def run(self, service: Service, *args: str, key_file: Path | None = None) -> Any:
        env = {
            "MUFAKAT_DATABASE_URL": service.database_url,
            "MUFAKAT_SECRET_KEY_FILE": str(key_file or service.key_file),
        }
        return CliRunner().invoke(main, ["verify", *args], env=env)

    def test_without_any_anchor_verify_exits_three_and_says_untrusted(self, sealed: Service, tmp_path: Path) -> None:
        result = self.run(sealed, key_file=tmp_path / "no-such.key")

        assert result.exit_code == 3
        assert '"ok": true' not in result.stdout
        assert json.loads(result.stdout)["trust"] == "untrusted"
        assert "untrusted" in result.stderr

    def test_an_export_with_the_key_file_beside_it_is_still_untrusted(self, sealed: Service, tmp_path: Path) -> None:
        export = tmp_path / "log.jsonl"
        with export.open("w", encoding="utf-8") as out:
            write_export(sealed.ledger.recorder, out, public_key_text(sealed.key))

        result = self.run(sealed, "--from-export", str(export))
        anchored = self.run(sealed, "--from-export", str(export), "--public-key", public_key_text(sealed.key))

        assert (result.exit_code, anchored.exit_code) == (3, 0)
        assert '"ok": true' not in result.stdout
        assert json.loads(anchored.stdout)["ok"] is True

    def test_a_kept_checkpoint_is_a_trust_anchor(self, sealed: Service, tmp_path: Path) -> None:
        kept = tmp_path / "kept.json"
        kept.write_text(json.dumps(sealed.client.get("/api/v1/audit/checkpoints").json), encoding="utf-8")

        result = self.run(sealed, "--checkpoint", str(kept), key_file=tmp_path / "no-such.key")

        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)["ok"] is True

    def test_a_failure_found_without_an_anchor_exits_one_and_names_it(self, sealed: Service, tmp_path: Path) -> None:
        import sqlite3

        path = sealed.database_url.removeprefix("sqlite:///")
        with sqlite3.connect(path) as connection:
            connection.execute("UPDATE stored_events SET topic = 'x' WHERE rowid = 3")

        result = self.run(sealed, key_file=tmp_path / "no-such.key")

        assert result.exit_code == 1
        assert json.loads(result.stdout)["first_failure"]["position"] == 3

    def test_help_explains_trust_anchors(self, sealed: Service) -> None:
        result = self.run(sealed, "--help")

        assert "Trust anchors" in result.output and "untrusted" in result.output
        assert os.environ.get("MUFAKAT_LOG_ORIGIN") == ORIGIN


def test_periodic_sealing_does_not_seal_over_a_cosignature_alone(
    services: Callable[..., Service], witness: Witness
) -> None:
    service = services("honest", witness.verifier_key())
    service.record(3)
    service.seal()
    witness.run("http://log.test", public_key_text(service.key), service.fetch)

    again = seal_checkpoint(service.ledger, service.key, only_if_new=True)

    assert again is None


def test_a_new_witness_prints_the_vkey_the_log_operator_configures(tmp_path: Path) -> None:
    state = tmp_path / "new-witness"

    made = CliRunner().invoke(main, ["witness", "--state", str(state), "--name", "ugm.example.ac.id/w", "--print-key"])
    again = CliRunner().invoke(main, ["witness", "--state", str(state), "--print-key"])

    vkey = made.stdout.strip()
    assert made.exit_code == 0 and again.stdout.strip() == vkey
    assert vkey.startswith("ugm.example.ac.id/w+")
    assert list(configured_witnesses(vkey)) == ["ugm.example.ac.id/w"]
