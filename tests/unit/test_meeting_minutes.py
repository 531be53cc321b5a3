"""Sealing a meeting's berita acara: only after it closed, once per version, a correction replacing the latest."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.domain import Snapshot
from eventsourcing.persistence import DatetimeAsISO, DecimalAsStr, JSONTranscoder, Mapper, UUIDAsHex

from domain.meeting import Meeting
from service.adapters.transcodings import register_domain_transcodings

from .builders import FACILITATOR, assert_refused, moment, schedule_meeting

PUBLIC_PDF = b"%PDF-1.7 public version"
FULL_PDF = b"%PDF-1.7 full version with names"


def sealing(replaces: int | None = None, occurred_at: datetime | None = None, **changes: Any) -> dict[str, Any]:
    """What the service gives the meeting when it seals a berita acara (names only as ciphertext)."""
    fields: dict[str, Any] = {
        "replaces": replaces,
        "log_position": 412,
        "chair_role": "Ketua BPD Sukamaju",
        "secretary_role": "Sekretaris Desa Sukamaju",
        "signatory_roles": ["Kepala Desa Sukamaju", "Wakil kelompok perempuan (TP PKK)"],
        "names_key_id": uuid4(),
        "sealed_names": "c2VhbGVkIG5hbWVz",
        "agenda": ["Pembukaan", "Penetapan prioritas RKP Desa 2027"],
        "notes": "Ditandatangani pada salinan kertas.",
        "language": "id",
        "public_sha256": hashlib.sha256(PUBLIC_PDF).hexdigest(),
        "public_size": len(PUBLIC_PDF),
        "full_sha256": hashlib.sha256(FULL_PDF).hexdigest(),
        "full_size": len(FULL_PDF),
        "actor": FACILITATOR,
        "occurred_at": occurred_at or moment(),
    }
    fields.update(changes)
    return fields


def closed_meeting() -> Meeting:
    """A musyawarah that opened with three of three invited and closed, events collected."""
    invited = [uuid4() for _ in range(3)]
    meeting = schedule_meeting(invited=invited)
    meeting.open(invited, invited, FACILITATOR, occurred_at=moment())
    meeting.close("Notulen singkat", FACILITATOR, occurred_at=moment())
    meeting.collect_events()
    return meeting


def test_the_berita_acara_of_a_closed_meeting_is_sealed_with_the_hash_and_size_of_each_version() -> None:
    meeting = closed_meeting()

    version = meeting.seal_minutes(**sealing())

    (sealed,) = meeting.collect_events()
    assert isinstance(sealed, Meeting.MinutesSealed)
    assert version == sealed.sealed_version == 1
    assert sealed.replaces is None
    assert sealed.public_sha256 == hashlib.sha256(PUBLIC_PDF).hexdigest()
    assert sealed.full_size == len(FULL_PDF)
    assert sealed.log_position == 412
    assert sealed.actor == FACILITATOR
    assert meeting.latest_sealed_version == 1
    assert meeting.sealed() == meeting.sealed(1)
    assert meeting.sealed(1)["public_sha256"] == sealed.public_sha256  # type: ignore[index]


def test_the_sealed_event_carries_roles_in_the_open_and_names_only_sealed() -> None:
    meeting = closed_meeting()
    meeting.seal_minutes(**sealing())
    (sealed,) = meeting.collect_events()
    stored = vars(sealed)
    assert stored["chair_role"] == "Ketua BPD Sukamaju"
    assert stored["signatory_roles"] == ["Kepala Desa Sukamaju", "Wakil kelompok perempuan (TP PKK)"]
    assert not {"chair", "secretary", "signatories", "names"} & set(stored)


def test_minutes_of_a_meeting_still_open_are_refused() -> None:
    invited = [uuid4()]
    meeting = schedule_meeting(invited=invited)
    meeting.open(invited, invited, FACILITATOR, occurred_at=moment())
    assert_refused(meeting, "meeting_not_closed", lambda: meeting.seal_minutes(**sealing()))


def test_minutes_of_a_meeting_never_opened_are_refused() -> None:
    meeting = schedule_meeting()
    assert_refused(meeting, "meeting_not_closed", lambda: meeting.seal_minutes(**sealing()))


def test_a_correction_is_a_new_sealed_version_that_names_the_one_it_replaces_and_both_stay() -> None:
    meeting = closed_meeting()
    meeting.seal_minutes(**sealing())
    corrected_pdf = b"%PDF-1.7 public version, corrected"

    version = meeting.seal_minutes(
        **sealing(replaces=1, public_sha256=hashlib.sha256(corrected_pdf).hexdigest(), log_position=530)
    )

    assert version == 2
    assert [s["sealed_version"] for s in meeting.sealed_minutes] == [1, 2]
    assert meeting.sealed(2)["replaces"] == 1  # type: ignore[index]
    assert meeting.sealed()["public_sha256"] == hashlib.sha256(corrected_pdf).hexdigest()  # type: ignore[index]
    assert meeting.sealed(1)["public_sha256"] == hashlib.sha256(PUBLIC_PDF).hexdigest()  # type: ignore[index]


def test_a_second_sealing_that_does_not_replace_the_latest_version_is_refused() -> None:
    meeting = closed_meeting()
    meeting.seal_minutes(**sealing())
    meeting.seal_minutes(**sealing(replaces=1))
    assert_refused(meeting, "minutes_not_latest", lambda: meeting.seal_minutes(**sealing(replaces=None)))
    assert_refused(meeting, "minutes_not_latest", lambda: meeting.seal_minutes(**sealing(replaces=1)))


def test_a_first_sealing_cannot_claim_to_replace_anything() -> None:
    meeting = closed_meeting()
    assert_refused(meeting, "minutes_not_latest", lambda: meeting.seal_minutes(**sealing(replaces=1)))


def test_minutes_cannot_be_sealed_before_the_meeting_closed() -> None:
    meeting = closed_meeting()
    assert meeting.closed_at is not None
    before = meeting.closed_at - timedelta(minutes=1)
    assert_refused(meeting, "occurred_out_of_order", lambda: meeting.seal_minutes(**sealing(occurred_at=before)))


def test_a_hash_that_is_not_a_sha256_is_refused() -> None:
    meeting = closed_meeting()
    assert_refused(meeting, "value_not_allowed", lambda: meeting.seal_minutes(**sealing(public_sha256="abc")))
    assert_refused(meeting, "value_not_allowed", lambda: meeting.seal_minutes(**sealing(full_sha256="A" * 64)))


def test_an_empty_document_is_refused() -> None:
    meeting = closed_meeting()
    assert_refused(meeting, "value_not_allowed", lambda: meeting.seal_minutes(**sealing(full_size=0)))


def test_a_meeting_with_sealed_minutes_snapshots_faithfully() -> None:
    meeting = closed_meeting()
    meeting.seal_minutes(**sealing())
    transcoder = JSONTranscoder()
    for transcoding in (UUIDAsHex(), DatetimeAsISO(), DecimalAsStr()):
        transcoder.register(transcoding)
    register_domain_transcodings(transcoder)
    mapper: Mapper[UUID] = Mapper(transcoder=transcoder)

    copy = mapper.to_domain_event(mapper.to_stored_event(Snapshot.take(meeting))).mutate(None)  # type: ignore[attr-defined]

    assert isinstance(copy, Meeting)
    assert copy.sealed_minutes == meeting.sealed_minutes
    assert copy.closed_at == meeting.closed_at


def test_a_snapshot_of_version_2_reads_as_a_meeting_without_sealed_minutes() -> None:
    state: dict[str, Any] = {"status": "closed", "opened_at": None}
    Meeting.upcast_v2_v3(state)
    assert state["sealed_minutes"] == []
    assert state["closed_at"] is None


def test_minutes_in_a_language_other_than_indonesian_or_english_are_refused() -> None:
    meeting = closed_meeting()
    assert_refused(meeting, "value_not_allowed", lambda: meeting.seal_minutes(**sealing(language="jv")))
