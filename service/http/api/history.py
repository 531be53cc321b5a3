"""Decision history: every step of a proposal, and the proposal as it stood at any earlier moment."""

from __future__ import annotations

from datetime import UTC
from typing import Any
from uuid import UUID

from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from marshmallow import Schema, fields, validate

from domain.proposal import Proposal
from projections.directory import process_entry
from projections.history import process_of_proposal, steps, version_at
from projections.runner import ReadModels, fresh_read_models
from projections.wording import DEFAULT_LANGUAGE, LANGUAGES
from service.app.access import Principal
from service.app.errors import NotFound
from service.http.api.pseudonyms import ProposalPseudonyms
from service.http.api.representations import proposal_representation
from service.http.auth import optional_principal
from service.http.current import current_mufakat
from service.http.schemas.common import UtcDateTime
from service.http.schemas.proposals import ProposalSchema

blp = Blueprint("history", __name__, description="Decision history and replay")


def reader_language() -> str:
    """Bahasa Indonesia unless the reader prefers English (`Accept-Language`)."""
    return request.accept_languages.best_match(LANGUAGES, default=DEFAULT_LANGUAGE) or DEFAULT_LANGUAGE


def worded_in(language: str) -> dict[str, str]:
    """The headers of an answer whose sentences depend on `Accept-Language`."""
    return {"Content-Language": language, "Vary": "Accept-Language, Authorization"}


class HistoryArgs(Schema):
    """Replay to a version or a moment (at most one of them)."""

    as_of_version = fields.Integer(
        load_default=None,
        validate=validate.Range(min=1, max=2**63 - 1),
        metadata={"description": "replay to this version"},
    )
    as_of = UtcDateTime(
        load_default=None,
        default_timezone=UTC,
        metadata={"description": "replay to the last step at or before this RFC 3339 moment"},
    )


class ActorSchema(Schema):
    """Who recorded a step: the account's display name and role, never a token."""

    name = fields.String(metadata={"example": "Fasilitator Desa Sukamaju"})
    role = fields.String(metadata={"example": "facilitator"})


class StepSchema(Schema):
    """One step of a proposal's history."""

    version = fields.Integer(metadata={"example": 5})
    type = fields.String(metadata={"example": "ObjectionRaised"})
    at = fields.String(metadata={"example": "2026-09-08T02:14:03.120000Z"})
    actor = fields.Nested(ActorSchema)
    summary = fields.String(metadata={"example": "Keberatan mendasar diajukan oleh peserta kelompok perempuan"})
    data = fields.Dict(
        metadata={
            "description": "the step's fields; participants by id, never by name. For the public and partners "
            "the ids are pseudonyms numbered within this proposal (…-000000000001, …-000000000002), so nobody "
            "can follow one person across decisions"
        }
    )


class HistorySchema(Schema):
    """The steps, oldest first; with `as_of_version` or `as_of`, also the proposal as it stood then."""

    state = fields.Nested(ProposalSchema, allow_none=True)
    items = fields.List(fields.Nested(StepSchema))


def readable_history(proposal_id: UUID, caller: Principal) -> tuple[ReadModels, UUID]:
    """The read models, caught up with every acknowledged write, and the proposal's process, if the caller
    may read this proposal (else 404)."""
    models = fresh_read_models(current_mufakat())
    process_id = process_of_proposal(models.database, str(proposal_id))
    process = process_entry(models.database, process_id) if process_id else None
    if process is None or not caller.may_read(UUID(process.process_id), process.is_public):
        raise NotFound("proposal", proposal_id)
    return models, UUID(process.process_id)


@blp.route("/proposals/<uuid:proposal_id>/history")
class DecisionHistory(MethodView):
    """How a proposal was decided, step by step."""

    @blp.arguments(HistoryArgs, location="query")
    @blp.response(200, HistorySchema)
    def get(self, args: dict[str, Any], proposal_id: UUID) -> tuple[dict[str, Any], dict[str, str]]:
        """Every step oldest first; `as_of_version` or `as_of` replays the proposal to that moment."""
        caller = optional_principal()
        models, process_id = readable_history(proposal_id, caller)
        language = reader_language()
        pseudonyms = None if caller.may_see_personal_data(process_id) else ProposalPseudonyms()
        if args["as_of_version"] is not None and args["as_of"] is not None:
            abort(422, messages={"query": {"as_of": ["give as_of_version or as_of, not both"]}})
        version = args["as_of_version"]
        shown = steps(models.database, current_mufakat(), str(proposal_id), version)
        if args["as_of"] is not None:
            version = version_at(shown, args["as_of"])
            if version is None:
                raise NotFound("proposal", proposal_id)
            shown = [step for step in shown if step.version <= version]
        items = [step.as_item(language) for step in shown]
        if pseudonyms is not None:
            items = pseudonyms.steps(items)
        if version is None:
            return {"items": items}, worded_in(language)
        if not shown or shown[-1].version != version:
            raise NotFound("proposal version", f"{proposal_id}@{version}")
        # Replayed from the events (snapshots make a long history cheap), as GET /proposals/{id} showed it then.
        proposal: Any = current_mufakat().repository.get(proposal_id, version=version)
        if not isinstance(proposal, Proposal):
            raise NotFound("proposal", proposal_id)
        state = proposal_representation(proposal)
        if pseudonyms is not None:
            state = pseudonyms.state(state)
        return {"state": state, "items": items}, worded_in(language)
