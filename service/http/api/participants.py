"""Participants: register, list, read, forget (UU 27/2022 PDP)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask.views import MethodView
from flask_smorest import Blueprint

from service.app import queries
from service.http.api.answers import Answer, shown, step_command, written_participant
from service.http.auth import command, principal, require_token
from service.http.current import current_mufakat
from service.http.schemas.common import PageArgs, page_of
from service.http.schemas.processes import ParticipantSchema, RegistrationSchema

blp = Blueprint("participants", __name__, description="Who takes part in a process")
blp.before_request(require_token)


@blp.route("/processes/<uuid:process_id>/participants")
class Register(MethodView):
    """The register of a process."""

    @blp.arguments(PageArgs(), location="query")
    @blp.response(200, page_of(ParticipantSchema))
    def get(self, page: dict[str, Any], process_id: UUID) -> queries.Page[Any]:
        """Everyone registered, in order of registration (cursor pagination)."""
        return queries.register(current_mufakat(), principal(), process_id, page["after"], page["limit"])

    @blp.arguments(RegistrationSchema())
    @blp.response(201, ParticipantSchema)
    def post(self, registration: dict[str, Any], process_id: UUID) -> Answer:
        """Registers a participant; name and contact are stored only encrypted."""
        return written_participant(
            current_mufakat().participants.register(step_command(registration), process_id, **registration)
        )


@blp.route("/participants/<uuid:participant_id>")
class OneParticipant(MethodView):
    """One participant."""

    @blp.response(200, ParticipantSchema)
    def get(self, participant_id: UUID) -> Answer:
        """The participant; name and contact only for admins, facilitators and auditors."""
        return shown(queries.participant(current_mufakat(), principal(), participant_id))


@blp.route("/participants/<uuid:participant_id>/forget")
class Forgetting(MethodView):
    """Erasing a participant's personal data."""

    @blp.response(200, ParticipantSchema)
    def post(self, participant_id: UUID) -> Answer:
        """(admin) Erases name and contact for good; the record stays, counted as its group."""
        return written_participant(current_mufakat().forgetting.forget(command(), participant_id))
