"""The HTTP tests' app signs with a key in the test's own folder: none is left in the working directory."""

from __future__ import annotations

from pathlib import Path

import pytest
from http_callers import Caller


def test_the_signing_key_is_made_in_the_tests_folder_not_the_working_directory(
    auditor: Caller, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    working_directory = tmp_path / "working-directory"
    working_directory.mkdir()
    monkeypatch.chdir(working_directory)

    assert auditor.get("/audit/public-key").status_code == 200  # the signing key is made on first use

    assert (tmp_path / "mufakat-signing.key").exists()
    assert list(working_directory.iterdir()) == []
