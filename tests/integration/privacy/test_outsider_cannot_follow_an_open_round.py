"""The poller's attack: an outsider reads every public answer after each tap of an open check or vote.

If anything an outsider reads moved with each stance or ballot, the reader who watches the hall (who tapped
just now) would learn that person's group, gender and choice. So while a check or a vote is open nothing an
outsider reads changes per tap but the proposal's version (its ETag, which says a step was recorded, not
whose or which); once the round closes, its counts appear, as suppressed tallies.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service.adapters.storage import persistence_settings
from service.app.application import Mufakat
from service.http.app_factory import create_app
from service.http.current import current_mufakat

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "projections"))
from projection_stories import CONTEXT, Village, open_village


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def web(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Flask]:
    """The web application on SQLite and on PostgreSQL (what an outsider reads must not depend on the store)."""
    if request.param == "postgresql":
        database_url = request.getfixturevalue("create_postgres_database")()
    else:
        database_url = f"sqlite:///{tmp_path / 'mufakat.db'}"
    application = create_app(
        {
            "TESTING": True,
            "MUFAKAT_LEDGER_ENV": persistence_settings(database_url),
            "MUFAKAT_SECRET_KEY_FILE": str(tmp_path / "signing.key"),  # never one in the working directory
        }
    )
    yield application
    opened = application.extensions.get("mufakat")
    if opened is not None:
        opened.close()


@pytest.fixture
def ledger(web: Flask) -> Mufakat:
    """The web application's own ledger."""
    with web.app_context():
        return current_mufakat()


def _outsiders(ledger: Mufakat) -> dict[str, dict[str, str]]:
    _, partner = ledger.tokens.issue("partner", "Bappeda Kabupaten", [])
    _, other = ledger.tokens.issue("facilitator", "Pendamping Desa Lain", [])
    return {
        "anonymous": {},
        "partner": {"Authorization": f"Bearer {partner}"},
        "facilitator of another process": {"Authorization": f"Bearer {other}"},
    }


def _reads(village: Village, proposal_id: UUID) -> list[str]:
    """Every answer an outsider can read about the process and its proposal under way."""
    process, meeting = village.process_id, village.meeting_id
    return [
        "/api/v1/feed?limit=500",
        "/api/v1/feed.atom",
        "/api/v1/feed.csv",
        f"/api/v1/processes/{process}/participation",
        "/api/v1/processes",
        f"/api/v1/processes/{process}",
        f"/api/v1/processes/{process}/proposals",
        f"/api/v1/processes/{process}/meetings",
        f"/api/v1/meetings/{meeting}",
        f"/api/v1/meetings/{meeting}/minutes.pdf",
        f"/api/v1/proposals/{proposal_id}",
        f"/api/v1/proposals/{proposal_id}/history",
        "/",
        f"/proses/{process}",
        f"/keputusan/{proposal_id}",
    ]


#: What moves with any step, whoever took it: the proposal's version (its ETag) and when it was last updated.
_VERSION = re.compile(r'"version":\s*\d+|"updated_at":\s*"[^"]*"')
_MOVING_HEADERS = {"ETag", "Date", "X-Request-Id", "Content-Length"}


def _snapshot(client: FlaskClient, outsiders: dict[str, dict[str, str]], paths: list[str]) -> dict[Any, str]:
    """What each outsider reads at each path: status, body and headers, less what moves with any step."""
    found = {}
    for who, headers in outsiders.items():
        for path in paths:
            response = client.get(path, headers=headers)
            shown = {k: v for k, v in response.headers.items() if k not in _MOVING_HEADERS}
            found[(who, path)] = f"{response.status_code} {shown} " + _VERSION.sub("", response.get_data(as_text=True))
    return found


def _changed(before: dict[Any, str], after: dict[Any, str]) -> list[Any]:
    return sorted(key for key in before if before[key] != after[key])


def test_no_outsider_answer_moves_with_a_stance_or_a_ballot_while_the_check_or_vote_is_open(
    ledger: Mufakat, web: Flask
) -> None:
    """Five attendees of five groups tap one by one; after every tap every outsider reads every answer again."""
    client = web.test_client()
    outsiders = _outsiders(ledger)
    village = open_village(ledger)
    people = village.everyone
    assert village.meeting_id is not None
    proposal_id = ledger.proposals.submit(CONTEXT, village.process_id, "Embung desa", "Teks", people[0], None).id
    paths = _reads(village, proposal_id)
    moved = []

    # A consensus check opens; each attendee takes a stance, the last one changes his mind and blocks.
    check = ledger.proposals.open_consensus_check(CONTEXT, proposal_id, village.meeting_id).part_id
    assert check is not None
    before = _snapshot(client, outsiders, paths)
    # The reads reach what they watch (a public process), so an answer that never moves is the answer itself, not
    # a refusal: a token holder reads the process, its proposal and its history; anyone the feed, the history and
    # the portal's pages.
    reached = [(who, path) for who in outsiders if who != "anonymous" for path in paths[3:8] + paths[10:12]]
    reached += [("anonymous", path) for path in paths[0:3] + paths[11:14]]  # no decision page yet: 404
    assert [key for key in reached if not before[key].startswith("200 ")] == []
    taps = [(p, "agree") for p in people[:3]] + [(people[3], "disagree"), (people[4], "agree"), (people[4], "block")]
    for participant, stance in taps:
        ledger.proposals.take_stance(CONTEXT, proposal_id, check, participant, stance, None)
        after = _snapshot(client, outsiders, paths)
        moved += [("stance", stance, *key) for key in _changed(before, after)]
        before = after
    ledger.proposals.close_consensus_check(CONTEXT, proposal_id, check)
    closed = _participation(client, village.process_id)

    # Blocked, no mufakat: a vote opens; each attendee casts a ballot.
    vote = ledger.proposals.open_vote(CONTEXT, proposal_id, village.meeting_id).part_id
    assert vote is not None
    before = _snapshot(client, outsiders, paths)
    for index, participant in enumerate(people):
        choice = ("yes", "yes", "no", "yes", "yes")[index]
        ledger.proposals.cast_ballot(CONTEXT, proposal_id, vote, participant, choice)
        after = _snapshot(client, outsiders, paths)
        moved += [("ballot", choice, *key) for key in _changed(before, after)]
        before = after
    ledger.proposals.close_vote(CONTEXT, proposal_id, vote)

    assert not moved, "\n".join(map(str, moved))
    # Closed, the check's stances are counted (latest stance of each), no small cell shown.
    assert closed["stances"]["total"] == closed["stances"]["people"] == 5
    assert _small_counts_shown(closed["stances"]) == []
    counted = _participation(client, village.process_id)
    assert counted["ballots"]["total"] == 5
    assert counted["ballots"]["by_choice"] == {"no": "<3", "yes": "≥3"}  # 4 and 1 beside 5: 3 and 2 as likely
    assert _small_counts_shown(counted["ballots"]) == []


def _small_counts_shown(section: dict[str, Any]) -> list[Any]:
    """The cells of a section's breakdowns that show 1 or 2 as they are."""
    return [
        (name, key, n)
        for name, cells in section.items()
        if isinstance(cells, dict)
        for key, n in cells.items()
        if n in (1, 2)
    ]


def _participation(client: FlaskClient, process_id: UUID) -> dict[str, Any]:
    response = client.get(f"/api/v1/processes/{process_id}/participation")
    assert response.status_code == 200
    return response.get_json()  # type: ignore[no-any-return]
