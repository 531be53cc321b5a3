"""GET /feed, /feed.atom, /feed.csv: published decisions, a stable cursor, filters, and formats that parse back."""

from __future__ import annotations

import base64
import csv
import io
import json
import threading
import xml.etree.ElementTree as ElementTree
from datetime import timedelta
from typing import Any

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from flask.testing import FlaskClient
from projection_stories import adopt_by_consensus, follow_up, open_village, reject_by_vote

from projections.feed_queries import feed_page
from projections.runner import read_models
from projections.sql import parse_timestamp
from service.app.application import Mufakat
from service.audit.checkpoints import seal_checkpoint

ATOM = "{http://www.w3.org/2005/Atom}"


def _feed(client: FlaskClient, **params: Any) -> dict[str, Any]:
    response = client.get("/api/v1/feed", query_string=params)
    assert response.status_code == 200, response.get_json()
    return response.get_json()  # type: ignore[no-any-return]


def _all_items(client: FlaskClient, **params: Any) -> list[dict[str, Any]]:
    return _feed(client, limit=500, **params)["items"]  # type: ignore[no-any-return]


class FeedContract:
    """The transparency feed's promises, on whichever database the subclass names."""

    def test_a_page_kept_for_readers_never_hides_a_later_write(self, the_ledger: Mufakat, client: FlaskClient) -> None:
        """Pages are made once per position of the log: the next write makes the next read fresh."""
        village = open_village(the_ledger)
        adopted = adopt_by_consensus(village)
        first = _feed(client)
        assert _feed(client) == first
        follow_up(the_ledger, adopted, (40,))

        after = _feed(client)

        assert [item["kind"] for item in after["items"]] == ["decision", "commitment", "progress"]
        assert after["items"][0]["commitments"][0]["percent"] == 40

    def test_the_served_json_page_is_the_decoded_page_the_other_formats_read_for_outsiders_and_insiders(
        self, the_ledger: Mufakat, client: FlaskClient
    ) -> None:
        """GET /feed serves the stored renderings as text (no decoding): it must say exactly what the decoded
        page says, cursors, commitments and the next page included, on every page, for both renderings."""
        village = open_village(the_ledger)
        adopted = adopt_by_consensus(village)
        follow_up(the_ledger, adopted, (40, 100))
        reject_by_vote(village)
        follow_up(the_ledger, adopt_by_consensus(village, "Sumur bor"), (10,))
        database = read_models(the_ledger).database
        _, auditor = the_ledger.tokens.issue("auditor", "Inspektorat", [])

        for exact, headers in ((False, {}), (True, {"Authorization": f"Bearer {auditor}"})):
            after = None
            pages = 0
            while True:
                served = client.get("/api/v1/feed", query_string={"limit": 2, "after": after or ""}, headers=headers)
                decoded = feed_page(database, after, 2, exact=exact)
                assert served.mimetype == "application/json"
                assert served.get_json() == json.loads(json.dumps({"items": decoded.items, "next": decoded.next}))
                pages += 1
                if decoded.next is None:
                    break
                after = decoded.next
            assert pages >= 3

    def test_a_decision_item_carries_the_rules_counts_objections_dissent_and_commitments(
        self, the_ledger: Mufakat, client: FlaskClient
    ) -> None:
        village = open_village(the_ledger)
        proposal_id = adopt_by_consensus(village)
        follow_up(the_ledger, proposal_id, (40,))

        items = _all_items(client)

        assert [item["kind"] for item in items] == ["decision", "commitment", "progress"]
        decision = items[0]
        assert decision["process"]["region"] == {"code": "33.02.10.2001", "name": "Desa Sukamaju"}
        assert decision["proposal"] == {
            "id": str(proposal_id),
            "title": "Posyandu Dusun Krajan",
            "text": "Teks dengan landaian",
            "text_version": 2,
            "submitted_at": decision["proposal"]["submitted_at"],
        }
        assert decision["decision"]["outcome"] == "adopted"
        assert decision["decision"]["method"] == "consensus"
        assert decision["rules"]["legal_basis"] == "Permendesa PDTT 16/2019"
        assert decision["attendance"]["present"] == 5
        assert decision["attendance"]["invited"] == 5
        assert decision["consensus_checks"][0]["tally"]["agree"] == 4
        assert decision["consensus_checks"][0]["tally"]["disagree"] == 1
        # No group has 3 attendees at this meeting of 5: the public reads objections and dissent without groups.
        assert [(o["group"], o["blocking"], o["outcome"]) for o in decision["objections"]] == [
            (None, True, "addressed"),
            (None, False, "unresolved"),
        ]
        assert {"kind": "objection", "group": None, "text": "Biaya terlalu tinggi", "outcome": "unresolved"} in (
            decision["dissent"]
        )
        assert any(d["kind"] == "stance" and d["group"] is None for d in decision["dissent"])
        assert decision["commitments"][0]["percent"] == 40
        assert decision["commitments"][0]["progress"][0]["note"] == "Kemajuan 40%"
        assert decision["history"] == f"/api/v1/proposals/{proposal_id}/history"

    def test_small_counts_by_group_are_hidden_from_the_public_but_not_from_auditors(
        self, the_ledger: Mufakat, client: FlaskClient, bearer: Any
    ) -> None:
        adopt_by_consensus(open_village(the_ledger))

        public = _all_items(client)[0]
        audited = client.get("/api/v1/feed", headers=bearer("auditor")).get_json()["items"][0]

        # Five attend, one from each of five groups: five "<3" beside "present: 5" could only be
        # five 1s, so the public gets no breakdown by group at all. By gender (2, 2 and 1) the
        # three hidden counts could be any of 1-2-2, 2-1-2 or 2-2-1, so they stay, hidden.
        assert public["attendance"]["present"] == 5
        assert public["attendance"]["by_group"] == {}
        assert public["attendance"]["by_gender"] == {"female": "<3", "male": "<3", "undisclosed": "<3"}
        assert audited["attendance"]["by_group"]["women"] == 1
        assert audited["attendance"]["by_gender"]["female"] == 2

    def test_pages_read_while_decisions_keep_coming_concatenate_to_the_whole_feed(
        self, the_ledger: Mufakat, client: FlaskClient
    ) -> None:
        village = open_village(the_ledger)
        adopt_by_consensus(village, title="Usulan 0")
        done = threading.Event()

        def keep_deciding() -> None:
            try:
                for number in range(1, 7):
                    proposal_id = adopt_by_consensus(village, title=f"Usulan {number}", dissent=False)
                    if number % 2:
                        follow_up(the_ledger, proposal_id, (50,))
            finally:
                done.set()

        writer = threading.Thread(target=keep_deciding)
        writer.start()
        read: list[dict[str, Any]] = []
        cursor = None
        # A partner polls page after page; an empty page before the writer stops just means "not yet".
        while True:
            finished = done.is_set()
            page = _feed(client, limit=2, **({"after": cursor} if cursor else {}))
            read.extend(page["items"])
            if page["items"]:
                cursor = page["items"][-1]["cursor"]
            elif finished:
                break
        writer.join()

        whole = _all_items(client)
        assert [item["id"] for item in read] == [item["id"] for item in whole]
        assert len(whole) == 7 + 3 * 2
        assert len({item["id"] for item in read}) == len(read)

    def test_a_cursor_stays_valid_after_a_rebuild(self, the_ledger: Mufakat, client: FlaskClient) -> None:
        village = open_village(the_ledger)
        for number in range(3):
            adopt_by_consensus(village, title=f"Usulan {number}", dissent=False)
        first = _feed(client, limit=1)
        before = _feed(client, limit=5, after=first["next"])

        read_models(the_ledger).rebuild()

        assert _feed(client, limit=5, after=first["next"]) == before
        assert [item["proposal"]["title"] for item in before["items"]] == ["Usulan 1", "Usulan 2"]

    def test_filters_pick_items_by_region_process_outcome_and_time(
        self, the_ledger: Mufakat, client: FlaskClient
    ) -> None:
        sukamaju = open_village(the_ledger)
        makmur = open_village(the_ledger, region_code="33.02.11.2005", title="Musdes Makmur")
        adopt_by_consensus(sukamaju, dissent=False)
        reject_by_vote(makmur)
        adopt_by_consensus(makmur, title="Pasar desa", dissent=False)
        everything = _all_items(client)

        by_region = _all_items(client, region_code="33.02.11.2005")
        by_process = _all_items(client, process_id=str(sukamaju.process_id))
        rejected = _all_items(client, outcome="rejected")
        since_second = _all_items(client, since=everything[1]["at"])
        until_second = _all_items(client, until=everything[1]["at"])
        future = parse_timestamp(everything[-1]["at"]) + timedelta(days=1)

        assert [i["proposal"]["title"] for i in by_region] == ["Gapura desa", "Pasar desa"]
        assert [i["proposal"]["title"] for i in by_process] == ["Posyandu Dusun Krajan"]
        assert [i["proposal"]["title"] for i in rejected] == ["Gapura desa"]
        assert [i["id"] for i in since_second] == [i["id"] for i in everything[1:]]
        assert [i["id"] for i in until_second] == [i["id"] for i in everything[:2]]
        assert _all_items(client, since=future.isoformat()) == []

    def test_the_atom_feed_parses_back_with_one_entry_per_item(self, the_ledger: Mufakat, client: FlaskClient) -> None:
        village = open_village(the_ledger)
        follow_up(the_ledger, adopt_by_consensus(village), (100,))
        reject_by_vote(village)
        items = _all_items(client)

        response = client.get("/api/v1/feed.atom?limit=500")

        assert response.status_code == 200
        assert response.mimetype == "application/atom+xml"
        root = ElementTree.fromstring(response.data)
        assert root.tag == f"{ATOM}feed"
        # The subscription document shows the newest first (issue 12 item 6); `published` is when the item entered
        # the record, `updated` moves later when its commitments change (tests/.../test_feed_subscribers.py).
        entries = root.findall(f"{ATOM}entry")[::-1]
        assert [e.findtext(f"{ATOM}id") for e in entries] == [f"urn:mufakat:feed:{i['id']}" for i in items]
        assert [e.find(f"{ATOM}category").get("term") for e in entries] == [i["kind"] for i in items]  # type: ignore[union-attr]
        first = entries[0]
        assert first.findtext(f"{ATOM}title") == "Posyandu Dusun Krajan: disepakati melalui mufakat"
        assert first.find(f"{ATOM}link").get("href", "").endswith(items[0]["history"])  # type: ignore[union-attr]
        assert json.loads(first.findtext(f"{ATOM}content") or "") == items[0]
        assert parse_timestamp(first.findtext(f"{ATOM}published") or "") == parse_timestamp(items[0]["at"])

    def test_the_atom_feed_links_to_its_next_page(self, the_ledger: Mufakat, client: FlaskClient) -> None:
        village = open_village(the_ledger)
        adopt_by_consensus(village, dissent=False)
        reject_by_vote(village)

        root = ElementTree.fromstring(client.get("/api/v1/feed.atom?limit=1").data)

        links = {link.get("rel"): link.get("href") for link in root.findall(f"{ATOM}link")}
        assert "after=" in (links.get("next") or "")
        assert len(root.findall(f"{ATOM}entry")) == 1

    def test_the_csv_feed_reads_back_row_for_item(self, the_ledger: Mufakat, client: FlaskClient) -> None:
        village = open_village(the_ledger)
        follow_up(the_ledger, adopt_by_consensus(village), (30, 100))
        reject_by_vote(village)
        items = _all_items(client)

        response = client.get("/api/v1/feed.csv?limit=500")

        assert response.status_code == 200
        assert response.mimetype == "text/csv"
        rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
        assert [json.loads(row["item_json"]) for row in rows] == items
        assert [row["kind"] for row in rows] == ["decision", "commitment", "progress", "progress", "decision"]
        assert [row["outcome"] for row in rows] == ["adopted"] * 4 + ["rejected"]
        assert rows[3]["percent"] == "100"
        assert rows[0]["legal_basis"] == "Permendesa PDTT 16/2019"
        assert rows[0]["process_id"] == str(village.process_id)

    def test_a_cursor_that_was_never_issued_and_a_page_too_large_are_refused(self, client: FlaskClient) -> None:
        assert client.get("/api/v1/feed?after=not-a-cursor").status_code == 422
        assert client.get("/api/v1/feed?limit=501").status_code == 422

    def test_a_sealed_audit_checkpoint_appears_as_a_checkpoint_item(
        self, the_ledger: Mufakat, client: FlaskClient
    ) -> None:
        adopt_by_consensus(open_village(the_ledger), dissent=False)
        sealed = seal_checkpoint(the_ledger, Ed25519PrivateKey.generate())

        items = _all_items(client)

        assert [item["kind"] for item in items] == ["decision", "checkpoint"]
        assert items[1]["checkpoint"]["position"] == sealed.position
        assert items[1]["checkpoint"]["root_hash"] == sealed.root_hash
        assert items[1]["process"] is None
        assert [item["kind"] for item in _all_items(client, outcome="adopted")] == ["decision"]

    def test_a_partner_verifies_a_checkpoint_signature_from_the_feed_item_alone(
        self, the_ledger: Mufakat, client: FlaskClient
    ) -> None:
        adopt_by_consensus(open_village(the_ledger), dissent=False)
        seal_checkpoint(the_ledger, Ed25519PrivateKey.generate())
        checkpoint = _all_items(client)[-1]["checkpoint"]

        public_key = Ed25519PublicKey.from_public_bytes(base64.b64decode(checkpoint["public_key"]))
        message = checkpoint["note"].split("\n\n")[0].encode() + b"\n"  # the C2SP checkpoint note's body
        assert message.split(b"\n")[1] == str(checkpoint["tree_size"]).encode()
        public_key.verify(base64.b64decode(checkpoint["signature"]), message)  # raises when forged
        with pytest.raises(InvalidSignature):
            public_key.verify(base64.b64decode(checkpoint["signature"]), message.replace(b"\n", b"\n9", 1))


class TestFeedOnSQLite(FeedContract):
    """On the embedded SQLite file."""


@pytest.mark.postgres
class TestFeedOnPostgreSQL(FeedContract):
    """On PostgreSQL."""

    @pytest.fixture
    def database_url(self, postgres_database_url: str) -> str:
        """A fresh PostgreSQL database of this test's own."""
        return postgres_database_url
