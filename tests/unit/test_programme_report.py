"""A process's programme report: each sealing a new version, never said to be sealed before the latest one."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import uuid4

from domain.programme_report import ProgrammeReport, report_id_of

from .builders import FACILITATOR, assert_refused, moment


def sealing(**more: Any) -> dict[str, Any]:
    return {"log_position": 120, "language": "id", "sha256": "a" * 64, "size": 40960, "figures": {}, **more}


def test_a_process_has_one_report_whose_id_follows_from_the_process() -> None:
    process_id = uuid4()

    report = ProgrammeReport.start(process_id, FACILITATOR, occurred_at=moment())

    assert report.id == report_id_of(process_id) != report_id_of(uuid4())
    assert (report.process_id, report.latest_version, report.sealed()) == (process_id, None, None)


def test_each_sealing_adds_a_version_and_the_earlier_ones_stay() -> None:
    report = ProgrammeReport.start(uuid4(), FACILITATOR, occurred_at=moment())
    first_at, second_at = moment(), moment()

    assert report.seal(**sealing(), actor=FACILITATOR, occurred_at=first_at) == 1
    assert report.seal(**sealing(sha256="b" * 64, log_position=130), actor=FACILITATOR, occurred_at=second_at) == 2

    assert report.latest_version == 2
    assert report.sealed(1) == {
        "report_version": 1,
        "log_position": 120,
        "language": "id",
        "sha256": "a" * 64,
        "size": 40960,
        "figures": {},
        "sealed_at": first_at,
    }
    assert report.sealed()["sha256"] == "b" * 64  # type: ignore[index]
    assert report.sealed(3) is None


def test_a_report_is_never_said_to_be_sealed_before_the_latest_one() -> None:
    report = ProgrammeReport.start(uuid4(), FACILITATOR, occurred_at=moment())
    at = moment()
    report.seal(**sealing(), actor=FACILITATOR, occurred_at=at)

    assert_refused(
        report,
        "occurred_out_of_order",
        lambda: report.seal(**sealing(), actor=FACILITATOR, occurred_at=at - timedelta(minutes=1)),
    )


def test_a_sealing_without_a_real_hash_bytes_or_known_language_is_refused() -> None:
    report = ProgrammeReport.start(uuid4(), FACILITATOR, occurred_at=moment())

    for wrong in ({"sha256": "A" * 64}, {"sha256": "abc"}, {"size": 0}, {"log_position": -1}, {"language": "jv"}):
        assert_refused(
            report,
            "value_not_allowed",
            lambda w=wrong: report.seal(**sealing(**w), actor=FACILITATOR, occurred_at=moment()),  # type: ignore[misc]
        )
