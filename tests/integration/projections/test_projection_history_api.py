"""GET /proposals/{id}/history: every step, worded for people, and the proposal as it stood at any moment."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from uuid import uuid4

import pytest
from flask.testing import FlaskClient
from projection_stories import CONTEXT, adopt_by_consensus, open_village

from projections.sql import parse_timestamp
from service.app.application import Mufakat


class HistoryContract:
    """The decision history's promises, on whichever database the subclass names."""

    def test_every_step_is_listed_oldest_first_with_who_recorded_it_and_a_sentence_in_indonesian(
        self, the_ledger: Mufakat, client: FlaskClient, bearer: Callable[..., dict[str, str]]
    ) -> None:
        proposal_id = adopt_by_consensus(open_village(the_ledger))

        response = client.get(f"/api/v1/proposals/{proposal_id}/history", headers=bearer("auditor"))

        assert response.status_code == 200
        items = response.get_json()["items"]
        assert [item["version"] for item in items] == list(range(1, len(items) + 1))
        assert items[0]["type"] == "Submitted"
        assert items[-1]["type"] == "Decided"
        assert items[-1]["summary"] == "Usulan disepakati melalui mufakat"
        assert items[0]["actor"] == {"name": "Admin Uji", "role": "admin"}
        blocking = next(item for item in items if item["type"] == "ObjectionRaised")
        assert blocking["summary"] == "Keberatan mendasar diajukan oleh peserta kelompok penyandang disabilitas"
        assert blocking["data"]["blocking"] is True
        assert [item["summary"] for item in items if item["type"] == "StanceTaken"][3] == (
            "Peserta kelompok pemuda menyatakan sikap tidak setuju"
        )
        assert response.headers["Content-Language"] == "id"

    def test_the_public_reads_the_same_story_with_choices_only_as_tallies_nobody_named_and_the_recorder_by_role(
        self, the_ledger: Mufakat, client: FlaskClient
    ) -> None:
        proposal_id = adopt_by_consensus(open_village(the_ledger))

        response = client.get(f"/api/v1/proposals/{proposal_id}/history")

        assert response.status_code == 200
        items = response.get_json()["items"]
        # Every step but the five stances, oldest first; the step that closes the check carries the tally.
        assert [item["type"] for item in items] == [
            "Submitted",
            "Contributed",
            "ObjectionRaised",
            "Amended",
            "ObjectionResolved",
            "ObjectionRaised",
            "ConsensusCheckOpened",
            "ConsensusCheckClosed",
            "Decided",
        ]
        assert [item["version"] for item in items] == [1, 2, 3, 4, 5, 6, 7, 13, 14]
        closed = items[-2]
        assert closed["summary"] == (
            "Pengecekan mufakat ditutup: mufakat tercapai (setuju 4, abstain 0, tidak setuju 1, menolak (blok) 0)"
        )
        assert (closed["data"]["tally"]["agree"], closed["data"]["tally"]["disagree"]) == (4, 1)
        assert items[-1]["summary"] == "Usulan disepakati melalui mufakat"
        # Each group has one attendee here: the blocking objector is "a participant", not the disability group.
        blocking = items[2]
        assert blocking["summary"] == "Keberatan mendasar diajukan oleh seorang peserta"
        assert blocking["data"]["blocking"] is True
        assert "raised_by" not in blocking["data"]
        # Whoever recorded a step appears by role only.
        assert {(item["actor"]["name"], item["actor"]["role"]) for item in items} == {("admin", "admin")}
        assert response.headers["Content-Language"] == "id"

    def test_an_english_reader_gets_english_sentences(
        self, the_ledger: Mufakat, client: FlaskClient, bearer: Callable[..., dict[str, str]]
    ) -> None:
        proposal_id = adopt_by_consensus(open_village(the_ledger))
        english = {"Accept-Language": "en-GB,en;q=0.9,id;q=0.5"}
        path = f"/api/v1/proposals/{proposal_id}/history"

        public = client.get(path, headers=english).get_json()["items"]
        auditor = client.get(path, headers={**english, **bearer("auditor")}).get_json()["items"]

        assert public[-1]["summary"] == auditor[-1]["summary"] == "Proposal adopted by consensus"
        assert public[0]["summary"] == "Proposal \u201cPosyandu Dusun Krajan\u201d submitted by a participant"
        assert auditor[0]["summary"] == (
            "Proposal \u201cPosyandu Dusun Krajan\u201d submitted by a participant from the women group"
        )

    def test_as_of_version_shows_the_proposal_exactly_as_it_was_shown_then(
        self, the_ledger: Mufakat, client: FlaskClient, bearer: Callable[..., dict[str, str]]
    ) -> None:
        village = open_village(the_ledger)
        people = village.everyone
        proposal_id = the_ledger.proposals.submit(CONTEXT, village.process_id, "Sumur bor", "Teks 1", people[0], None).id
        objection = the_ledger.proposals.raise_objection(CONTEXT, proposal_id, people[2], "Terlalu dekat makam", True)
        shown_then = client.get(f"/api/v1/proposals/{proposal_id}", headers=bearer("auditor")).get_json()
        the_ledger.proposals.amend(CONTEXT, proposal_id, "Teks 2", "Lokasi dipindah", people[0])
        assert objection.part_id is not None
        the_ledger.proposals.resolve_objection(CONTEXT, proposal_id, objection.part_id, "addressed", "Dipindah 200 m")

        replay = client.get(
            f"/api/v1/proposals/{proposal_id}/history?as_of_version={shown_then['version']}", headers=bearer("auditor")
        )

        assert replay.status_code == 200
        body = replay.get_json()
        assert body["state"] == shown_then
        assert body["state"]["body"] == "Teks 1"
        assert body["state"]["objections"][0]["state"] == "unresolved"
        assert [item["version"] for item in body["items"]] == [1, 2]

    def test_the_public_gets_no_participant_id_or_pseudonym_to_follow_anyone_by_while_the_auditor_sees_who(
        self, the_ledger: Mufakat, client: FlaskClient, bearer: Callable[..., dict[str, str]]
    ) -> None:
        village = open_village(the_ledger)
        people = village.everyone
        first = the_ledger.proposals.submit(CONTEXT, village.process_id, "Sumur bor", "Teks", people[0], None).id
        the_ledger.proposals.raise_objection(CONTEXT, first, people[2], "Terlalu dekat makam", True)
        the_ledger.proposals.amend(CONTEXT, first, "Teks 2", "Lokasi dipindah", people[0])
        second = the_ledger.proposals.submit(CONTEXT, village.process_id, "Lampu jalan", "Teks", people[2], None).id

        public_first = client.get(f"/api/v1/proposals/{first}/history?as_of_version=3").get_json()
        public_second = client.get(f"/api/v1/proposals/{second}/history").get_json()
        auditor_first = client.get(
            f"/api/v1/proposals/{first}/history?as_of_version=3", headers=bearer("auditor")
        ).get_json()

        # No step and no replayed state names who submitted, objected or asked for the amendment ...
        submitted, objected, amended = (item["data"] for item in public_first["items"])
        assert "submitted_by" not in submitted and "raised_by" not in objected and "proposed_by" not in amended
        assert (objected["grounds"], amended["body"]) == ("Terlalu dekat makam", "Teks 2")
        assert public_first["state"]["submitted_by"] is None
        assert public_first["state"]["objections"][0]["raised_by"] is None
        assert [item["summary"] for item in public_first["items"]] == [
            "Usulan \u201cSumur bor\u201d diajukan oleh seorang peserta",
            "Keberatan mendasar diajukan oleh seorang peserta",
            "Teks usulan diubah atas usulan seorang peserta",
        ]
        # ... so the objector of the first proposal is not recognisable as the author of the second.
        assert "submitted_by" not in public_second["items"][0]["data"]
        assert public_second["items"][0]["summary"] == "Usulan \u201cLampu jalan\u201d diajukan oleh seorang peserta"
        public_bytes = str(public_first) + str(public_second)
        assert all(str(person) not in public_bytes for person in people)
        assert "00000000-0000-0000-0000-00000000000" not in public_bytes
        # The auditor sees every participant, in the steps and in the state as it stood.
        submitted, objected, amended = (item["data"] for item in auditor_first["items"])
        assert submitted["submitted_by"] == amended["proposed_by"] == str(people[0])
        assert objected["raised_by"] == str(people[2])
        assert auditor_first["state"]["submitted_by"] == str(people[0])
        assert auditor_first["state"]["objections"][0]["raised_by"] == str(people[2])

    def test_as_of_a_moment_replays_to_the_last_step_recorded_by_then(
        self, the_ledger: Mufakat, client: FlaskClient
    ) -> None:
        proposal_id = adopt_by_consensus(open_village(the_ledger))
        items = client.get(f"/api/v1/proposals/{proposal_id}/history").get_json()["items"]
        amended = next(item for item in items if item["type"] == "Amended")
        # `as_of` reads the record by when each step was recorded (`at` is when it happened in the room).
        moment = parse_timestamp(amended["recorded_at"]).isoformat()

        body = client.get(f"/api/v1/proposals/{proposal_id}/history", query_string={"as_of": moment}).get_json()

        assert body["state"]["version"] == amended["version"]
        assert body["state"]["body"] == "Teks dengan landaian"
        assert body["state"]["decision"] is None
        assert body["items"][-1]["type"] == "Amended"

    def test_before_the_proposal_existed_there_is_nothing_to_replay(
        self, the_ledger: Mufakat, client: FlaskClient
    ) -> None:
        proposal_id = adopt_by_consensus(open_village(the_ledger))

        response = client.get(
            f"/api/v1/proposals/{proposal_id}/history",
            query_string={"as_of": datetime(2020, 1, 1, tzinfo=UTC).isoformat()},
        )

        assert response.status_code == 404

    def test_a_restricted_process_history_is_not_found_to_the_public_and_to_partners_without_a_grant(
        self, the_ledger: Mufakat, client: FlaskClient, bearer: Callable[..., dict[str, str]]
    ) -> None:
        village = open_village(the_ledger, visibility="restricted")
        proposal_id = adopt_by_consensus(village)
        path = f"/api/v1/proposals/{proposal_id}/history"

        assert client.get(path).status_code == 404
        assert client.get(path, headers=bearer("partner")).status_code == 404
        assert client.get(path, headers=bearer("partner", (village.process_id,))).status_code == 200
        assert client.get(path, headers=bearer("auditor")).status_code == 200

    def test_a_step_shows_in_the_history_as_soon_as_its_write_is_acknowledged(
        self, the_ledger: Mufakat, client: FlaskClient, bearer: Callable[..., dict[str, str]]
    ) -> None:
        village = open_village(the_ledger)
        proposal_id = the_ledger.proposals.submit(
            CONTEXT, village.process_id, "Sumur bor", "Teks", village.everyone[0], None
        ).id
        assert len(client.get(f"/api/v1/proposals/{proposal_id}/history").get_json()["items"]) == 1

        written = client.post(
            f"/api/v1/proposals/{proposal_id}/contributions",
            json={"participant_id": str(village.everyone[2]), "kind": "concern", "text": "Air tanah dangkal"},
            headers=bearer("admin"),
        )
        assert written.status_code == 200

        items = client.get(f"/api/v1/proposals/{proposal_id}/history").get_json()["items"]
        assert [item["type"] for item in items] == ["Submitted", "Contributed"]
        # The elderly group has one attendee: the public reads "a participant", the auditor the group.
        assert items[1]["summary"] == "Kekhawatiran disampaikan oleh seorang peserta"
        assert items[1]["data"]["text"] == "Air tanah dangkal"
        reviewed = client.get(f"/api/v1/proposals/{proposal_id}/history", headers=bearer("auditor")).get_json()
        assert reviewed["items"][1]["summary"] == "Kekhawatiran disampaikan oleh peserta kelompok lansia"

    def test_an_unknown_proposal_and_an_unknown_version_are_not_found(
        self, the_ledger: Mufakat, client: FlaskClient
    ) -> None:
        proposal_id = adopt_by_consensus(open_village(the_ledger))

        assert client.get(f"/api/v1/proposals/{uuid4()}/history").status_code == 404
        assert client.get(f"/api/v1/proposals/{proposal_id}/history?as_of_version=999").status_code == 404
        assert client.get(f"/api/v1/proposals/{proposal_id}/history?as_of_version=0").status_code == 422


class TestHistoryOnSQLite(HistoryContract):
    """On the embedded SQLite file."""


@pytest.mark.postgres
class TestHistoryOnPostgreSQL(HistoryContract):
    """On PostgreSQL."""

    @pytest.fixture
    def database_url(self, postgres_database_url: str) -> str:
        """A fresh PostgreSQL database of this test's own."""
        return postgres_database_url
