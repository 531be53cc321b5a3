"""The reads, as use cases: each takes the caller and answers what it may see.

A participant's personal data, a proposal's history (for outsiders: tallies only,
nobody named), the transparency feed and participation
figures (small counts hidden unless the caller sees exact counts), and the
audit log (raw records and verification for auditors only). The access
questions are the `Principal`'s; the read models are `projections`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Generic, TypeVar
from uuid import UUID

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from eventsourcing.domain import Aggregate

from domain.commitment import Commitment
from domain.meeting import Meeting
from domain.participant import Participant
from domain.process import Process
from domain.proposal import Proposal
from projections.directory import commitments_of_process, process_entry, tokens_issued
from projections.feed_overdue import OVERDUE, overdue_items
from projections.feed_queries import (
    FeedFilter,
    FeedPage,
    commitments_of_proposal,
    feed_page,
    feed_page_json,
    newest_decision_items,
)
from projections.history import (
    Recorder,
    Step,
    event_fields,
    groups_of_three_at_every_meeting,
    process_of_proposal,
    steps,
    version_at,
)
from projections.outsider_views import WithoutWhoAttended, outsider_proposal, outsider_steps
from projections.participation_report import participation_report
from projections.registry import entry as registry_entry
from projections.runner import fresh_read_models, read_models
from projections.sql import timestamp, to_json
from service.app import readable as access
from service.app.access import AccessToken, Principal
from service.app.application import Mufakat
from service.app.disputes import disputes_about_proposal
from service.app.errors import Forbidden, NotFound
from service.app.evaluations import training_summary
from service.app.minutes import minutes_path
from service.app.promises import is_late_promise
from service.app.unit_of_work import UnitOfWork
from service.audit.checkpoints import Checkpoint, KeyRotation, list_checkpoints, newest_checkpoints
from service.audit.export import record_as_json
from service.audit.records import RawRecord, log_snapshot
from service.audit.rotation import rotations
from service.audit.signing import public_key_pem, public_key_text
from service.audit.verify import KEY_FILE_ANCHOR, verify_store
from service.audit.witness import Cosignature, cosignatures_by_checkpoint

T = TypeVar("T")
TAggregate = TypeVar("TAggregate", bound=Aggregate)


@dataclass(frozen=True)
class Page(Generic[T]):
    """Some items and the cursor of the next page (None: nothing more for now)."""

    items: list[T]
    next: Any


# --- participants ------------------------------------------------------------------------


class Disclosed:
    """A participant with their name, contact and organisation opened: read like the participant itself."""

    def __init__(self, participant: Participant, personal: dict[str, str | None]) -> None:
        self.participant = participant
        self.name = personal["name"]
        self.contact = personal["contact"]
        self.organisation = personal["organisation"]

    def __getattr__(self, attribute: str) -> Any:
        return getattr(self.participant, attribute)


#: Why outsiders may not read the register: a participant's id lines up with every step they took.
_REGISTER_IS_PERSONAL = (
    "the register of participants is shown only to the process's facilitators, admins and auditors;"
    " the participation figures give everyone the counts by group and gender"
)


def _ensure_may_see_participants(caller: Principal, process_id: UUID) -> None:
    """Individual participants (even without a name: an id, a group) only for those who may see personal data."""
    if not caller.may_see_personal_data(process_id):
        raise Forbidden(_REGISTER_IS_PERSONAL)


def as_seen(mufakat: Mufakat, participant: Participant, caller: Principal) -> Participant | Disclosed:
    """A participant as the caller may see them: personal data only for those who run or review its process."""
    if not caller.may_see_personal_data(participant.process_id):
        return participant
    return Disclosed(participant, personal_data(mufakat, participant))


def participant(mufakat: Mufakat, caller: Principal, participant_id: UUID) -> Disclosed:
    """One participant of a process the caller may read and whose participants the caller may see."""
    found = readable(mufakat, Participant, participant_id, caller)
    _ensure_may_see_participants(caller, found.process_id)
    return Disclosed(found, personal_data(mufakat, found))


def register(mufakat: Mufakat, caller: Principal, process_id: UUID, after: int | None, limit: int) -> Page[Disclosed]:
    """A page of a process's register, in order of registration, for those who may see its participants."""
    process = readable_process(mufakat, process_id, caller)
    _ensure_may_see_participants(caller, process_id)
    start = after or 0
    found = participants_of(mufakat, process, start, limit)
    following = start + len(found)
    more = following < len(process.register)
    return Page([Disclosed(p, personal_data(mufakat, p)) for p in found], str(following) if more else None)


