"""Participation metrics with small-count suppression, and no participant's name in any public byte."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from flask.testing import FlaskClient
from projection_stories import CONTEXT, PEOPLE, adopt_by_consensus, follow_up, open_village, reject_by_vote

from service.app.application import Mufakat
from service.cli.demo import PARTICIPANTS, record_demo


def _participation(client: FlaskClient, process_id: Any, headers: dict[str, str] | None = None) -> dict[str, Any]:
    response = client.get(f"/api/v1/processes/{process_id}/participation", headers=headers or {})
    assert response.status_code == 200, response.get_json()
    return response.get_json()  # type: ignore[no-any-return]


class ParticipationContract:
    """Participation metrics' promises, on whichever database the subclass names."""

    def test_those_who_run_or_review_the_process_see_exact_counts_by_group_and_gender(
        self, the_ledger: Mufakat, client: FlaskClient, bearer: Any
    ) -> None:
        village = open_village(the_ledger)
        adopt_by_consensus(village)

        for headers in (bearer("auditor"), bearer("facilitator", (village.process_id,)), bearer("admin")):
            report = _participation(client, village.process_id, headers)
            assert report["exact"] is True
            assert report["attendance"]["total"] == 5
            assert report["registered"]["by_gender"] == {"female": 2, "male": 2, "undisclosed": 1}
            assert report["objections"]["by_group"] == {"disability": 1, "youth": 1}
            assert report["objections"]["by_kind"] == {"blocking": 1, "non_blocking": 1}
            assert report["stances"]["by_stance"] == {"agree": 4, "disagree": 1}
            assert report["contributions"]["by_group"] == {"resident": 1}
            assert report["speakers"] == {"total": 4, "women": 1, "share_of_women": 0.25}
            assert report["time_to_decision"]["decided"] == 1
            assert report["time_to_decision"]["median_seconds"] > 0

    def test_the_public_and_partners_see_counts_of_one_or_two_as_less_than_three(
        self, the_ledger: Mufakat, client: FlaskClient, bearer: Any
    ) -> None:
        village = open_village(the_ledger)
        adopt_by_consensus(village)

        for headers in ({}, bearer("partner"), bearer("facilitator")):
            report = _participation(client, village.process_id, headers)
            assert report["exact"] is False
            # 4 agree beside 1 disagree and the total 5 would give the 1 away by subtraction: the 4 is withheld
            # too (secondary suppression), and the total, shown, leaves 4 + 1 as possible as 3 + 2.
            assert report["stances"]["total"] == 5
            assert report["stances"]["by_stance"] == {"agree": "≥3", "disagree": "<3"}
            # Two objections, one each from a group of one: "<3" twice beside a total of "<3" could only be
            # 1 and 1, so who objected by group is left out.
            assert report["objections"]["total"] == "<3"
            assert report["objections"]["by_group"] == {}
            assert report["speakers"]["share_of_women"] is None
            assert report["speakers"]["women"] == "<3"

    def test_attendance_adds_up_meetings_and_says_so_while_people_count_each_participant_once(
        self, the_ledger: Mufakat, client: FlaskClient, bearer: Any
    ) -> None:
        village = open_village(the_ledger)  # five people of five groups at the first meeting
        second = the_ledger.meetings.schedule(
            CONTEXT, village.process_id, "Musdes 2", datetime(2026, 9, 15, 2, 0, tzinfo=UTC), "Balai", village.everyone
        ).id
        the_ledger.meetings.open(CONTEXT, second, village.everyone[:4])

        exact = _participation(client, village.process_id, bearer("auditor"))["attendance"]
        assert (exact["counted"], exact["total"], exact["people"]) == ("attendances", 9, 5)
        assert exact["by_group"] == {"disability": 1, "elderly": 2, "resident": 2, "women": 2, "youth": 2}
        assert exact["people_by_group"] == {"disability": 1, "elderly": 1, "resident": 1, "women": 1, "youth": 1}
        assert exact["people_by_gender"] == {"female": 2, "male": 2, "undisclosed": 1}
        public = _participation(client, village.process_id)["attendance"]
        assert (public["counted"], public["total"], public["people"]) == ("attendances", 9, 5)

    def test_the_portal_charts_people_who_attended_not_attendances_and_heads_the_group_and_gender_tables(
        self, the_ledger: Mufakat, client: FlaskClient
    ) -> None:
        # Eight people attend both meetings, among them four residents: 16 attendances, 8 people.
        village = open_village(the_ledger)
        assert village.meeting_id is not None
        process_id = village.process_id
        residents = [
            the_ledger.participants.register(CONTEXT, process_id, f"Warga {n}", "resident", "male", None, None).id
            for n in range(3)
        ]
        the_ledger.meetings.record_attendance(CONTEXT, village.meeting_id, residents)
        second = the_ledger.meetings.schedule(
            CONTEXT, village.process_id, "Musdes 2", datetime(2026, 9, 15, 2, 0, tzinfo=UTC), "Balai", village.everyone
        ).id
        the_ledger.meetings.open(CONTEXT, second, [*village.everyone, *residents])

        page = client.get(f"/proses/{village.process_id}").get_data(as_text=True)

        attendance = page[page.index("Orang yang hadir dalam rapat") : page.index("chart-contributions")]
        assert "jumlah 8 orang" in attendance
        assert "Kehadiran di semua rapat (satu orang dihitung di setiap rapat yang ia hadiri): 16" in attendance
        # Five men (four residents and a youth), not their ten attendances.
        assert '<tr><th scope="row">laki-laki</th><td>5</td></tr>' in attendance
        assert "<td>10</td>" not in attendance
        # "perempuan" is a group and a gender: each table says which it is.
        tables = attendance[attendance.index("<details>") :]
        by_group, by_gender = tables.split("<caption>Menurut jenis kelamin</caption>")
        assert "<caption>Menurut kelompok</caption>" in by_group and '"row">perempuan<' in by_group
        assert '"row">perempuan<' in by_gender and "Jenis kelamin" in by_gender
        assert "Menurut kelompok: " in attendance and "Menurut jenis kelamin: " in attendance  # what a reader hears

    def test_a_restricted_process_has_no_metrics_for_the_public(self, the_ledger: Mufakat, client: FlaskClient) -> None:
        village = open_village(the_ledger, visibility="restricted")

        assert client.get(f"/api/v1/processes/{village.process_id}/participation").status_code == 404

    def test_an_acknowledged_decision_is_in_the_feed_and_the_metrics_at_once(
        self, the_ledger: Mufakat, client: FlaskClient, bearer: Any
    ) -> None:
        village = open_village(the_ledger)
        people = village.everyone
        assert village.meeting_id is not None
        proposal_id = the_ledger.proposals.submit(CONTEXT, village.process_id, "Embung", "Teks", people[0], None).id
        check = the_ledger.proposals.open_consensus_check(CONTEXT, proposal_id, village.meeting_id).part_id
        for participant in people:
            the_ledger.proposals.take_stance(CONTEXT, proposal_id, check, participant, "agree", None)  # type: ignore[arg-type]
        the_ledger.proposals.close_consensus_check(CONTEXT, proposal_id, check)  # type: ignore[arg-type]
        assert client.get("/api/v1/feed").get_json()["items"] == []

        decided = client.post(
            f"/api/v1/proposals/{proposal_id}/decision",
            json={"outcome": "adopted", "method": "consensus", "rationale": "Mufakat"},
            headers=bearer("admin"),
        )
        assert decided.status_code == 200

        assert [i["proposal"]["id"] for i in client.get("/api/v1/feed").get_json()["items"]] == [str(proposal_id)]
        report = _participation(client, village.process_id, bearer("auditor"))
        assert report["time_to_decision"]["decided"] == 1


