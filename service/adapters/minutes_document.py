"""What one berita acara says, as plain data: the renderer prints exactly this and nothing else.

The caller (the read model that fills it from events) decides what a reader may
see: for the public version it leaves every name out (`None`) and gives counts
already suppressed ("<3", "≥3" are printed as given); for the full version it
adds the daftar hadir and the names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

#: A count as shown: exact, or a suppression mark such as "<3".
Count = int | str

VERSIONS = ("public", "full")


@dataclass(frozen=True)
class Signatory:
    """Someone who signed the paper copy; `name` is None in the public version."""

    role: str
    name: str | None = None


@dataclass(frozen=True)
class Attendee:
    """One line of the daftar hadir (full version only)."""

    name: str
    group: str


@dataclass(frozen=True)
class Attendance:
    """Who was invited and came, the quorum and the rule that set it, and counts by group and gender."""

    invited: Count
    present: Count
    quorum_share: str
    quorum_required: int
    quorum_met: bool
    quorum_basis: str | None = None
    walk_ins: Count = 0
    by_group: dict[str, Count] = field(default_factory=dict)
    by_gender: dict[str, Count] = field(default_factory=dict)
    attendance_list: tuple[Attendee, ...] | None = None


@dataclass(frozen=True)
class ObjectionRecord:
    """An objection raised on a proposal and how it ended (`outcome` "unresolved" while it stands).

    `raised_by_group` is None where the group may not be named (fewer than 3 attendees share it).
    """

    grounds: str
    blocking: bool
    outcome: str
    raised_by_group: str | None
    raised_by: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class ContributionRecord:
    """What someone said on a proposal in the room: its kind (support, concern, question, information) and words.

    `speaker_group` is None where the group may not be named; `speaker` is the name, in the full version only.
    """

    kind: str
    text: str
    speaker_group: str | None
    speaker: str | None = None


@dataclass(frozen=True)
class CheckRecord:
    """A closed consensus check with its tally."""

    agree: Count
    abstain: Count
    disagree: Count
    block: Count
    result: str
    quorum_met: bool
    unresolved_blocking_objections: int = 0


@dataclass(frozen=True)
class VoteRecord:
    """A closed vote with its tally and the threshold it was held to."""

    yes: Count
    no: Count
    abstain: Count
    result: str
    threshold: str
    quorum_met: bool


@dataclass(frozen=True)
class DecisionRecord:
    """The decision on a proposal: adopted, rejected or deferred, how, and why."""

    outcome: str
    method: str
    rationale: str


@dataclass(frozen=True)
class CommitmentRecord:
    """A follow-up promised on an adopted decision (tindak lanjut)."""

    description: str
    owner: str
    due: date


@dataclass(frozen=True)
class ProposalRecord:
    """One proposal dealt with at the meeting, from its text as decided to its follow-up."""

    title: str
    text: str
    text_version: int = 1
    contributions: tuple[ContributionRecord, ...] = ()
    objections: tuple[ObjectionRecord, ...] = ()
    checks: tuple[CheckRecord, ...] = ()
    votes: tuple[VoteRecord, ...] = ()
    decision: DecisionRecord | None = None
    dissent: tuple[str, ...] = ()
    commitments: tuple[CommitmentRecord, ...] = ()


@dataclass(frozen=True)
class MinutesFooter:
    """Where a reader checks this document: its log position, the decision pages, how to verify."""

    log_position: int
    public_url: str
    verification: str


@dataclass(frozen=True)
class MinutesDocument:
    """One berita acara musyawarah, public or full version, ready to render.

    `occurred_at` is the time the room met, in the region's own time zone
    (its UTC offset names WIB, WITA or WIT); it is also the PDF's creation date.
    `document_id` (e.g. the meeting id and sealed version) fixes the PDF's /ID.
    """

    document_id: str
    version: str
    process_title: str
    region_name: str
    region_code: str
    meeting_title: str
    place: str | None
    occurred_at: datetime
    agenda: tuple[str, ...]
    attendance: Attendance
    proposals: tuple[ProposalRecord, ...]
    chair: Signatory
    secretary: Signatory
    footer: MinutesFooter
    signatories: tuple[Signatory, ...] = ()
    notes: str | None = None
    #: The notulen typed when the meeting was closed (the meeting's own minutes).
    meeting_minutes: str | None = None
    #: The meeting's kind (domain.meeting.MEETING_KINDS): the title names it unless it is a musyawarah.
    meeting_kind: str = "musyawarah"

    def __post_init__(self) -> None:
        if self.version not in VERSIONS:
            raise ValueError(f"version must be one of {VERSIONS}")
        if self.occurred_at.utcoffset() is None:
            raise ValueError("occurred_at must carry its UTC offset (the region's time zone)")
        if self.version == "public" and self.names():
            raise ValueError("the public version names nobody: no daftar hadir, no signatory or objector by name")

    def names(self) -> list[str]:
        """Every person's name this document carries (none in the public version)."""
        people = [self.chair, self.secretary, *self.signatories]
        names = [person.name for person in people if person.name]
        names += [attendee.name for attendee in self.attendance.attendance_list or ()]
        names += [o.raised_by for proposal in self.proposals for o in proposal.objections if o.raised_by]
        names += [c.speaker for proposal in self.proposals for c in proposal.contributions if c.speaker]
        return names
