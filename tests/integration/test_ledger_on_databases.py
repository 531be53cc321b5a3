"""The use cases of the ledger on real databases: the same tests on SQLite and on PostgreSQL.

`LedgerContract` holds the tests; each subclass says which database they run on.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

import pytest

from domain.errors import BlockingObjectionUnresolved, ProposalAlreadyDecided
from domain.proposal import Proposal
from domain.rules import DecisionRules
from service.adapters.personal_data import FORGOTTEN_PLACEHOLDER
from service.adapters.storage import persistence_settings
from service.app import queries
from service.app.access import ANONYMOUS, Principal
from service.app.application import CommandContext, Mufakat
from service.app.chain import journey
from service.app.errors import IdempotencyKeyReused, VersionMismatch
from service.app.idempotency import IdempotencyKey
from service.app.rankings import priorities
from service.cli.demo import COMPLAINT_ANSWERS, RAMPS, ROAD_LENGTH, SCORE_CARD, TRAINING_SCORES, record_demo

SECRET_NAME = "Sri Wahyuningsih Pramesti"
SECRET_CONTACT = "+62 812-9999-0417"


class Facilitator:
    """A facilitator's token on a ledger, re-read once it holds the process it opened."""

    def __init__(self, ledger: Mufakat) -> None:
        self.ledger = ledger
        _, self.secret = ledger.tokens.issue("facilitator", "Fasilitator Uji", [])
        self.principal = self._principal()

    def _principal(self) -> Principal:
        principal = self.ledger.tokens.authenticate(self.secret)
        assert principal is not None
        return principal

    def context(self, expected_version: int | None = None, idempotency: IdempotencyKey | None = None) -> CommandContext:
        """The context of one command by this facilitator."""
        return CommandContext(self.principal, expected_version=expected_version, idempotency=idempotency)

    def open_process(self) -> UUID:
        """Opens a small public process and takes hold of it."""
        process_id = self.ledger.processes.open(
            self.context(),
            title="Musyawarah Desa Sukamaju",
            description="Musdes penetapan prioritas",
            region_code="33.02.10.2001",
            region_name="Desa Sukamaju",
            visibility="public",
            rules=DecisionRules(),
        ).id
        self.principal = self._principal()
        return process_id

    def register(self, process_id: UUID, name: str, group: str = "resident", contact: str | None = None) -> UUID:
        """Registers one participant."""
        return self.ledger.participants.register(self.context(), process_id, name, group, "female", None, contact).id

    def proposal_with_participants(self, count: int = 3) -> tuple[UUID, list[UUID]]:
        """A process with `count` participants and one open proposal by the first of them."""
        process_id = self.open_process()
        people = [self.register(process_id, f"Warga {n}") for n in range(count)]
        proposal_id = self.ledger.proposals.submit(
            self.context(), process_id, "Sumur bor RT 04", "Sumur bor untuk air bersih", people[0], None
        ).id
        return proposal_id, people


def stored_event_bytes(ledger: Mufakat) -> list[bytes]:
    """The state of every stored event, as the database holds it."""
    top = ledger.recorder.max_notification_id() or 0
    return [bytes(n.state) for n in ledger.recorder.select_notifications(start=1, limit=top + 1)]


