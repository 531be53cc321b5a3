"""/feed.atom for subscribers (RFC 5005): the newest page first, archives back to the first item, a feed id per
deployment and filter, `updated` that moves with an entry's content; key rotations as feed items a partner
verifies with the key it pinned."""

from __future__ import annotations

import base64
import re
from pathlib import Path
from typing import Any

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from flask import Flask
from flask.testing import FlaskClient
from lxml import etree
from projection_stories import Village, adopt_by_consensus, follow_up, open_village

from projections.sql import parse_timestamp
from service.app.application import Mufakat
from service.audit.item_check import verify_item
from service.audit.rotation import rotate_signing_key
from service.audit.signing import load_or_create_signing_key, public_key_text
from service.http.app_factory import create_app

ATOM = "{http://www.w3.org/2005/Atom}"
HISTORY = "{http://purl.org/syndication/history/1.0}"
DOC = Path(__file__).resolve().parents[3] / "docs" / "audit-format.md"
TITLES = ("Posyandu", "Jalan tani", "Sumur bor", "Pasar desa", "Balai warga")


def _atom(client: FlaskClient, url: str) -> Any:
    response = client.get(url)
    assert response.status_code == 200, response.data
    assert response.mimetype == "application/atom+xml"
    return etree.fromstring(response.data)


def _links(root: Any) -> dict[str, str]:
    return {link.get("rel"): link.get("href") for link in root.findall(f"{ATOM}link")}


def _entry_ids(root: Any) -> list[str]:
    return [entry.findtext(f"{ATOM}id") for entry in root.findall(f"{ATOM}entry")]


def _json_items(client: FlaskClient, **params: Any) -> list[dict[str, Any]]:
    response = client.get("/api/v1/feed", query_string={"limit": 500, **params})
    assert response.status_code == 200
    return response.get_json()["items"]  # type: ignore[no-any-return]


def _decide(village: Village, titles: tuple[str, ...]) -> None:
    for title in titles:
        adopt_by_consensus(village, title=title, dissent=False)


def _rotation_check(item: dict[str, Any], pinned: str) -> bytes:
    """The doc's check of a key rotation item (docs/audit-format.md 10.1), run as written; the key it hands to."""
    section = DOC.read_text(encoding="utf-8").split("### 10.1 ", 1)[1].split("\n### ", 1)[0]
    [code] = re.findall(r"```python\n(.*?)```", section, flags=re.DOTALL)
    namespace = {
        "item": item,
        "PINNED": base64.b64decode(pinned),
        "base64": base64,
        "Ed25519PublicKey": Ed25519PublicKey,
    }
    exec(code, namespace)
    return namespace["PINNED"]  # type: ignore[no-any-return]


def _path(url: str) -> str:
    return url.removeprefix("http://localhost")


