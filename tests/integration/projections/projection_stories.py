"""Processes recorded straight through the ledger's use cases, for the read models to read."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from uuid import UUID

from domain.actor import Actor
from domain.rules import DecisionRules
from service.app.access import Principal
from service.app.application import CommandContext, Mufakat

ADMIN = Principal(actor=Actor(id="test-admin", role="admin", name="Admin Uji"), token_record_id=UUID(int=1))
CONTEXT = CommandContext(ADMIN)

# (name, group, gender, contact): names and contacts that must never leave in public output.
PEOPLE: tuple[tuple[str, str, str | None, str], ...] = (
    ("Sulastri Widyaningrum", "women", "female", "+62 811-0000-1111"),
    ("Purwanto Hadisiswoyo", "resident", "male", "+62 811-0000-2222"),
    ("Tukiyem Sastrowardoyo", "elderly", "female", "+62 811-0000-3333"),
    ("Bagus Kurniawan Saputra", "youth", "male", "bagus.saputra@contoh.example"),
    ("Margono Citrowiyono", "disability", None, "+62 811-0000-4444"),
)


@dataclass
class Village:
    """One process under way: its participants (by name) and its open meeting."""

    ledger: Mufakat
    process_id: UUID
    people: dict[str, UUID] = field(default_factory=dict)
    meeting_id: UUID | None = None

    @property
    def everyone(self) -> list[UUID]:
        """Every participant's id, in order of registration."""
        return list(self.people.values())


def open_village(
    ledger: Mufakat, visibility: str = "public", region_code: str = "33.02.10.2001", title: str = "Musdes Sukamaju"
) -> Village:
    """A process with five registered participants and an open meeting that all of them attend.

    The village decides by consent: a check is reached with more agree than disagree and no block,
    each disagree staying on record as dissent.
    """
    process_id = ledger.processes.open(
        CONTEXT,
        title=title,
        description="Musyawarah desa",
        region_code=region_code,
        region_name="Desa Sukamaju",
        visibility=visibility,
        rules=DecisionRules(consensus="consent", legal_basis="Permendesa PDTT 16/2019"),
    ).id
    village = Village(ledger, process_id)
    for name, group, gender, contact in PEOPLE:
        village.people[name] = ledger.participants.register(
            CONTEXT, process_id, name, group, gender, "Organisasi Uji", contact
        ).id
    village.meeting_id = ledger.meetings.schedule(
        CONTEXT, process_id, "Musdes", datetime(2026, 9, 8, 2, 0, tzinfo=UTC), "Balai Desa", village.everyone
    ).id
    ledger.meetings.open(CONTEXT, village.meeting_id, village.everyone)
    return village


def adopt_by_consensus(village: Village, title: str = "Posyandu Dusun Krajan", dissent: bool = True) -> UUID:
    """A proposal adopted by consensus after a blocking objection was addressed; returns its id."""
    ledger, people = village.ledger, village.everyone
    assert village.meeting_id is not None
    proposal_id = ledger.proposals.submit(CONTEXT, village.process_id, title, "Teks awal", people[0], None).id
    ledger.proposals.contribute(CONTEXT, proposal_id, people[1], "support", "Sangat dibutuhkan")
    objection = ledger.proposals.raise_objection(CONTEXT, proposal_id, people[4], "Akses kursi roda tidak ada", True).part_id
    assert objection is not None
    ledger.proposals.amend(CONTEXT, proposal_id, "Teks dengan landaian", "Menanggapi keberatan", people[0])
    ledger.proposals.resolve_objection(CONTEXT, proposal_id, objection, "addressed", "Landaian ditambahkan")
    if dissent:
        ledger.proposals.raise_objection(CONTEXT, proposal_id, people[3], "Biaya terlalu tinggi", False)
    check = ledger.proposals.open_consensus_check(CONTEXT, proposal_id, village.meeting_id).part_id
    assert check is not None
    for index, participant in enumerate(people):
        stance = "disagree" if dissent and index == 3 else "agree"
        ledger.proposals.take_stance(CONTEXT, proposal_id, check, participant, stance, "Anggaran lain lebih mendesak")
    ledger.proposals.close_consensus_check(CONTEXT, proposal_id, check)
    ledger.proposals.decide(CONTEXT, proposal_id, "adopted", "consensus", "Mufakat tercapai")
    return proposal_id


def reject_by_vote(village: Village, title: str = "Gapura desa") -> UUID:
    """A proposal on which musyawarah found no consensus, put to a vote that failed, then rejected; returns its id."""
    ledger, people = village.ledger, village.everyone
    assert village.meeting_id is not None
    proposal_id = ledger.proposals.submit(CONTEXT, village.process_id, title, "Gapura baru", people[1], None).id
    check = ledger.proposals.open_consensus_check(CONTEXT, proposal_id, village.meeting_id).part_id
    assert check is not None
    ledger.proposals.close_consensus_check(CONTEXT, proposal_id, check)  # no one agreed: musyawarah failed
    vote = ledger.proposals.open_vote(CONTEXT, proposal_id, village.meeting_id).part_id
    assert vote is not None
    for index, participant in enumerate(people):
        ledger.proposals.cast_ballot(CONTEXT, proposal_id, vote, participant, "yes" if index < 2 else "no")
    ledger.proposals.close_vote(CONTEXT, proposal_id, vote)
    ledger.proposals.decide(CONTEXT, proposal_id, "rejected", "vote", "Suara terbanyak menolak")
    return proposal_id


def follow_up(ledger: Mufakat, proposal_id: UUID, percents: tuple[int, ...] = (40, 100)) -> UUID:
    """A commitment on an adopted proposal with its progress reports; returns its id."""
    commitment_id = ledger.commitments.make(
        CONTEXT, proposal_id, "Kepala Desa", "Membangun posyandu", date(2027, 6, 30), ["bangunan selesai"]
    ).id
    for percent in percents:
        ledger.commitments.report_progress(CONTEXT, commitment_id, percent, f"Kemajuan {percent}%", None)
    return commitment_id