# --- proposals and meetings ----------------------------------------------------------------


def proposal(mufakat: Mufakat, caller: Principal, proposal_id: UUID) -> Proposal:
    """A proposal as it stands; for outsiders nobody named: no submitter, no raiser, stances only as tallies."""
    found = readable(mufakat, Proposal, proposal_id, caller, copy=False)
    if caller.may_see_personal_data(found.process_id):
        return found
    return outsider_proposal(found)


class WithTraining:
    """A training as its reader reads it: the meeting, with its attendance by group and gender and its
    evaluations' tallies beside it (`training`)."""

    def __init__(self, meeting: object, training: dict[str, Any]) -> None:
        self._meeting = meeting
        self.training = training

    def __getattr__(self, attribute: str) -> Any:
        return getattr(self._meeting, attribute)


def meeting(mufakat: Mufakat, caller: Principal, meeting_id: UUID) -> Meeting | WithoutWhoAttended | WithTraining:
    """A meeting; for outsiders how many were invited and attend, not who. A training shows its attendance by
    group and gender and its evaluations' tallies (suppressed for outsiders)."""
    found = readable(mufakat, Meeting, meeting_id, caller, copy=False)
    shown: Meeting | WithoutWhoAttended = (
        found if caller.may_see_personal_data(found.process_id) else WithoutWhoAttended(found)
    )
    if found.kind == "training":
        return WithTraining(shown, training_summary(mufakat, found, caller))
    return shown


# --- decision history --------------------------------------------------------------------


@dataclass(frozen=True)
class History:
    """The steps of a proposal, oldest first."""

    items: list[Step]


@dataclass(frozen=True)
class Replay(History):
    """The steps up to a version or a moment, and the proposal as it stood then."""

    state: Proposal


def decision_history(
    mufakat: Mufakat,
    caller: Principal,
    proposal_id: UUID,
    language: str,
    as_of_version: int | None = None,
    as_of: datetime | None = None,
) -> History:
    """How a proposal was decided, step by step; replayed to a version or a moment when one is given.

    Readers who may not see personal data (outsiders) get no stance or ballot step and nobody named.
    """
    models = fresh_read_models(mufakat)
    process_id = process_of_proposal(models.database, str(proposal_id))
    process = process_entry(models.database, process_id) if process_id else None
    if process is None or not caller.may_read(UUID(process.process_id), process.is_public):
        raise NotFound("proposal", proposal_id)
    outsider = not caller.may_see_personal_data(UUID(process.process_id))
    named = groups_of_three_at_every_meeting(models.database, process.process_id) if outsider else None
    version = as_of_version
    shown = steps(models.database, mufakat, str(proposal_id), version, language, named_groups=named)
    if as_of is not None:
        version = version_at(shown, as_of)
        if version is None:
            raise NotFound("proposal", proposal_id)
        shown = [step for step in shown if step.version <= version]
    if version is not None and (not shown or shown[-1].version != version):
        raise NotFound("proposal version", f"{proposal_id}@{version}")
    if version is None:
        # A dispute about the proposal is part of its story, if the caller may read the dispute.
        shown = with_dispute_steps(shown, dispute_steps(mufakat, caller, proposal_id, language))
    if outsider:
        # Outsiders: choices only as tallies, nobody named (projections.outsider_views).
        shown = outsider_steps(shown)
    if version is None:
        return History(shown)
    # Replayed from the events (snapshots make a long history cheap), as GET /proposals/{id} showed it then.
    proposal: Any = mufakat.repository.get(proposal_id, version=version)
    if not isinstance(proposal, Proposal):
        raise NotFound("proposal", proposal_id)
    proposal.without_words_redacted_since(readable(mufakat, Proposal, proposal_id, caller, copy=False))
    return Replay(shown, outsider_proposal(proposal) if outsider else proposal)


#: What a dispute's step in a proposal's history carries: ids and the body it was taken to, never words.
_DISPUTE_STEP_FIELDS = ("session_id", "meeting_id", "issue_id", "option_id", "to", "visibility", "field")


