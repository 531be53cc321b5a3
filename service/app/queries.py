"""The reads, as use cases: each takes the caller and answers what it may see.

A participant's personal data, a proposal's history (for outsiders: tallies only,
nobody named), the transparency feed and participation
figures (small counts hidden unless the caller sees exact counts), and the
audit log (raw records and verification for auditors only). The access
questions are the `Principal`'s; the read models are `projections`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar
from uuid import UUID

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from domain.meeting import Meeting
from domain.participant import Participant
from domain.proposal import Proposal
from projections.directory import process_entry
from projections.feed_queries import (
    FeedFilter,
    FeedPage,
    commitments_of_proposal,
    feed_page,
    feed_page_json,
    newest_decision_items,
)
from projections.history import Step, groups_of_three_at_every_meeting, process_of_proposal, steps, version_at
from projections.outsider_views import WithoutWhoAttended, outsider_proposal, outsider_steps
from projections.participation_report import participation_report
from projections.runner import fresh_read_models, read_models
from service.app.access import AccessToken, Principal
from service.app.application import Mufakat
from service.app.errors import Forbidden, NotFound
from service.app.minutes import minutes_path
from service.audit.checkpoints import Checkpoint, KeyRotation, list_checkpoints, newest_checkpoints
from service.audit.export import record_as_json
from service.audit.records import RawRecord, log_snapshot
from service.audit.rotation import rotations
from service.audit.signing import public_key_pem, public_key_text
from service.audit.verify import KEY_FILE_ANCHOR, verify_store
from service.audit.witness import Cosignature, cosignatures_by_checkpoint

T = TypeVar("T")


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
    return Disclosed(participant, mufakat.personal_data(participant))


def participant(mufakat: Mufakat, caller: Principal, participant_id: UUID) -> Disclosed:
    """One participant of a process the caller may read and whose participants the caller may see."""
    found = mufakat.readable(Participant, participant_id, caller)
    _ensure_may_see_participants(caller, found.process_id)
    return Disclosed(found, mufakat.personal_data(found))


def register(mufakat: Mufakat, caller: Principal, process_id: UUID, after: int | None, limit: int) -> Page[Disclosed]:
    """A page of a process's register, in order of registration, for those who may see its participants."""
    process = mufakat.readable_process(process_id, caller)
    _ensure_may_see_participants(caller, process_id)
    start = after or 0
    found = mufakat.participants_of(process, start, limit)
    following = start + len(found)
    more = following < len(process.register)
    return Page([Disclosed(p, mufakat.personal_data(p)) for p in found], str(following) if more else None)


# --- proposals and meetings ----------------------------------------------------------------


def proposal(mufakat: Mufakat, caller: Principal, proposal_id: UUID) -> Proposal:
    """A proposal as it stands; for outsiders nobody named: no submitter, no raiser, stances only as tallies."""
    found = mufakat.readable(Proposal, proposal_id, caller, copy=False)
    if caller.may_see_personal_data(found.process_id):
        return found
    return outsider_proposal(found)


def meeting(mufakat: Mufakat, caller: Principal, meeting_id: UUID) -> Meeting | WithoutWhoAttended:
    """A meeting; for outsiders how many were invited and attend, not who."""
    found = mufakat.readable(Meeting, meeting_id, caller, copy=False)
    if caller.may_see_personal_data(found.process_id):
        return found
    return WithoutWhoAttended(found)


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
    if outsider:
        # Outsiders: choices only as tallies, nobody named (projections.outsider_views).
        shown = outsider_steps(shown)
    if version is None:
        return History(shown)
    # Replayed from the events (snapshots make a long history cheap), as GET /proposals/{id} showed it then.
    proposal: Any = mufakat.repository.get(proposal_id, version=version)
    if not isinstance(proposal, Proposal):
        raise NotFound("proposal", proposal_id)
    proposal.without_words_redacted_since(mufakat.readable(Proposal, proposal_id, caller, copy=False))
    return Replay(shown, outsider_proposal(proposal) if outsider else proposal)


# --- public figures ------------------------------------------------------------------------


