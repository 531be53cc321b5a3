"""A published item is bound to what its events say, not only to their hashes (docs/audit-format.md, 3a and 10.2).

The attack: someone with the database changes a decision event's stored
state (adopted becomes rejected), leaves its stored hash alone and rebuilds
the read models. The feed then says "rejected", and the event hash the item
names is still in the signed log. Before hash version 2, `verify-item` said
ok. Now the decision's public form, which the signed log commits to, still
says "adopted", and the item is caught naming the field, by `verify-item`
and by a partner running the docs' own code.
"""

from __future__ import annotations

import base64
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from audit_support import RawLog
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from service.adapters.storage import persistence_settings
from service.app.application import Mufakat
from service.audit.checkpoints import seal_checkpoint
from service.audit.item_check import verify_item
from service.audit.signing import load_or_create_signing_key, public_key_text
from service.cli.main import main
from service.http.app_factory import create_app
from service.http.current import current_mufakat

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "projections"))
from projection_stories import CONTEXT, adopt_by_consensus, open_village, reject_by_vote

DOC = Path(__file__).resolve().parents[3] / "docs" / "audit-format.md"


def docs_item_check() -> str:
    """The Python block of docs/audit-format.md 10.2, as a partner copies it."""
    section = DOC.read_text(encoding="utf-8").split("### 10.2 ", 1)[1]
    [code] = re.findall(r"```python\n(.*?)```", section, flags=re.DOTALL)
    return code


