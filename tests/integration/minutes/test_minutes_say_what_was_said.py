"""The berita acara prints what was said in the room (each contribution's kind and words) and the notulen typed
when the meeting closed; the public version names nobody, and a decision by vote reads as a secretary writes it.

Recorded through the ledger on SQLite and on PostgreSQL (the words are read back from the stored events).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from io import BytesIO

import pytest
from pypdf import PdfReader

from domain.rules import DecisionRules
from service.adapters.minutes_pdf import render_minutes_pdf
from service.adapters.storage import persistence_settings
from service.app import queries
from service.app.application import CommandContext, Mufakat
from service.app.minutes import MinutesRequest, Signer, Signers, gather_minutes

PEOPLE = (
    ("Ibu Sri Wahyuni", "women", "female"),
    ("Ibu Endang Purwati", "women", "female"),
    ("Ibu Tutik Handayani", "women", "female"),
    ("Pak Joko Susilo", "resident", "male"),
)
SAID = {
    "support": "Jalan usaha tani memudahkan panen keluar dari sawah.",
    "concern": "Jangan sampai saluran irigasi tertutup oleh jalan.",
    "question": "Berapa lebar jalan yang direncanakan?",
}
NOTULEN = "Rapat dibuka pukul 09.00 oleh Kepala Desa; usulan dibahas dan diputuskan melalui pemungutan suara."
START = datetime(2027, 3, 2, 2, 0, tzinfo=UTC)


def text_of(pdf: bytes) -> str:
    """Every page's text, whitespace collapsed."""
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages))


def record_a_musyawarah(ledger: Mufakat) -> tuple[dict[str, bytes], set[str]]:
    """A meeting where three women and a resident speak, the check fails, a vote passes; closed with notulen."""
    _, secret = ledger.tokens.issue("facilitator", "Fasilitator Uji", [])
    principal = ledger.tokens.authenticate(secret)
    assert principal is not None
    context = CommandContext(principal=principal)
    rules = DecisionRules(vote_fallback=True)
    process_id = ledger.processes.open(
        context, "Musdes Karanganyar", "", "33.13.01.2001", "Desa Karanganyar", "public", rules
    ).id
    context = CommandContext(principal=queries.principal_of_token(ledger, principal.token_record_id) or principal)

    def at(minutes: int) -> CommandContext:
        return CommandContext(principal=context.principal, occurred_at=START + timedelta(minutes=minutes))

    people = [ledger.participants.register(at(0), process_id, n, g, s, None, None).id for n, g, s in PEOPLE]
    meeting_id = ledger.meetings.schedule(at(1), process_id, "Musyawarah Desa", START, "Balai Desa", None).id
    ledger.meetings.open(at(2), meeting_id, people)
    proposal_id = ledger.proposals.submit(
        at(3), process_id, "Jalan usaha tani Dusun Krajan", "Jalan rabat beton 400 m.", people[0], meeting_id
    ).id
    # A woman supports, the resident worries, another woman asks.
    for minute, (kind, words), who in zip((4, 5, 6), SAID.items(), (people[1], people[3], people[2]), strict=True):
        ledger.proposals.contribute(at(minute), proposal_id, who, kind, words)
    check_id = ledger.proposals.open_consensus_check(at(7), proposal_id, meeting_id).part_id
    for minute, (who, stance) in enumerate(zip(people, ("agree", "agree", "agree", "disagree"), strict=True)):
        ledger.proposals.take_stance(at(8 + minute), proposal_id, check_id, who, stance, None)
    ledger.proposals.close_consensus_check(at(12), proposal_id, check_id)
    vote_id = ledger.proposals.open_vote(at(13), proposal_id, meeting_id).part_id
    for minute, (who, choice) in enumerate(zip(people, ("yes", "yes", "yes", "no"), strict=True)):
        ledger.proposals.cast_ballot(at(14 + minute), proposal_id, vote_id, who, choice)
    ledger.proposals.close_vote(at(18), proposal_id, vote_id)
    ledger.proposals.decide(at(19), proposal_id, "adopted", "vote", "Tiga dari empat suara setuju.")
    ledger.meetings.close(at(20), meeting_id, NOTULEN)

    process = ledger.repository.get(process_id)
    meeting = ledger.repository.get(meeting_id)
    request = MinutesRequest(
        Signers(Signer("Bapak Kepala Desa", "Kepala Desa"), Signer("Ibu Sekdes", "Sekretaris Desa"), ()),
        ("Jalan usaha tani",),
        None,
    )
    documents, _ = gather_minutes(ledger, process, meeting, request, 1, "https://mufakat.example")  # type: ignore[arg-type]
    return {version: render_minutes_pdf(document, "id") for version, document in documents.items()}, {
        n for n, _, _ in PEOPLE
    }


class MinutesOnSQLite:
    @pytest.fixture
    def ledger(self, sqlite_ledger_url: str) -> Iterator[Mufakat]:
        opened = Mufakat(env=persistence_settings(sqlite_ledger_url))
        yield opened
        opened.close()

    def test_the_berita_acara_prints_each_contribution_and_the_notulen_and_the_public_one_names_nobody(
        self, ledger: Mufakat
    ) -> None:
        pdfs, names = record_a_musyawarah(ledger)
        public, full = text_of(pdfs["public"]), text_of(pdfs["full"])

        # Every contribution, by kind and in its words, in both versions.
        assert "Masukan peserta" in public
        for words in SAID.values():
            assert f"\u201c{words}\u201d" in public
            assert f"\u201c{words}\u201d" in full
        # The public version says who by group where three attendees share it, else "seorang peserta".
        assert f"Dukungan dari peserta kelompok perempuan: \u201c{SAID['support']}\u201d" in public
        assert f"Kekhawatiran dari seorang peserta: \u201c{SAID['concern']}\u201d" in public
        assert f"Pertanyaan dari peserta kelompok perempuan: \u201c{SAID['question']}\u201d" in public
        # The full version names the speaker.
        assert f"Kekhawatiran dari Pak Joko Susilo: \u201c{SAID['concern']}\u201d" in full
        assert [name for name in names if name in public] == []
        # The notulen typed when closing the meeting, under its own heading.
        assert f"III. NOTULEN RAPAT {NOTULEN}" in public
        assert NOTULEN in full
        # The vote: its rule as a secretary writes it, and the decision "diterima", not "disepakati".
        assert (
            "Aturan: usulan diterima apabila suara setuju lebih dari separuh jumlah suara setuju dan tidak setuju, "
            "dan kuorum terpenuhi; suara abstain tidak ikut dihitung." in public
        )
        assert "Usulan diterima melalui pemungutan suara." in public
        assert "disepakati melalui pemungutan suara" not in public


class TestMinutesOnSQLite(MinutesOnSQLite):
    pass


class TestMinutesOnPostgreSQL(MinutesOnSQLite):
    @pytest.fixture
    def ledger(self, postgres_ledger_url: str) -> Iterator[Mufakat]:  # type: ignore[override]
        opened = Mufakat(env=persistence_settings(postgres_ledger_url))
        yield opened
        opened.close()
