"""Monitoring a commitment over HTTP: indicators agreed with the community against their targets, money spent
against the budget (decimal strings, never floats), evidence files, and the promises that are late."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from http_callers import Caller, Village
from PIL import Image

WATER = {
    "owner": "Kaur Pembangunan",
    "description": "Air bersih untuk dusun 2.",
    "due": "2027-09-30",
    "objectives": ["Semua rumah dusun 2 mendapat air bersih"],
    "indicators": [
        "Bak penampung selesai",
        {
            "name": "Rumah tersambung",
            "unit": "rumah",
            "baseline": "10",
            "target": 60,
            "means_of_verification": "Daftar sambungan",
        },
    ],
    "budget": "85000000.00",
}


def photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 24), (20, 120, 200)).save(out, format="JPEG")
    return out.getvalue()


def upload(caller: Caller, commitment_id: str, content: bytes, **headers: str) -> Any:
    return caller.client.post(
        f"/api/v1/commitments/{commitment_id}/evidence",
        data={"file": (io.BytesIO(content), "pipa.jpg")},
        content_type="multipart/form-data",
        headers=caller._headers(headers),
    )


@pytest.fixture
def water(village: Village, facilitator: Caller, adopt: Callable[[Village], dict[str, Any]]) -> dict[str, Any]:
    adopt(village)
    return facilitator.created(f"{village.proposal}/commitments", WATER)


@pytest.mark.both_stores
def test_a_commitment_shows_each_indicator_against_its_target_and_spending_against_its_budget(
    water: dict[str, Any], facilitator: Caller
) -> None:
    assert water["objectives"] == ["Semua rumah dusun 2 mendapat air bersih"]
    assert water["indicators"] == ["Bak penampung selesai", "Rumah tersambung"]
    assert water["spending"] == {"budget": "85000000.00", "spent": "0", "remaining": "85000000.00"}
    path = f"/commitments/{water['id']}"

    facilitator.ok(
        f"{path}/progress",
        {"percent": 30, "note": "Pipa utama.", "spent": "20000000.25", "indicator_values": {"Rumah tersambung": "22"}},
    )
    second = facilitator.ok(
        f"{path}/progress",
        {"percent": 50, "note": "Sambungan.", "spent": 15000000.5, "indicator_values": {"Rumah tersambung": 35}},
    )

    assert second["spending"] == {"budget": "85000000.00", "spent": "35000000.75", "remaining": "49999999.25"}
    connected = second["indicators_against_targets"][1]
    assert (connected["name"], connected["baseline"], connected["target"], connected["latest"]) == (
        "Rumah tersambung",
        "10",
        "60",
        "35",
    )
    assert connected["unit"] == "rumah" and connected["reported_at"] is not None
    assert second["indicators_against_targets"][0]["latest"] is None
    assert facilitator.get(path).get_json() == second
    assert second["overdue"] is False


def test_a_value_for_an_indicator_the_commitment_does_not_have_is_refused_in_indonesian(
    water: dict[str, Any], facilitator: Caller
) -> None:
    answer = facilitator.post(
        f"/commitments/{water['id']}/progress",
        {"percent": 10, "note": "x", "indicator_values": {"Panjang jalan": "3"}},
        headers={"Accept-Language": "id"},
    )
    assert (answer.status_code, answer.get_json()["code"]) == (409, "indicator_unknown")
    assert "indikator" in answer.get_json()["detail"]
    assert facilitator.get(f"/commitments/{water['id']}").get_json()["reports"] == 0


@pytest.mark.parametrize("spent", ["-5", "banyak", "NaN", True, "1e30"])
def test_money_that_is_not_a_decimal_amount_is_refused(water: dict[str, Any], facilitator: Caller, spent: Any) -> None:
    answer = facilitator.post(f"/commitments/{water['id']}/progress", {"percent": 10, "note": "x", "spent": spent})
    assert (answer.status_code, answer.get_json()["code"]) == (422, "validation_failed")
    assert "spent" in answer.get_json()["errors"]


@pytest.mark.parametrize(
    ("field", "change"),
    [
        ("budget", {"budget": "1e6000000"}),
        ("budget", {"budget": "1E+3"}),
        ("budget", {"budget": "1_000"}),
        ("budget", {"budget": "\uff11\uff10\uff10"}),
        ("budget", {"budget": "Infinity"}),
        ("indicators", {"indicators": [{"name": "Rumah tersambung", "target": "1e6000000"}]}),
        ("indicators", {"indicators": [{"name": "Rumah tersambung", "baseline": "-1e6000000"}]}),
        ("indicators", {"indicators": [{"name": "Rumah tersambung", "target": "1_000"}]}),
    ],
)
def test_a_commitment_s_decimal_too_large_to_compute_or_not_plainly_written_is_refused_naming_it(
    field: str, change: dict[str, Any], village: Village, facilitator: Caller, adopt: Any
) -> None:
    adopt(village)

    answer = facilitator.post(f"{village.proposal}/commitments", {**WATER, **change})

    assert (answer.status_code, answer.get_json()["code"]) == (422, "validation_failed")
    assert list(answer.get_json()["errors"]) == [field]


@pytest.mark.parametrize(
    ("field", "change"),
    [
        ("spent", {"spent": "-1e1000000"}),
        ("spent", {"spent": "1e1000000"}),
        ("spent", {"spent": "1E+3"}),
        ("indicator_values", {"indicator_values": {"Rumah tersambung": "1e1000000"}}),
        ("indicator_values", {"indicator_values": {"Rumah tersambung": "\u0663"}}),
    ],
)
def test_a_progress_report_s_decimal_too_large_to_compute_or_not_plainly_written_is_refused_naming_it(
    field: str, change: dict[str, Any], water: dict[str, Any], facilitator: Caller
) -> None:
    answer = facilitator.post(f"/commitments/{water['id']}/progress", {"percent": 10, "note": "x", **change})

    assert (answer.status_code, answer.get_json()["code"]) == (422, "validation_failed")
    assert list(answer.get_json()["errors"]) == [field]
    assert facilitator.get(f"/commitments/{water['id']}").get_json()["reports"] == 0


def test_an_indicator_named_twice_is_refused(village: Village, facilitator: Caller, adopt: Any) -> None:
    adopt(village)
    body = {**WATER, "indicators": ["Rumah tersambung", {"name": "Rumah tersambung", "target": "60"}]}
    answer = facilitator.post(f"{village.proposal}/commitments", body)
    assert (answer.status_code, answer.get_json()["code"]) == (409, "indicator_unknown")


def test_an_indicator_that_is_neither_a_name_nor_an_object_is_refused(
    village: Village, facilitator: Caller, adopt: Any
) -> None:
    adopt(village)
    for indicator in (7, {"unit": "rumah"}, {"name": "x", "target": "enam"}, {"name": "x", "colour": "red"}):
        answer = facilitator.post(f"{village.proposal}/commitments", {**WATER, "indicators": [indicator]})
        assert (answer.status_code, answer.get_json()["code"]) == (422, "validation_failed"), indicator


@pytest.mark.both_stores
def test_a_progress_report_cites_an_evidence_file_attached_first(water: dict[str, Any], facilitator: Caller) -> None:
    path = f"/commitments/{water['id']}"
    missing = facilitator.post(f"{path}/progress", {"percent": 10, "note": "x", "evidence": ["a" * 64]})
    assert (missing.status_code, missing.get_json()["code"]) == (409, "evidence_not_attached")

    attached = upload(facilitator, water["id"], photo())
    assert attached.status_code == 201, attached.get_json()
    sha256 = attached.get_json()["sha256"]
    assert attached.get_json()["evidence"][0]["sha256"] == sha256
    again = upload(facilitator, water["id"], photo(), **{"Idempotency-Key": "bukti-1"})
    assert again.status_code == 201 and len(again.get_json()["evidence"]) == 1

    reported = facilitator.ok(f"{path}/progress", {"percent": 10, "note": "Pipa.", "evidence": [sha256]})
    assert reported["reports"] == 1
    served = facilitator.get(f"{path}/evidence/{sha256}")
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    assert facilitator.get(f"{path}/evidence/{'b' * 64}").status_code == 404


def test_a_file_that_is_not_evidence_is_refused(water: dict[str, Any], facilitator: Caller) -> None:
    answer = upload(facilitator, water["id"], b"<html>bukan foto</html>")
    assert answer.status_code in (415, 422) and answer.get_json()["code"]
    assert facilitator.get(f"/commitments/{water['id']}").get_json()["evidence"] == []


def test_someone_who_may_not_write_to_the_process_attaches_nothing(
    water: dict[str, Any], partner: Caller, facilitator: Caller
) -> None:
    answer = upload(partner, water["id"], photo())
    assert answer.status_code in (403, 404)
    assert facilitator.get(f"/commitments/{water['id']}").get_json()["evidence"] == []


@pytest.mark.both_stores
def test_a_commitment_past_its_due_date_before_completion_is_listed_as_overdue(
    village: Village, facilitator: Caller, adopt: Callable[[Village], dict[str, Any]]
) -> None:
    adopt(village)
    late = facilitator.created(f"{village.proposal}/commitments", {**WATER, "due": "2020-01-31"})
    done = facilitator.created(f"{village.proposal}/commitments", {**WATER, "due": "2020-02-28"})
    facilitator.ok(f"/commitments/{done['id']}/progress", {"percent": 100, "note": "Selesai."})
    facilitator.created(f"{village.proposal}/commitments", WATER)

    assert late["overdue"] is True
    listed = facilitator.get(f"/processes/{village.process_id}/commitments", status="overdue").get_json()
    assert [item["id"] for item in listed["items"]] == [late["id"]]
    assert facilitator.get(f"/commitments/{done['id']}").get_json()["overdue"] is False


def test_a_progress_report_with_a_stale_version_is_refused_and_a_retry_records_once(
    water: dict[str, Any], facilitator: Caller
) -> None:
    path = f"/commitments/{water['id']}/progress"
    at = (datetime.now(UTC) + timedelta(seconds=2)).replace(microsecond=0)
    body = {"percent": 10, "note": "x", "spent": "100", "occurred_at": at.isoformat()}
    stale = facilitator.post(path, body, headers={"If-Match": '"7"'})
    assert (stale.status_code, stale.get_json()["code"]) == (412, "version_mismatch")
    first = facilitator.post(path, body, headers={"Idempotency-Key": "laporan-1"})
    second = facilitator.post(path, body, headers={"Idempotency-Key": "laporan-1"})
    assert first.status_code == second.status_code == 200
    assert second.get_json()["spending"]["spent"] == "100" and second.get_json()["reports"] == 1
    assert second.get_json()["version"] == 2
    late = facilitator.post(path, {**body, "occurred_at": "2020-01-01T09:00:00+07:00"})
    assert (late.status_code, late.get_json()["code"]) == (409, "occurred_out_of_order")


def test_the_portal_shows_residents_the_late_promises_and_spending_against_budget(
    village: Village, facilitator: Caller, adopt: Callable[[Village], dict[str, Any]]
) -> None:
    adopt(village)
    late = facilitator.created(
        f"{village.proposal}/commitments", {**WATER, "description": "Talud dusun 3.", "due": "2020-01-31"}
    )
    facilitator.ok(
        f"/commitments/{late['id']}/progress",
        {"percent": 40, "note": "Batu datang.", "spent": "1250000.50", "indicator_values": {"Rumah tersambung": "12"}},
    )
    facilitator.created(f"{village.proposal}/commitments", {**WATER, "description": "Sumur bor."})

    page = facilitator.client.get(f"/proses/{village.process_id}", headers={"Accept-Language": "id"})
    text = page.get_data(as_text=True)

    assert page.status_code == 200
    late_list = text.split("Janji yang terlambat", 1)[1].split("</ul>", 1)[0]
    assert "Talud dusun 3." in late_list and "Sumur bor." not in late_list
    assert "Terpakai Rp 1.250.000,50 dari anggaran Rp 85.000.000" in text  # grouped as Indonesians write money
    assert "Rumah tersambung: 12 / 60 rumah" in text