class TestParticipationOnSQLite(ParticipationContract):
    """On the embedded SQLite file."""


@pytest.mark.postgres
class TestParticipationOnPostgreSQL(ParticipationContract):
    """On PostgreSQL."""

    @pytest.fixture
    def database_url(self, postgres_database_url: str) -> str:
        """A fresh PostgreSQL database of this test's own."""
        return postgres_database_url


def test_no_participant_name_or_contact_appears_in_any_byte_the_public_or_a_partner_can_read(
    the_ledger: Mufakat, client: FlaskClient, bearer: Any
) -> None:
    _, secret = the_ledger.tokens.issue("facilitator", "Fasilitator Uji", [])
    demo = record_demo(the_ledger, secret)
    village = open_village(the_ledger)
    follow_up(the_ledger, adopt_by_consensus(village))
    reject_by_vote(village)
    proposals = [*demo.proposals.values()]
    proposals += [entry["proposal"]["id"] for entry in client.get("/api/v1/feed?limit=500").get_json()["items"]]
    # The demo's people: (key, name, group, gender, organisation, contact).
    secrets = [person[1] for person in PARTICIPANTS] + [person[5] for person in PARTICIPANTS if person[5]]
    secrets += [name for name, *_ in PEOPLE] + [contact for *_, contact in PEOPLE]

    readable: list[bytes] = []
    for headers in ({}, bearer("partner")):
        for path in ("/api/v1/feed?limit=500", "/api/v1/feed.atom?limit=500", "/api/v1/feed.csv?limit=500"):
            readable.append(client.get(path, headers=headers).data)
        for process_id in (demo.process_id, village.process_id):
            readable.append(client.get(f"/api/v1/processes/{process_id}/participation", headers=headers).data)
        for proposal_id in proposals:
            whole = client.get(f"/api/v1/proposals/{proposal_id}/history", headers=headers)
            assert whole.status_code == 200
            readable.append(whole.data)
            # ... and as it stood halfway (some demo proposals have only one or two steps).
            halfway = (whole.get_json()["items"][-1]["version"] + 1) // 2
            then = client.get(f"/api/v1/proposals/{proposal_id}/history?as_of_version={halfway}", headers=headers)
            assert then.status_code == 200
            readable.append(then.data)

    assert len(readable) > 20
    everything = b"\n".join(readable)
    assert b"Posyandu" in everything  # the check below reads real content
    for secret_text in secrets:
        assert secret_text.encode("utf-8") not in everything, secret_text
        assert secret_text.encode("unicode_escape") not in everything, secret_text
