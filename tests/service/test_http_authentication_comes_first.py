"""Without a valid token the answer is 401 before anything else: no validation hints for strangers."""

from __future__ import annotations

import pytest
from http_callers import Caller, Village
from test_http_problems import assert_problem


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
