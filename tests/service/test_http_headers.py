"""Headers that keep personal answers out of shared caches, stop sniffing, pin the docs' scripts, guard /metrics."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from http_callers import Caller, Village

from service.http.app_factory import create_app


def test_an_authenticated_answer_is_never_stored_by_a_cache(village: Village, facilitator: Caller) -> None:
    answer = facilitator.get(f"/processes/{village.process_id}/participants")

    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "no-store"
    assert "Authorization" in answer.headers["Vary"]
    assert answer.headers["X-Content-Type-Options"] == "nosniff"


def test_an_authenticated_error_is_not_stored_either(facilitator: Caller) -> None:
    answer = facilitator.get("/processes/3f1c2a9e-8b7d-4c61-9e2f-5a4b3c2d1e0f")

    assert answer.status_code == 404
    assert answer.headers["Cache-Control"] == "no-store"
    assert answer.headers["X-Content-Type-Options"] == "nosniff"


def test_the_anonymous_feed_stays_cacheable_but_varies_by_token(anonymous: Caller) -> None:
    answer = anonymous.get("/feed")

    assert answer.status_code == 200
    assert "no-store" not in answer.headers.get("Cache-Control", "")
    assert "Authorization" in answer.headers["Vary"]
    assert answer.headers["X-Content-Type-Options"] == "nosniff"


def test_authorization_is_named_once_in_vary(village: Village, anonymous: Caller) -> None:
    answer = anonymous.get(f"/proposals/{village.proposal_id}/history")

    named = [value.strip() for value in answer.headers["Vary"].split(",")]
    assert named.count("Authorization") == 1


def test_the_docs_page_allows_only_its_own_scripts(client: FlaskClient) -> None:
    answer = client.get("/api/v1/docs")

    policy = answer.headers["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]*)", policy)
    assert script_src is not None
    inline = re.findall(rb"<script>(.*?)</script>", answer.get_data(), re.DOTALL)
    expected = {"'sha256-" + base64.b64encode(hashlib.sha256(script).digest()).decode() + "'" for script in inline}
    assert set(script_src.group(1).split()) == {"'self'", *expected}
    assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy
    assert answer.headers["X-Content-Type-Options"] == "nosniff"


def test_metrics_answer_this_host(client: FlaskClient) -> None:
    answer = client.get("/metrics", environ_base={"REMOTE_ADDR": "127.0.0.1"})

    assert answer.status_code == 200
    assert b"mufakat_http_requests" in answer.get_data()


def test_metrics_refuse_another_host_without_a_token_setting(client: FlaskClient) -> None:
    answer = client.get("/metrics", environ_base={"REMOTE_ADDR": "203.0.113.7"})

    assert answer.status_code == 403
    assert answer.get_json()["code"] == "forbidden"


_TOKEN = {"MUFAKAT_METRICS_TOKEN": "scrape-secret"}


@pytest.mark.parametrize("offered, status", [(None, 401), ("Bearer wrong", 401), ("Bearer scrape-secret", 200)])
def test_metrics_behind_a_token_need_exactly_that_token(app: Flask, offered: str | None, status: int) -> None:
    # The token is a setting: given when the app is created (or in the environment it is created in).
    guarded = create_app({"TESTING": True, "MUFAKAT_LEDGER_ENV": app.config["MUFAKAT_LEDGER_ENV"]} | _TOKEN)
    headers = {"Authorization": offered} if offered else {}

    try:
        answer = guarded.test_client().get("/metrics", headers=headers, environ_base={"REMOTE_ADDR": "127.0.0.1"})
    finally:
        if "mufakat" in guarded.extensions:
            guarded.extensions["mufakat"].close()

    assert answer.status_code == status