def dispute_steps(mufakat: Mufakat, caller: Principal, proposal_id: UUID, language: str) -> list[Step]:
    """The steps of the disputes about a proposal that the caller may read, each worded so that no one is
    named and no summary, issue, option or agreement is quoted (the dispute itself says what the caller may read).

    Their `type` is prefixed with `Dispute` (`DisputeOpened`, `DisputeSessionHeld`...) and their `version` is the
    dispute's own; `data` names the dispute."""
    proposal = mufakat.uow.get(Proposal, proposal_id, "proposal", copy=False)
    found: list[Step] = []
    for dispute in disputes_about_proposal(mufakat, caller, proposal):
        for stored in mufakat.events.get(dispute.id):
            event: Any = stored
            said = registry_entry(type(event))
            data: dict[str, Any] = {"dispute_id": str(dispute.id)}
            data.update({key: str(getattr(event, key)) for key in _DISPUTE_STEP_FIELDS if getattr(event, key, None)})
            actor = getattr(event, "actor", None)
            occurred = timestamp(getattr(event, "occurred_at", None) or event.timestamp)
            found.append(
                Step(
                    version=event.originator_version,
                    type=f"Dispute{type(event).__name__}",
                    at=occurred,
                    occurred_at=occurred,
                    recorded_at=timestamp(event.timestamp),
                    actor=Recorder(getattr(actor, "name", "Mufakat"), getattr(actor, "role", "system")),
                    summary=said.sentence(event_fields(event), "", language),
                    data=data,
                )
            )
    return found


def with_dispute_steps(proposal_steps: list[Step], disputes: list[Step]) -> list[Step]:
    """The proposal's steps in their own order, each dispute step placed before the first proposal step that
    happened after it."""
    if not disputes:
        return proposal_steps
    pending = sorted(disputes, key=lambda step: step.at)
    merged: list[Step] = []
    for step in proposal_steps:
        while pending and pending[0].at <= step.at:
            merged.append(pending.pop(0))
        merged.append(step)
    return merged + pending


# --- public figures ------------------------------------------------------------------------


def feed(mufakat: Mufakat, caller: Principal, after: str | None, limit: int, where: FeedFilter) -> FeedPage:
    """A page of the transparency feed; breakdowns by group and gender hide small counts, except to reviewers.
    The newest page (no `next`) ends with the promises overdue today (`overdue_promises`), unless another kind
    was asked for; `kind=overdue` lists only them.

    Raises `projections.feed_queries.BadCursor` for a cursor the feed never handed out.
    """
    if where.kind == OVERDUE:
        return FeedPage(overdue_promises(mufakat, where), None)
    models = fresh_read_models(mufakat)
    page = feed_page(models.database, after, limit, where, exact=caller.sees_exact_counts())
    if where.kind is None and page.next is None:
        return FeedPage([*page.items, *overdue_promises(mufakat, where)], None)
    return page


#: How the JSON text of the newest page ends (no `next`): where the overdue promises are put.
_LAST_PAGE_END = '],"next":null}'


def feed_json(mufakat: Mufakat, caller: Principal, after: str | None, limit: int, where: FeedFilter) -> str:
    """The same page as `feed`, as JSON text made from the stored renderings without decoding them; a page
    asked again before the log moves on is served as it was made (the overdue promises, which change with the
    day, are added to it when it is served)."""
    if where.kind == OVERDUE:
        return to_json({"items": overdue_promises(mufakat, where), "next": None})
    models = read_models(mufakat)
    exact = caller.sees_exact_counts()
    position = models.fresh_position()
    asked = (exact, after, limit, where)
    text = models.feed_pages.served(
        position, asked, lambda: feed_page_json(models.database, after, limit, where, exact=exact)
    )
    if where.kind is not None or not text.endswith(_LAST_PAGE_END):
        return text
    overdue = overdue_promises(mufakat, where)
    if not overdue:
        return text
    stored = text[: -len(_LAST_PAGE_END)]
    separator = "" if stored.endswith("[") else ","
    return stored + separator + ",".join(to_json(item) for item in overdue) + _LAST_PAGE_END


def overdue_promises(mufakat: Mufakat, where: FeedFilter) -> list[dict[str, Any]]:
    """The promises (commitments of public decisions) overdue on the day of the application's clock, as feed
    entries of kind `overdue`, computed now: nothing happened on the due date, so no event records them."""
    return overdue_items(fresh_read_models(mufakat).database, where, mufakat.clock())


