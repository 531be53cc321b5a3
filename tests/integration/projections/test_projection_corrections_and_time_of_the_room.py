"""A musyawarah typed in afterwards reads as it happened in the room; an annulled decision is published."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest
from flask.testing import FlaskClient
from projection_stories import ADMIN, CONTEXT, open_village

from domain.proposal import Proposal
from projections.sql import timestamp
from service.app.application import Mufakat

IN_THE_ROOM = datetime(2026, 9, 5, 2, 0, tzinfo=UTC)


def _typed_in_from_paper(ledger: Mufakat) -> None:
    """Every step from now on happened on 5 September, a minute apart, whenever it is recorded."""
    moments = (IN_THE_ROOM + timedelta(minutes=minute) for minute in range(1000))
    ledger.clock = lambda: next(moments)


def _rejected(ledger: Mufakat) -> UUID:
    village = open_village(ledger)
    people = village.everyone
    proposal_id = ledger.proposals.submit(CONTEXT, village.process_id, "Gapura desa", "Teks", people[0], None).id
    # No check was held: the rejection is recorded as what it was, decided without consensus or vote.
    ledger.proposals.decide(CONTEXT, proposal_id, "rejected", "none", "Tidak ada yang mendukung")
    return proposal_id


def _annul(ledger: Mufakat, proposal_id: UUID, reason: str) -> None:
    proposal = ledger.repository.get(proposal_id)
    assert isinstance(proposal, Proposal)
    proposal.annul_decision(reason, "Permendesa PDTT 16/2019", None, ADMIN.actor, occurred_at=ledger.clock())
    ledger.save(proposal)


class CorrectionsContract:
    """What readers see of a musyawarah typed in from paper, and of a decision a later one annulled."""

    def test_a_history_typed_in_afterwards_reads_at_the_time_of_the_room_with_when_it_was_recorded(
        self, the_ledger: Mufakat, client: FlaskClient
    ) -> None:
        _typed_in_from_paper(the_ledger)
        recording_began = timestamp(datetime.now(UTC))
        proposal_id = _rejected(the_ledger)

        items = client.get(f"/api/v1/proposals/{proposal_id}/history").get_json()["items"]

        assert [item["type"] for item in items] == ["Submitted", "Decided"]
        assert all(item["at"] == item["occurred_at"] for item in items)
        assert all(item["occurred_at"].startswith("2026-09-05T02:") for item in items)
        assert all(item["recorded_at"] >= recording_began for item in items)

    def test_time_to_decision_counts_from_submission_to_decision_in_the_room(
        self, the_ledger: Mufakat, client: FlaskClient, bearer: Callable[..., dict[str, str]]
    ) -> None:
        _typed_in_from_paper(the_ledger)
        proposal_id = _rejected(the_ledger)
        process_id = the_ledger.repository.get(proposal_id).process_id

        report = client.get(f"/api/v1/processes/{process_id}/participation", headers=bearer("auditor")).get_json()

        decided = report["time_to_decision"]["proposals"][0]
        assert decided["submitted_at"].startswith("2026-09-05T02:")
        assert decided["decided_at"].startswith("2026-09-05T02:")
        assert decided["seconds"] >= 60  # a minute apart in the room, milliseconds apart when typed in

    def test_as_of_reads_the_record_by_when_it_was_recorded_not_when_it_happened(
        self, the_ledger: Mufakat, client: FlaskClient
    ) -> None:
        _typed_in_from_paper(the_ledger)
        proposal_id = _rejected(the_ledger)
        the_day_after_the_musyawarah = (IN_THE_ROOM + timedelta(days=1)).isoformat()

        before_it_was_typed_in = client.get(
            f"/api/v1/proposals/{proposal_id}/history", query_string={"as_of": the_day_after_the_musyawarah}
        )

        assert before_it_was_typed_in.status_code == 404

    def test_a_replay_goes_to_a_version_or_to_a_moment_never_to_both(
        self, the_ledger: Mufakat, client: FlaskClient
    ) -> None:
        proposal_id = _rejected(the_ledger)

        both = client.get(
            f"/api/v1/proposals/{proposal_id}/history",
            query_string={"as_of_version": 1, "as_of": datetime.now(UTC).isoformat()},
        )

        assert both.status_code == 422
        assert both.get_json()["code"] == "validation_failed"
        assert both.get_json()["errors"] == {"as_of": ["give as_of_version or as_of, not both"]}

    def test_an_annulled_decision_is_published_and_worded_in_the_history(
        self, the_ledger: Mufakat, client: FlaskClient
    ) -> None:
        proposal_id = _rejected(the_ledger)
        _annul(the_ledger, proposal_id, "Musdes khusus: tidak semua dusun diundang")

        feed = client.get("/api/v1/feed").get_json()["items"]
        history = client.get(f"/api/v1/proposals/{proposal_id}/history").get_json()["items"]
        english = client.get(
            f"/api/v1/proposals/{proposal_id}/history", headers={"Accept-Language": "en"}
        ).get_json()["items"]

        assert [item["kind"] for item in feed] == ["decision", "annulment"]
        annulment = feed[1]
        assert annulment["id"] == f"annulment-{proposal_id}-1"
        assert annulment["decision"]["outcome"] == "rejected"
        assert annulment["annulment"]["reason"] == "Musdes khusus: tidak semua dusun diundang"
        assert annulment["annulment"]["legal_basis"] == "Permendesa PDTT 16/2019"
        assert history[-1]["type"] == "DecisionAnnulled"
        assert history[-1]["summary"] == "Keputusan dibatalkan: Musdes khusus: tidak semua dusun diundang"
        assert english[-1]["summary"] == "Decision annulled: Musdes khusus: tidak semua dusun diundang"

    def test_a_proposal_decided_again_after_an_annulment_gets_a_decision_item_of_its_own(
        self, the_ledger: Mufakat, client: FlaskClient
    ) -> None:
        proposal_id = _rejected(the_ledger)
        _annul(the_ledger, proposal_id, "Musdes khusus")
        the_ledger.proposals.decide(CONTEXT, proposal_id, "deferred", "none", "Dibahas lagi tahun depan")

        feed = client.get("/api/v1/feed").get_json()["items"]

        assert [item["id"] for item in feed] == [
            f"decision-{proposal_id}",
            f"annulment-{proposal_id}-1",
            f"decision-{proposal_id}-2",
        ]
        assert feed[2]["decision"]["outcome"] == "deferred"


class TestCorrectionsOnSQLite(CorrectionsContract):
    """On SQLite."""


@pytest.mark.postgres
class TestCorrectionsOnPostgreSQL(CorrectionsContract):
    """On PostgreSQL."""

    @pytest.fixture
    def database_url(self, postgres_database_url: str) -> str:
        """A fresh PostgreSQL database."""
        return postgres_database_url
