"""Issue 17, item 6: a name typed into a public statement ("Pak Budi menolak") is refused before it reaches the
portal, Atom or the berita acara without names: 422 `statement_names_a_participant`, naming the field and never
the person, unless the body says `names_are_public: true` (a village head acting in office).

The village's register (`http_callers.NAMES`): Ibu Siti Aminah, Pak Budi Santoso, Mbak Dewi Lestari, Mas Agus Salim.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from http_callers import Caller, Village, adopt_by_consensus, start_village

from service.adapters.storage import persistence_settings
from service.http.app_factory import create_app
from service.http.current import current_mufakat

NAMING = "Pak Budi menolak karena posyandu terlalu jauh dari rumahnya."


def refused_for_naming(response: Any, *fields: str) -> dict[str, Any]:
    """The answer is the 422 that names these fields, and never the person named."""
    body = response.get_json()
    assert response.status_code == 422, body
    assert response.mimetype == "application/problem+json"
    assert body["code"] == "statement_names_a_participant"
    assert sorted(body["errors"]) == sorted(fields)
    for part in ("Budi", "Santoso", "Siti", "Aminah", "Dewi", "Lestari", "Agus", "Salim"):
        assert part.casefold() not in response.get_data(as_text=True).casefold()
    return body  # type: ignore[no-any-return]


def version_of(facilitator: Caller, village: Village) -> int:
    """The proposal's version now."""
    return int(facilitator.get(village.proposal).get_json()["version"])


def open_objection(facilitator: Caller, village: Village) -> str:
    """An objection raised by the first participant, still unresolved."""
    raised = facilitator.created(
        f"{village.proposal}/objections",
        {"raised_by": village.participants[0], "grounds": "Lokasi belum disepakati.", "blocking": False},
    )
    return str(raised["objection_id"])


def open_check(facilitator: Caller, village: Village) -> str:
    """A consensus check open at the village's meeting."""
    opened = facilitator.created(f"{village.proposal}/consensus-checks", {"meeting_id": village.meeting_id})
    return str(opened["check_id"])


# Each statement outsiders may read: (what it is, the request that carries it with `said` in it, its field).
Statement = Callable[[Caller, Village, str], tuple[str, dict[str, Any]]]
STATEMENTS: dict[str, tuple[Statement, str]] = {
    "contribution": (
        lambda f, v, said: (
            f"{v.proposal}/contributions",
            {"participant_id": v.participants[1], "kind": "concern", "text": said},
        ),
        "text",
    ),
    "amendment_text": (
        lambda f, v, said: (
            f"{v.proposal}/amendments",
            {"body": said, "reason": "Lokasi dipindah.", "proposed_by": v.participants[0]},
        ),
        "body",
    ),
    "amendment_reason": (
        lambda f, v, said: (
            f"{v.proposal}/amendments",
            {"body": "Posyandu di balai desa.", "reason": said, "proposed_by": v.participants[0]},
        ),
        "reason",
    ),
    "objection_grounds": (
        lambda f, v, said: (
            f"{v.proposal}/objections",
            {"raised_by": v.participants[3], "grounds": said, "blocking": True},
        ),
        "grounds",
    ),
    "resolution_note": (
        lambda f, v, said: (
            f"{v.proposal}/objections/{open_objection(f, v)}/resolve",
            {"outcome": "addressed", "note": said},
        ),
        "note",
    ),
    "stance_reason": (
        lambda f, v, said: (
            f"{v.proposal}/consensus-checks/{open_check(f, v)}/stances",
            {"participant_id": v.participants[2], "stance": "disagree", "reason": said},
        ),
        "reason",
    ),
    "withdrawal_reason": (lambda f, v, said: (f"{v.proposal}/withdraw", {"reason": said}), "reason"),
    "erratum": (
        lambda f, v, said: (
            f"{v.proposal}/corrections",
            {"version": 1, "field": "body", "text": said, "reason": "Salah ketik."},
        ),
        "text",
    ),
    "proposal_title": (
        lambda f, v, said: (
            f"/processes/{v.process_id}/proposals",
            {"title": said, "body": "Membangun posyandu.", "submitted_by": v.participants[0]},
        ),
        "title",
    ),
    "meeting_minutes": (lambda f, v, said: (f"/meetings/{v.meeting_id}/close", {"minutes": said}), "minutes"),
}


@pytest.mark.parametrize("statement", sorted(STATEMENTS))
def test_a_statement_naming_a_participant_is_refused_naming_the_field_and_records_nothing(
    facilitator: Caller, village: Village, statement: str
) -> None:
    ask, field = STATEMENTS[statement]
    path, body = ask(facilitator, village, NAMING)
    before = facilitator.get(village.proposal).get_json()["version"]

    refused_for_naming(facilitator.post(path, body), field)

    assert version_of(facilitator, village) == before
    assert facilitator.get(f"/meetings/{village.meeting_id}").get_json()["status"] == "open"


@pytest.mark.parametrize("statement", sorted(STATEMENTS))
def test_a_statement_whose_names_are_said_to_be_public_is_recorded(
    facilitator: Caller, village: Village, statement: str
) -> None:
    ask, _ = STATEMENTS[statement]
    path, body = ask(facilitator, village, NAMING)

    response = facilitator.post(path, {**body, "names_are_public": True})

    assert response.status_code in (200, 201), response.get_json()