class Site:
    """A service on one database: its web app, its ledger and its signing key."""

    def __init__(self, database_url: str, key_file: Path) -> None:
        self.database_url, self.key_file = database_url, key_file
        self.key = load_or_create_signing_key(key_file)
        self.app: Flask = create_app(
            {
                "TESTING": True,
                "MUFAKAT_LEDGER_ENV": persistence_settings(database_url),
                "MUFAKAT_SECRET_KEY_FILE": str(key_file),
            }
        )
        self.client: FlaskClient = self.app.test_client()
        with self.app.app_context():
            self.ledger: Mufakat = current_mufakat()

    def decision_items(self) -> list[dict[str, Any]]:
        return [i for i in self.client.get("/api/v1/feed?limit=500").json["items"] if i["kind"] == "decision"]

    def fetch(self, url: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        answer = self.client.get(url.removeprefix("http://log.test"))
        return dict(answer.json or {})

    def verify_item(self, item: dict[str, Any]) -> Any:
        return verify_item(item, "http://log.test", public_key_text(self.key), None, self.fetch)

    def close(self) -> None:
        opened = self.app.extensions.get("mufakat")
        if opened is not None:
            opened.close()


class ItemFieldsContract:
    """The same story on each database."""

    @pytest.fixture
    def site(self, database_url: str, tmp_path: Path) -> Iterator[Site]:
        made = Site(database_url, tmp_path / "signing.key")
        yield made
        made.close()

    def adopted(self, site: Site) -> dict[str, Any]:
        village = open_village(site.ledger)
        self.participants = [str(participant) for participant in village.everyone]
        adopt_by_consensus(village, dissent=False)
        reject_by_vote(village)
        seal_checkpoint(site.ledger, site.key)
        return next(i for i in site.decision_items() if i["decision"]["outcome"] == "adopted")

    def test_verify_item_derives_an_honest_decision_from_its_events_public_forms(self, site: Site) -> None:
        item = self.adopted(site)

        report = site.verify_item(item)

        assert report.ok is True, report.failure
        for name in ("decision.outcome", "decision.method", "rules", "decision.rationale", "proposal.id"):
            assert name in report.fields_checked
        assert {"consensus_checks[0].tally", "consensus_checks[0].result"} <= set(report.fields_checked)
        assert "proposal.text_version" in report.fields_checked

    def test_an_item_claiming_another_text_version_fails_against_the_round_it_stands_on(self, site: Site) -> None:
        item = self.adopted(site)
        proposal = {**item["proposal"], "text_version": item["proposal"]["text_version"] - 1}

        report = site.verify_item({**item, "proposal": proposal})

        assert report.ok is False
        assert report.failure is not None and report.failure.startswith("proposal.text_version:")

    def test_a_decision_changed_in_the_log_and_rebuilt_into_the_feed_fails_naming_the_field(
        self, site: Site, database_url: str
    ) -> None:
        item = self.adopted(site)
        position = item["log_position"]
        raw = RawLog(database_url)
        state = raw.state(position)
        # The forger changes the outcome in the stored event, leaves its stored hash alone ...
        raw.set_state(position, state.replace(b'"outcome":"adopted"', b'"outcome":"rejected"'))
        assert raw.state(position) != state
        # ... and rebuilds the read models from the log, as `mufakat projections rebuild` does.
        env = {"MUFAKAT_DATABASE_URL": database_url, "MUFAKAT_SECRET_KEY_FILE": str(site.key_file)}
        rebuilt = CliRunner().invoke(main, ["projections", "rebuild"], env=env)
        assert rebuilt.exit_code == 0, rebuilt.output
        served = Site(database_url, site.key_file)
        try:
            [altered] = [i for i in served.decision_items() if i["id"] == item["id"]]
            assert altered["decision"]["outcome"] == "rejected"
            assert altered["event_hash"] == item["event_hash"]  # still in the signed log: inclusion alone passes

            report = served.verify_item(altered)
            forms = served.client.get(f"/api/v1/audit/public-forms?position={position}").json
        finally:
            served.close()

        assert report.ok is False
        assert report.failure is not None and report.failure.startswith("decision.outcome:")
        assert "'rejected'" in report.failure and "'adopted'" in report.failure
        # A partner with nothing but the docs' code finds the same field.
        with pytest.raises(AssertionError, match=r"decision\.outcome"):
            exec(docs_item_check(), {"item": altered, "served": forms})
        # And the auditor's full verification names the event and the part of its public form.
        verified = CliRunner().invoke(main, ["verify", "--public-key", public_key_text(site.key)], env=env)
        assert verified.exit_code == 1
        assert json.loads(verified.stdout)["first_failure"]["position"] == position

    def test_a_partner_checks_the_item_with_the_docs_code_and_no_mufakat_code(self, site: Site) -> None:
        item = self.adopted(site)
        served = site.client.get(f"/api/v1/audit/public-forms?position={item['log_position']}").json

        exec(docs_item_check(), {"item": item, "served": served})

        forms = [json.loads(base64.b64decode(entry["public_form"])) for entry in served["public_forms"]]
        assert [form["topic"].rsplit(".", 1)[1] for form in forms] == [
            "ConsensusCheckOpened",
            "ConsensusCheckClosed",
            "Decided",
        ]
        # What outsiders must not see is not in it: no participant, no actor, no words.
        text = json.dumps(served)
        assert "Mufakat tercapai" not in text and "test-admin" not in text and "Admin Uji" not in text
        assert self.participants and not [p for p in self.participants if p in text]

    def test_a_rationale_changed_in_the_feed_fails_against_its_commitment(self, site: Site) -> None:
        item = self.adopted(site)

        report = site.verify_item({**item, "decision": {**item["decision"], "rationale": "Ditolak warga"}})

        assert report.ok is False
        assert report.failure is not None and report.failure.startswith("decision.rationale:")

    def test_a_tally_changed_in_the_feed_fails_naming_the_round(self, site: Site) -> None:
        item = self.adopted(site)
        check = item["consensus_checks"][0]
        changed = {**check, "tally": {**check["tally"], "agree": check["tally"]["agree"] + 3}}

        report = site.verify_item({**item, "consensus_checks": [changed]})

        assert report.ok is False
        assert report.failure is not None and report.failure.startswith("consensus_checks[0].tally:")

    def test_a_redacted_rationale_loses_its_salt_and_keeps_its_commitment(self, site: Site) -> None:
        item = self.adopted(site)
        before = site.client.get(f"/api/v1/audit/public-forms?position={item['log_position']}").json
        [decided] = [e for e in before["public_forms"] if e["log_position"] == item["log_position"]]
        version = json.loads(base64.b64decode(decided["public_form"]))["version"]

        site.ledger.redaction.redact(CONTEXT, UUID(item["proposal"]["id"]), version, "rationale", "Menyebut nama warga")
        [redacted] = [i for i in site.decision_items() if i["id"] == item["id"]]
        after = site.client.get(f"/api/v1/audit/public-forms?position={item['log_position']}").json
        report = site.verify_item(redacted)

        [still] = [e for e in after["public_forms"] if e["log_position"] == item["log_position"]]
        assert decided["statement_salts"]["rationale"] is not None
        assert still["statement_salts"] == {"rationale": None}
        assert still["public_form"] == decided["public_form"]  # the commitment stays: something was said there
        assert "Mufakat tercapai" not in json.dumps(redacted)
        assert report.ok is True, report.failure
        assert "decision.rationale" not in report.fields_checked and "decision.outcome" in report.fields_checked
        assert any("redacted" in note for note in report.notes)

    def test_public_forms_are_served_only_for_published_items(self, site: Site) -> None:
        item = self.adopted(site)
        restricted = open_village(site.ledger, visibility="restricted", title="Musdes Tertutup")
        adopt_by_consensus(restricted, title="Jalan usaha tani", dissent=False)
        seal_checkpoint(site.ledger, site.key)
        hidden = site.client.get("/api/v1/audit/events?limit=1000", headers=self.auditor(site)).json["items"]
        restricted_decision = max(e["position"] for e in hidden if e["topic"].endswith("Proposal.Decided"))

        assert site.client.get(f"/api/v1/audit/public-forms?position={restricted_decision}").status_code == 404
        assert site.client.get(f"/api/v1/audit/public-forms?position={item['log_position'] - 1}").status_code == 404
        assert site.client.get("/api/v1/audit/public-forms?position=x").json["code"] == "validation_failed"

    def test_public_forms_are_served_as_soon_as_the_decision_is_recorded(self, site: Site) -> None:
        adopt_by_consensus(open_village(site.ledger), dissent=False)
        # No one has read the feed yet: the public forms still answer for the decision it publishes.
        logged = site.client.get("/api/v1/audit/events?limit=1000", headers=self.auditor(site)).json["items"]
        [decided] = [e["position"] for e in logged if e["topic"].endswith("Proposal.Decided")]

        answer = site.client.get(f"/api/v1/audit/public-forms?position={decided}")

        assert answer.status_code == 200
        assert answer.json["public_forms"][-1]["log_position"] == decided

    @staticmethod
    def auditor(site: Site) -> dict[str, str]:
        with site.app.app_context():
            _, secret = current_mufakat().tokens.issue("auditor", "Inspektorat", [])
        return {"Authorization": f"Bearer {secret}"}


class TestItemFieldsOnSQLite(ItemFieldsContract):
    @pytest.fixture
    def database_url(self, sqlite_database_url: str) -> str:
        return sqlite_database_url


class TestItemFieldsOnPostgreSQL(ItemFieldsContract):
    @pytest.fixture
    def database_url(self, postgres_database_url: str) -> str:
        return postgres_database_url
