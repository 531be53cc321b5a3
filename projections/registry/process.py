"""The events of a process and of its participants: never published, each worded for the record."""

from __future__ import annotations

from domain.participant import Participant
from domain.process import Process
from projections.registry.entry import Entry
from projections.wording import capital, group_name

ENTRIES = (
    Entry(
        Process.Opened,
        id=lambda d, who: f"Proses \u201c{d.get('title', '')}\u201d dibuka",
        en=lambda d, who: f"Process \u201c{d.get('title', '')}\u201d opened",
    ),
    Entry(
        Process.ParticipantEnrolled,
        id=lambda d, who: f"{capital(who)} terdaftar dalam proses",
        en=lambda d, who: f"{capital(who)} enrolled in the process",
        names=("participant_id",),
    ),
    Entry(
        Process.ParticipantForgotten,
        id=lambda d, who: f"Data pribadi {who} dihapus",
        en=lambda d, who: f"Personal data of {who} erased",
        names=("participant_id",),
    ),
    Entry(
        Process.MeetingScheduled,
        id=lambda d, who: "Musyawarah dijadwalkan dalam proses",
        en=lambda d, who: "Meeting scheduled in the process",
    ),
    Entry(
        Process.ProposalReceived,
        id=lambda d, who: "Usulan diterima dalam proses",
        en=lambda d, who: "Proposal received in the process",
    ),
    Entry(
        Process.AssessmentStarted,
        id=lambda d, who: "Kajian kebutuhan dan potensi dicatat dalam proses",
        en=lambda d, who: "Needs and potential assessment recorded in the process",
    ),
    Entry(
        Process.Closed,
        id=lambda d, who: "Proses ditutup",
        en=lambda d, who: "Process closed",
    ),
    # A participant's events carry their personal data sealed, and name nobody else: the participant is the
    # aggregate itself, never a field.
    Entry(
        Participant.Registered,
        id=lambda d, who: f"Peserta kelompok {group_name(str(d.get('group') or 'other'), 'id')} didaftarkan",
        en=lambda d, who: f"A participant from the {group_name(str(d.get('group') or 'other'), 'en')} group registered",
    ),
    Entry(
        Participant.Forgotten,
        id=lambda d, who: "Data pribadi peserta dihapus",
        en=lambda d, who: "A participant's personal data erased",
    ),
)