def participation(mufakat: Mufakat, caller: Principal, process_id: UUID) -> dict[str, Any]:
    """Who attended, spoke, objected, took stances and voted in a process the caller may read, by group and
    gender; small counts show as "<3" unless the caller sees exact counts of this process."""
    readable_process(mufakat, process_id, caller)
    models = fresh_read_models(mufakat)
    return participation_report(models.database, str(process_id), exact=caller.sees_exact_counts(process_id))


# --- what the web pages show -------------------------------------------------------------


def newest_decisions(
    mufakat: Mufakat,
    where: FeedFilter,
    region_prefix: str = "",
    proposal_id: str | None = None,
    limit: int = 50,
    kinds: tuple[str, ...] = ("decision",),
) -> list[dict[str, Any]]:
    """The newest decisions of the public feed (or its items of `kinds`), newest first, each exactly as the feed
    serves it to anyone.

    `region_prefix` keeps a region and everything under it (on whole segments, as the feed's own filter).
    """
    return newest_decision_items(fresh_read_models(mufakat).database, where, region_prefix, proposal_id, limit, kinds)


def published_commitments(mufakat: Mufakat, caller: Principal, proposal_id: UUID) -> list[dict[str, Any]]:
    """The commitments made on a proposal the caller may read, with their progress, as the feed publishes them
    (only proposals of public processes are in the feed: none for the others)."""
    readable(mufakat, Proposal, proposal_id, caller, copy=False)
    return commitments_of_proposal(fresh_read_models(mufakat).database, str(proposal_id))


@dataclass(frozen=True)
class SealedMinutes:
    """A meeting and its latest sealed berita acara (None before it was sealed), with the public PDF's address."""

    meeting: Meeting
    sealed: dict[str, Any] | None

    @property
    def public_url(self) -> str | None:
        """The address of the public version (no names) of the latest sealing, below the site root."""
        if self.sealed is None:
            return None
        return "/api/v1" + minutes_path(self.meeting.id, "public", int(self.sealed["sealed_version"]))


def meetings_with_minutes(mufakat: Mufakat, caller: Principal, meeting_ids: list[UUID]) -> list[SealedMinutes]:
    """Meetings the caller may read, in the order given, each with its latest sealed berita acara."""
    shown = []
    for meeting_id in meeting_ids:
        try:
            meeting = readable(mufakat, Meeting, meeting_id, caller, copy=False)
        except NotFound:
            continue
        shown.append(SealedMinutes(meeting, meeting.sealed()))
    return shown


def deciding_meetings(mufakat: Mufakat, caller: Principal, proposal_id: UUID) -> list[SealedMinutes]:
    """The meetings where a proposal's consensus checks and votes were held, in that order, with their minutes."""
    proposal = readable(mufakat, Proposal, proposal_id, caller, copy=False)
    held = [*(c.meeting_id for c in proposal.checks.values()), *(v.meeting_id for v in proposal.votes.values())]
    return meetings_with_minutes(mufakat, caller, [UUID(str(m)) for m in dict.fromkeys(held)])


# --- audit ---------------------------------------------------------------------------------


def _ensure_auditor(caller: Principal) -> None:
    if not caller.may_audit:
        raise Forbidden("only auditors and admins read the raw log and its verification")


def audit_events(mufakat: Mufakat, caller: Principal, after: int, limit: int) -> Page[dict[str, Any]]:
    """Stored events after a position, oldest first, each with its hash and root (auditors only)."""
    _ensure_auditor(caller)
    with log_snapshot(mufakat.recorder) as snapshot:
        items = [record_as_json(RawRecord._make(row)) for row in snapshot.records(after, limit)]
    full = len(items) == limit
    return Page(items, items[-1]["position"] if items and full else None)


def verification(mufakat: Mufakat, caller: Principal, trusted_key: Ed25519PrivateKey) -> dict[str, Any]:
    """Every hash, root and checkpoint recomputed, and the first failure named (auditors only)."""
    _ensure_auditor(caller)
    report = verify_store(mufakat.recorder, trusted_key=public_key_text(trusted_key))
    # The service checks its log with its own key file: its word, never an anchor against itself.
    report.speak_with([KEY_FILE_ANCHOR])
    return report.as_dict()


def checkpoints(mufakat: Mufakat, after: int, limit: int) -> Page[dict[str, Any]]:
    """Signed checkpoints in the order they were sealed, each with its witnesses' cosignatures (public)."""
    found = list_checkpoints(mufakat.ledger, after, limit)
    cosigned = cosignatures_by_checkpoint(mufakat.ledger)
    items = [_checkpoint_shown(number, checkpoint, cosigned) for number, checkpoint in found]
    full = len(items) == limit
    return Page(items, items[-1]["number"] if items and full else None)