def test_a_rationale_naming_a_participant_is_refused_and_the_proposal_stays_undecided(
    facilitator: Caller, village: Village, anonymous: Caller
) -> None:
    refused = facilitator.post(
        f"{village.proposal}/decision",
        {"outcome": "deferred", "method": "none", "rationale": "Ditunda, Bu Dewi Lestari keberatan."},
    )

    refused_for_naming(refused, "rationale")
    assert facilitator.get(village.proposal).get_json()["decision"] is None
    assert anonymous.get("/feed").get_json()["items"] == []


def test_an_annulment_naming_a_participant_is_refused_unless_the_names_are_said_to_be_public(
    facilitator: Caller, village: Village
) -> None:
    adopt_by_consensus(facilitator, village)
    annulment = {"reason": "Atas surat Kepala Desa, Ibu Siti Aminah, sesuai Musdes khusus."}

    refused_for_naming(facilitator.post(f"{village.proposal}/decision/annul", annulment), "reason")
    assert facilitator.get(village.proposal).get_json()["decision"]["outcome"] == "adopted"

    # The village head signs in office: her name is public, and the facilitator says so.
    facilitator.ok(f"{village.proposal}/decision/annul", {**annulment, "names_are_public": True})
    assert facilitator.get(village.proposal).get_json()["decision"] is None


def test_the_name_is_matched_as_a_whole_word_in_any_case_and_accent_without_its_honorific(
    facilitator: Caller, village: Village
) -> None:
    path = f"{village.proposal}/contributions"

    def said(text: str) -> int:
        body = {"participant_id": village.participants[0], "kind": "information", "text": text}
        return int(facilitator.post(path, body).status_code)

    assert said("AMÍNAH tidak setuju.") == 422  # one part of the name, any case, accents ignored
    assert said("santoso sudah pulang") == 422
    assert said("Menurut Mbak Dewi, lokasinya rawan banjir.") == 422  # a common word after an honorific
    assert said("Budi daya ikan lele di kolam desa.") == 200  # "budi" is a word: named only after an honorific
    assert said("Dewi Sri, lambang kesuburan, dihormati petani.") == 200
    assert said("Agustus nanti pembangunan dimulai.") == 200  # a whole word only: Agus is not in Agustus
    assert said("Warga Desa Sukamaju menyetujui lokasi.") == 200


@pytest.mark.both_stores  # storage-sensitive: forgetting erases a stored key
def test_a_forgotten_participant_is_no_longer_matched(facilitator: Caller, admin: Caller, village: Village) -> None:
    body = {"participant_id": village.participants[1], "kind": "information", "text": "Ibu Siti Aminah pindah."}
    refused_for_naming(facilitator.post(f"{village.proposal}/contributions", body), "text")

    admin.ok(f"/participants/{village.participants[0]}/forget")

    assert facilitator.post(f"{village.proposal}/contributions", body).status_code == 200


def test_the_refusal_speaks_bahasa_indonesia_and_keeps_its_code(facilitator: Caller, village: Village) -> None:
    response = facilitator.post(
        f"{village.proposal}/contributions",
        {"participant_id": village.participants[0], "kind": "concern", "text": NAMING},
        headers={"Accept-Language": "id-ID,id"},
    )

    body = refused_for_naming(response, "text")
    assert body["title"] == "Pernyataan menyebut nama peserta"
    assert body["errors"]["text"][0].startswith("menyebut nama peserta yang terdaftar")


def test_the_notes_of_a_berita_acara_naming_a_participant_are_refused_before_anything_is_sealed(
    facilitator: Caller, village: Village, anonymous: Caller, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # the app's settings were read before this test: any key made lands here
    adopt_by_consensus(facilitator, village)
    facilitator.ok(f"/meetings/{village.meeting_id}/close", {"minutes": "Posyandu disepakati."})
    sealing = {
        "chair": {"name": "Bambang Sugiarto", "role": "Ketua BPD"},
        "secretary": {"name": "Rina Kartika", "role": "Notulis"},
        "agenda": ["Pembukaan", "Usulan dari Mas Agus"],
        "notes": "Bu Siti Aminah dari kelompok penyandang disabilitas keberatan.",
    }

    refused_for_naming(facilitator.post(f"/meetings/{village.meeting_id}/minutes", sealing), "agenda", "notes")

    assert anonymous.get(f"/meetings/{village.meeting_id}/minutes.pdf").status_code == 404


@pytest.fixture
def two_workers(database_url: str) -> Iterator[tuple[Flask, Flask]]:
    """Two apps on one database, as two gunicorn workers are."""
    settings = persistence_settings(database_url)
    apps = (create_app({"MUFAKAT_LEDGER_ENV": settings}), create_app({"MUFAKAT_LEDGER_ENV": settings}))
    yield apps
    for app in apps:
        opened = app.extensions.get("mufakat")
        if opened is not None:
            opened.close()


@pytest.mark.both_stores  # storage-sensitive: two workers on one database
def test_a_participant_registered_on_one_worker_is_matched_at_once_on_the_other(
    two_workers: tuple[Flask, Flask],
) -> None:
    first, second = two_workers
    with first.app_context():
        _, secret = current_mufakat().tokens.issue("facilitator", "Pendamping Desa", [])
    on_first, on_second = Caller(first.test_client(), secret), Caller(second.test_client(), secret)
    village = start_village(on_first)
    path = f"{village.proposal}/contributions"
    said = {"participant_id": village.participants[0], "kind": "information", "text": "Pak Wayan Sudarma setuju."}
    assert on_second.post(path, said).status_code == 200  # the second worker now keeps this register's names

    on_first.created(f"/processes/{village.process_id}/participants", {"name": "I Wayan Sudarma", "group": "elderly"})

    refused_for_naming(on_second.post(path, said), "text")
