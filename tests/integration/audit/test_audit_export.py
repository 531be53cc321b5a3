"""An export verifies on a machine with no database, and catches what the database verifier catches."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from audit_support import (
    RawLog,
    SealedLog,
    SealedLogContract,
    SealedTemplate,
    copied_postgres_template,
    copy_sqlite_template,
)

from service.app.application import Mufakat
from service.audit.export import verify_export, write_export
from service.audit.verify import verify_store


def export_lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def write_lines(path: Path, lines: list[dict[str, object]]) -> None:
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")


class ExportContract(SealedLogContract):
    """The tests; each subclass names the database the export comes from."""

    @pytest.fixture
    def exported(self, ledger: Mufakat, tmp_path: Path, trusted: str) -> Path:
        path = tmp_path / "export.jsonl"
        with path.open("w", encoding="utf-8") as out:
            write_export(ledger.recorder, out, trusted)
        return path

    def test_an_export_holds_every_event_then_every_checkpoint(self, exported: Path, log: SealedLog) -> None:
        lines = export_lines(exported)

        kinds = [line["type"] for line in lines]
        assert kinds == ["header"] + ["event"] * log.last_position + ["checkpoint"]
        assert [line["position"] for line in lines[1:-1]] == list(range(1, log.last_position + 1))
        assert lines[-1]["position"] == log.sealed_position
        assert set(lines[1]) >= {"position", "originator_id", "version", "topic", "state", "hash", "root"}

    def test_an_export_verifies_without_a_database(self, exported: Path, log: SealedLog, trusted: str) -> None:
        report = verify_export(exported, trusted)

        assert report.as_dict()["first_failure"] is None
        # The checkpoint line repeats the checkpoint event in the file: it is checked once, as that event.
        assert (report.ok, report.events_checked, report.checkpoints_checked) == (True, log.last_position, 1)

    def test_a_changed_state_in_an_export_is_found_at_its_position(
        self, exported: Path, trusted: str, tmp_path: Path
    ) -> None:
        lines = export_lines(exported)
        state = base64.b64decode(str(lines[25]["state"]))
        changed = state.replace(
            b'"timestamp":{"_type_":"datetime_iso","_data_":"2', b'"timestamp":{"_type_":"datetime_iso","_data_":"1'
        )
        assert changed != state
        lines[25]["state"] = base64.b64encode(changed).decode()
        write_lines(exported, lines)

        report = verify_export(exported, trusted)

        assert report.first_failure is not None and report.first_failure.position == lines[25]["position"]

    def test_an_export_cut_short_after_its_checkpoint_is_found(
        self, exported: Path, log: SealedLog, trusted: str
    ) -> None:
        lines = export_lines(exported)
        kept = [line for line in lines if line["type"] in ("header", "checkpoint")]
        events = [line for line in lines if line["type"] == "event"][: log.sealed_position - 20]
        write_lines(exported, [kept[0], *events, *kept[1:]])

        report = verify_export(exported, trusted)

        assert report.first_failure is not None and report.first_failure.position == log.sealed_position
        assert "cut off" in report.first_failure.reason

    def test_an_export_cut_short_without_checkpoints_is_found_by_its_header(
        self, exported: Path, log: SealedLog, trusted: str
    ) -> None:
        lines = export_lines(exported)
        write_lines(exported, lines[: log.last_position - 5])

        report = verify_export(exported, trusted)

        assert report.first_failure is not None and report.first_failure.position == log.last_position
        assert "header says" in report.first_failure.reason

    def test_an_empty_file_is_not_a_verified_export(self, exported: Path, trusted: str) -> None:
        exported.write_text("", encoding="utf-8")

        report = verify_export(exported, trusted)

        assert report.ok is False
        assert report.first_failure is not None and "not a Mufakat audit export" in report.first_failure.reason

    def test_a_line_that_is_not_json_is_a_reported_failure(self, exported: Path, trusted: str) -> None:
        text = exported.read_text(encoding="utf-8").splitlines()
        text[10] = text[10][:40]
        exported.write_text("\n".join(text) + "\n", encoding="utf-8")

        report = verify_export(exported, trusted)

        assert report.first_failure is not None and report.first_failure.position == 10
        assert "line 11" in report.first_failure.reason

    def test_an_export_repeating_an_event_is_a_reported_failure(self, exported: Path, trusted: str) -> None:
        lines = export_lines(exported)
        duplicate = dict(lines[30], position=10_000)
        write_lines(exported, [*lines[:-1], duplicate, lines[-1]])

        report = verify_export(exported, trusted)

        assert report.first_failure is not None and report.first_failure.position == 10_000

    @pytest.mark.parametrize(
        "tamper",
        [
            "flip_state_byte",
            "set_hash",
            "delete_event_keeping_its_hash",
            "delete_event_and_its_hash",
            "swap",
            "rewrite_history_and_every_hash",
        ],
    )
    def test_the_database_and_its_export_name_the_same_first_failing_position(
        self, ledger: Mufakat, raw: RawLog, tmp_path: Path, trusted: str, tamper: str
    ) -> None:
        {
            "flip_state_byte": lambda: raw.flip_state_byte(40),
            "set_hash": lambda: raw.set_hash(40, bytes(32)),
            "delete_event_keeping_its_hash": lambda: raw.delete_event(40, with_hash=False),
            "delete_event_and_its_hash": lambda: raw.delete_event(40, with_hash=True),
            "swap": lambda: raw.swap(40, 41),
            "rewrite_history_and_every_hash": lambda: (raw.flip_state_byte(40), raw.rewrite_chain()),
        }[tamper]()
        path = tmp_path / "tampered.jsonl"
        with path.open("w", encoding="utf-8") as out:
            write_export(ledger.recorder, out, trusted)

        in_database = verify_store(ledger.recorder, trusted)
        in_export = verify_export(path, trusted)

        assert in_database.first_failure is not None and in_export.first_failure is not None
        assert in_export.first_failure.position == in_database.first_failure.position


class TestExportFromSQLite(ExportContract):
    """Exports of an SQLite log."""

    @pytest.fixture
    def template(self, sqlite_sealed_template: SealedTemplate) -> SealedTemplate:
        return sqlite_sealed_template

    @pytest.fixture
    def database_url(self, template: SealedTemplate, tmp_path: Path) -> str:
        return copy_sqlite_template(template, tmp_path)


@pytest.mark.postgres
class TestExportFromPostgreSQL(ExportContract):
    """Exports of a PostgreSQL log."""

    @pytest.fixture
    def template(self, postgres_sealed_template: SealedTemplate) -> SealedTemplate:
        return postgres_sealed_template

    @pytest.fixture
    def database_url(self, template: SealedTemplate) -> Iterator[str]:
        with copied_postgres_template(template) as url:
            yield url
