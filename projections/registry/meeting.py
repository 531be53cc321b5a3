"""The events of a meeting (musyawarah), each worded for the record; invitation and attendance lists name
participants. Only a sealed berita acara is published by itself (a feed item of kind `minutes`); decision
items sum up attendance."""

from __future__ import annotations

from domain.meeting import Meeting
from projections.registry.entry import IN_FEED, Entry

#: A meeting's kind as its record words it (events stored before kinds existed are musyawarah).
KIND_WORDS = {
    "musyawarah": ("Musyawarah", "Meeting"),
    "training": ("Pelatihan", "Training"),
    "fgd": ("FGD (diskusi kelompok terarah)", "Focus group discussion"),
    "monitoring": ("Rapat pemantauan", "Monitoring meeting"),
    "other": ("Pertemuan", "Gathering"),
}


def _kind(d: dict[str, object], language: int) -> str:
    return KIND_WORDS.get(str(d.get("kind") or "musyawarah"), KIND_WORDS["other"])[language]


ENTRIES = (
    Entry(
        Meeting.Scheduled,
        id=lambda d, who: f"{_kind(d, 0)} \u201c{d.get('title', '')}\u201d dijadwalkan",
        en=lambda d, who: f"{_kind(d, 1)} \u201c{d.get('title', '')}\u201d scheduled",
        names=("invited",),
    ),
    Entry(
        Meeting.Opened,
        id=lambda d, who: f"Musyawarah dibuka, {len(d.get('attendees') or [])} peserta hadir",
        en=lambda d, who: f"Meeting opened with {len(d.get('attendees') or [])} present",
        names=("attendees", "invited"),
    ),
    Entry(
        Meeting.AttendanceRecorded,
        id=lambda d, who: f"{len(d.get('attendees') or [])} peserta datang menyusul",
        en=lambda d, who: f"{len(d.get('attendees') or [])} latecomers recorded",
        names=("attendees",),
    ),
    Entry(
        Meeting.Closed,
        id=lambda d, who: "Musyawarah ditutup",
        en=lambda d, who: "Meeting closed",
    ),
    Entry(
        Meeting.MinutesSealed,
        id=lambda d, who: (
            "Berita acara musyawarah disegel" + (f" (ralat atas versi {d['replaces']})" if d.get("replaces") else "")
        ),
        en=lambda d, who: (
            "Minutes of the meeting sealed" + (f" (correcting version {d['replaces']})" if d.get("replaces") else "")
        ),
        published=IN_FEED,
    ),
)
