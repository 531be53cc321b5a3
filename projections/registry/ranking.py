"""The steps of a ranking round (pemeringkatan usulan): worded in Bahasa Indonesia and English.

A ballot names its participant (who ranked what is secret to outsiders, as a vote's ballot is); the opening and
the closing name nobody. A ranking's steps are read through `GET /rankings/{id}`; they are not part of a
proposal's history nor of the feed.
"""

from __future__ import annotations

from domain.ranking import Ranking
from projections.registry.entry import Entry

_METHOD = {"borda": ("Borda", "Borda count"), "score": ("skor 1-5", "scores 1-5")}


def _method(method: object, language: int) -> str:
    return _METHOD.get(str(method), (str(method), str(method)))[language]


ENTRIES = (
    Entry(
        Ranking.Opened,
        id=lambda d, who: (
            f"Pemeringkatan {len(d.get('proposals') or [])} usulan dibuka ({_method(d.get('method'), 0)})"
        ),
        en=lambda d, who: (
            f"Ranking of {len(d.get('proposals') or [])} proposals opened ({_method(d.get('method'), 1)})"
        ),
    ),
    Entry(
        Ranking.BallotCast,
        id=lambda d, who: f"Surat suara pemeringkatan diserahkan oleh {who}",
        en=lambda d, who: f"Ranking ballot handed in by {who}",
        names=("participant_id",),
    ),
    Entry(
        Ranking.Closed,
        id=lambda d, who: f"Pemeringkatan ditutup dengan {d.get('ballots')} surat suara",
        en=lambda d, who: f"Ranking closed with {d.get('ballots')} ballots",
    ),
)