def run_together(count: int, work: Callable[[int], Any]) -> list[Any]:
    """Runs `work(i)` in `count` threads released at once; returns each result or raised exception."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = work(i)
        except Exception as error:  # collected for the test to assert on
            results[i] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


class LedgerContract:
    """Use cases every supported database must carry out alike."""

    @pytest.fixture
    def database_url(self) -> str:
        raise NotImplementedError

    @pytest.fixture
    def open_ledger(self, database_url: str) -> Iterator[Callable[[], Mufakat]]:
        opened: list[Mufakat] = []

        def open_() -> Mufakat:
            ledger = Mufakat(env=persistence_settings(database_url))
            opened.append(ledger)
            return ledger

        yield open_
        for ledger in opened:
            ledger.close()

    @pytest.fixture
    def ledger(self, open_ledger: Callable[[], Mufakat]) -> Mufakat:
        return open_ledger()

    @pytest.fixture
    def facilitator(self, ledger: Mufakat) -> Facilitator:
        return Facilitator(ledger)

    def test_a_full_deliberation_ends_in_adoption_by_consensus_with_follow_up(
        self, ledger: Mufakat, facilitator: Facilitator
    ) -> None:
        f = facilitator
        process_id = f.open_process()
        ani, budi, citra = (f.register(process_id, name) for name in ("Ani Suryani", "Budi Santoso", "Citra Dewi"))
        meeting_id = ledger.meetings.schedule(
            f.context(), process_id, "Musdes", datetime(2027, 2, 1, 2, 0, tzinfo=UTC), "Balai Desa", None
        ).id
        ledger.meetings.open(f.context(), meeting_id, [ani, budi, citra])
        proposal_id = ledger.proposals.submit(
            f.context(), process_id, "Posyandu", "Bangun posyandu", ani, meeting_id
        ).id

        # Deliberation: support, then a blocking objection that stops adoption by consensus.
        ledger.proposals.contribute(f.context(), proposal_id, budi, "support", "Sangat dibutuhkan")
        objection_id = ledger.proposals.raise_objection(
            f.context(), proposal_id, citra, "Lokasi rawan banjir", True
        ).part_id
        assert objection_id is not None
        with pytest.raises(BlockingObjectionUnresolved):
            ledger.proposals.decide(f.context(), proposal_id, "adopted", "consensus", "Mufakat")

        # The amendment addresses it; the check then reaches consensus.
        ledger.proposals.amend(f.context(), proposal_id, "Bangun posyandu di tanah kas desa yang tinggi", "Banjir", ani)
        ledger.proposals.resolve_objection(f.context(), proposal_id, objection_id, "addressed", "Lokasi dipindah")
        check_id = ledger.proposals.open_consensus_check(f.context(), proposal_id, meeting_id).part_id
        assert check_id is not None
        for person in (ani, budi, citra):
            ledger.proposals.take_stance(f.context(), proposal_id, check_id, person, "agree", None)
        ledger.proposals.close_consensus_check(f.context(), proposal_id, check_id)
        ledger.proposals.decide(f.context(), proposal_id, "adopted", "consensus", "Mufakat tercapai")

        # Follow-up on the decision.
        commitment_id = ledger.commitments.make(
            f.context(), proposal_id, "Pemerintah Desa", "Membangun posyandu", date(2027, 9, 30), ["gedung selesai"]
        ).id
        ledger.commitments.report_progress(f.context(), commitment_id, 100, "Selesai", None)

        proposal = queries.readable(ledger, Proposal, proposal_id, f.principal)
        assert proposal.status == "decided"
        assert proposal.decision is not None
        assert (proposal.decision.outcome, proposal.decision.method) == ("adopted", "consensus")
        assert proposal.body == "Bangun posyandu di tanah kas desa yang tinggi"
        assert proposal.objection(objection_id).state == "addressed"
        assert proposal.check(check_id).result == "reached"
        commitment = ledger.repository.get(commitment_id)
        assert (commitment.percent, commitment.completed) == (100, True)
        with pytest.raises(ProposalAlreadyDecided):
            ledger.proposals.contribute(f.context(), proposal_id, budi, "question", "Kapan mulai?")

    def test_concurrent_contributions_without_expected_version_are_all_kept(
        self, ledger: Mufakat, facilitator: Facilitator
    ) -> None:
        proposal_id, people = facilitator.proposal_with_participants()
        writers, each = 6, 5

        def contribute(writer: int) -> None:
            for n in range(each):
                ledger.proposals.contribute(
                    facilitator.context(), proposal_id, people[writer % 3], "support", f"{writer}-{n}"
                )

        outcomes = run_together(writers, contribute)

        assert [o for o in outcomes if o is not None] == []
        texts = [e.text for e in ledger.events.get(proposal_id) if isinstance(e, Proposal.Contributed)]
        assert sorted(texts) == sorted(f"{w}-{n}" for w in range(writers) for n in range(each))
        assert ledger.repository.get(proposal_id).contribution_count == writers * each

    def test_concurrent_writers_with_the_same_expected_version_get_one_write_and_version_mismatches(
        self, ledger: Mufakat, facilitator: Facilitator
    ) -> None:
        proposal_id, people = facilitator.proposal_with_participants()
        version = ledger.repository.get(proposal_id).version

        outcomes = run_together(
            4,
            lambda i: ledger.proposals.contribute(
                facilitator.context(expected_version=version), proposal_id, people[0], "concern", f"ke-{i}"
            ),
        )

        assert sum(1 for o in outcomes if isinstance(o, VersionMismatch)) == 3
        assert ledger.repository.get(proposal_id).version == version + 1
        with pytest.raises(VersionMismatch):
            ledger.proposals.contribute(
                facilitator.context(expected_version=version), proposal_id, people[0], "concern", "lagi"
            )

    def test_the_same_idempotency_key_twice_records_once_and_answers_the_same(
        self, ledger: Mufakat, facilitator: Facilitator
    ) -> None:
        proposal_id, people = facilitator.proposal_with_participants()
        body = {"participant_id": str(people[1]), "kind": "support", "text": "Setuju"}
        secret = ledger.vault.fingerprint_secret()
        key = IdempotencyKey.for_request(
            "fasilitator", "kunci-1", "POST", f"/proposals/{proposal_id}", body, secret=secret
        )

        first = ledger.proposals.contribute(
            facilitator.context(idempotency=key), proposal_id, people[1], "support", "Setuju"
        )
        again = ledger.proposals.contribute(
            facilitator.context(idempotency=key), proposal_id, people[1], "support", "Setuju"
        )

        assert (again.id, again.version, again.replayed) == (first.id, first.version, True)
        assert ledger.repository.get(proposal_id).contribution_count == 1
        other = IdempotencyKey.for_request(
            "fasilitator", "kunci-1", "POST", f"/proposals/{proposal_id}", {"x": 1}, secret=secret
        )
        with pytest.raises(IdempotencyKeyReused):
            ledger.proposals.contribute(
                facilitator.context(idempotency=other), proposal_id, people[1], "concern", "Lain"
            )
        assert ledger.repository.get(proposal_id).contribution_count == 1

    def test_names_are_stored_only_sealed_and_forgetting_leaves_the_placeholder(
        self, ledger: Mufakat, facilitator: Facilitator
    ) -> None:
        process_id = facilitator.open_process()
        participant_id = facilitator.register(process_id, SECRET_NAME, contact=SECRET_CONTACT)
        participant = ledger.repository.get(participant_id)
        assert queries.personal_data(ledger, participant) == {
            "name": SECRET_NAME,
            "contact": SECRET_CONTACT,
            "organisation": None,
        }

        stored = b"\n".join(stored_event_bytes(ledger))
        assert SECRET_NAME.encode() not in stored
        assert SECRET_CONTACT.encode() not in stored

        _, admin_secret = ledger.tokens.issue("admin", "Admin", [])
        admin = ledger.tokens.authenticate(admin_secret)
        assert admin is not None
        ledger.forgetting.forget(CommandContext(admin), participant_id)
        forgotten = ledger.repository.get(participant_id)
        assert queries.personal_data(ledger, forgotten) == {
            "name": FORGOTTEN_PLACEHOLDER,
            "contact": FORGOTTEN_PLACEHOLDER,
            "organisation": None,
        }

    def test_a_proposal_with_more_than_a_hundred_events_reloads_from_its_snapshot(
        self, ledger: Mufakat, facilitator: Facilitator, open_ledger: Callable[[], Mufakat]
    ) -> None:
        proposal_id, people = facilitator.proposal_with_participants()
        for n in range(120):
            ledger.proposals.contribute(
                facilitator.context(), proposal_id, people[n % 3], "information", f"catatan {n}"
            )

        reopened = open_ledger()  # no cache: the aggregate comes from the database
        assert reopened.snapshots is not None
        assert [s.originator_version for s in reopened.snapshots.get(proposal_id)] == [100]
        proposal = reopened.repository.get(proposal_id)
        assert (proposal.version, proposal.contribution_count) == (121, 120)
        assert reopened.repository.get(proposal_id, version=51).contribution_count == 50

    def test_everything_recorded_is_there_after_a_restart(
        self, ledger: Mufakat, facilitator: Facilitator, open_ledger: Callable[[], Mufakat]
    ) -> None:
        process_id = facilitator.open_process()
        participant_id = facilitator.register(process_id, SECRET_NAME)
        proposal_id = ledger.proposals.submit(
            facilitator.context(), process_id, "Air bersih", "Pipa air bersih", participant_id, None
        ).id
        ledger.proposals.decide(facilitator.context(), proposal_id, "deferred", "none", "Menunggu anggaran")
        ledger.close()

        restarted = open_ledger()
        principal = restarted.tokens.authenticate(facilitator.secret)
        assert principal is not None and process_id in principal.processes
        proposal = queries.readable(restarted, Proposal, proposal_id, principal)
        assert proposal.decision is not None and proposal.decision.outcome == "deferred"
        assert [
            p.id for p in queries.participants_of(restarted, queries.readable_process(restarted, process_id, principal))
        ] == [participant_id]
        assert queries.personal_data(restarted, restarted.repository.get(participant_id))["name"] == SECRET_NAME

    def test_the_demo_records_the_four_outcomes(self, ledger: Mufakat, facilitator: Facilitator) -> None:
        record = record_demo(ledger, facilitator.secret)

        decisions = {
            name: ledger.repository.get(proposal_id).decision for name, proposal_id in record.proposals.items()
        }
        assert {name: (d.outcome, d.method) for name, d in decisions.items() if d} == {
            "adopted_by_consensus": ("adopted", "consensus"),
            "adopted_by_vote": ("adopted", "vote"),
            "rejected": ("rejected", "vote"),
            "deferred": ("deferred", "none"),
            # the Musdes typed in afterwards: a decision annulled by a Musdes khusus, then decided again
            "annulled_then_redecided": ("adopted", "consensus"),
            # the land swap the mediation of the embung's land dispute agreed on, adopted at a Musdes khusus
            "agreed_in_mediation": ("adopted", "consensus"),
        }
        assert ledger.repository.get(record.proposals["withdrawn"]).status == "withdrawn"
        by_vote = ledger.repository.get(record.proposals["adopted_by_vote"])
        assert [c.result for c in by_vote.checks.values()] == ["not_reached"]
        assert [c.tally["block"] for c in by_vote.checks.values()] == [1]
        assert [(o.blocking, o.state) for o in by_vote.objections.values()] == [(True, "overruled")]
        rejected = ledger.repository.get(record.proposals["rejected"])
        assert [(o.blocking, o.state) for o in rejected.objections.values()] == [(False, "withdrawn")]
        by_consensus = ledger.repository.get(record.proposals["adopted_by_consensus"])
        assert [(o.blocking, o.state) for o in by_consensus.objections.values()] == [(True, "addressed")]
        assert by_consensus.text_version == 2
        # the road and the waste bank after two monitoring rounds; the land swap the dispute's agreement made
        assert [ledger.repository.get(c).percent for c in record.commitments] == [60, 75, 0]
        assert len(record.participants) >= 12
        assert record.events == len(stored_event_bytes(ledger)) - 1  # all but the demo's token

    def test_the_demo_ranks_against_the_ceiling_and_sends_the_road_up_to_be_merged(
        self, ledger: Mufakat, facilitator: Facilitator
    ) -> None:
        record = record_demo(ledger, facilitator.secret)

        listed = priorities(ledger, ANONYMOUS, record.process_id)
        assert listed["ranking_id"] == record.ranking_id
        assert (listed["method"], listed["budget_ceiling"], listed["ballot_count"]) == ("borda", "320000000", 12)
        titles = [row["title"].split(" ")[0:2] for row in listed["items"]]
        assert titles[0] == ["Pembangunan", "jalan"]
        assert [(row["cumulative_cost"], row["within_ceiling"]) for row in listed["items"]] == [
            ("185000000", True),
            ("305000000", True),
            ("555000000", False),
            ("650000000", False),
        ]
        road = record.proposals["adopted_by_consensus"]
        way = journey(ledger.uow, ANONYMOUS, road)
        assert [(stop.level, stop.status) for stop in way] == [
            ("desa", "decided"),
            ("kecamatan", "merged"),
            ("kecamatan", "open"),
        ]
        assert [stop.proposal_id for stop in way] == [road, record.chain["forwarded"], record.chain["merged_into"]]
        assert way[0].forwarded_to == record.chain["kecamatan_process"]
        assert all(stop.delegates is None for stop in way)  # outsiders never see who carried it
        # the same line from the kecamatan end
        assert journey(ledger.uow, ANONYMOUS, record.chain["forwarded"]) == way

    def test_the_demo_follows_its_decisions_through_the_programme_cycle_in_time_order(
        self, ledger: Mufakat, facilitator: Facilitator
    ) -> None:
        record = record_demo(ledger, facilitator.secret)

        def get(aggregate_id: UUID) -> Any:
            return ledger.repository.get(aggregate_id)

        road, waste_bank, land_swap = (get(c) for c in record.commitments)
        assert (road.budget, road.spent, road.percent) == ("198000000", "119500000", 60)
        assert {m["name"]: (m["baseline"], m["target"], m["latest"]) for m in road.indicators_against_targets()} == {
            ROAD_LENGTH: ("0", "450", "270"),
            RAMPS: ("0", "24", "14"),
        }
        # the waste bank falls due on 30 November at 75 percent: overdue from the day after
        assert waste_bank.percent == 75 and not waste_bank.is_overdue(date(2026, 11, 30))
        assert waste_bank.is_overdue(date(2026, 12, 1))
        toward = {c["commitment_id"] for key in ("csr", "ngo") for c in get(record.partners[key]).contributions}
        assert toward == {str(road.id), str(waste_bank.id)}
        (score_card,) = (get(e) for e in record.evaluations)
        assert (score_card.status, score_card.tally["count"]) == ("closed", len(SCORE_CARD))
        assert record.follow_up_meetings[score_card.meeting_id] == "monitoring"
        assert get(score_card.meeting_id).kind == "monitoring"
        # the waste bank's training: a meeting of kind training, evaluated by its attendees like a score card
        ((training_id, training_evaluation_id),) = record.trainings.items()
        training = get(training_evaluation_id)
        assert get(training_id).kind == "training" and training.meeting_id == training_id
        assert (training.status, training.tally["count"]) == ("closed", len(TRAINING_SCORES))
        # the road's risks, one owned by the CSR partner, both reviewed at the monitoring meeting
        assert {risk_id: road.risks[str(risk_id)]["status"] for risk_id in record.risks.values()} == {
            record.risks["hujan"]: "occurred",
            record.risks["semen"]: "mitigated",
        }
        # the NGO's training offer answers two needs found in the kajian
        (offer,) = get(record.partners["ngo"]).offers.values()
        assert set(offer["answers"]) == {str(record.findings["sampah_sungai"]), str(record.findings["kompos_kwt"])}
        (complaint,) = (get(c) for c in record.complaints)
        assert complaint.status == "resolved"
        assert [step["status"] for step in complaint.history] == [
            "received",
            *(status for status, _, _ in COMPLAINT_ANSWERS),
        ]
        land = get(record.disputes["land"])
        assert (land.visibility, land.status, [str(c) for c in land.agreement["commitment_ids"]]) == (
            "public",
            "agreed",
            [str(land_swap.id)],
        )
        assert all("name" not in party for party in land.parties)
        assert {UUID(s["meeting_id"]) for s in land.sessions.values()} <= set(record.follow_up_meetings)
        # in time order, June to November 2026 in the village's time
        moments = [
            get(record.chain["kecamatan_process"]).opened_at,
            get(record.process_id).opened_at,
            get(record.proposals["adopted_by_consensus"]).decision.decided_at,
            road.made_at,
            land.opened_at,
            complaint.filed_at,
            land.agreement["agreed_at"],
            score_card.closed_at,
        ]
        assert moments == sorted(moments)
        assert [m.date().isoformat() for m in (moments[0], moments[-1])] == ["2026-06-15", "2026-11-26"]


class TestLedgerOnSQLite(LedgerContract):
    """The ledger on an SQLite file."""

    @pytest.fixture
    def database_url(self, sqlite_database_url: str) -> str:
        return sqlite_database_url


@pytest.mark.postgres
class TestLedgerOnPostgreSQL(LedgerContract):
    """The ledger on a fresh PostgreSQL database."""

    @pytest.fixture
    def database_url(self, postgres_database_url: str) -> str:
        return postgres_database_url
