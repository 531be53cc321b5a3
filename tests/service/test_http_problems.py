"""Every misuse gets problem details with the documented status and `code`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import uuid4

import pytest
from eventsourcing.persistence import IntegrityError
from flask.testing import FlaskClient
from http_callers import Caller, Village, adopt_by_consensus, musyawarah_fails, process_body, start_village
from werkzeug.test import TestResponse

from service.app.application import Mufakat
from service.http.app_factory import MAX_BODY_BYTES


def assert_problem(response: TestResponse, status: int, code: str) -> dict[str, Any]:
    """The response is problem details with this status and code; its body."""
    body = response.get_json()
    assert response.status_code == status, body
    assert response.mimetype == "application/problem+json"
    assert body["code"] == code
    assert body["status"] == status
    assert body["type"].endswith(code)
    assert body["title"]
    assert body["detail"]
    return body  # type: ignore[no-any-return]


# --- validation ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"colour": "merah"}, "colour"),
        ({"visibility": "secret"}, "visibility"),
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"region_code": "Sukamaju"}, "region_code"),
        ({"rules": {"quorum": 1.5}}, "rules"),
        ({"rules": {"vote_threshold": 0.4}}, "rules"),
        ({"rules": {"majority": True}}, "rules"),
    ],
    ids=["unknown-field", "enum", "empty", "too-long", "region-code", "quorum", "threshold", "unknown-rule"],
)
def test_an_invalid_process_is_refused_field_by_field(admin: Caller, change: dict[str, Any], field: str) -> None:
    body = assert_problem(admin.post("/processes", {**process_body(), **change}), 422, "validation_failed")

    assert list(body["errors"]) == [field]


def test_a_missing_field_is_named(admin: Caller) -> None:
    body = assert_problem(admin.post("/processes", {"title": "Musdes"}), 422, "validation_failed")

    assert set(body["errors"]) == {"region_code", "region_name", "visibility"}


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/meetings", {"title": "Rapat", "scheduled_for": "2027-01-15T09:00:00"}, "scheduled_for"),
        ("/meetings", {"title": "Rapat", "scheduled_for": "besok pagi"}, "scheduled_for"),
        ("/meetings", {"title": "Rapat", "scheduled_for": "2027-01-15T09:00:00Z", "invited": ["x"]}, "invited"),
        ("/participants", {"name": "Ibu Siti", "group": "women", "gender": "lainnya"}, "gender"),
        ("/proposals", {"title": "Usulan", "body": "Isi", "submitted_by": "bukan-uuid"}, "submitted_by"),
    ],
    ids=["naive-datetime", "not-a-datetime", "not-a-uuid", "gender", "submitted-by"],
)
def test_invalid_values_under_a_process_are_refused(
    village: Village, facilitator: Caller, path: str, body: dict[str, Any], field: str
) -> None:
    problem = assert_problem(facilitator.post(f"/processes/{village.process_id}{path}", body), 422, "validation_failed")

    assert field in problem["errors"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"owner": "Kaur", "description": "Bangun", "due": "30/09/2027"}, "due"),
        ({"owner": "Kaur", "description": "Bangun", "due": "2027-09-30T00:00:00Z"}, "due"),
        ({"owner": "", "description": "Bangun", "due": "2027-09-30"}, "owner"),
    ],
    ids=["not-a-date", "a-datetime-is-not-a-date", "empty-owner"],
)
def test_a_commitment_needs_a_due_date(village: Village, facilitator: Caller, body: dict[str, Any], field: str) -> None:
    problem = assert_problem(facilitator.post(f"{village.proposal}/commitments", body), 422, "validation_failed")

    assert field in problem["errors"]


def test_a_body_that_is_not_an_object_is_refused(admin: Caller) -> None:
    assert_problem(admin.post("/processes", ["Musdes"]), 422, "validation_failed")


def test_personal_data_never_appears_in_an_error(village: Village, facilitator: Caller) -> None:
    name = "Ibu Rahasia Sekali " * 20
    refused = facilitator.post(
        f"/processes/{village.process_id}/participants", {"name": name, "group": "women", "contact": "rahasia@desa.id"}
    )

    assert_problem(refused, 422, "validation_failed")
    assert "Rahasia" not in refused.get_data(as_text=True)
    assert "rahasia@desa.id" not in refused.get_data(as_text=True)


# --- HTTP-level errors ----------------------------------------------------------------


def test_malformed_json_is_a_problem(client: FlaskClient, admin: Caller) -> None:
    response = client.post(
        "/api/v1/processes",
        data='{"title": "Musdes",',
        headers={"Authorization": f"Bearer {admin.secret}", "Content-Type": "application/json"},
    )

    assert_problem(response, 400, "malformed_json")


def test_a_body_that_is_not_json_is_415(client: FlaskClient, admin: Caller) -> None:
    response = client.post(
        "/api/v1/processes",
        data="title=Musdes",
        headers={"Authorization": f"Bearer {admin.secret}", "Content-Type": "application/x-www-form-urlencoded"},
    )

    assert_problem(response, 415, "unsupported_media_type")


def test_an_oversized_body_is_413(admin: Caller) -> None:
    response = admin.post("/processes", {**process_body(), "description": "x" * (MAX_BODY_BYTES + 1)})

    assert_problem(response, 413, "payload_too_large")


def test_an_unknown_route_is_404(admin: Caller) -> None:
    assert_problem(admin.get("/musyawarah"), 404, "not_found")


def test_a_wrong_method_is_405_with_the_allowed_ones(village: Village, admin: Caller) -> None:
    response = admin.client.delete(
        f"/api/v1/proposals/{village.proposal_id}", headers={"Authorization": f"Bearer {admin.secret}"}
    )

    assert_problem(response, 405, "method_not_allowed")
    assert "GET" in response.headers["Allow"]


# --- who is asking ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer mfk_tidak-ada", "Basic YWRtaW46YWRtaW4=", "Bearer "],
    ids=["no-token", "unknown-token", "basic-auth", "empty-bearer"],
)
def test_without_a_valid_token_the_answer_is_401_with_a_bearer_challenge(
    client: FlaskClient, authorization: str | None
) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    response = client.get("/api/v1/processes", headers=headers)

    assert_problem(response, 401, "unauthorized")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_token_never_appears_in_an_error(client: FlaskClient) -> None:
    response = client.get("/api/v1/processes", headers={"Authorization": "Bearer mfk_bocor-sekali"})

    assert "mfk_bocor-sekali" not in response.get_data(as_text=True)


def test_a_partner_may_not_write_403(village: Village, partner: Caller) -> None:
    response = partner.post(
        f"{village.proposal}/contributions",
        {"participant_id": village.participants[0], "kind": "support", "text": "Setuju."},
    )

    assert_problem(response, 403, "forbidden")


def test_an_unknown_proposal_is_404(admin: Caller) -> None:
    assert_problem(admin.get(f"/proposals/{uuid4()}"), 404, "not_found")


def test_an_unknown_objection_of_a_known_proposal_is_404(village: Village, facilitator: Caller) -> None:
    response = facilitator.post(
        f"{village.proposal}/objections/{uuid4()}/resolve", {"outcome": "withdrawn", "note": "Dicabut."}
    )

    assert_problem(response, 404, "not_found")


def test_a_stale_if_match_is_412_and_names_the_current_version(village: Village, facilitator: Caller) -> None:
    _contribute_as(village.participants[1])(facilitator, village)
    response = facilitator.post(
        f"{village.proposal}/contributions",
        {"participant_id": village.participants[0], "kind": "support", "text": "Setuju."},
        headers={"If-Match": '"1"'},
    )

    body = assert_problem(response, 412, "version_mismatch")
    assert body["expected_version"] == 1
    assert response.headers["ETag"] == f'"{body["current_version"]}"'


def test_endless_contention_is_503_with_retry_after(
    village: Village, facilitator: Caller, the_ledger: Mufakat, monkeypatch: pytest.MonkeyPatch
) -> None:
    def always_overtaken(*stored_events: object, **kwargs: object) -> None:
        raise IntegrityError("someone else wrote first")

    # Every commit of the group commit fails as if another writer had always written first.
    monkeypatch.setattr(the_ledger.recorder, "insert_events", always_overtaken)
    response = facilitator.post(
        f"{village.proposal}/contributions",
        {"participant_id": village.participants[0], "kind": "support", "text": "Setuju."},
    )

    assert_problem(response, 503, "too_much_contention")
    assert response.headers["Retry-After"] == "1"


# --- every rule of the domain, 409 with its own code --------------------------------------

Step = Callable[[Caller, Village], TestResponse]


def _contribute_as(participant_id: str) -> Step:
    return lambda f, v: f.post(
        f"{v.proposal}/contributions", {"participant_id": participant_id, "kind": "support", "text": "Setuju."}
    )


def _already_decided(f: Caller, v: Village) -> TestResponse:
    adopt_by_consensus(f, v)
    return _contribute_as(v.participants[0])(f, v)


def _not_attending(f: Caller, v: Village) -> TestResponse:
    newcomer = f.created(f"/processes/{v.process_id}/participants", {"name": "Pendatang", "group": "other"})["id"]
    check = f.created(f"{v.proposal}/consensus-checks", {"meeting_id": v.meeting_id})
    return f.post(
        f"{v.proposal}/consensus-checks/{check['check_id']}/stances", {"participant_id": newcomer, "stance": "agree"}
    )


def _blocking_objection(f: Caller, v: Village) -> TestResponse:
    f.created(f"{v.proposal}/objections", {"raised_by": v.participants[1], "grounds": "Tidak adil.", "blocking": True})
    return f.post(f"{v.proposal}/decision", {"outcome": "adopted", "method": "consensus", "rationale": "Mufakat."})


def _no_check_held(f: Caller, v: Village) -> TestResponse:
    return f.post(f"{v.proposal}/decision", {"outcome": "adopted", "method": "consensus", "rationale": "Mufakat."})


def _no_consensus(f: Caller, v: Village) -> TestResponse:
    musyawarah_fails(f, v)
    return f.post(f"{v.proposal}/decision", {"outcome": "adopted", "method": "consensus", "rationale": "Mufakat."})


def _no_consensus_to_reject(f: Caller, v: Village) -> TestResponse:
    musyawarah_fails(f, v)  # nobody took a stance: the check failed, nobody stood against the text either
    return f.post(f"{v.proposal}/decision", {"outcome": "rejected", "method": "consensus", "rationale": "Tolak."})


def _no_vote_held(f: Caller, v: Village) -> TestResponse:
    musyawarah_fails(f, v)
    return f.post(f"{v.proposal}/decision", {"outcome": "adopted", "method": "vote", "rationale": "Suara."})


def _vote_closed_with(f: Caller, v: Village, choice: str) -> None:
    musyawarah_fails(f, v)
    vote = f.created(f"{v.proposal}/votes", {"meeting_id": v.meeting_id})
    for participant in v.participants:
        f.ok(f"{v.proposal}/votes/{vote['vote_id']}/ballots", {"participant_id": participant, "choice": choice})
    f.ok(f"{v.proposal}/votes/{vote['vote_id']}/close")


def _no_vote_passed(f: Caller, v: Village) -> TestResponse:
    _vote_closed_with(f, v, "no")
    return f.post(f"{v.proposal}/decision", {"outcome": "adopted", "method": "vote", "rationale": "Suara."})


def _vote_passed(f: Caller, v: Village) -> TestResponse:
    _vote_closed_with(f, v, "yes")
    return f.post(f"{v.proposal}/decision", {"outcome": "rejected", "method": "vote", "rationale": "Tolak."})


def _no_fallback(f: Caller, v: Village) -> TestResponse:
    strict = start_village(f, vote_fallback=False)
    return f.post(f"{strict.proposal}/votes", {"meeting_id": strict.meeting_id})


def _no_quorum(f: Caller, v: Village) -> TestResponse:
    meeting = f.created(
        f"/processes/{v.process_id}/meetings", {"title": "Rapat Sepi", "scheduled_for": "2027-03-01T09:00:00Z"}
    )
    f.ok(f"/meetings/{meeting['id']}/open", {"attendees": v.participants[:1]})
    return f.post(f"{v.proposal}/consensus-checks", {"meeting_id": meeting["id"]})


def _check_closed(f: Caller, v: Village) -> TestResponse:
    check = f.created(f"{v.proposal}/consensus-checks", {"meeting_id": v.meeting_id})
    f.ok(f"{v.proposal}/consensus-checks/{check['check_id']}/close")
    return f.post(f"{v.proposal}/consensus-checks/{check['check_id']}/close")


def _vote_closed(f: Caller, v: Village) -> TestResponse:
    musyawarah_fails(f, v)
    vote = f.created(f"{v.proposal}/votes", {"meeting_id": v.meeting_id})
    f.ok(f"{v.proposal}/votes/{vote['vote_id']}/close")
    return f.post(
        f"{v.proposal}/votes/{vote['vote_id']}/ballots", {"participant_id": v.participants[0], "choice": "yes"}
    )


def _meeting_closed(f: Caller, v: Village) -> TestResponse:
    f.ok(f"/meetings/{v.meeting_id}/close", {"minutes": "Selesai."})
    return f.post(f"{v.proposal}/votes", {"meeting_id": v.meeting_id})


def _resolved_twice(f: Caller, v: Village) -> TestResponse:
    objection = f.created(
        f"{v.proposal}/objections", {"raised_by": v.participants[1], "grounds": "Mahal.", "blocking": False}
    )
    resolve = f"{v.proposal}/objections/{objection['objection_id']}/resolve"
    f.ok(resolve, {"outcome": "withdrawn", "note": "Dicabut."})
    return f.post(resolve, {"outcome": "addressed", "note": "Lagi."})


def _process_closed(f: Caller, v: Village) -> TestResponse:
    f.ok(f"/processes/{v.process_id}/close")
    return _contribute_as(v.participants[0])(f, v)


def _forgotten(f: Caller, v: Village, admin: Caller) -> TestResponse:
    admin.ok(f"/participants/{v.participants[2]}/forget")
    return _contribute_as(v.participants[2])(f, v)


RULES: dict[str, Step] = {
    "proposal_already_decided": _already_decided,
    "not_registered": lambda f, v: _contribute_as(str(uuid4()))(f, v),
    "not_attending": _not_attending,
    "unresolved_blocking_objection": _blocking_objection,
    "consensus_not_reached": _no_consensus,
    "no_check_on_this_text": _no_check_held,
    "no_consensus_to_reject": _no_consensus_to_reject,
    "vote_not_passed": _no_vote_passed,
    "no_vote_on_this_text": _no_vote_held,
    "vote_passed": _vote_passed,
    "vote_fallback_not_allowed": _no_fallback,
    "quorum_not_met": _no_quorum,
    "check_not_open": _check_closed,
    "vote_not_open": _vote_closed,
    "meeting_not_open": _meeting_closed,
    "already_resolved": _resolved_twice,
    "process_closed": _process_closed,
}


@pytest.mark.parametrize("code", list(RULES))
def test_a_broken_rule_is_409_with_its_code(village: Village, facilitator: Caller, code: str) -> None:
    body = assert_problem(RULES[code](facilitator, village), 409, code)

    assert all(name.endswith("_id") for name in body.get("ids", {}))


def test_a_forgotten_participant_can_take_no_more_steps_409(
    village: Village, facilitator: Caller, admin: Caller
) -> None:
    response = _forgotten(facilitator, village, admin)

    body = assert_problem(response, 409, "participant_forgotten")
    assert "Dewi" not in response.get_data(as_text=True)
    assert body["ids"] == {"participant_id": village.participants[2]}
