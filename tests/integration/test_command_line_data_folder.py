"""Every command of `mufakat`, run with nothing set, meets the others in one ledger outside the working directory."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from service.cli.main import main


@pytest.fixture
def clone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A clone of the source as the working directory, with no setting of Mufakat in the environment."""
    folder = tmp_path / "mufakat-clone"
    folder.mkdir()
    monkeypatch.chdir(folder)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    for name in ("MUFAKAT_DATABASE_URL", "MUFAKAT_SECRET_KEY_FILE", "MUFAKAT_WEB_SESSION_KEY_FILE"):
        monkeypatch.delenv(name, raising=False)
    return folder


@pytest.fixture
def data_folder(tmp_path: Path) -> Path:
    return tmp_path / "state" / "mufakat"


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def test_the_demo_then_the_tokens_meet_in_the_data_folder_and_leave_nothing_in_the_clone(
    clone: Path, data_folder: Path
) -> None:
    recorded = run("demo")
    assert recorded.exit_code == 0, recorded.output

    listed = run("token", "list")
    assert listed.exit_code == 0, listed.output
    assert [json.loads(line)["name"] for line in listed.stdout.splitlines()] == ["Fasilitator Demo"]

    # The demo sealed berita acara with the service's key: it, the ledger and its keys are in the data folder.
    assert {"mufakat.db", "mufakat.keys.db", "mufakat-signing.key"} <= {path.name for path in data_folder.iterdir()}
    assert data_folder.stat().st_mode & 0o777 == 0o700
    assert list(clone.iterdir()) == []


def test_a_ledger_left_in_the_working_directory_stays_the_ledger_and_every_command_says_so(
    clone: Path, data_folder: Path
) -> None:
    # Before the data folder, the quick start made its ledger and key here.
    assert run("demo").exit_code == 0
    for name in ("mufakat.db", "mufakat.keys.db", "mufakat-signing.key"):
        (data_folder / name).rename(clone / name)

    listed = run("token", "list")

    assert listed.exit_code == 0, listed.output
    assert [json.loads(line)["name"] for line in listed.stdout.splitlines()] == ["Fasilitator Demo"]
    notice = listed.stderr.strip()
    assert f"the ledger is {clone / 'mufakat.db'}" in notice
    assert f"new installations keep it in {data_folder}/" in notice
    assert len(notice.splitlines()) == 1
    assert not (data_folder / "mufakat.db").exists()  # no empty ledger started beside the existing one


def test_verifying_a_file_without_a_ledger_names_the_data_folder_and_creates_no_ledger(
    clone: Path, data_folder: Path
) -> None:
    pdf = clone.parent / "berita-acara.pdf"
    pdf.write_bytes(b"%PDF-1.7\n")

    refused = run("verify-minutes", str(pdf))

    assert refused.exit_code == 1
    assert f"no mufakat.db in the data folder {data_folder}/ nor in this folder" in refused.output
    assert not (data_folder / "mufakat.db").exists()
    assert list(clone.iterdir()) == []
