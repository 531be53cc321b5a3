"""The `mufakat` command line: token create, list and revoke, demo, and serve as a real gunicorn process."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from uuid import UUID

import pytest
from click.testing import CliRunner, Result

from domain.actor import Actor
from domain.process import Process
from domain.proposal import Proposal
from service.adapters.storage import persistence_settings
from service.app import queries
from service.app.access import ANONYMOUS, Principal
from service.app.application import Mufakat
from service.app.assessments import assessments_of, findings_of
from service.cli.demo import DEMO_PARTNERS
from service.cli.main import main

RunCli = Callable[..., Result]


@pytest.fixture
def run_cli(sqlite_database_url: str, tmp_path: Path) -> RunCli:
    runner = CliRunner()
    # `mufakat demo` seals berita acara with the service's key: a key of this test's own, not one in the checkout.
    env = {"MUFAKAT_DATABASE_URL": sqlite_database_url, "MUFAKAT_SECRET_KEY_FILE": str(tmp_path / "signing.key")}

    def run(*args: str) -> Result:
        return runner.invoke(main, list(args), env=env)

    return run


@pytest.fixture
def read_ledger(sqlite_database_url: str) -> Iterator[Mufakat]:
    ledger = Mufakat(env=persistence_settings(sqlite_database_url))
    yield ledger
    ledger.close()


_READER = Principal(actor=Actor(id="test-auditor", role="auditor", name="Inspektorat"))


def last_line(result: Result) -> str:
    return result.output.strip().splitlines()[-1]


def test_token_create_prints_a_token_that_authenticates_with_its_role_and_name(
    run_cli: RunCli, read_ledger: Mufakat
) -> None:
    result = run_cli("token", "create", "--role", "auditor", "--name", "Inspektorat Kabupaten Banyumas")

    assert result.exit_code == 0, result.output
    principal = read_ledger.tokens.authenticate(last_line(result))
    assert principal is not None
    assert (principal.role, principal.actor.name) == ("auditor", "Inspektorat Kabupaten Banyumas")


def test_token_create_gives_the_named_processes(run_cli: RunCli, read_ledger: Mufakat) -> None:
    demo = run_cli("demo")
    process_id = UUID(next(line.split()[-1] for line in demo.output.splitlines() if line.startswith("process:")))

    result = run_cli("token", "create", "--role", "partner", "--name", "Bappeda", "--process", str(process_id))

    assert result.exit_code == 0, result.output
    principal = read_ledger.tokens.authenticate(last_line(result))
    assert principal is not None and principal.processes == frozenset({process_id})


@pytest.mark.parametrize(
    ("args", "complaint"),
    [
        (["--role", "kepala", "--name", "X"], "'kepala' is not one of"),
        (["--role", "partner", "--name", "X", "--process", "8f2c6f0e-3d0b-4c8e-9c55-0d5f1e0b8a11"], "no process"),
        (["--role", "partner", "--name", "X", "--process", "bukan-uuid"], "not a valid UUID"),
        (["--role", "partner", "--name", "  "], "must not be empty"),
    ],
)
def test_token_create_refuses_an_unknown_role_or_process_and_issues_nothing(
    run_cli: RunCli, args: list[str], complaint: str
) -> None:
    result = run_cli("token", "create", *args)

    assert result.exit_code == 2
    assert complaint in result.output
    assert "mfk_" not in result.output


def test_token_create_with_an_expiry_makes_a_token_that_ends_then(run_cli: RunCli, read_ledger: Mufakat) -> None:
    result = run_cli(
        "token", "create", "--role", "auditor", "--name", "Inspektorat", "--expires-at", "2030-06-30T17:00:00+07:00"
    )

    assert result.exit_code == 0, result.output
    assert "expires 2030-06-30T10:00:00+00:00" in result.output
    secret = last_line(result)
    assert read_ledger.tokens.authenticate(secret) is not None
    read_ledger.clock = lambda: datetime(2030, 6, 30, 10, tzinfo=UTC)
    assert read_ledger.tokens.authenticate(secret) is None


@pytest.mark.parametrize("moment", ["2030-06-30T17:00:00", "besok", "9999-12-31T23:59:59+00:00"])
def test_token_create_refuses_an_expiry_without_offset_or_out_of_bounds(run_cli: RunCli, moment: str) -> None:
    result = run_cli("token", "create", "--role", "auditor", "--name", "X", "--expires-at", moment)

    assert result.exit_code == 2
    assert "--expires-at" in result.output
    assert "mfk_" not in result.output


def test_token_list_prints_each_token_without_its_secret(run_cli: RunCli) -> None:
    secret = last_line(run_cli("token", "create", "--role", "auditor", "--name", "Inspektorat Kabupaten Banyumas"))
    run_cli("token", "create", "--role", "partner", "--name", "Bappeda", "--expires-at", "2030-01-01T00:00:00Z")

    result = run_cli("token", "list")

    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.output.strip().splitlines()]
    assert [(r["role"], r["name"], r["expires_at"], r["revoked"]) for r in records] == [
        ("auditor", "Inspektorat Kabupaten Banyumas", None, False),
        ("partner", "Bappeda", "2030-01-01T00:00:00+00:00", False),
    ]
    assert secret not in result.output and "digest" not in result.output


def test_token_revoke_ends_a_token_at_once_and_says_whose_it_was(run_cli: RunCli, read_ledger: Mufakat) -> None:
    secret = last_line(run_cli("token", "create", "--role", "auditor", "--name", "Inspektorat"))
    principal = read_ledger.tokens.authenticate(secret)
    assert principal is not None and principal.token_record_id is not None

    result = run_cli("token", "revoke", str(principal.token_record_id))

    assert result.exit_code == 0, result.output
    assert "Revoked the token of 'Inspektorat'" in result.output
    assert read_ledger.tokens.authenticate(secret) is None
    listed = json.loads(run_cli("token", "list").output.strip())
    assert listed["revoked"] is True and listed["revoked_at"] is not None


def test_token_revoke_refuses_an_unknown_token(run_cli: RunCli) -> None:
    result = run_cli("token", "revoke", "8f2c6f0e-3d0b-4c8e-9c55-0d5f1e0b8a11")

    assert result.exit_code == 2
    assert "no token" in result.output


def test_demo_records_the_sample_process_and_prints_a_facilitator_token_that_holds_it(
    run_cli: RunCli, read_ledger: Mufakat
) -> None:
    result = run_cli("demo")

    assert result.exit_code == 0, result.output
    summary = dict(line.split(":", 1) for line in result.output.splitlines()[1:-1])
    process_id = UUID(summary["process"].strip())
    assert int(summary["events recorded"]) > 100
    # the cycle after the decisions: its partners, the score card, the complaint and the land dispute
    counts = [int(summary[label]) for label in ("partners", "score cards", "complaints", "disputes")]
    assert counts == [len(DEMO_PARTNERS), 1, 1, 1]
    assert float(summary["seconds"]) > 0
    facilitator = read_ledger.tokens.authenticate(last_line(result).split()[-1])
    assert facilitator is not None and facilitator.role == "facilitator"
    process = queries.readable_process(read_ledger, process_id, facilitator)
    assert isinstance(process, Process)
    assert process.title == "Musrenbang Desa Sukamaju 2027"
    assert facilitator.may_write(process_id)
    assert len(process.participant_ids) >= 12


def test_the_demo_shows_a_musdes_typed_in_from_paper_with_dissent_a_withdrawal_an_erratum_and_an_annulment(
    run_cli: RunCli, read_ledger: Mufakat
) -> None:
    result = run_cli("demo")

    summary = {
        label.strip(): value.strip()
        for label, value in (line.split(":", 1) for line in result.output.splitlines()[1:-1])
    }
    blt = queries.readable(read_ledger, Proposal, UUID(summary["proposal annulled_then_redecided"]), _READER)
    withdrawn = queries.readable(read_ledger, Proposal, UUID(summary["proposal withdrawn"]), _READER)
    musdes = queries.readable_process(read_ledger, blt.process_id, _READER)
    assert (musdes.rules.consensus, withdrawn.status) == ("consent", "withdrawn")
    assert blt.decision is not None and blt.decision.decided_at.date().isoformat() == "2026-09-19"
    first = blt.annulled_decisions[0]
    assert first.decision.decided_at.date().isoformat() == "2026-09-05"
    assert next(iter(blt.checks.values())).tally == {**(next(iter(blt.checks.values())).tally or {}), "dissent": 1}
    assert blt.title.endswith("40 KPM") and blt.corrected(1, "title") is not None


def test_the_demo_starts_the_cycle_with_an_fgd_and_a_transect_whose_findings_its_proposals_answer(
    run_cli: RunCli, read_ledger: Mufakat
) -> None:
    result = run_cli("demo")

    summary = dict(line.split(":", 1) for line in result.output.splitlines()[1:-1])
    process_id = UUID(summary["process"].strip())
    assert int(summary["assessments"]) == 2
    found, _ = assessments_of(read_ledger, ANONYMOUS, process_id, 0, 10)
    assert sorted(item.method for item in found) == ["fgd", "transect"]
    fgd = next(item for item in found if item.method == "fgd")
    assert {row["group"] for row in fgd.respondents} >= {"women", "resident"}  # the women's group and the fishers
    assert {"group": "elderly", "gender": None, "count": "<3"} in fgd.respondents  # two: suppressed for outsiders
    transect = next(item for item in found if item.method == "transect")
    assert [item["media_type"] for item in transect.evidence] == ["image/png"]  # its sketch, cited
    findings = findings_of(read_ledger, ANONYMOUS, process_id, 0, 100)["items"]
    adopted = {str(UUID(summary[f"proposal {key}"].strip())) for key in ("adopted_by_consensus", "adopted_by_vote")}
    answered = [item for item in findings if set(item["answered_by"]) & adopted]
    assert {"women", "resident", "disability"} <= {group for item in answered for group in item["groups"]}
    gap = findings_of(read_ledger, ANONYMOUS, process_id, 0, 100, unanswered=True)
    unanswered_women = [item["title"] for item in gap["items"] if "women" in item["groups"]]
    assert unanswered_women == ["Ruang laktasi dan penitipan anak di balai desa"]
    assert gap["by_group"]["women"] == 1


def test_running_the_demo_twice_records_two_processes(run_cli: RunCli, read_ledger: Mufakat) -> None:
    first, second = run_cli("demo"), run_cli("demo")

    assert (first.exit_code, second.exit_code) == (0, 0)
    assert first.output.splitlines()[1] != second.output.splitlines()[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def health_status(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return int(response.status)
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def test_serve_answers_health_on_the_default_sqlite_file_in_the_data_folder_and_stops_cleanly(tmp_path: Path) -> None:
    # The README's quick start: `mufakat serve` from a clone, nothing set; a state folder of the test's own.
    clone, state = tmp_path / "clone", tmp_path / "state"
    clone.mkdir()
    port = free_port()
    executable = Path(sys.executable).with_name("mufakat")
    run_in_python = [sys.executable, "-c", "from service.cli.main import main; main()"]
    command = [str(executable)] if executable.exists() else run_in_python
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MUFAKAT_", "PROMETHEUS_"))}
    env["XDG_STATE_HOME"] = str(state)
    log = tmp_path / "serve.log"
    with log.open("wb") as output:
        server = subprocess.Popen(
            [*command, "serve", "--port", str(port), "--workers", "1"],
            cwd=clone,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            url = f"http://127.0.0.1:{port}/api/v1/health?token=rahasia-jangan-dicatat"
            deadline = time.monotonic() + 30
            status = None
            while status != 200 and time.monotonic() < deadline and server.poll() is None:
                status = health_status(url)
                if status != 200:
                    time.sleep(0.1)
        finally:
            server.send_signal(signal.SIGTERM)
            returncode = server.wait(timeout=40)

    logged = log.read_text()
    assert status == 200, logged
    assert returncode == 0, logged
    data_folder = state / "mufakat"
    assert (data_folder / "mufakat.db").exists()
    assert (data_folder / "mufakat.keys.db").exists()
    assert data_folder.stat().st_mode & 0o777 == 0o700
    assert f"Mufakat serving sqlite:///{data_folder}/mufakat.db on" in logged
    assert f"signing key: {data_folder}/mufakat-signing.key" in logged
    assert list(clone.iterdir()) == []  # no ledger, key nor lock in the source tree
    assert "rahasia-jangan-dicatat" not in logged
