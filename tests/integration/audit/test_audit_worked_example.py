"""The worked example of docs/audit-format.md (section 10), run as written against a real service.

The Python blocks of that section are executed as a partner would copy them,
with nothing of Mufakat imported: a published decision is proved to be in the
signed log, the log is proved to have only grown since a kept checkpoint, and
a feed item whose binding to the log was altered fails.
"""

from __future__ import annotations

import json
import re
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from projections.feed_queries import feed_page
from projections.runner import read_models
from service.adapters.storage import persistence_settings
from service.app.application import Mufakat
from service.audit.checkpoints import seal_checkpoint
from service.audit.item_check import verify_item
from service.audit.signing import load_or_create_signing_key, public_key_text
from service.cli.main import main
from service.http.app_factory import create_app
from service.http.current import current_mufakat

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "projections"))
from projection_stories import adopt_by_consensus, open_village

DOC = Path(__file__).resolve().parents[3] / "docs" / "audit-format.md"


def example_code() -> list[str]:
    """The Python blocks of section 10, in order."""
    section = DOC.read_text(encoding="utf-8").split("## 10. Worked example", 1)[1]
    return re.findall(r"```python\n(.*?)```", section, flags=re.DOTALL)


@pytest.fixture
def web(sqlite_database_url: str, tmp_path: Path) -> Iterator[Flask]:
    application = create_app(
        {
            "TESTING": True,
            "MUFAKAT_LEDGER_ENV": persistence_settings(sqlite_database_url),
            "MUFAKAT_SECRET_KEY_FILE": str(tmp_path / "signing.key"),
        }
    )
    yield application
    opened = application.extensions.get("mufakat")
    if opened is not None:
        opened.close()


@pytest.fixture
def the_ledger(web: Flask) -> Mufakat:
    with web.app_context():
        return current_mufakat()


@pytest.fixture
def client(web: Flask) -> FlaskClient:
    return web.test_client()


def step_three() -> str:
    """The statements of step 3 that check one item's proof (after the function definitions)."""
    return "leaf = " + example_code()[1].split("\nleaf = ", 1)[1]


def partner_namespace(pinned: str) -> dict[str, Any]:
    """The doc's code, run with the pinned key filled in: its functions, as the partner has them."""
    blocks = example_code()
    namespace: dict[str, Any] = {}
    exec(blocks[0].replace("…the 32-byte key, base64…", pinned).split("\norigin, size, root =")[0], namespace)
    exec(blocks[1].split("\nleaf = ")[0], namespace)
    exec(blocks[2], namespace)
    return namespace


def test_a_partner_proves_a_published_decision_with_the_docs_code_and_a_pinned_key(
    web: Flask, the_ledger: Mufakat, client: FlaskClient, tmp_path: Path
) -> None:
    key = load_or_create_signing_key(tmp_path / "signing.key")
    village = open_village(the_ledger)
    kept = seal_checkpoint(the_ledger, key)  # last month's checkpoint, which Alice kept
    adopt_by_consensus(village, dissent=False)
    seal_checkpoint(the_ledger, key)
    partner = partner_namespace(public_key_text(key))
    [item] = [i for i in client.get("/api/v1/feed?limit=500").json["items"] if i["kind"] == "decision"]
    latest = client.get("/api/v1/audit/checkpoints/latest").json

    origin, size, root = partner["checkpoint"](latest["note"])
    proof = client.get(f"/api/v1/audit/proofs/inclusion?position={item['log_position']}&tree_size={size}").json
    namespace = {**partner, "item": item, "proof": proof, "size": size, "root": root}
    exec(step_three(), namespace)
    old_size, old_root = kept.tree_size, bytes.fromhex(kept.root_hash)
    answer = client.get(f"/api/v1/audit/proofs/consistency?first={old_size}&second={size}").json
    grew = partner["consistent"](old_size, size, old_root, root, [bytes.fromhex(h) for h in answer["proof"]])

    assert origin and size > item["log_position"] - 1
    assert grew is True
    forged = {**item, "event_hash": "00" * 32}
    with pytest.raises(AssertionError):
        exec(step_three(), {**namespace, "item": forged})
    assert partner["consistent"](old_size, size, bytes(32), root, [bytes.fromhex(h) for h in answer["proof"]]) is False


