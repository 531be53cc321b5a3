"""The steps of a community evaluation (community score card): worded in Bahasa Indonesia and English.

A score names its participant (who scored what is secret to outsiders, as a ballot is); the opening and the
closing name nobody. An evaluation's steps are read through `GET /evaluations/{id}`; they are not part of a
proposal's history nor of the feed.
"""

from __future__ import annotations

from domain.evaluation import Evaluation
from projections.registry.entry import Entry

ENTRIES = (
    Entry(
        Evaluation.Opened,
        id=lambda d, who: (
            "Penilaian pelatihan oleh peserta dibuka"
            if d.get("subject") == "training"
            else "Penilaian warga atas janji tindak lanjut dibuka"
        ),
        en=lambda d, who: (
            "Evaluation of a training by its attendees opened"
            if d.get("subject") == "training"
            else "Community evaluation of a commitment opened"
        ),
    ),
    Entry(
        Evaluation.Scored,
        id=lambda d, who: f"Nilai penilaian warga diberikan oleh {who}",
        en=lambda d, who: f"Community evaluation score given by {who}",
        names=("participant_id",),
    ),
    Entry(
        Evaluation.Closed,
        id=lambda d, who: f"Penilaian warga ditutup dengan {(d.get('tally') or {}).get('count')} nilai",
        en=lambda d, who: f"Community evaluation closed with {(d.get('tally') or {}).get('count')} scores",
    ),
)
