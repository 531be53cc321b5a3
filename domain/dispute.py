"""A dispute (konflik, sengketa) worked through with the community: mediated in meetings, ended by an agreement
(kesepakatan), an escalation or being dropped.

A village's conflicts run across proposals and months (the land for the embung is someone's bengkok, two dusun
dispute a boundary). The parties are groups, partners or named organisations, never a person: what outsiders
read of a public dispute names nobody. Mediation is interest-based: each issue records what each side needs,
not only what it demands, and the options considered. Restricted by default: conflicts are sensitive. Once agreed,
escalated or dropped, only a correction (an erratum with its reason) or a redaction follows. Checks sit in the
public methods; the private @event methods only change state, because their bodies run again on every replay.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.actor import Actor
from domain.errors import (
    AgreementNeedsASession,
    DisputeSettled,
    NoAgreementToSeal,
    NothingToCorrect,
    NothingToRedact,
    PartOfDisputeNotFound,
    PartyNotAllowed,
    ValueNotAllowed,
    ensure_aware,
    ensure_not_before,
    ensure_one_of,
)
from domain.process import GROUPS, VISIBILITIES
from domain.proposal import REDACTED_TEXT
from domain.steps import RecordedInOrder, Start, Step

#: The kinds of party a dispute may have: a group of the community, a partner, a named organisation.
PARTY_KINDS = ("group", "partner_id", "organisation")
#: What a dispute may be about (or nothing).
ABOUT_KINDS = ("proposal_id", "commitment_id", "complaint_id")
#: To whom a dispute not settled in the village is taken.
ESCALATION_BODIES = ("bpd", "camat", "police", "court")
#: The steps that end a dispute.
SETTLED = ("agreed", "escalated", "dropped")
#: The free text an erratum may correct (a summary's by its session id).
CORRECTABLE_FIELDS = ("title", "summary", "agreement", "escalation_reason", "drop_reason")

Party = dict[str, str]


def parties_named(parties: list[dict[str, Any]]) -> list[Party]:
    """The parties as recorded: each exactly one group, partner or named organisation; two at least, none twice."""
    found: list[Party] = []
    for party in parties:
        keys = [key for key, value in party.items() if value not in (None, "")]
        if len(keys) != 1 or keys[0] not in PARTY_KINDS:
            raise PartyNotAllowed("a party is a group, a partner or a named organisation (one of them), never a person")
        kind = keys[0]
        value = str(party[kind]).strip()
        if kind == "group":
            ensure_one_of("group", value, GROUPS)
        if not value:
            raise PartyNotAllowed("a party's organisation needs its name")
        named = {kind: value}
        if named in found:
            raise PartyNotAllowed("a party of a dispute is named twice")
        found.append(named)
    if len(found) < 2:
        raise PartyNotAllowed("a dispute has at least two parties")
    return found


def about_named(about: dict[str, Any] | None) -> dict[str, str] | None:
    """What the dispute is about: one proposal, commitment or complaint, or nothing."""
    if not about:
        return None
    keys = [key for key, value in about.items() if value is not None]
    if len(keys) != 1:
        raise ValueNotAllowed("a dispute is about one proposal, commitment or complaint, or nothing")
    ensure_one_of("about", keys[0], ABOUT_KINDS)
    return {keys[0]: str(about[keys[0]])}


class Dispute(RecordedInOrder, Aggregate):
    """One dispute of a process: its parties, mediation sessions, issues and options, and how it ended."""

    class Opened(Start):
        process_id: UUID
        title: str
        parties: list[dict[str, str]]
        about: dict[str, str] | None
        visibility: str

    class SessionHeld(Step):
        session_id: UUID
        meeting_id: UUID
        summary: str | None

    class IssueRecorded(Step):
        issue_id: UUID
        title: str
        interests: list[dict[str, Any]]

    class OptionConsidered(Step):
        option_id: UUID
        issue_id: UUID | None
        text: str

    class Agreed(Step):
        text: str
        signatory_roles: list[str]
        commitment_ids: list[str]
        promises: list[dict[str, Any]]
        text_public: bool

    class Escalated(Step):
        to: str
        reason: str

    class Dropped(Step):
        reason: str

    class Corrected(Step):
        field: str
        session_id: UUID | None
        text: str
        reason: str

    class SummaryRedacted(Step):
        session_id: UUID
        reason: str

    class AgreementSealed(Step):
        """The agreement rendered once as a signed PDF (like a berita acara): its SHA-256, size, the log position
        it covers and its language; the bytes are kept beside the ledger."""

        sealed_version: int
        sha256: str
        size: int
        log_position: int
        language: str

    # --- opening ---------------------------------------------------------------

    @event(Opened)
    def __init__(
        self,
        id: UUID,
        process_id: UUID,
        title: str,
        parties: list[dict[str, str]],
        about: dict[str, str] | None,
        visibility: str,
        occurred_at: datetime,
        actor: Actor,
    ) -> None:
        self.process_id = process_id
        self.title = title
        self.parties = [dict(party) for party in parties]
        self.about = None if about is None else dict(about)
        self.visibility = visibility
        self.opened_at = occurred_at
        self.status = "open"
        self.updated_at = occurred_at
        # Each session by its id (as text): {session_id, meeting_id, summary, held_at, version, redacted}.
        self.sessions: dict[str, dict[str, Any]] = {}
        self.issues: dict[str, dict[str, Any]] = {}
        self.options: dict[str, dict[str, Any]] = {}
        self.agreement: dict[str, Any] | None = None
        self.escalation: dict[str, Any] | None = None
        self.drop: dict[str, Any] | None = None
        self.corrections: list[dict[str, Any]] = []

    @classmethod
    def open(
        cls,
        id: UUID,
        process_id: UUID,
        title: str,
        parties: list[dict[str, Any]],
        about: dict[str, Any] | None,
        visibility: str,
        actor: Actor,
        *,
        occurred_at: datetime,
    ) -> Dispute:
        """Opens a dispute between groups, partners or organisations, about one record or nothing."""
        ensure_one_of("visibility", visibility, VISIBILITIES)
        ensure_aware(occurred_at)
        if not title.strip():
            raise ValueNotAllowed("a dispute needs its title")
        return cls(
            id=id,
            process_id=process_id,
            title=title,
            parties=parties_named(parties),
            about=about_named(about),
            visibility=visibility,
            occurred_at=occurred_at,
            actor=actor,
        )

    # --- what the state says ---------------------------------------------------

    @property
    def is_public(self) -> bool:
        """Whether outsiders may read that this dispute exists (never the summaries' words)."""
        return self.visibility == "public"

    @property
    def proposal_id(self) -> str | None:
        """The proposal the dispute is about, if any."""
        return None if self.about is None else self.about.get("proposal_id")

    def ensure_unsettled(self) -> None:
        """After an agreement, an escalation or a drop only a correction follows."""
        if self.status in SETTLED:
            raise DisputeSettled(
                "this dispute has ended (agreed, escalated or dropped): only a correction may be recorded",
                dispute_id=self.id,
            )

    def session(self, session_id: UUID | str) -> dict[str, Any]:
        """One mediation session of this dispute."""
        try:
            return self.sessions[str(session_id)]
        except KeyError:
            raise PartOfDisputeNotFound("session", session_id) from None

    def _ensure_after_opening(self, occurred_at: datetime) -> None:
        ensure_not_before(occurred_at, self.opened_at, "the dispute was opened", dispute_id=self.id)

    # --- mediation ---------------------------------------------------------------

    def hold_session(
        self, session_id: UUID, meeting_id: UUID, summary: str | None, actor: Actor, *, occurred_at: datetime
    ) -> None:
        """Records a mediation session held in a meeting of the process; the first one starts the mediation."""
        self.ensure_unsettled()
        self._ensure_after_opening(occurred_at)
        self._session_held(
            session_id=session_id, meeting_id=meeting_id, summary=summary or None, occurred_at=occurred_at, actor=actor
        )

    @event(SessionHeld)
    def _session_held(
        self, session_id: UUID, meeting_id: UUID, summary: str | None, occurred_at: datetime, actor: Actor
    ) -> None:
        held = {
            "session_id": str(session_id),
            "meeting_id": str(meeting_id),
            "summary": summary,
            "held_at": occurred_at,
            # The version of the step that recorded it: what a redaction and an erratum name.
            "version": self.version + 1,
            "redacted": False,
        }
        self.sessions = {**self.sessions, str(session_id): held}
        self.status = "in_mediation"
        self.updated_at = occurred_at

    def record_issue(
        self, issue_id: UUID, title: str, interests: list[dict[str, Any]], actor: Actor, *, occurred_at: datetime
    ) -> None:
        """Records an issue at stake and, for each party, what it needs (its interest) and what it demands."""
        self.ensure_unsettled()
        self._ensure_after_opening(occurred_at)
        rows = []
        for row in interests:
            party = row.get("party")
            if not isinstance(party, int) or isinstance(party, bool) or not 0 <= party < len(self.parties):
                raise ValueNotAllowed("party must be the number of one of this dispute's parties, counted from 0")
            if not str(row.get("needs") or "").strip():
                raise ValueNotAllowed("each side's interest says what it needs")
            rows.append({"party": party, "needs": str(row["needs"]), "demands": row.get("demands") or None})
        self._issue_recorded(issue_id=issue_id, title=title, interests=rows, occurred_at=occurred_at, actor=actor)

    @event(IssueRecorded)
    def _issue_recorded(
        self, issue_id: UUID, title: str, interests: list[dict[str, Any]], occurred_at: datetime, actor: Actor
    ) -> None:
        recorded = {"issue_id": str(issue_id), "title": title, "interests": interests, "recorded_at": occurred_at}
        self.issues = {**self.issues, str(issue_id): recorded}
        self.updated_at = occurred_at

    def consider_option(
        self, option_id: UUID, issue_id: UUID | None, text: str, actor: Actor, *, occurred_at: datetime
    ) -> None:
        """Records an option the parties considered, for one issue or for the whole dispute."""
        self.ensure_unsettled()
        self._ensure_after_opening(occurred_at)
        if issue_id is not None and str(issue_id) not in self.issues:
            raise PartOfDisputeNotFound("issue", issue_id)
        self._option_considered(option_id=option_id, issue_id=issue_id, text=text, occurred_at=occurred_at, actor=actor)

    @event(OptionConsidered)
    def _option_considered(
        self, option_id: UUID, issue_id: UUID | None, text: str, occurred_at: datetime, actor: Actor
    ) -> None:
        considered = {
            "option_id": str(option_id),
            "issue_id": None if issue_id is None else str(issue_id),
            "text": text,
            "considered_at": occurred_at,
        }
        self.options = {**self.options, str(option_id): considered}
        self.updated_at = occurred_at

    # --- how it ends -------------------------------------------------------------

    def agree(
        self,
        text: str,
        signatory_roles: list[str],
        commitment_ids: list[UUID],
        promises: list[dict[str, Any]],
        text_public: bool,
        actor: Actor,
        *,
        occurred_at: datetime,
    ) -> None:
        """Records the agreement (kesepakatan), only after a mediation session: its text, the roles that signed
        it, the commitments made for it and the follow-up promised that has no commitment yet."""
        self.ensure_unsettled()
        if not self.sessions:
            raise AgreementNeedsASession(
                "an agreement comes out of mediation: record a session first", dispute_id=self.id
            )
        latest = max(session["held_at"] for session in self.sessions.values())
        ensure_not_before(occurred_at, latest, "the latest mediation session", dispute_id=self.id)
        roles = [role.strip() for role in signatory_roles if role.strip()]
        if not roles:
            raise ValueNotAllowed("an agreement is signed by at least one role")
        self._agreed(
            text=text,
            signatory_roles=list(dict.fromkeys(roles)),
            commitment_ids=list(dict.fromkeys(str(cid) for cid in commitment_ids)),
            promises=[dict(promise) for promise in promises],
            text_public=text_public,
            occurred_at=occurred_at,
            actor=actor,
        )

    @event(Agreed)
    def _agreed(
        self,
        text: str,
        signatory_roles: list[str],
        commitment_ids: list[str],
        promises: list[dict[str, Any]],
        text_public: bool,
        occurred_at: datetime,
        actor: Actor,
    ) -> None:
        self.agreement = {
            "text": text,
            "signatory_roles": list(signatory_roles),
            "commitment_ids": list(commitment_ids),
            "promises": [dict(promise) for promise in promises],
            "text_public": text_public,
            "agreed_at": occurred_at,
        }
        self.status = "agreed"
        self.updated_at = occurred_at

    def escalate(self, to: str, reason: str, actor: Actor, *, occurred_at: datetime) -> None:
        """Takes the dispute to the BPD, the camat, the police or a court, saying why."""
        ensure_one_of("to", to, ESCALATION_BODIES)
        self.ensure_unsettled()
        self._ensure_after_opening(occurred_at)
        if not reason.strip():
            raise ValueNotAllowed("an escalation says why")
        self._escalated(to=to, reason=reason, occurred_at=occurred_at, actor=actor)

    @event(Escalated)
    def _escalated(self, to: str, reason: str, occurred_at: datetime, actor: Actor) -> None:
        self.escalation = {"to": to, "reason": reason, "escalated_at": occurred_at}
        self.status = "escalated"
        self.updated_at = occurred_at

    def drop_dispute(self, reason: str, actor: Actor, *, occurred_at: datetime) -> None:
        """Drops the dispute (the parties made peace by themselves, it was a misunderstanding), saying why."""
        self.ensure_unsettled()
        self._ensure_after_opening(occurred_at)
        if not reason.strip():
            raise ValueNotAllowed("dropping a dispute says why")
        self._dropped(reason=reason, occurred_at=occurred_at, actor=actor)

    @event(Dropped)
    def _dropped(self, reason: str, occurred_at: datetime, actor: Actor) -> None:
        self.drop = {"reason": reason, "dropped_at": occurred_at}
        self.status = "dropped"
        self.updated_at = occurred_at

    # --- corrections ---------------------------------------------------------------

    def correct(
        self, field: str, session_id: UUID | None, text: str, reason: str, actor: Actor, *, occurred_at: datetime
    ) -> None:
        """Records an erratum of the title, a session's summary, the agreement's text or an escalation's or a
        drop's reason; the original stays in its event. Allowed after the dispute ended too."""
        ensure_aware(occurred_at)
        if field not in CORRECTABLE_FIELDS:
            raise NothingToCorrect("a dispute has no free text by that name", dispute_id=self.id)
        if field == "summary":
            if session_id is None:
                raise PartOfDisputeNotFound("session", None)
            if self.session(session_id)["redacted"]:
                raise NothingToCorrect("this session's summary was redacted", dispute_id=self.id)
        recorded = {
            "agreement": self.agreement,
            "escalation_reason": self.escalation,
            "drop_reason": self.drop,
        }
        if field in recorded and recorded[field] is None:
            raise NothingToCorrect(
                "this dispute has not recorded the text that erratum would correct", dispute_id=self.id
            )
        self._ensure_after_opening(occurred_at)
        self._corrected(
            field=field,
            session_id=session_id if field == "summary" else None,
            text=text,
            reason=reason,
            occurred_at=occurred_at,
            actor=actor,
        )

    @event(Corrected)
    def _corrected(
        self, field: str, session_id: UUID | None, text: str, reason: str, occurred_at: datetime, actor: Actor
    ) -> None:
        if field == "title":
            self.title = text
        elif field == "summary":
            self.sessions = {**self.sessions, str(session_id): {**self.sessions[str(session_id)], "summary": text}}
        elif field == "agreement" and self.agreement is not None:
            self.agreement = {**self.agreement, "text": text}
        elif field == "escalation_reason" and self.escalation is not None:
            self.escalation = {**self.escalation, "reason": text}
        elif field == "drop_reason" and self.drop is not None:
            self.drop = {**self.drop, "reason": text}
        self.corrections = [
            *self.corrections,
            {
                "field": field,
                "session_id": None if session_id is None else str(session_id),
                "version": self.version + 1,
                "reason": reason,
                "corrected_at": occurred_at,
            },
        ]
        self.updated_at = occurred_at

    def redact_summary(self, session_id: UUID, reason: str, actor: Actor, *, occurred_at: datetime) -> None:
        """(admin) Redacts a session's summary and its errata for good: it reads as redacted from now on."""
        ensure_aware(occurred_at)
        session = self.session(session_id)
        if session["summary"] is None:
            raise NothingToRedact("this session was recorded without a summary", dispute_id=self.id)
        if session["redacted"]:
            raise NothingToRedact("this session's summary is already redacted", dispute_id=self.id)
        self._summary_redacted(session_id=session_id, reason=reason, occurred_at=occurred_at, actor=actor)

    @event(SummaryRedacted)
    def _summary_redacted(self, session_id: UUID, reason: str, occurred_at: datetime, actor: Actor) -> None:
        redacted = {**self.sessions[str(session_id)], "summary": REDACTED_TEXT, "redacted": True}
        self.sessions = {**self.sessions, str(session_id): redacted}

    def summary_versions(self, session_id: UUID) -> list[tuple[int, str]]:
        """The (version, field) of each sealed statement that holds this session's summary: the session's own
        step and its errata (what a redaction destroys the keys of)."""
        session = self.session(session_id)
        found = [(int(session["version"]), "summary")]
        for correction in self.corrections:
            if correction["field"] == "summary" and correction["session_id"] == str(session_id):
                found.append((int(correction["version"]), "text"))
        return found

    # --- the agreement as a signed document ----------------------------------------

    @property
    def agreement_sealings(self) -> list[dict[str, Any]]:
        """Each sealing of the agreement, oldest first: {sealed_version, sha256, size, log_position, language,
        sealed_at} (kept inside the agreement, so that older snapshots need no upcaster)."""
        return list((self.agreement or {}).get("sealings") or [])

    def seal_agreement(
        self, sha256: str, size: int, log_position: int, language: str, actor: Actor, *, occurred_at: datetime
    ) -> None:
        """Records the agreement sealed as a signed document: its hash and the log position it covers. A sealing
        after an erratum of the agreement's text is a new version; the earlier stays."""
        if self.agreement is None:
            raise NoAgreementToSeal("this dispute has no agreement to seal", dispute_id=self.id)
        ensure_not_before(occurred_at, self.agreement["agreed_at"], "the agreement", dispute_id=self.id)
        self._agreement_sealed(
            sealed_version=len(self.agreement_sealings) + 1,
            sha256=sha256,
            size=size,
            log_position=log_position,
            language=language,
            occurred_at=occurred_at,
            actor=actor,
        )

    @event(AgreementSealed)
    def _agreement_sealed(
        self,
        sealed_version: int,
        sha256: str,
        size: int,
        log_position: int,
        language: str,
        occurred_at: datetime,
        actor: Actor,
    ) -> None:
        sealed = {
            "sealed_version": sealed_version,
            "sha256": sha256,
            "size": size,
            "log_position": log_position,
            "language": language,
            "sealed_at": occurred_at,
        }
        self.agreement = {**(self.agreement or {}), "sealings": [*self.agreement_sealings, sealed]}
