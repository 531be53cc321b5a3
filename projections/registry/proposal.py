"""The steps of a proposal: each worded in Bahasa Indonesia and English, published in its history (and, when
they change what a decision item shows, in the feed), with the fields that name a participant."""

from __future__ import annotations

from domain.proposal import Proposal
from projections import decision_record as record
from projections.registry.entry import IN_HISTORY, IN_HISTORY_AND_FEED, Entry
from projections.wording import capital, tally, verdict, word

_CHECK_COUNTS = ("agree", "abstain", "disagree", "block")
_VOTE_COUNTS = ("yes", "no", "abstain")


def _finding_words(d: dict[str, object], language: int) -> list[str]:
    kinds = {"need": ("kebutuhan", "need"), "potential": ("potensi", "potential")}
    found = d.get("addresses") or []
    return [
        f"{kinds.get(str(a.get('kind')), ('', ''))[language]} \u201c{a.get('title', '')}\u201d"
        for a in found  # type: ignore[attr-defined]
        if isinstance(a, dict)
    ]


ENTRIES = (
    Entry(
        Proposal.Submitted,
        id=lambda d, who: f"Usulan \u201c{d.get('title', '')}\u201d diajukan oleh {who}",
        en=lambda d, who: f"Proposal \u201c{d.get('title', '')}\u201d submitted by {who}",
        names=("submitted_by",),
        published=IN_HISTORY_AND_FEED,
    ),
    Entry(
        Proposal.Arrived,
        id=lambda d, who: f"Usulan \u201c{d.get('title', '')}\u201d diteruskan dari musyawarah tingkat di bawahnya",
        en=lambda d, who: f"Proposal \u201c{d.get('title', '')}\u201d forwarded from the level below",
        # Nobody here submitted it (None), but the field is the submitter's wherever it is stored.
        names=("submitted_by",),
        # It starts the record of the proposal in the parent process, as a submission does.
        published=IN_HISTORY_AND_FEED,
    ),
    Entry(
        Proposal.Forwarded,
        id=lambda d, who: "Usulan yang disetujui diteruskan ke musyawarah tingkat di atasnya",
        en=lambda d, who: "Adopted proposal forwarded to the level above",
        # The delegates who carry it up are participants: named only to those who may see personal data.
        names=("delegates",),
        published=IN_HISTORY,
    ),
    Entry(
        Proposal.Merged,
        id=lambda d, who: f"Usulan digabung dengan usulan lain: {d.get('reason', '')}",
        en=lambda d, who: f"Proposal merged into another: {d.get('reason', '')}",
        published=IN_HISTORY,
    ),
    Entry(
        Proposal.Contributed,
        id=lambda d, who: f"{word(d.get('kind'), 'id', 'Masukan')} disampaikan oleh {who}",
        en=lambda d, who: f"{word(d.get('kind'), 'en', 'A contribution')} given by {who}",
        names=("participant_id",),
        # A contribution changes nothing a decision item shows.
        published=IN_HISTORY,
    ),
    Entry(
        Proposal.Amended,
        id=lambda d, who: f"Teks usulan diubah atas usulan {who}",
        en=lambda d, who: f"Proposal text amended at the request of {who}",
        names=("proposed_by",),
        published=IN_HISTORY_AND_FEED,
        follows=record.amended,
    ),
    Entry(
        Proposal.ObjectionRaised,
        id=lambda d, who: (
            f"Keberatan mendasar diajukan oleh {who}" if d.get("blocking") else f"Keberatan diajukan oleh {who}"
        ),
        en=lambda d, who: f"Blocking objection raised by {who}" if d.get("blocking") else f"Objection raised by {who}",
        names=("raised_by",),
        published=IN_HISTORY_AND_FEED,
        follows=record.objection_raised,
    ),
    Entry(
        Proposal.ObjectionResolved,
        id=lambda d, who: f"Keberatan {word(d.get('outcome'), 'id')}",
        en=lambda d, who: f"Objection {word(d.get('outcome'), 'en')}",
        published=IN_HISTORY_AND_FEED,
        follows=record.objection_resolved,
    ),
    Entry(
        Proposal.ConsensusCheckOpened,
        id=lambda d, who: "Pengecekan mufakat dibuka",
        en=lambda d, who: "Consensus check opened",
        published=IN_HISTORY_AND_FEED,
        follows=record.check_opened,
    ),
    Entry(
        Proposal.StanceTaken,
        id=lambda d, who: f"{capital(who)} menyatakan sikap {word(d.get('stance'), 'id')}",
        en=lambda d, who: f"{capital(who)} took the stance: {word(d.get('stance'), 'en')}",
        names=("participant_id",),
        published=IN_HISTORY_AND_FEED,
        follows=record.stance_taken,
    ),
    Entry(
        Proposal.ConsensusCheckClosed,
        id=lambda d, who: (
            f"Pengecekan mufakat ditutup: {word(d.get('result'), 'id', '')}"
            + tally(d.get("tally"), _CHECK_COUNTS, "id")
        ),
        en=lambda d, who: (
            f"Consensus check closed: {word(d.get('result'), 'en', '')}" + tally(d.get("tally"), _CHECK_COUNTS, "en")
        ),
        published=IN_HISTORY_AND_FEED,
        follows=record.check_closed,
    ),
    Entry(
        Proposal.VoteOpened,
        id=lambda d, who: "Pemungutan suara dibuka",
        en=lambda d, who: "Vote opened",
        published=IN_HISTORY_AND_FEED,
        follows=record.vote_opened,
    ),
    Entry(
        Proposal.BallotCast,
        id=lambda d, who: f"{capital(who)} memberikan suara",
        en=lambda d, who: f"{capital(who)} cast a ballot",
        names=("participant_id",),
        published=IN_HISTORY_AND_FEED,
        follows=record.ballot_cast,
    ),
    Entry(
        Proposal.VoteClosed,
        id=lambda d, who: (
            f"Pemungutan suara ditutup: {word(d.get('result'), 'id', '')}" + tally(d.get("tally"), _VOTE_COUNTS, "id")
        ),
        en=lambda d, who: f"Vote closed: {word(d.get('result'), 'en', '')}" + tally(d.get("tally"), _VOTE_COUNTS, "en"),
        published=IN_HISTORY_AND_FEED,
        follows=record.vote_closed,
    ),
    Entry(
        Proposal.Decided,
        id=lambda d, who: f"Usulan {verdict(d.get('outcome'), d.get('method'), 'id')}".rstrip(),
        en=lambda d, who: f"Proposal {verdict(d.get('outcome'), d.get('method'), 'en')}".rstrip(),
        published=IN_HISTORY_AND_FEED,
        follows=record.decision_recorded,
    ),
    Entry(
        Proposal.Withdrawn,
        id=lambda d, who: f"Usulan ditarik: {d.get('reason', '')}",
        en=lambda d, who: f"Proposal withdrawn: {d.get('reason', '')}",
        published=IN_HISTORY,
    ),
    Entry(
        Proposal.DecisionAnnulled,
        id=lambda d, who: f"Keputusan dibatalkan: {d.get('reason', '')}",
        en=lambda d, who: f"Decision annulled: {d.get('reason', '')}",
        published=IN_HISTORY_AND_FEED,
        follows=record.decision_annulled,
    ),
    Entry(
        Proposal.FindingsLinked,
        id=lambda d, who: "Usulan menjawab temuan kajian: " + "; ".join(_finding_words(d, 0)),
        en=lambda d, who: "Proposal addresses assessment findings: " + "; ".join(_finding_words(d, 1)),
        # The decision item names the needs it answers.
        published=IN_HISTORY_AND_FEED,
        follows=record.findings_linked,
    ),
    Entry(
        Proposal.Redacted,
        id=lambda d, who: f"Kata-kata pada langkah {d.get('version', '')} disunting: {d.get('reason', '')}",
        en=lambda d, who: f"The words at step {d.get('version', '')} were redacted: {d.get('reason', '')}",
        published=IN_HISTORY_AND_FEED,
        follows=record.statement_redacted,
    ),
    Entry(
        Proposal.Corrected,
        id=lambda d, who: f"Ralat {d.get('field', '')} pada langkah {d.get('version', '')}: {d.get('reason', '')}",
        en=lambda d, who: f"Erratum of {d.get('field', '')} at step {d.get('version', '')}: {d.get('reason', '')}",
        published=IN_HISTORY,
    ),
)