def feed(mufakat: Mufakat, caller: Principal, after: str | None, limit: int, where: FeedFilter) -> FeedPage:
    """A page of the transparency feed; breakdowns by group and gender hide small counts, except to reviewers.

    Raises `projections.feed_queries.BadCursor` for a cursor the feed never handed out.
    """
    models = fresh_read_models(mufakat)
    return feed_page(models.database, after, limit, where, exact=caller.sees_exact_counts())


def feed_json(mufakat: Mufakat, caller: Principal, after: str | None, limit: int, where: FeedFilter) -> str:
    """The same page as `feed`, as JSON text made from the stored renderings without decoding them; a page
    asked again before the log moves on is served as it was made."""
    models = read_models(mufakat)
    exact = caller.sees_exact_counts()
    position = models.fresh_position()
    asked = (exact, after, limit, where)
    return models.feed_pages.served(
        position, asked, lambda: feed_page_json(models.database, after, limit, where, exact=exact)
    )


def participation(mufakat: Mufakat, caller: Principal, process_id: UUID) -> dict[str, Any]:
    """Who attended, spoke, objected, took stances and voted in a process the caller may read, by group and
    gender; small counts show as "<3" unless the caller sees exact counts of this process."""
    mufakat.readable_process(process_id, caller)
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

    `region_prefix` keeps a region and everything under it (the feed's own filter takes one exact code).
    """
    return newest_decision_items(fresh_read_models(mufakat).database, where, region_prefix, proposal_id, limit, kinds)


def published_commitments(mufakat: Mufakat, caller: Principal, proposal_id: UUID) -> list[dict[str, Any]]:
    """The commitments made on a proposal the caller may read, with their progress, as the feed publishes them
    (only proposals of public processes are in the feed: none for the others)."""
    mufakat.readable(Proposal, proposal_id, caller, copy=False)
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
            meeting = mufakat.readable(Meeting, meeting_id, caller, copy=False)
        except NotFound:
            continue
        shown.append(SealedMinutes(meeting, meeting.sealed()))
    return shown


def deciding_meetings(mufakat: Mufakat, caller: Principal, proposal_id: UUID) -> list[SealedMinutes]:
    """The meetings where a proposal's consensus checks and votes were held, in that order, with their minutes."""
    proposal = mufakat.readable(Proposal, proposal_id, caller, copy=False)
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
    found = list_checkpoints(mufakat, after, limit)
    cosigned = cosignatures_by_checkpoint(mufakat)
    items = [_checkpoint_shown(number, checkpoint, cosigned) for number, checkpoint in found]
    full = len(items) == limit
    return Page(items, items[-1]["number"] if items and full else None)


def latest_checkpoint(mufakat: Mufakat) -> dict[str, Any] | None:
    """The newest C2SP checkpoint with its cosignatures (what a witness fetches); None before the first."""
    # Read backwards: a handful of events, however long the log.
    found = next((found for found in newest_checkpoints(mufakat) if found[1].note is not None), None)
    if found is None:
        return None
    return _checkpoint_shown(found[0], found[1], cosignatures_by_checkpoint(mufakat))


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
    handed_over = rotations(mufakat)
    to_current = [rotation.event_position for rotation in handed_over if rotation.new_public_key == current]
    return SigningKeys(current, public_key_pem(key), to_current[-1] if to_current else None, handed_over)


# --- tokens --------------------------------------------------------------------------------


def token(mufakat: Mufakat, caller: Principal, token_id: UUID) -> AccessToken:
    """A token record: its role, name and processes, never its secret (admins only)."""
    if not caller.may_issue_tokens:
        raise Forbidden("only admins read tokens")
    return mufakat.token(token_id)


def tokens(mufakat: Mufakat, caller: Principal, after: int | None, limit: int) -> tuple[list[AccessToken], int | None]:
    """A page of token records in order of issue, never their secrets (admins only), and the next cursor."""
    if not caller.may_issue_tokens:
        raise Forbidden("only admins read tokens")
    return mufakat.list_tokens(after, limit)
