"""A meeting's berita acara: sealed once after the meeting closed, served as exactly the sealed bytes."""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from uuid import UUID

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint

from domain.meeting import Meeting
from service.app import queries
from service.app.minutes import minutes_path
from service.app.minutes_sealing import sealed_pdf
from service.http.api.audit import signing_key, signing_key_file
from service.http.auth import command, optional_principal
from service.http.current import current_mufakat
from service.http.schemas.minutes import MinutesQuerySchema, MinutesSealingSchema, SealedMinutesSchema

blp = Blueprint("minutes", __name__, description="Berita acara: the sealed minutes of a meeting")

_API = "/api/v1"


def sealed_answer(meeting: Meeting) -> tuple[dict[str, Any], dict[str, str]]:
    """What the latest sealing of a meeting recorded, with the addresses of both versions."""
    sealed = meeting.sealed()
    assert sealed is not None
    number = sealed["sealed_version"]
    body = {
        "meeting_id": meeting.id,
        "version": meeting.version,
        "sealed_version": number,
        "replaces": sealed["replaces"],
        "log_position": sealed["log_position"],
        "language": sealed["language"],
        "sealed_at": sealed["sealed_at"],
        "public": {
            "sha256": sealed["public_sha256"],
            "size": sealed["public_size"],
            "url": _API + minutes_path(meeting.id, "public", number),
        },
        "full": {
            "sha256": sealed["full_sha256"],
            "size": sealed["full_size"],
            "url": _API + minutes_path(meeting.id, "full", number),
        },
    }
    return body, {"ETag": f'"{meeting.version}"', "Location": body["public"]["url"]}


@blp.route("/meetings/<uuid:meeting_id>/minutes")
class MinutesSealing(MethodView):
    """Sealing the berita acara of a closed meeting."""

    @blp.arguments(MinutesSealingSchema())
    @blp.response(201, SealedMinutesSchema)
    def post(self, minutes: dict[str, Any], meeting_id: UUID) -> tuple[dict[str, Any], dict[str, str]]:
        """Seals the berita acara: renders its public and full versions once and records their SHA-256."""
        ledger = current_mufakat()
        context = replace(command(), names_are_public=minutes.pop("names_are_public"))
        receipt = ledger.sealing.seal(
            context, meeting_id, **minutes, signing_key=signing_key(), key_file=signing_key_file()
        )
        return sealed_answer(queries.at_version(ledger, Meeting, meeting_id, receipt.version))


@blp.route("/meetings/<uuid:meeting_id>/minutes.pdf")
class SealedMinutesPdf(MethodView):
    """The sealed berita acara, byte for byte."""

    @blp.arguments(MinutesQuerySchema(), location="query")
    @blp.doc(
        responses={
            "200": {
                "description": "the sealed PDF, byte for byte; ETag is its SHA-256",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    )
    def get(self, query: dict[str, Any], meeting_id: UUID) -> Response:
        """Exactly the sealed bytes: the public version (no names), or `?version=full` for those who may see
        personal data; the latest sealing unless `?sealed=N`."""
        caller = optional_principal()
        meeting = queries.readable(current_mufakat(), Meeting, meeting_id, caller, copy=False)
        pdf = sealed_pdf(
            current_mufakat().sealed_documents,
            meeting,
            query["version"],
            query["sealed"],
            caller.may_see_personal_data(meeting.process_id),
        )
        response = Response(pdf.content, mimetype="application/pdf")
        response.headers["ETag"] = f'"{pdf.sha256}"'
        response.headers["Content-Disposition"] = (
            f'inline; filename="berita-acara-{meeting_id}-v{pdf.sealed_version}-{pdf.version}.pdf"'
        )
        response.headers["X-Mufakat-Sealed-Version"] = str(pdf.sealed_version)
        response.headers["X-Mufakat-Latest"] = "true" if pdf.latest else "false"
        if pdf.version == "full":
            response.headers["Cache-Control"] = "private, no-store"
        return response
