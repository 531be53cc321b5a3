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
        self, the_ledger: Mufakat, client: FlaskClient
    ) -> None:
        proposal_id = adopt_by_consensus(open_village(the_ledger))

        response = client.get(f"/api/v1/proposals/{proposal_id}/history")

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
        assert response.headers["Content-Language"] == "id"

    def test_an_english_reader_gets_english_sentences(self, the_ledger: Mufakat, client: FlaskClient) -> None:
        proposal_id = adopt_by_consensus(open_village(the_ledger))

        items = client.get(
            f"/api/v1/proposals/{proposal_id}/history", headers={"Accept-Language": "en-GB,en;q=0.9,id;q=0.5"}
        ).get_json()["items"]

        assert items[-1]["summary"] == "Proposal adopted by consensus"
        submitted = items[0]["summary"]
        assert submitted.startswith("Proposal \u201cPosyandu Dusun Krajan\u201d submitted by a participant from the")

    def test_as_of_version_shows_the_proposal_exactly_as_it_was_shown_then(
        self, the_ledger: Mufakat, client: FlaskClient, bearer: Callable[..., dict[str, str]]
    ) -> None:
        village = open_village(the_ledger)
        people = village.everyone
        proposal_id = the_ledger.submit_proposal(CONTEXT, village.process_id, "Sumur bor", "Teks 1", people[0], None).id
        objection = the_ledger.raise_objection(CONTEXT, proposal_id, people[2], "Terlalu dekat makam", True)
        shown_then = client.get(f"/api/v1/proposals/{proposal_id}", headers=bearer("auditor")).get_json()
        the_ledger.amend(CONTEXT, proposal_id, "Teks 2", "Lokasi dipindah", people[0])
        assert objection.part_id is not None
        the_ledger.resolve_objection(CONTEXT, proposal_id, objection.part_id, "addressed", "Dipindah 200 m")

        replay = client.get(
            f"/api/v1/proposals/{proposal_id}/history?as_of_version={shown_then['version']}", headers=bearer("auditor")
        )

        assert replay.status_code == 200
        body = replay.get_json()
        assert body["state"] == shown_then
        assert body["state"]["body"] == "Teks 1"
        assert body["state"]["objections"][0]["state"] == "unresolved"
        assert [item["version"] for item in body["items"]] == [1, 2]

    def test_the_public_follows_each_participant_within_a_proposal_but_cannot_link_them_across_proposals(
        self, the_ledger: Mufakat, client: FlaskClient, bearer: Callable[..., dict[str, str]]
    ) -> None:
        village = open_village(the_ledger)
        people = village.everyone
        first = the_ledger.submit_proposal(CONTEXT, village.process_id, "Sumur bor", "Teks", people[0], None).id
        the_ledger.raise_objection(CONTEXT, first, people[2], "Terlalu dekat makam", True)
        the_ledger.amend(CONTEXT, first, "Teks 2", "Lokasi dipindah", people[0])
        second = the_ledger.submit_proposal(CONTEXT, village.process_id, "Lampu jalan", "Teks", people[2], None).id

        public_first = client.get(f"/api/v1/proposals/{first}/history?as_of_version=3").get_json()
        public_second = client.get(f"/api/v1/proposals/{second}/history").get_json()
        auditor_first = client.get(f"/api/v1/proposals/{first}/history", headers=bearer("auditor")).get_json()

        submitted, objected, amended = (item["data"] for item in public_first["items"])
        # Within one proposal the same person keeps one pseudonym, in order of first appearance ...
        assert submitted["submitted_by"] == amended["proposed_by"] == "00000000-0000-0000-0000-000000000001"
        assert objected["raised_by"] == "00000000-0000-0000-0000-000000000002"
        assert public_first["state"]["submitted_by"] == submitted["submitted_by"]
        assert public_first["state"]["objections"][0]["raised_by"] == objected["raised_by"]
        # ... but the objector of the first proposal is not recognisable as the author of the second.
        assert public_second["items"][0]["data"]["submitted_by"] == "00000000-0000-0000-0000-000000000001"
        # No real participant id reaches the public at all; the auditor sees them.
        public_bytes = str(public_first) + str(public_second)
        assert all(str(person) not in public_bytes for person in people)
        assert auditor_first["items"][1]["data"]["raised_by"] == str(people[2])

    def test_as_of_a_moment_replays_to_the_last_step_recorded_by_then(
        self, the_ledger: Mufakat, client: FlaskClient
    ) -> None:
        proposal_id = adopt_by_consensus(open_village(the_ledger))
        items = client.get(f"/api/v1/proposals/{proposal_id}/history").get_json()["items"]
        amended = next(item for item in items if item["type"] == "Amended")
        # as_of selects by when the record said it (recorded_at), not by when it happened in the room (at)
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
        proposal_id = the_ledger.submit_proposal(
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
        assert items[1]["summary"] == "Kekhawatiran disampaikan oleh peserta kelompok lansia"

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
