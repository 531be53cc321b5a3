"""The portal as a resident reads it: finding the village by name, one story per decision, a page that explains how
to subscribe, an Atom feed people can read, and a proof in plain words.

The story: three villages hold their Musrenbang — Sukamaju in Kecamatan Sumbang
(Banyumas), Karanganyar in Kecamatan Kedungbanteng (Banyumas), and Sumberejo in
Kecamatan Batu (Kota Batu, Jawa Timur). A resident of Sukamaju types the name
of the village, or of the kecamatan or kabupaten, or the region code, and finds
theirs.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from flask import Flask
from flask.testing import FlaskClient
from http_callers import NAMES, Caller, Village, adopt_by_consensus, start_village

from service.app.application import Mufakat
from service.audit.checkpoints import seal_checkpoint
from service.audit.signing import load_or_create_signing_key, public_key_text
from service.audit.witness_client import Witness, WitnessError

ATOM = "{http://www.w3.org/2005/Atom}"
PLACES = {
    "Musrenbang Desa Sukamaju 2027": ("33.02.10.2001", "Desa Sukamaju, Kecamatan Sumbang, Kabupaten Banyumas"),
    "Musrenbang Desa Karanganyar 2027": ("33.02.12.2004", "Desa Karanganyar, Kecamatan Kedungbanteng, Kab. Banyumas"),
    "Musrenbang Desa Sumberejo 2027": ("35.79.01.2003", "Desa Sumberejo, Kecamatan Batu, Kota Batu"),
}


def open_places(facilitator: Caller) -> dict[str, str]:
    """Opens a public process in each village; their ids by title."""
    opened = {}
    for title, (code, name) in PLACES.items():
        body = {"title": title, "region_code": code, "region_name": name, "visibility": "public"}
        opened[title] = facilitator.created("/processes", body)["id"]
    return opened


def titles_found(client: FlaskClient, query: str) -> list[str]:
    """The titles of the processes the portal lists for a search, in the order shown."""
    page = client.get("/", query_string={"q": query})
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    section = text.split('id="processes-title"', 1)[1]
    return re.findall(r'<h4><a href="/proses/[^"]+">([^<]+)</a></h4>', section)


def test_a_resident_finds_the_village_by_its_name_its_kecamatan_its_kabupaten_or_its_code(
    client: FlaskClient, facilitator: Caller
) -> None:
    open_places(facilitator)
    sukamaju, karanganyar, sumberejo = PLACES

    assert titles_found(client, "Sukamaju") == [sukamaju]
    assert titles_found(client, "sukamaju") == [sukamaju]  # as typed on a phone
    assert titles_found(client, "Kecamatan Kedungbanteng") == [karanganyar]
    assert titles_found(client, "Banyumas") == [sukamaju, karanganyar]  # "Kabupaten" and "Kab." alike
    assert titles_found(client, "kabupaten banyumas") == [sukamaju, karanganyar]
    assert titles_found(client, "Batu") == [sumberejo]
    assert titles_found(client, "33.02") == [sukamaju, karanganyar]
    assert titles_found(client, "3302102001") == [sukamaju]
    assert titles_found(client, "") == [sukamaju, karanganyar, sumberejo]


def test_processes_are_listed_under_their_place(client: FlaskClient, facilitator: Caller) -> None:
    open_places(facilitator)
    second = {"title": "Musdes Khusus Sukamaju", "region_code": "33.02.10.2001", "visibility": "public"}
    facilitator.created("/processes", {**second, "region_name": PLACES["Musrenbang Desa Sukamaju 2027"][1]})

    text = client.get("/", query_string={"q": "Banyumas"}).get_data(as_text=True)

    headings = re.findall(r'<h3 id="region-\d+">([^<]+) <span', text)
    assert headings == [PLACES["Musrenbang Desa Sukamaju 2027"][1], PLACES["Musrenbang Desa Karanganyar 2027"][1]]
    first_place = text.split('id="region-1"', 1)[1].split('id="region-2"', 1)[0]
    assert "Musrenbang Desa Sukamaju 2027" in first_place and "Musdes Khusus Sukamaju" in first_place
    assert "Tempat yang cocok dengan “Banyumas”: 2." in text


def test_a_search_that_finds_nothing_says_so_and_suggests_what_to_type(
    client: FlaskClient, facilitator: Caller
) -> None:
    open_places(facilitator)

    page = client.get("/", query_string={"q": "Wonosari"})

    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert titles_found(client, "Wonosari") == []
    assert "Tidak ada proses publik di tempat yang cocok dengan “Wonosari”" in text
    assert 'value="Wonosari"' in text  # what was typed stays in the box


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        "' OR 1=1 --",
        "%",
        "\x00\x1b[2J",
        "ṡ" * 5000,
        "../../etc/passwd",
        "33.02.%",
    ],
)
def test_a_hostile_search_finds_nothing_and_is_shown_as_text(
    client: FlaskClient, facilitator: Caller, hostile: str
) -> None:
    open_places(facilitator)

    page = client.get("/", query_string={"q": hostile})

    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert titles_found(client, hostile) == []
    assert "<script>alert(1)</script>" not in text


def test_a_restricted_process_is_not_found_by_its_village_name(client: FlaskClient, facilitator: Caller) -> None:
    body = {"title": "Rapat Tertutup Sukamaju", "region_code": "33.02.10.2001", "visibility": "restricted"}
    facilitator.created("/processes", {**body, "region_name": "Desa Sukamaju"})

    assert titles_found(client, "Sukamaju") == []


@pytest.mark.both_stores  # the feed's read model is asked for two kinds of item in SQL
def test_an_annulled_and_remade_decision_is_one_card_that_tells_its_story(
    client: FlaskClient, facilitator: Caller, admin: Caller, village: Village
) -> None:
    adopt_by_consensus(facilitator, village, rationale="Mufakat pertama.")
    admin.ok(
        f"{village.proposal}/decision/annul", {"reason": "Lahan bukan milik desa.", "legal_basis": "Perdes 2/2027"}
    )

    annulled_page = client.get("/").get_data(as_text=True)
    adopt_by_consensus(facilitator, village, rationale="Mufakat kedua, lahan pengganti.")
    remade_page = client.get("/").get_data(as_text=True)

    decisions = remade_page.split('id="decisions-title"', 1)[1].split('id="processes-title"', 1)[0]
    assert decisions.count(f'href="/keputusan/{village.proposal_id}"') == 1
    assert "Diputuskan ulang: keputusan sebelumnya (disepakati) dibatalkan oleh musyawarah berikutnya." in decisions
    annulled = annulled_page.split('id="decisions-title"', 1)[1].split('id="processes-title"', 1)[0]
    assert annulled.count(f'href="/keputusan/{village.proposal_id}"') == 1
    assert "Keputusan ini dibatalkan oleh musyawarah berikutnya; keputusan baru masih ditunggu." in annulled


def test_the_langganan_page_explains_the_feeds_in_plain_words_with_their_addresses(
    client: FlaskClient, facilitator: Caller, village: Village
) -> None:
    everything = client.get("/langganan")
    one_process = client.get("/langganan", query_string={"process_id": village.process_id})

    text = everything.get_data(as_text=True)
    assert everything.status_code == 200
    assert "Pembaca umpan (feed reader) adalah aplikasi" in text
    assert 'value="http://localhost/api/v1/feed.atom"' in text  # the address to copy into a feed reader
    assert 'href="/api/v1/feed.csv" type="text/csv"' in text
    assert "satu baris untuk setiap keputusan" in text  # the CSV described
    process_text = one_process.get_data(as_text=True)
    assert f'value="http://localhost/api/v1/feed.atom?process_id={village.process_id}"' in process_text
    assert "Musrenbang Desa Sukamaju 2027" in process_text
    assert 'href="/langganan"' in client.get("/").get_data(as_text=True)
    assert f"/langganan?process_id={village.process_id}" in client.get(f"/proses/{village.process_id}").get_data(
        as_text=True
    )


@pytest.mark.parametrize("process_id", ["not-a-uuid", "6f1c2d3e-0000-4000-8000-000000000000"])
def test_the_langganan_page_of_an_unknown_process_is_not_found(client: FlaskClient, process_id: str) -> None:
    answer = client.get("/langganan", query_string={"process_id": process_id})

    assert answer.status_code == 404
    assert answer.mimetype == "text/html"


def test_the_langganan_page_of_a_restricted_process_is_not_found(client: FlaskClient, facilitator: Caller) -> None:
    restricted = start_village(facilitator, visibility="restricted")

    assert client.get("/langganan", query_string={"process_id": restricted.process_id}).status_code == 404


def _entries(client: FlaskClient) -> list[Any]:
    root = ElementTree.fromstring(client.get("/api/v1/feed.atom").data)
    return root.findall(f"{ATOM}entry")


def test_the_atom_entry_reads_as_html_for_people_and_opens_the_portal_page(
    client: FlaskClient, facilitator: Caller, village: Village
) -> None:
    adopt_by_consensus(facilitator, village, rationale="Posyandu dibangun tahun ini.")

    (entry,) = [e for e in _entries(client) if e.find(f"{ATOM}category").get("term") == "decision"]

    content = entry.find(f"{ATOM}content")
    assert content is not None and content.get("type") == "html"  # Atom's name for text/html
    html = content.text or ""
    assert "<strong>Posyandu Dusun Krajan: disepakati melalui mufakat</strong>" in html
    assert "Alasan: Posyandu dibangun tahun ini." in html
    assert "{" not in html and '"kind"' not in html  # no JSON
    links = [(link.get("rel"), link.get("type"), link.get("href")) for link in entry.findall(f"{ATOM}link")]
    assert links == [
        ("alternate", "text/html", f"http://localhost/keputusan/{village.proposal_id}"),
        ("alternate", "application/json", f"http://localhost/api/v1/proposals/{village.proposal_id}/history"),
    ]
    assert client.get(f"/keputusan/{village.proposal_id}").status_code == 200  # the page opens


def test_the_atom_feed_names_no_participant_nor_their_contact(
    client: FlaskClient, facilitator: Caller, village: Village
) -> None:
    adopt_by_consensus(facilitator, village)

    atom = client.get("/api/v1/feed.atom").get_data(as_text=True)

    for name in NAMES:
        assert name not in atom
    assert "0812" not in atom
    for participant in village.participants:
        assert participant not in atom


def _proof_section(client: FlaskClient, village: Village) -> str:
    text = client.get(f"/keputusan/{village.proposal_id}").get_data(as_text=True)
    return text.split('id="proof-title"', 1)[1].split("</section>", 1)[0]


def test_the_proof_reads_in_plain_words_with_the_technical_details_folded_and_no_witness_named(
    client: FlaskClient, facilitator: Caller, village: Village, the_ledger: Mufakat, tmp_path: Path
) -> None:
    adopt_by_consensus(facilitator, village)
    waiting = _proof_section(client, village)
    seal_checkpoint(the_ledger, load_or_create_signing_key(tmp_path / "mufakat-signing.key"))

    proof = _proof_section(client, village)

    assert "Keputusan ini akan masuk tanda tangan buku besar berikutnya" in waiting
    assert re.search(
        r"Catatan ini tercatat di buku besar yang ditandatangani pada \d{4}-\d\d-\d\d \d\d\.\d\d WIB; "
        r"siapa pun dapat memeriksanya\.",
        proof,
    )
    technical = proof.split("<details", 1)[1]
    assert "/api/v1/audit/proofs/inclusion?position=" in technical  # folded inside <details>
    assert "/api/v1/audit/proofs/inclusion" not in proof.split("<details", 1)[0]
    assert "saksi" not in proof.lower()


@pytest.fixture
def witnessed_app(app: Flask, tmp_path: Path) -> tuple[Flask, Witness]:
    """The app with a witness it trusts (by its verifier key) and a fixed log origin."""
    witness = Witness(tmp_path / "witness-state", "inspektorat.example.id/witness")
    app.config["MUFAKAT_WITNESSES"] = witness.verifier_key()
    app.config["MUFAKAT_LOG_ORIGIN"] = "desa.example.id/mufakat"
    from service.http.current import SETTINGS_EXTENSION

    app.extensions[SETTINGS_EXTENSION] = app.extensions[SETTINGS_EXTENSION].overridden_by(app.config)
    return app, witness


def test_a_witness_is_named_once_it_has_cosigned_the_checkpoint(
    witnessed_app: tuple[Flask, Witness], facilitator: Caller, village: Village, tmp_path: Path
) -> None:
    app, witness = witnessed_app
    client = app.test_client()
    adopt_by_consensus(facilitator, village)
    with app.app_context():
        from service.http.current import current_mufakat

        seal_checkpoint(current_mufakat(), load_or_create_signing_key(tmp_path / "mufakat-signing.key"))
    before = _proof_section(client, village)

    def fetch(url: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        path = url.removeprefix("http://log.test")
        answer = client.get(path) if body is None else client.post(path, json=body)
        if answer.status_code >= 400:
            raise WitnessError(f"{answer.status_code}: {answer.get_data(as_text=True)}")
        return dict(answer.json or {})

    key = public_key_text(load_or_create_signing_key(tmp_path / "mufakat-signing.key"))
    witness.run("http://log.test", key, fetch)
    after = _proof_section(client, village)

    assert "Saksi independen" not in before
    assert "Saksi independen juga menandatanganinya: inspektorat.example.id/witness." in after


@pytest.mark.both_stores  # the feed's read model is asked for two kinds of item in SQL
def test_the_page_of_an_annulled_decision_says_it_was_annulled_and_tells_the_whole_story_once_remade(
    client: FlaskClient, facilitator: Caller, admin: Caller, village: Village
) -> None:
    adopt_by_consensus(facilitator, village, rationale="Mufakat pertama.")
    admin.ok(f"{village.proposal}/decision/annul", {"reason": "Lahan bukan milik desa."})

    annulled = client.get(f"/keputusan/{village.proposal_id}").get_data(as_text=True)
    adopt_by_consensus(facilitator, village, rationale="Mufakat kedua, lahan pengganti.")
    remade = client.get(f"/keputusan/{village.proposal_id}").get_data(as_text=True)

    assert "Keputusan ini dibatalkan oleh musyawarah berikutnya; keputusan baru masih ditunggu." in annulled
    assert "<del>disepakati</del>" in annulled
    assert "keputusan baru masih ditunggu" not in remade
    timeline = remade.split('<ol class="timeline">', 1)[1].split("</ol>", 1)[0]
    # One story: the first decision, its annulment and the second decision, in order, on one page.
    first, annulment, second = (
        timeline.index("Mufakat pertama."),
        timeline.index("Lahan bukan milik desa."),
        timeline.index("Mufakat kedua, lahan pengganti."),
    )
    assert first < annulment < second


def test_a_number_on_the_portal_is_written_as_its_reader_writes_one(app: Flask) -> None:
    """The median days to a first response, and any count with a fraction: "0,5" in Bahasa Indonesia."""
    from service.http.web.portal import written_number

    with app.test_request_context(headers={"Accept-Language": "id"}):
        assert (written_number(0.5), written_number(1234.5), written_number(3.0)) == ("0,5", "1.234,5", "3")
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert (written_number(0.5), written_number(1234.5)) == ("0.5", "1,234.5")
