"""Who calls the API in these tests, and a village process already under way."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse


@dataclass
class Caller:
    """Someone calling the API, with a bearer token or none."""

    client: FlaskClient
    secret: str | None
    headers: dict[str, str] = field(default_factory=dict)

    def _headers(self, extra: dict[str, str] | None) -> dict[str, str]:
        headers = dict(self.headers)
        if self.secret is not None:
            headers["Authorization"] = f"Bearer {self.secret}"
        headers.update(extra or {})
        return headers

    def get(self, path: str, headers: dict[str, str] | None = None, **params: Any) -> TestResponse:
        """GET `/api/v1<path>`."""
        return self.client.get(f"/api/v1{path}", headers=self._headers(headers), query_string=params)

    def post(self, path: str, body: Any = None, headers: dict[str, str] | None = None) -> TestResponse:
        """POST a JSON body (or none) to `/api/v1<path>`."""
        return self.client.post(f"/api/v1{path}", json=body, headers=self._headers(headers))

    def created(self, path: str, body: Any = None) -> dict[str, Any]:
        """POST that must create something; its body."""
        response = self.post(path, body)
        assert response.status_code == 201, response.get_json()
        return response.get_json()  # type: ignore[no-any-return]

    def ok(self, path: str, body: Any = None) -> dict[str, Any]:
        """POST that must succeed without creating; its body."""
        response = self.post(path, body)
        assert response.status_code == 200, response.get_json()
        return response.get_json()  # type: ignore[no-any-return]


def process_body(visibility: str = "public", **rules: Any) -> dict[str, Any]:
    """A process to open, in the words of a Musrenbang."""
    body: dict[str, Any] = {
        "title": "Musrenbang Desa Sukamaju 2027",
        "description": "Musyawarah perencanaan pembangunan desa",
        "region_code": "33.01.01.2001",
        "region_name": "Desa Sukamaju",
        "visibility": visibility,
    }
    if rules:
        body["rules"] = rules
    return body


@dataclass
class Village:
    """A process under way: participants registered, a meeting open with everyone present, a proposal."""

    process_id: str
    participants: list[str]
    meeting_id: str
    proposal_id: str

    @property
    def proposal(self) -> str:
        """The proposal's path."""
        return f"/proposals/{self.proposal_id}"


NAMES = ["Ibu Siti Aminah", "Pak Budi Santoso", "Mbak Dewi Lestari", "Mas Agus Salim"]
GROUPS = ["women", "resident", "youth", "elderly"]


def start_village(facilitator: Caller, visibility: str = "public", **rules: Any) -> Village:
    """Opens a process, registers four participants, opens a meeting where all attend, submits a proposal."""
    process = facilitator.created("/processes", process_body(visibility, **rules))
    participants = [
        facilitator.created(
            f"/processes/{process['id']}/participants", {"name": name, "group": group, "contact": "0812-0000-0000"}
        )["id"]
        for name, group in zip(NAMES, GROUPS, strict=True)
    ]
    meeting = facilitator.created(
        f"/processes/{process['id']}/meetings",
        {"title": "Musyawarah Desa", "scheduled_for": "2027-01-15T09:00:00+07:00", "location": "Balai Desa"},
    )
    facilitator.ok(f"/meetings/{meeting['id']}/open", {"attendees": participants})
    proposal = facilitator.created(
        f"/processes/{process['id']}/proposals",
        {
            "title": "Posyandu Dusun Krajan",
            "body": "Membangun posyandu di Dusun Krajan.",
            "submitted_by": participants[0],
        },
    )
    return Village(process["id"], participants, meeting["id"], proposal["id"])


def musyawarah_fails(facilitator: Caller, village: Village) -> dict[str, Any]:
    """A consensus check on the current text closes with nobody agreeing, so a vote may follow (musyawarah first)."""
    check = facilitator.created(f"{village.proposal}/consensus-checks", {"meeting_id": village.meeting_id})
    closed = facilitator.ok(f"{village.proposal}/consensus-checks/{check['check_id']}/close")
    assert closed["result"] == "not_reached"
    return closed


def adopt_by_consensus(facilitator: Caller, village: Village, rationale: str = "Mufakat.") -> dict[str, Any]:
    """Everyone agrees at the open meeting and the proposal is adopted by consensus, for this rationale."""
    check = facilitator.created(f"{village.proposal}/consensus-checks", {"meeting_id": village.meeting_id})
    for participant in village.participants:
        facilitator.ok(
            f"{village.proposal}/consensus-checks/{check['check_id']}/stances",
            {"participant_id": participant, "stance": "agree"},
        )
    facilitator.ok(f"{village.proposal}/consensus-checks/{check['check_id']}/close")
    return facilitator.ok(
        f"{village.proposal}/decision", {"outcome": "adopted", "method": "consensus", "rationale": rationale}
    )