class SubscriberContract:
    """What a feed reader and a partner see, on whichever database the subclass names."""

    def test_the_subscription_document_shows_the_newest_decision_first(
        self, the_ledger: Mufakat, client: FlaskClient
    ) -> None:
        _decide(open_village(the_ledger), TITLES)

        root = _atom(client, "/api/v1/feed.atom?limit=2")

        titles = [entry.findtext(f"{ATOM}title") for entry in root.findall(f"{ATOM}entry")]
        assert [title.split(":")[0] for title in titles] == ["Balai warga", "Pasar desa"]
        assert root.find(f"{HISTORY}archive") is None
        assert _path(_links(root)["current"]) == "/api/v1/feed.atom?limit=2"

    def test_a_subscriber_walks_prev_archive_links_back_to_the_complete_history(
        self, the_ledger: Mufakat, client: FlaskClient
    ) -> None:
        _decide(open_village(the_ledger), TITLES)
        everything = [f"urn:mufakat:feed:{item['id']}" for item in _json_items(client)]

        seen: list[str] = []
        archives = 0
        root = _atom(client, "/api/v1/feed.atom?limit=2")
        seen.extend(_entry_ids(root))
        while "prev-archive" in _links(root):
            root = _atom(client, _path(_links(root)["prev-archive"]))
            archives += 1
            assert root.find(f"{HISTORY}archive") is not None
            assert len(_entry_ids(root)) == 2
            assert _path(_links(root)["current"]) == "/api/v1/feed.atom?limit=2"
            seen.extend(_entry_ids(root))

        assert archives == 2
        assert sorted(set(seen)) == sorted(everything)

    def test_an_archive_page_keeps_its_entries_while_the_log_grows(
        self, the_ledger: Mufakat, client: FlaskClient
    ) -> None:
        village = open_village(the_ledger)
        _decide(village, TITLES[:3])
        archive_url = _path(_links(_atom(client, "/api/v1/feed.atom?limit=2"))["prev-archive"])
        before = _entry_ids(_atom(client, archive_url))

        _decide(village, TITLES[3:])
        after = _atom(client, archive_url)

        assert _entry_ids(after) == before
        assert "next-archive" in _links(after)
        newest_archive = _path(_links(_atom(client, "/api/v1/feed.atom?limit=2"))["prev-archive"])
        assert newest_archive != archive_url
        assert _path(_links(_atom(client, newest_archive))["prev-archive"]) == archive_url

    def test_the_feed_id_is_one_per_deployment_and_filter_and_the_same_on_every_page(
        self, the_ledger: Mufakat, web: Flask, client: FlaskClient
    ) -> None:
        village = open_village(the_ledger)
        _decide(village, TITLES[:3])
        current = _atom(client, "/api/v1/feed.atom?limit=2")
        archive = _atom(client, _path(_links(current)["prev-archive"]))
        adopted = _atom(client, "/api/v1/feed.atom?outcome=adopted")
        of_process = _atom(client, f"/api/v1/feed.atom?process_id={village.process_id}")
        # Another deployment of the same records, under its own log origin.
        other_origin = {"MUFAKAT_LOG_ORIGIN": "desa-lain.example.id/mufakat"}
        other_deployment = create_app(
            {"TESTING": True, "MUFAKAT_LEDGER_ENV": web.config["MUFAKAT_LEDGER_ENV"]} | other_origin
        )
        try:
            elsewhere = _atom(other_deployment.test_client(), "/api/v1/feed.atom?limit=2")
        finally:
            other_deployment.extensions["mufakat"].close()

        ids = [root.findtext(f"{ATOM}id") for root in (current, archive, adopted, of_process, elsewhere)]
        assert ids[0] == ids[1]
        assert len(set(ids[1:])) == 4
        assert all(feed_id.startswith("urn:uuid:") for feed_id in ids)

    def test_a_decision_entry_is_updated_when_its_commitments_change_and_keeps_its_published_time(
        self, the_ledger: Mufakat, client: FlaskClient
    ) -> None:
        proposal_id = adopt_by_consensus(open_village(the_ledger), dissent=False)
        decision = f"urn:mufakat:feed:decision-{proposal_id}"

        def times() -> tuple[str, str]:
            root = _atom(client, "/api/v1/feed.atom")
            entry = next(e for e in root.findall(f"{ATOM}entry") if e.findtext(f"{ATOM}id") == decision)
            return entry.findtext(f"{ATOM}published"), entry.findtext(f"{ATOM}updated")

        published, updated = times()
        follow_up(the_ledger, proposal_id, (40,))
        published_later, updated_later = times()

        assert published == updated
        assert published_later == published
        assert parse_timestamp(updated_later) > parse_timestamp(updated)
        progress = next(item for item in _json_items(client) if item["kind"] == "progress")
        assert parse_timestamp(updated_later) == parse_timestamp(progress["at"])

    def test_an_archive_cursor_the_feed_never_issued_is_refused(self, client: FlaskClient) -> None:
        assert client.get("/api/v1/feed.atom?after=not-a-cursor").status_code == 422
        assert client.get("/api/v1/feed.atom?after=not-a-cursor&outcome=adopted").status_code == 422

    def test_json_and_csv_keep_reading_oldest_first_from_their_cursor(
        self, the_ledger: Mufakat, client: FlaskClient
    ) -> None:
        _decide(open_village(the_ledger), TITLES[:3])

        first = client.get("/api/v1/feed?limit=2").get_json()
        csv_rows = client.get("/api/v1/feed.csv?limit=2").get_data(as_text=True).splitlines()

        assert [item["proposal"]["title"] for item in first["items"]] == ["Posyandu", "Jalan tani"]
        assert first["next"] is not None
        assert ",Posyandu," in csv_rows[1] and ",Jalan tani," in csv_rows[2]

    def test_a_key_rotation_is_a_feed_item_a_partner_verifies_with_the_key_it_pinned(
        self, the_ledger: Mufakat, client: FlaskClient, tmp_path: Path
    ) -> None:
        key_file = tmp_path / "mufakat-signing.key"
        pinned = public_key_text(load_or_create_signing_key(key_file))
        adopt_by_consensus(open_village(the_ledger), dissent=False)
        outcome = rotate_signing_key(the_ledger, key_file)  # seals with the old key, hands over, seals with the new

        items = _json_items(client)
        assert [item["kind"] for item in items] == ["decision", "checkpoint", "key_rotation", "checkpoint"]
        old_checkpoint, item, new_checkpoint = items[1], items[2], items[3]
        rotation = item["key_rotation"]
        assert rotation["old_public_key"] == pinned
        assert rotation["new_public_key"] == outcome.rotation.new_public_key
        assert rotation["signed_position"] == old_checkpoint["log_position"] < item["log_position"]
        assert len(item["event_hash"]) == 64

        # The partner's check, run as docs/audit-format.md 10.1 writes it: the pinned key signed this hand-over ...
        handed_over = _rotation_check(item, pinned)
        assert handed_over == base64.b64decode(rotation["new_public_key"])
        another = public_key_text(Ed25519PrivateKey.generate())
        forged = {**item, "key_rotation": {**rotation, "new_public_key": another}}
        with pytest.raises(InvalidSignature):
            _rotation_check(forged, pinned)
        with pytest.raises(AssertionError):
            _rotation_check(item, another)  # a key the partner never pinned hands nothing over
        # ... so the checkpoints after the rotation's own position, signed by the new key, are trusted,
        # and the rotation itself is proved to be in the log they sign.
        checkpoint = new_checkpoint["checkpoint"]
        assert new_checkpoint["log_position"] > item["log_position"]
        body = checkpoint["note"].split("\n\n")[0].encode() + b"\n"
        Ed25519PublicKey.from_public_bytes(handed_over).verify(base64.b64decode(checkpoint["signature"]), body)

        def fetch(url: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
            return dict(client.get(url.removeprefix("http://log.test")).get_json() or {})

        with_old_key = verify_item(item, "http://log.test", pinned, None, fetch)
        with_new_key = verify_item(item, "http://log.test", rotation["new_public_key"], None, fetch)
        assert (with_old_key.ok, with_new_key.ok) == (False, True)

    def test_a_key_rotation_reads_as_a_sentence_in_atom_and_csv(
        self, the_ledger: Mufakat, client: FlaskClient, tmp_path: Path
    ) -> None:
        key_file = tmp_path / "mufakat-signing.key"
        load_or_create_signing_key(key_file)
        adopt_by_consensus(open_village(the_ledger), dissent=False)
        rotate_signing_key(the_ledger, key_file)

        newest = _atom(client, "/api/v1/feed.atom?limit=2").findall(f"{ATOM}entry")
        csv_text = client.get("/api/v1/feed.csv").get_data(as_text=True)

        assert [entry.find(f"{ATOM}category").get("term") for entry in newest] == ["checkpoint", "key_rotation"]
        assert newest[1].findtext(f"{ATOM}title") == "Kunci penanda tangan titik periksa diganti"
        assert ",key_rotation," in csv_text


class TestSubscribersOnSQLite(SubscriberContract):
    """On the embedded SQLite file."""


@pytest.mark.postgres
class TestSubscribersOnPostgreSQL(SubscriberContract):
    """On PostgreSQL."""

    @pytest.fixture
    def database_url(self, postgres_database_url: str) -> str:
        """A fresh PostgreSQL database of this test's own."""
        return postgres_database_url
