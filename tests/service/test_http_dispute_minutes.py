"""The berita acara of a meeting that held a mediation session records it as an agenda item: a public dispute by
its title, a restricted one only as "a restricted dispute"; the words of a session's summary are in neither
version (the summary is sealed and redactable, a PDF is kept for good)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from http_callers import Caller, start_village
from test_http_minutes import sealing, text_of

from service.adapters.storage import persistence_settings
from service.http.app_factory import create_app

pytestmark = pytest.mark.both_stores

SUMMARY = "Pemangku adat bersedia tukar guling bila sawah pengganti sama luasnya."


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """The web application on a fresh database, signing with a key of this test's own."""
    application = create_app(
        {
            "TESTING": True,
            "MUFAKAT_LEDGER_ENV": persistence_settings(database_url),
            "MUFAKAT_SECRET_KEY_FILE": str(tmp_path / "signing.key"),
        }
    )
    yield application
    opened = application.extensions.get("mufakat")
    if opened is not None:
        opened.close()


def test_the_berita_acara_lists_each_mediation_held_at_the_meeting_naming_only_public_disputes(
    facilitator: Caller, anonymous: Caller
) -> None:
    village = start_village(facilitator)
    for title, visibility in (("Tanah bengkok untuk embung", "public"), ("Batas Dusun Krajan", "restricted")):
        dispute = facilitator.created(
            f"/processes/{village.process_id}/disputes",
            {"title": title, "parties": [{"group": "indigenous"}, {"group": "resident"}], "visibility": visibility},
        )
        facilitator.created(
            f"/disputes/{dispute['dispute_id']}/sessions", {"meeting_id": village.meeting_id, "summary": SUMMARY}
        )
    facilitator.ok(f"/meetings/{village.meeting_id}/close", {"minutes": "Mediasi dua sengketa."})

    facilitator.created(f"/meetings/{village.meeting_id}/minutes", sealing())

    public = text_of(anonymous.get(f"/meetings/{village.meeting_id}/minutes.pdf").data)
    assert "3. Sesi mediasi sengketa: Tanah bengkok untuk embung" in public
    assert "4. Sesi mediasi suatu sengketa yang dibatasi (judul dan isinya tidak diumumkan)" in public
    assert "Batas Dusun Krajan" not in public
    assert "tukar guling" not in public
    full = text_of(facilitator.get(f"/meetings/{village.meeting_id}/minutes.pdf", version="full").data)
    assert "Sesi mediasi sengketa: Batas Dusun Krajan" in full
    assert "tukar guling" not in full


def test_a_berita_acara_of_a_meeting_without_mediation_has_no_such_item(facilitator: Caller, anonymous: Caller) -> None:
    village = start_village(facilitator)
    elsewhere = start_village(facilitator)
    dispute = facilitator.created(
        f"/processes/{elsewhere.process_id}/disputes",
        {"title": "Sumur bor", "parties": [{"group": "women"}, {"group": "youth"}], "visibility": "public"},
    )
    facilitator.created(f"/disputes/{dispute['dispute_id']}/sessions", {"meeting_id": elsewhere.meeting_id})
    facilitator.ok(f"/meetings/{village.meeting_id}/close", {"minutes": "Tanpa mediasi."})

    facilitator.created(f"/meetings/{village.meeting_id}/minutes", sealing())

    public = text_of(anonymous.get(f"/meetings/{village.meeting_id}/minutes.pdf").data)
    assert "Sesi mediasi" not in public
