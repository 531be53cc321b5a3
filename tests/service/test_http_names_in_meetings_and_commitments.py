"""Red team of issue 17, item 6: a meeting's title and place and a commitment's owner and indicators are read by
everyone (portal, feed, Atom, CSV, the partner's meeting JSON), yet a participant's name typed into them was
published. They are refused like every other public statement, unless the body says the names are public.

The village's register (`http_callers.NAMES`): Ibu Siti Aminah, Pak Budi Santoso, Mbak Dewi Lestari, Mas Agus Salim.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask.testing import FlaskClient
from http_callers import Caller, Village, adopt_by_consensus

REGISTERED_PARTS = ("Budi", "Santoso", "Siti", "Aminah", "Dewi", "Lestari", "Agus", "Salim")


def refused_for_naming(response: Any, field: str) -> None:
    """The answer is the 422 that names this field, and never the person named."""
    body = response.get_json()
    assert response.status_code == 422, body
    assert body["code"] == "statement_names_a_participant"
    assert sorted(body["errors"]) == [field]
    for part in REGISTERED_PARTS:
        assert part.casefold() not in response.get_data(as_text=True).casefold()


def meeting(**said: str) -> dict[str, Any]:
    """A meeting to schedule at the balai desa, with what is said in place of its title or location."""
    return {"title": "Musyawarah Dusun", "scheduled_for": "2027-02-01T09:00:00+07:00", "location": "Balai Desa", **said}


def commitment(**said: Any) -> dict[str, Any]:
    """A commitment on the adopted posyandu, with what is said in place of its owner or indicators."""
    return {
        "owner": "Kaur Pembangunan",
        "description": "Membangun posyandu.",
        "due": "2027-09-30",
        "indicators": ["Bangunan selesai"],
        **said,
    }


@pytest.mark.parametrize(
    ("field", "said"),
    [("title", "Rapat di rumah Pak Budi"), ("location", "Rumah Ibu Siti Aminah, RT 02")],
)
def test_a_meeting_whose_title_or_place_names_a_participant_is_refused_and_not_scheduled(
    facilitator: Caller, anonymous: Caller, village: Village, field: str, said: str
) -> None:
    meetings_before = facilitator.get(f"/processes/{village.process_id}/meetings").get_json()["items"]

    refused_for_naming(facilitator.post(f"/processes/{village.process_id}/meetings", meeting(**{field: said})), field)

    assert facilitator.get(f"/processes/{village.process_id}/meetings").get_json()["items"] == meetings_before
    # The village's own meeting stands, and nothing of the refused one reached the portal.
    assert said not in anonymous.client.get(f"/proses/{village.process_id}").get_data(as_text=True)


def test_a_meeting_whose_names_are_said_to_be_public_is_scheduled(facilitator: Caller, village: Village) -> None:
    body = meeting(location="Rumah Kepala Desa Pak Budi Santoso", names_are_public=True)  # type: ignore[arg-type]
    scheduled = facilitator.created(f"/processes/{village.process_id}/meetings", body)
    assert scheduled["location"] == "Rumah Kepala Desa Pak Budi Santoso"


@pytest.mark.parametrize(
    ("field", "said"),
    [("owner", "Pak Budi Santoso"), ("indicators", ["Bangunan selesai", "Diawasi Mas Agus"])],
)
def test_a_commitment_whose_owner_or_indicators_name_a_participant_is_refused_and_not_published(
    facilitator: Caller, anonymous: Caller, village: Village, field: str, said: Any
) -> None:
    adopt_by_consensus(facilitator, village)

    refused_for_naming(facilitator.post(f"{village.proposal}/commitments", commitment(**{field: said})), field)

    assert facilitator.get(f"/processes/{village.process_id}/commitments").get_json()["items"] == []
    published = anonymous.get("/feed", process_id=village.process_id).get_data(as_text=True)
    assert "Budi" not in published and "Agus" not in published


def test_a_commitment_whose_names_are_said_to_be_public_is_made(facilitator: Caller, village: Village) -> None:
    adopt_by_consensus(facilitator, village)
    made = facilitator.created(
        f"{village.proposal}/commitments", commitment(owner="Kepala Desa Pak Budi Santoso", names_are_public=True)
    )
    assert made["owner"] == "Kepala Desa Pak Budi Santoso"


def console_csrf(client: FlaskClient, token: str) -> str:
    """Signs the console in with a token; the CSRF token of its forms."""
    page = client.get("/console/masuk").text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert csrf is not None
    assert client.post("/console/masuk", data={"csrf_token": csrf.group(1), "token": token}).status_code == 302
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/console/").text)
    assert found is not None
    return found.group(1)


def test_the_console_refuses_a_meeting_placed_at_someones_house_naming_the_field_in_bahasa_indonesia(
    facilitator: Caller, client: FlaskClient, village: Village
) -> None:
    form = {
        "csrf_token": console_csrf(client, str(facilitator.secret)),
        "idempotency_key": "rapat-di-rumah",
        "process_id": village.process_id,
        "title": "Musyawarah Dusun",
        "scheduled_for": "2027-02-01T09:00",
        "location": "Rumah Bu Dewi",
    }

    answer = client.post("/console/langkah/schedule_meeting", data=form, headers={"Accept": "application/json"})

    refused = answer.get_json()
    assert (refused["ok"], refused["code"], refused["fields"]) == (False, "statement_names_a_participant", ["location"])
    assert "(tempat)" in refused["message"] and "dewi" not in refused["message"].casefold()
    # Ticked "nama ini boleh tampil di publik", the same form schedules the meeting.
    form.update(idempotency_key="rapat-di-rumah-kades", names_are_public="on")
    scheduled = client.post("/console/langkah/schedule_meeting", data=form, headers={"Accept": "application/json"})
    assert scheduled.get_json()["ok"] is True
