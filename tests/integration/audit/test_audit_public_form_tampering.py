"""Red team of issue 17, item 12: the public forms beside the log (`event_public_forms`) are a table an operator
can edit like any other. SQLite keeps any type in any column, and a public form or salt rewritten as text made
`mufakat verify` stop with a traceback instead of a report: a salt that is not UTF-8 text stopped the read
itself, a text of other words stopped the hashing. Both are now read as bytes: the same bytes still verify,
other words are a failure named at their event."""

from __future__ import annotations

from pathlib import Path

import pytest
from audit_support import RawLog, SealedLog, SealedLogContract, SealedTemplate, copy_sqlite_template
from click.testing import CliRunner

from service.app.application import Mufakat
from service.audit.verify import verify_store
from service.cli.main import main


class TestPublicFormTamperingOnSQLite(SealedLogContract):
    """Public forms and salts edited in an SQLite file."""

    @pytest.fixture
    def template(self, sqlite_sealed_template: SealedTemplate) -> SealedTemplate:
        return sqlite_sealed_template

    @pytest.fixture
    def database_url(self, template: SealedTemplate, tmp_path: Path) -> str:
        return copy_sqlite_template(template, tmp_path)

    @pytest.fixture
    def first_with_public_form(self, raw: RawLog) -> int:
        """The position of the first event hashed with its public form (event hash v2)."""
        return int(raw._run("SELECT min(notification_id) FROM event_public_forms")[0][0])

    @pytest.mark.parametrize("column", ["public_form", "salt"])
    def test_the_same_bytes_stored_as_text_still_verify(
        self, ledger: Mufakat, log: SealedLog, raw: RawLog, trusted: str, first_with_public_form: int, column: str
    ) -> None:
        raw._run(
            f"UPDATE event_public_forms SET {column} = CAST({column} AS TEXT) WHERE notification_id = ?",
            (first_with_public_form,),
        )

        report = verify_store(ledger.recorder, trusted_key=trusted)

        assert (report.ok, report.first_failure) == (True, None)

    @pytest.mark.parametrize("column", ["public_form", "salt"])
    def test_other_words_stored_as_text_are_a_failure_at_their_event(
        self, ledger: Mufakat, log: SealedLog, raw: RawLog, trusted: str, first_with_public_form: int, column: str
    ) -> None:
        raw._run(
            f"UPDATE event_public_forms SET {column} = ? WHERE notification_id = ?",
            ('{"outcome": "rejected"}', first_with_public_form),
        )

        report = verify_store(ledger.recorder, trusted_key=trusted)

        assert report.ok is False
        assert report.first_failure is not None and report.first_failure.position == first_with_public_form

    def test_the_command_line_names_the_position_instead_of_a_traceback(
        self, database_url: str, raw: RawLog, trusted: str, first_with_public_form: int
    ) -> None:
        raw._run(
            "UPDATE event_public_forms SET public_form = ? WHERE notification_id = ?",
            ('{"outcome": "rejected"}', first_with_public_form),
        )

        result = CliRunner().invoke(
            main, ["verify", "--public-key", trusted], env={"MUFAKAT_DATABASE_URL": database_url}
        )

        assert result.exit_code == 1, result.output
        assert not isinstance(result.exception, TypeError)
        assert f'"position": {first_with_public_form}' in result.output
