"""Red team of issue 17, item 6: the public berita acara prints no signer's name, only "(nama tidak dimuat dalam
versi publik)" above each role, and the role was free text that nobody checked: "Ketua BPD, Bu Siti Aminah" was
printed whole in the PDF everyone may download. A role that names a participant is refused like any statement.

The village's register (`http_callers.NAMES`): Ibu Siti Aminah, Pak Budi Santoso, Mbak Dewi Lestari, Mas Agus Salim.
"""

from __future__ import annotations

from typing import Any

import pytest
from http_callers import Caller, Village, adopt_by_consensus


@pytest.fixture
def closed_meeting(facilitator: Caller, village: Village) -> Village:
    """The village's meeting, its proposal adopted and the meeting closed: ready for its berita acara (signed with
    the key the `app` fixture keeps in the test's own folder)."""
    adopt_by_consensus(facilitator, village)
    facilitator.ok(f"/meetings/{village.meeting_id}/close", {"minutes": "Posyandu disepakati."})
    return village


def sealing(**changes: Any) -> dict[str, Any]:
    """A berita acara whose signers' names are registered (they are never printed) and whose roles name nobody."""
    return {
        "chair": {"name": "Siti Aminah", "role": "Ketua BPD"},
        "secretary": {"name": "Budi Santoso", "role": "Sekretaris Desa"},
        "agenda": ["Posyandu Dusun Krajan"],
        "signatories": [{"name": "Agus Salim", "role": "Perwakilan pemuda"}],
        **changes,
    }


@pytest.mark.parametrize(
    ("field", "changed"),
    [
        ("chair", {"chair": {"name": "Siti Aminah", "role": "Ketua BPD, Bu Siti Aminah"}}),
        ("secretary", {"secretary": {"name": "Budi Santoso", "role": "Sekretaris (Pak Budi)"}}),
        ("signatories", {"signatories": [{"name": "Agus Salim", "role": "Perwakilan pemuda, Mas Agus"}]}),
    ],
)
def test_a_signer_role_naming_a_participant_is_refused_before_anything_is_sealed(
    facilitator: Caller, anonymous: Caller, closed_meeting: Village, field: str, changed: dict[str, Any]
) -> None:
    refused = facilitator.post(f"/meetings/{closed_meeting.meeting_id}/minutes", sealing(**changed))

    body = refused.get_json()
    assert refused.status_code == 422, body
    assert (body["code"], sorted(body["errors"])) == ("statement_names_a_participant", [field])
    for part in ("siti", "aminah", "budi", "agus"):
        assert part not in refused.get_data(as_text=True).casefold()
    assert anonymous.get(f"/meetings/{closed_meeting.meeting_id}/minutes.pdf").status_code == 404


def test_signers_whose_roles_name_nobody_are_sealed_with_their_names_kept_out_of_the_public_version(
    facilitator: Caller, anonymous: Caller, closed_meeting: Village
) -> None:
    facilitator.created(f"/meetings/{closed_meeting.meeting_id}/minutes", sealing())

    public = anonymous.get(f"/meetings/{closed_meeting.meeting_id}/minutes.pdf")
    assert public.status_code == 200
    assert public.mimetype == "application/pdf"
