"""An assessment (kajian kebutuhan dan potensi): what a community needs and has, found with the community.

A facilitator records an assessment (a survey, an FGD, a transect walk...) after the walk, from paper: its
method, the meeting it was held at, how many respondents of each group and gender took part, the evidence files
(a photo of the social map, a scanned questionnaire) by their SHA-256, and its findings: needs and potentials,
each with the groups who raised it. A finding is corrected by an erratum (the original stays in history) and
withdrawn with a reason; it is never overwritten. Checks sit in the public methods; the private @event methods
only change state, because their bodies run again on every replay.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.actor import Actor
from domain.errors import (
    AssessmentClosed,
    EvidenceNotAttached,
    FindingWithdrawn,
    NothingToCorrect,
    PartOfAssessmentNotFound,
    RespondentsCountedTwice,
    ValueNotAllowed,
    ensure_aware,
    ensure_not_before,
    ensure_one_of,
)
from domain.process import GENDERS, GROUPS
from domain.sectors import SECTOR_CODES
from domain.steps import RecordedInOrder, Start, Step

METHODS = ("survey", "interview", "fgd", "observation", "mapping", "transect", "seasonal_calendar", "other")
FINDING_KINDS = ("need", "potential")
#: The media types an evidence file may have.
EVIDENCE_MEDIA_TYPES = ("image/jpeg", "image/png", "application/pdf")
#: The parts of a location, from the widest: dusun, RW (rukun warga), RT (rukun tetangga).
LOCATION_PARTS = ("dusun", "rw", "rt")
#: The free text of a finding that an erratum may correct.
CORRECTABLE_FINDING_FIELDS = ("title", "description")

Respondents = list[dict[str, Any]]


def ensure_respondents(respondents: Respondents) -> None:
    """Each row counts respondents of one group (and gender, if told) at least once; no group and gender twice."""
    seen: set[tuple[str, str | None]] = set()
    for row in respondents:
        ensure_one_of("group", row.get("group"), GROUPS)
        ensure_one_of("gender", row.get("gender"), (*GENDERS, None))
        count = row.get("count")
        if not isinstance(count, int) or isinstance(count, bool) or count < 1:
            raise ValueNotAllowed("count must be a whole number of respondents, at least 1")
        key = (str(row["group"]), row.get("gender"))
        if key in seen:
            raise RespondentsCountedTwice(
                f"respondents of group {key[0]} and gender {key[1] or 'unstated'} are counted twice"
            )
        seen.add(key)


def ensure_location(location: dict[str, str] | None) -> None:
    """A location names a dusun, RW and RT (any of them), nothing else."""
    if location is None:
        return
    for part in location:
        ensure_one_of("location part", part, LOCATION_PARTS)


class Assessment(RecordedInOrder, Aggregate):
    """One assessment of a process, its respondents, evidence files and findings."""

    class Started(Start):
        process_id: UUID
        title: str
        method: str
        meeting_id: UUID | None
        respondents: list[dict[str, Any]]

    class EvidenceAttached(Step):
        sha256: str
        name: str
        media_type: str
        size: int

    class FindingRecorded(Step):
        finding_id: UUID
        kind: str
        title: str
        description: str | None
        sector: str | None
        location: dict[str, str] | None
        groups: list[str]
        evidence: list[str]

    class FindingCorrected(Step):
        finding_id: UUID
        field: str
        text: str
        reason: str

    class FindingWithdrawn(Step):
        finding_id: UUID
        reason: str

    class Closed(Step):
        pass

    # --- creation ------------------------------------------------------------

    @event(Started)
    def __init__(
        self,
        id: UUID,
        process_id: UUID,
        title: str,
        method: str,
        meeting_id: UUID | None,
        respondents: list[dict[str, Any]],
        occurred_at: datetime,
        actor: Actor,
    ) -> None:
        self.process_id = process_id
        self.title = title
        self.method = method
        self.meeting_id = meeting_id
        self.respondents = [dict(row) for row in respondents]
        self.started_at = occurred_at
        self.closed_at: datetime | None = None
        # Each evidence file by its SHA-256: {name, media_type, size}.
        self.evidence: dict[str, dict[str, Any]] = {}
        # Each finding by its id (as text): see `_finding_recorded`.
        self.findings: dict[str, dict[str, Any]] = {}

    @classmethod
    def start(
        cls,
        id: UUID,
        process_id: UUID,
        title: str,
        method: str,
        meeting_id: UUID | None,
        respondents: Respondents,
        actor: Actor,
        *,
        occurred_at: datetime,
    ) -> Assessment:
        """Records an assessment held with the community, by one method, with its respondents counted."""
        ensure_one_of("method", method, METHODS)
        ensure_respondents(respondents)
        ensure_aware(occurred_at)
        return cls(
            id=id,
            process_id=process_id,
            title=title,
            method=method,
            meeting_id=meeting_id,
            respondents=[
                {"group": row["group"], "gender": row.get("gender"), "count": int(row["count"])} for row in respondents
            ],
            occurred_at=occurred_at,
            actor=actor,
        )

    # --- what the state says -------------------------------------------------

    @property
    def status(self) -> str:
        """`open` while findings are being recorded, `closed` after."""
        return "closed" if self.closed_at is not None else "open"

    @property
    def respondent_count(self) -> int:
        """How many respondents took part in all."""
        return sum(int(row["count"]) for row in self.respondents)

    def finding(self, finding_id: UUID | str) -> dict[str, Any]:
        """One finding of this assessment."""
        try:
            return self.findings[str(finding_id)]
        except KeyError:
            raise PartOfAssessmentNotFound("finding", finding_id) from None

    def ensure_open(self) -> None:
        """A closed assessment takes no more findings nor evidence."""
        if self.closed_at is not None:
            raise AssessmentClosed(
                "this assessment is closed and takes no more findings or evidence", assessment_id=self.id
            )

    def ensure_finding_stands(self, finding_id: UUID | str) -> dict[str, Any]:
        """The finding, unless it was withdrawn."""
        finding = self.finding(finding_id)
        if finding["withdrawn"] is not None:
            raise FindingWithdrawn("this finding was withdrawn", finding_id=finding_id)
        return finding

    def _ensure_after_start(self, occurred_at: datetime) -> None:
        ensure_not_before(occurred_at, self.started_at, "the assessment began", assessment_id=self.id)

    # --- evidence ------------------------------------------------------------

    def attach_evidence(
        self, sha256: str, name: str, media_type: str, size: int, actor: Actor, *, occurred_at: datetime
    ) -> bool:
        """Records an evidence file by its SHA-256; a file attached already is recorded once (returns False)."""
        ensure_one_of("media_type", media_type, EVIDENCE_MEDIA_TYPES)
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise ValueNotAllowed("sha256 must be 64 lowercase hexadecimal digits")
        self.ensure_open()
        self._ensure_after_start(occurred_at)
        if sha256 in self.evidence:
            return False
        self._evidence_attached(
            sha256=sha256, name=name, media_type=media_type, size=size, occurred_at=occurred_at, actor=actor
        )
        return True

    @event(EvidenceAttached)
    def _evidence_attached(
        self, sha256: str, name: str, media_type: str, size: int, occurred_at: datetime, actor: Actor
    ) -> None:
        self.evidence = {**self.evidence, sha256: {"name": name, "media_type": media_type, "size": size}}

    def is_cited(self, sha256: str) -> bool:
        """Whether a finding that stands cites this evidence file (what may then be shown to outsiders)."""
        return any(f["withdrawn"] is None and sha256 in f["evidence"] for f in self.findings.values())

    # --- findings ------------------------------------------------------------

    def record_finding(
        self,
        finding_id: UUID,
        kind: str,
        title: str,
        description: str | None,
        sector: str | None,
        location: dict[str, str] | None,
        groups: list[str],
        evidence: list[str],
        actor: Actor,
        *,
        occurred_at: datetime,
    ) -> None:
        """Records a need or a potential, the groups who raised it and the evidence files (attached before)."""
        ensure_one_of("kind", kind, FINDING_KINDS)
        ensure_one_of("sector", sector, (*SECTOR_CODES, None))
        ensure_location(location)
        for group in groups:
            ensure_one_of("group", group, GROUPS)
        self.ensure_open()
        self._ensure_after_start(occurred_at)
        for sha256 in evidence:
            if sha256 not in self.evidence:
                raise EvidenceNotAttached(
                    f"evidence {sha256} was not attached to this assessment: upload it first", assessment_id=self.id
                )
        self._finding_recorded(
            finding_id=finding_id,
            kind=kind,
            title=title,
            description=description,
            sector=sector,
            location=None if location is None else dict(location),
            groups=list(dict.fromkeys(groups)),
            evidence=list(dict.fromkeys(evidence)),
            occurred_at=occurred_at,
            actor=actor,
        )

    @event(FindingRecorded)
    def _finding_recorded(
        self,
        finding_id: UUID,
        kind: str,
        title: str,
        description: str | None,
        sector: str | None,
        location: dict[str, str] | None,
        groups: list[str],
        evidence: list[str],
        occurred_at: datetime,
        actor: Actor,
    ) -> None:
        self.findings = {
            **self.findings,
            str(finding_id): {
                "finding_id": str(finding_id),
                "kind": kind,
                "title": title,
                "description": description,
                "sector": sector,
                "location": location,
                "groups": list(groups),
                "evidence": list(evidence),
                "recorded_at": occurred_at,
                # The version of the step that recorded it: an erratum's original is in that event.
                "version": self.version + 1,
                "corrections": {},
                "withdrawn": None,
            },
        }

    def correct_finding(
        self, finding_id: UUID, field: str, text: str, reason: str, actor: Actor, *, occurred_at: datetime
    ) -> None:
        """Records an erratum of a finding's title or description; the original stays in its event."""
        finding = self.ensure_finding_stands(finding_id)
        if field not in CORRECTABLE_FINDING_FIELDS:
            raise NothingToCorrect(
                f"a finding has no free text named {field!r}: only its title and description are corrected",
                assessment_id=self.id,
            )
        ensure_not_before(occurred_at, finding["recorded_at"], "the finding was recorded", finding_id=finding_id)
        self._finding_corrected(
            finding_id=finding_id, field=field, text=text, reason=reason, occurred_at=occurred_at, actor=actor
        )

    @event(FindingCorrected)
    def _finding_corrected(
        self, finding_id: UUID, field: str, text: str, reason: str, occurred_at: datetime, actor: Actor
    ) -> None:
        finding = self.findings[str(finding_id)]
        corrections = {**finding["corrections"], field: {"text": text, "reason": reason, "corrected_at": occurred_at}}
        self.findings = {**self.findings, str(finding_id): {**finding, field: text, "corrections": corrections}}

    def withdraw_finding(self, finding_id: UUID, reason: str, actor: Actor, *, occurred_at: datetime) -> None:
        """Withdraws a finding recorded in error; it stays on record, marked withdrawn with the reason."""
        finding = self.ensure_finding_stands(finding_id)
        ensure_not_before(occurred_at, finding["recorded_at"], "the finding was recorded", finding_id=finding_id)
        self._finding_withdrawn(finding_id=finding_id, reason=reason, occurred_at=occurred_at, actor=actor)

    @event(FindingWithdrawn)
    def _finding_withdrawn(self, finding_id: UUID, reason: str, occurred_at: datetime, actor: Actor) -> None:
        finding = self.findings[str(finding_id)]
        withdrawn = {"reason": reason, "withdrawn_at": occurred_at}
        self.findings = {**self.findings, str(finding_id): {**finding, "withdrawn": withdrawn}}

    # --- closing -------------------------------------------------------------

    def close(self, actor: Actor, *, occurred_at: datetime) -> None:
        """Closes the assessment: its findings stand (errata and withdrawals still go on), nothing is added."""
        self.ensure_open()
        latest = max((f["recorded_at"] for f in self.findings.values()), default=self.started_at)
        ensure_not_before(occurred_at, latest, "its latest finding was recorded", assessment_id=self.id)
        self._closed(occurred_at=occurred_at, actor=actor)

    @event(Closed)
    def _closed(self, occurred_at: datetime, actor: Actor) -> None:
        self.closed_at = occurred_at