def latest_checkpoint(mufakat: Mufakat) -> dict[str, Any] | None:
    """The newest C2SP checkpoint with its cosignatures (what a witness fetches); None before the first."""
    # Read backwards: a handful of events, however long the log.
    found = next((found for found in newest_checkpoints(mufakat.ledger) if found[1].note is not None), None)
    if found is None:
        return None
    return _checkpoint_shown(found[0], found[1], cosignatures_by_checkpoint(mufakat.ledger))


def _checkpoint_shown(
    number: int, checkpoint: Checkpoint, cosigned: dict[tuple[int, str], list[Cosignature]]
) -> dict[str, Any]:
    key = (checkpoint.tree_size or 0, checkpoint.root_hash)
    shown = [c.as_dict() for c in cosigned.get(key, [])] if checkpoint.note is not None else []
    return {"number": number, **checkpoint.as_dict(), "cosignatures": shown}


@dataclass(frozen=True)
class SigningKeys:
    """The key checkpoints are signed with now, where it took over, and the keys it replaced (oldest first)."""

    public_key: str
    pem: str
    signs_from_position: int | None
    retired_keys: list[KeyRotation]
    algorithm: str = "Ed25519"


def signing_keys(mufakat: Mufakat, key: Ed25519PrivateKey) -> SigningKeys:
    """The public key checkpoints are signed with, and the keys it replaced with where each hand-over is."""
    current = public_key_text(key)
    handed_over = rotations(mufakat.ledger)
    to_current = [rotation.event_position for rotation in handed_over if rotation.new_public_key == current]
    return SigningKeys(current, public_key_pem(key), to_current[-1] if to_current else None, handed_over)


# --- tokens --------------------------------------------------------------------------------


def token(mufakat: Mufakat, caller: Principal, token_id: UUID) -> AccessToken:
    """A token record: its role, name and processes, never its secret (admins only)."""
    if not caller.may_issue_tokens:
        raise Forbidden("only admins read tokens")
    return token_record(mufakat, token_id)


def tokens(mufakat: Mufakat, caller: Principal, after: int | None, limit: int) -> tuple[list[AccessToken], int | None]:
    """A page of token records in order of issue, never their secrets (admins only), and the next cursor."""
    if not caller.may_issue_tokens:
        raise Forbidden("only admins read tokens")
    return list_tokens(mufakat, after, limit)


# --- the aggregates, as the caller may read them ----------------------------------------------


def readable_process(
    mufakat: Mufakat, process_id: UUID, principal: Principal, version: int | None = None, copy: bool = True
) -> Process:
    """The process, if the caller may read it; a restricted process is not found to others.

    `copy=False` shares the cached aggregate: for reading only, never for a change.
    """
    return access.readable_process(mufakat.uow, process_id, principal, version, copy)


def readable(
    mufakat: Mufakat,
    cls: type[TAggregate],
    aggregate_id: UUID,
    principal: Principal,
    version: int | None = None,
    copy: bool = True,
) -> TAggregate:
    """A meeting, proposal, participant or commitment, if the caller may read its process."""
    return access.readable(mufakat.uow, cls, aggregate_id, principal, version, copy)


def at_version(mufakat: Mufakat, cls: type[TAggregate], aggregate_id: UUID, version: int) -> TAggregate:
    """An aggregate as a command left it: the cached latest when it is still that version."""
    latest = mufakat.uow.get(cls, aggregate_id, cls.__name__.lower())
    if latest.version == version:
        return latest
    return mufakat.uow.get(cls, aggregate_id, cls.__name__.lower(), version)


def list_processes(
    mufakat: Mufakat, principal: Principal, after: int | None, limit: int
) -> tuple[list[Process], int | None]:
    """The processes the caller may read, in order of opening, and the cursor of the next page."""
    found: list[Process] = []
    position = after
    while len(found) < limit:
        entries = list(mufakat.process_directory.get(gt=position, limit=limit))
        if not entries:
            return found, None
        for entry in entries:
            position = entry.originator_version
            process = mufakat.uow.get(Process, entry.process_id, "process", copy=False)
            if principal.may_read(process.id, process.is_public):
                found.append(process)
                if len(found) == limit:
                    break
    return found, position


