"""A dispute names complaints and partners of its own process only, and a complaint that becomes a dispute tells
nobody outside so: its complainant's tracking history and the village's public counts stay as they were.

Story: a resident's complaint about the fenced bengkok is escalated (diteruskan) by the pendamping, who then opens
a dispute about it between the indigenous community and the CSR partner that wants the land.
"""

from __future__ import annotations

from typing import Any
from uuid import uuid4

import pytest
from http_callers import Caller, Village, start_village

COMPLAINT = "Tanah bengkok dipagari perusahaan tanpa musyawarah"


def dispute_about(complaint_id: str, **more: Any) -> dict[str, Any]:
    return {
        "title": "Pagar di tanah bengkok",
        "parties": [{"group": "indigenous"}, {"organisation": "PT Maju Jaya"}],
        "about": {"complaint_id": complaint_id},
        **more,
    }


def file_complaint(anonymous: Caller, village: Village) -> dict[str, Any]:
    return anonymous.created(f"/processes/{village.process_id}/complaints", {"text": COMPLAINT})


@pytest.mark.both_stores
def test_an_escalated_complaint_becomes_a_dispute_and_its_tracking_and_public_counts_do_not_change(
    facilitator: Caller, anonymous: Caller, partner: Caller, village: Village
) -> None:
    filed = file_complaint(anonymous, village)
    facilitator.ok(
        f"/complaints/{filed['complaint_id']}/respond", {"status": "escalated", "response": "Diteruskan ke BPD."}
    )
    tracked_before = anonymous.get(f"/complaints/track/{filed['tracking_code']}").get_json()
    counts_before = partner.get(f"/processes/{village.process_id}").get_json()["complaints"]

    opened = facilitator.created(
        f"/processes/{village.process_id}/disputes", dispute_about(filed["complaint_id"], visibility="public")
    )

    assert opened["about"] == {"complaint_id": filed["complaint_id"]}
    assert anonymous.get(f"/complaints/track/{filed['tracking_code']}").get_json() == tracked_before
    assert partner.get(f"/processes/{village.process_id}").get_json()["complaints"] == counts_before
    assert counts_before["escalated"] == 1
    # Outsiders read the public dispute, never which complaint it came from.
    seen = anonymous.get(f"/disputes/{opened['dispute_id']}")
    assert seen.status_code == 200
    assert seen.get_json()["about"] is None
    assert filed["complaint_id"] not in seen.get_data(as_text=True)
    assert filed["complaint_id"] not in anonymous.get(f"/processes/{village.process_id}/disputes").get_data(
        as_text=True
    )
    assert facilitator.get(f"/disputes/{opened['dispute_id']}").get_json()["about"] == opened["about"]


def test_a_complaint_not_yet_answered_may_become_a_dispute_too(
    facilitator: Caller, anonymous: Caller, village: Village
) -> None:
    filed = file_complaint(anonymous, village)

    opened = facilitator.created(f"/processes/{village.process_id}/disputes", dispute_about(filed["complaint_id"]))

    assert opened["about"] == {"complaint_id": filed["complaint_id"]}
    assert facilitator.get(f"/complaints/{filed['complaint_id']}").get_json()["status"] == "received"


def test_a_complaint_unknown_or_of_another_process_is_refused_by_the_about_field_and_nothing_is_written(
    facilitator: Caller, anonymous: Caller, village: Village
) -> None:
    elsewhere = start_village(facilitator)
    theirs = file_complaint(anonymous, elsewhere)

    for complaint_id in (theirs["complaint_id"], str(uuid4()), village.proposal_id):
        answer = facilitator.post(f"/processes/{village.process_id}/disputes", dispute_about(complaint_id))
        assert (answer.status_code, answer.get_json()["code"]) == (422, "validation_failed")
        assert list(answer.get_json()["errors"]) == ["about"]
    assert facilitator.get(f"/processes/{village.process_id}/disputes").get_json()["items"] == []


def test_a_partner_unknown_or_of_another_process_is_refused_by_the_parties_field_and_nothing_is_written(
    facilitator: Caller, village: Village
) -> None:
    elsewhere = start_village(facilitator)
    theirs = facilitator.created(f"/processes/{elsewhere.process_id}/partners", {"name": "LSM Bina", "kind": "ngo"})

    for partner_id in (theirs["partner_id"], str(uuid4())):
        body = {"title": "Sumur bor", "parties": [{"group": "women"}, {"partner_id": partner_id}]}
        answer = facilitator.post(f"/processes/{village.process_id}/disputes", body, headers={"Accept-Language": "id"})
        assert (answer.status_code, answer.get_json()["code"]) == (422, "validation_failed")
        assert list(answer.get_json()["errors"]) == ["parties"]
    assert facilitator.get(f"/processes/{village.process_id}/disputes").get_json()["items"] == []