def test_a_checkpoint_signed_by_another_key_fails_the_docs_check(
    web: Flask, the_ledger: Mufakat, client: FlaskClient, tmp_path: Path
) -> None:
    open_village(the_ledger)
    seal_checkpoint(the_ledger, load_or_create_signing_key(tmp_path / "signing.key"))
    stranger = public_key_text(load_or_create_signing_key(tmp_path / "stranger.key"))
    partner = partner_namespace(stranger)

    with pytest.raises(ValueError, match="not signed by the pinned key"):
        partner["checkpoint"](client.get("/api/v1/audit/checkpoints/latest").json["note"])


def test_verify_item_proves_a_feed_item_and_fails_one_whose_binding_was_altered_in_the_read_model(
    web: Flask, the_ledger: Mufakat, client: FlaskClient, tmp_path: Path, sqlite_database_url: str
) -> None:
    key = load_or_create_signing_key(tmp_path / "signing.key")
    village = open_village(the_ledger)
    kept = client.get("/api/v1/audit/checkpoints").json if seal_checkpoint(the_ledger, key) else None
    adopt_by_consensus(village, dissent=False)
    seal_checkpoint(the_ledger, key)
    [item] = [i for i in client.get("/api/v1/feed?limit=500").json["items"] if i["kind"] == "decision"]

    def fetch(url: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        return dict(client.get(url.removeprefix("http://log.test")).json or {})

    proved = verify_item(item, "http://log.test", public_key_text(key), kept["items"][-1], fetch)  # type: ignore[index]
    path = sqlite_database_url.removeprefix("sqlite:///")
    seq = item["log_position"]
    with sqlite3.connect(path) as connection:
        # The read model stores each item twice (exact and as outsiders read it): both now point at another event.
        for column in ("body", "public_body"):
            row = connection.execute(f"SELECT {column} FROM projection_feed_items WHERE seq = ?", (seq,)).fetchone()
            body = json.loads(row[0])
            body["log_position"] = seq - 1
            connection.execute(f"UPDATE projection_feed_items SET {column} = ? WHERE seq = ?", (json.dumps(body), seq))
    # As a server started on the altered database serves it (this one keeps the page it made before).
    served = feed_page(read_models(the_ledger).database, None, 500).items
    [altered] = json.loads(json.dumps([i for i in served if i["kind"] == "decision"]))
    refused = verify_item(altered, "http://log.test", public_key_text(key), None, fetch)

    assert (proved.ok, proved.grew_from, proved.failure) == (True, kept["items"][-1]["tree_size"], None)  # type: ignore[index]
    assert refused.ok is False
    assert refused.failure is not None and "is not in the signed tree" in refused.failure


def test_the_verify_item_command_exits_zero_for_a_bound_item_and_one_for_an_altered_one(
    web: Flask, the_ledger: Mufakat, client: FlaskClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = load_or_create_signing_key(tmp_path / "signing.key")
    adopt_by_consensus(open_village(the_ledger), dissent=False)
    seal_checkpoint(the_ledger, key)
    page = client.get("/api/v1/feed?limit=500").json
    monkeypatch.setattr(
        "service.audit.item_check.http_fetch",
        lambda url, body=None: dict(client.get(url.removeprefix("http://log.test")).json or {}),
    )
    feed = tmp_path / "feed.json"
    feed.write_text(json.dumps(page), encoding="utf-8")
    decision = next(item for item in page["items"] if item["kind"] == "decision")
    altered = tmp_path / "altered.json"
    altered.write_text(json.dumps({**decision, "event_hash": "11" * 32}), encoding="utf-8")
    pinned = ["--log", "http://log.test", "--public-key", public_key_text(key)]

    proved = CliRunner().invoke(main, ["verify-item", str(feed), "--id", decision["id"], *pinned])
    refused = CliRunner().invoke(main, ["verify-item", str(altered), *pinned])

    assert proved.exit_code == 0, proved.output
    assert json.loads(proved.stdout)["ok"] is True
    assert refused.exit_code == 1
    assert "is not in the signed tree" in json.loads(refused.stdout)["failure"]