def proposals_of(
    mufakat: Mufakat, process: Process, after: int, limit: int, status: str | None
) -> tuple[list[Proposal], int | None]:
    """A page of a process's proposals in order of submission (of one status when asked), and the next cursor."""
    return _page_of(mufakat, Proposal, process.proposal_ids, after, limit, status)


def meetings_of(
    mufakat: Mufakat, process: Process, after: int, limit: int, status: str | None
) -> tuple[list[Meeting], int | None]:
    """A page of a process's meetings in order of scheduling (of one status when asked), and the next cursor."""
    return _page_of(mufakat, Meeting, process.meeting_ids, after, limit, status)


def _page_of(
    mufakat: Mufakat, cls: type[TAggregate], ids: list[UUID], after: int, limit: int, status: str | None
) -> tuple[list[TAggregate], int | None]:
    found: list[TAggregate] = []
    position = after
    while position < len(ids) and len(found) < limit:
        aggregate = mufakat.uow.get(cls, ids[position], cls.__name__.lower(), copy=False)
        position += 1
        if status is None or getattr(aggregate, "status") == status:
            found.append(aggregate)
    return found, position if position < len(ids) else None


def commitment_statuses(uow: UnitOfWork, commitment: Commitment, today: date) -> tuple[str, ...]:
    """The statuses a commitment is listed under: `completed` or `open`, and `overdue` too when its due date
    passed before it reached 100 percent and its decision still stands ("janji yang terlambat")."""
    if commitment.completed:
        return ("completed",)
    return ("open", "overdue") if is_late_promise(uow, commitment, today) else ("open",)


def commitments_of(
    mufakat: Mufakat, process: Process, after: int | None, limit: int, status: str | None
) -> tuple[list[Commitment], int | None]:
    """A page of a process's commitments in order of making (`open`, `completed` or `overdue` when asked),
    and the next cursor (a position in the log). The read models list the process's commitments (an index by
    process), so the page costs the same however many commitments other processes have made."""
    database = fresh_read_models(mufakat).database
    found: list[Commitment] = []
    position = after or 0
    today = mufakat.clock().date()
    while len(found) < limit:
        rows = commitments_of_process(database, str(process.id), position, 500)
        if not rows:
            return found, None
        for commitment_id, seq in rows:
            position = seq
            commitment = mufakat.uow.get(Commitment, UUID(commitment_id), "commitment", copy=False)
            if status is None or status in commitment_statuses(mufakat.uow, commitment, today):
                found.append(commitment)
                if len(found) == limit:
                    return found, position
    return found, position


def participants_of(mufakat: Mufakat, process: Process, after: int = 0, limit: int | None = None) -> list[Participant]:
    """Everyone registered in a process, in order of registration (a page of them when asked)."""
    ids = process.participant_ids[after : None if limit is None else after + limit]
    return [mufakat.uow.get(Participant, pid, "participant", copy=False) for pid in ids]


def personal_data(mufakat: Mufakat, participant: Participant) -> dict[str, str | None]:
    """A participant's name, contact and organisation, opened with their key (placeholders once forgotten)."""
    return {
        "name": mufakat.vault.open(participant.id, participant.sealed_name),
        "contact": mufakat.vault.open(participant.id, participant.sealed_contact),
        "organisation": mufakat.vault.open(participant.id, participant.sealed_organisation),
    }


def principal_of_token(mufakat: Mufakat, token_record_id: UUID) -> Principal | None:
    """The principal a stored token stands for now, or None when it is unknown, revoked or expired."""
    return access.principal_of_token(mufakat.uow, token_record_id)


def token_record(mufakat: Mufakat, token_record_id: UUID, version: int | None = None) -> AccessToken:
    """A stored token record (its digest, role, name and grants; never the secret)."""
    return mufakat.uow.get(AccessToken, token_record_id, "token", version)


def list_tokens(mufakat: Mufakat, after: int | None, limit: int) -> tuple[list[AccessToken], int | None]:
    """The token records in order of issue (a page after a log position, from the read models' index of them),
    and the cursor of the next page."""
    issued = tokens_issued(fresh_read_models(mufakat).database, after or 0, limit)
    tokens = [mufakat.uow.get(AccessToken, UUID(record_id), "token", copy=False) for record_id, _ in issued]
    return tokens, (issued[-1][1] if len(issued) == limit else None)
