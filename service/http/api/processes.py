"""Processes: open, list, read, close."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask.views import MethodView
from flask_smorest import Blueprint

from service.app import queries
from service.app.complaints import public_counts
from service.http.api.answers import Answer, Beside, shown, step_command, written
from service.http.auth import principal, refresh_principal, require_token
from service.http.current import current_mufakat
from service.http.schemas.common import PageArgs, WhenSchema, page_of
from service.http.schemas.processes import ProcessOpeningSchema, ProcessSchema

blp = Blueprint("processes", __name__, description="Participatory processes (Musrenbang, Musdes, ...)")
blp.before_request(require_token)


@blp.route("/processes")
class Processes(MethodView):
    """The processes the caller may read."""

    @blp.arguments(PageArgs(), location="query")
    @blp.response(200, page_of(ProcessSchema))
    def get(self, page: dict[str, Any]) -> dict[str, Any]:
        """Lists the processes the caller may read, in order of opening (cursor pagination)."""
        found, position = queries.list_processes(current_mufakat(), principal(), page["after"], page["limit"])
        return {"items": found, "next": str(position) if position else None}

    @blp.arguments(ProcessOpeningSchema())
    @blp.response(201, ProcessSchema)
    def post(self, process: dict[str, Any]) -> Answer:
        """Opens a process; a facilitator who opens it holds it from then on."""
        receipt = current_mufakat().processes.open(step_command(process), **process)
        refresh_principal()
        return written(receipt)


@blp.route("/processes/<uuid:process_id>")
class OneProcess(MethodView):
    """One process."""

    @blp.response(200, ProcessSchema)
    def get(self, process_id: UUID) -> Answer:
        """The process as it stands now."""
        mufakat = current_mufakat()
        process = queries.readable_process(mufakat, process_id, principal())
        return shown(Beside(process, complaints=public_counts(mufakat, process.id)))


@blp.route("/processes/<uuid:process_id>/close")
class ProcessClosing(MethodView):
    """Ending a process."""

    @blp.arguments(WhenSchema(), required=False)
    @blp.response(200, ProcessSchema)
    def post(self, when: dict[str, Any], process_id: UUID) -> Answer:
        """Closes the process: nothing more is recorded in it."""
        return written(current_mufakat().processes.close(step_command(when), process_id))
