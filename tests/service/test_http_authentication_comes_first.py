"""Without a valid token the answer is 401 before anything else: no validation hints for strangers."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from http_callers import Caller, Village
from test_http_problems import assert_problem

from service.http.auth import PUBLIC_WRITES

#: The writes anyone may make without a token: filing a complaint on a public process (rate-limited) and a
#: witness's cosignature (checked against the witness's own key). Every other write of the API needs a token.
ANONYMOUS_WRITES = {"complaints.Complaints", "audit.WitnessCosignatures"}

_SAFE = {"GET", "HEAD", "OPTIONS"}
_ANY_ID = "0b1f4c9e-5d2a-4e0b-9c7d-3f6a8e1b2c4d"


def writes_of_the_api(app: Flask) -> list[tuple[str, str, str]]:
    """Every write route of the API, as (method, path with made-up ids, endpoint), read from the app itself."""
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/"):
            continue
        path = re.sub(r"<uuid:[^>]+>", _ANY_ID, rule.rule)
        path = re.sub(r"<int:[^>]+>", "1", path)
        path = re.sub(r"<[^>]+>", "x", path)
        found.extend((method, path, rule.endpoint) for method in sorted((rule.methods or set()) - _SAFE))
    return found


@pytest.mark.parametrize(
    "path",
    [
        "/processes",
        "/processes/{process}/participants",
        "/processes/{process}/meetings",
        "/processes/{process}/proposals",
        "/proposals/{proposal}/contributions",
        "/proposals/{proposal}/consensus-checks",
        "/proposals/{proposal}/commitments",
        "/tokens",
    ],
)
@pytest.mark.parametrize("secret", [None, "mfk_not-a-token-anyone-issued"])
def test_an_invalid_body_from_a_caller_without_a_valid_token_is_401_not_422(
    village: Village, anonymous: Caller, path: str, secret: str | None
) -> None:
    caller = Caller(anonymous.client, secret)

    answer = caller.post(path.format(process=village.process_id, proposal=village.proposal_id), {"colour": "merah"})

    body = assert_problem(answer, 401, "unauthorized")
    assert "errors" not in body
    assert answer.headers["WWW-Authenticate"].startswith("Bearer")


def test_reading_a_proposal_without_a_token_is_401(village: Village, anonymous: Caller) -> None:
    assert_problem(anonymous.get(village.proposal), 401, "unauthorized")


@pytest.mark.parametrize("secret", [None, "mfk_not-a-token-anyone-issued"])
def test_every_write_of_the_api_but_the_public_ones_answers_401_before_looking_at_the_body(
    app: Flask, anonymous: Caller, secret: str | None
) -> None:
    headers = {} if secret is None else {"Authorization": f"Bearer {secret}"}
    writes = writes_of_the_api(app)
    answered = {}

    for method, path, endpoint in writes:
        if endpoint in ANONYMOUS_WRITES:
            continue
        answer = anonymous.client.open(path, method=method, json={"colour": "merah"}, headers=headers)
        body = answer.get_json() or {}
        answered[f"{method} {path}"] = (
            answer.status_code,
            answer.mimetype,
            body.get("code"),
            "errors" in body,
            answer.headers.get("WWW-Authenticate", "").startswith("Bearer"),
        )

    assert len(answered) > 60
    refused_first = (401, "application/problem+json", "unauthorized", False, True)
    assert {route: seen for route, seen in answered.items() if seen != refused_first} == {}


def test_the_public_writes_are_exactly_those_the_service_leaves_open(app: Flask) -> None:
    endpoints = {endpoint for _, _, endpoint in writes_of_the_api(app)}

    assert PUBLIC_WRITES == ANONYMOUS_WRITES
    assert ANONYMOUS_WRITES.issubset(endpoints)


def test_an_invalid_complaint_filed_without_a_token_is_still_told_what_is_wrong(
    village: Village, anonymous: Caller
) -> None:
    answer = anonymous.post(f"/processes/{village.process_id}/complaints", {"colour": "merah"})

    assert_problem(answer, 422, "validation_failed")


def test_an_upload_without_a_token_is_401_before_its_media_type_is_judged(village: Village, anonymous: Caller) -> None:
    answer = anonymous.post(f"/assessments/{_ANY_ID}/evidence", {"colour": "merah"})

    assert_problem(answer, 401, "unauthorized")


def test_public_reads_of_complaints_and_disputes_stay_open_without_a_token(village: Village, anonymous: Caller) -> None:
    assert anonymous.get(f"/processes/{village.process_id}/disputes").status_code == 200
    assert anonymous.get(f"/processes/{village.process_id}/partners").status_code == 200
    assert_problem(anonymous.get("/complaints/track/ABCD-EFGH-JKMN-PQRS-TVWX"), 404, "not_found")
