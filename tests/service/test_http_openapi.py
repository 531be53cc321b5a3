"""The OpenAPI document and the docs page, which must work with no internet."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from http_callers import Caller, start_village


@pytest.fixture
def document(client: FlaskClient) -> dict[str, Any]:
    """The OpenAPI document."""
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()  # type: ignore[no-any-return]


CONTRACT = [
    ("post", "/api/v1/processes"),
    ("get", "/api/v1/processes"),
    ("get", "/api/v1/processes/{process_id}"),
    ("post", "/api/v1/processes/{process_id}/close"),
    ("post", "/api/v1/processes/{process_id}/participants"),
    ("get", "/api/v1/processes/{process_id}/participants"),
    ("post", "/api/v1/participants/{participant_id}/forget"),
    ("post", "/api/v1/processes/{process_id}/meetings"),
    ("post", "/api/v1/meetings/{meeting_id}/open"),
    ("post", "/api/v1/meetings/{meeting_id}/attendance"),
    ("post", "/api/v1/meetings/{meeting_id}/close"),
    ("get", "/api/v1/meetings/{meeting_id}"),
    ("post", "/api/v1/processes/{process_id}/proposals"),
    ("get", "/api/v1/proposals/{proposal_id}"),
    ("post", "/api/v1/proposals/{proposal_id}/contributions"),
    ("post", "/api/v1/proposals/{proposal_id}/amendments"),
    ("post", "/api/v1/proposals/{proposal_id}/objections"),
    ("post", "/api/v1/proposals/{proposal_id}/objections/{objection_id}/resolve"),
    ("post", "/api/v1/proposals/{proposal_id}/consensus-checks"),
    ("post", "/api/v1/proposals/{proposal_id}/consensus-checks/{check_id}/stances"),
    ("post", "/api/v1/proposals/{proposal_id}/consensus-checks/{check_id}/close"),
    ("post", "/api/v1/proposals/{proposal_id}/votes"),
    ("post", "/api/v1/proposals/{proposal_id}/votes/{vote_id}/ballots"),
    ("post", "/api/v1/proposals/{proposal_id}/votes/{vote_id}/close"),
    ("post", "/api/v1/proposals/{proposal_id}/decision"),
    ("post", "/api/v1/proposals/{proposal_id}/commitments"),
    ("post", "/api/v1/commitments/{commitment_id}/progress"),
    ("post", "/api/v1/tokens"),
    ("post", "/api/v1/proposals/{proposal_id}/withdraw"),
    ("post", "/api/v1/proposals/{proposal_id}/decision/annul"),
    ("post", "/api/v1/proposals/{proposal_id}/corrections"),
    ("get", "/api/v1/processes/{process_id}/proposals"),
    ("get", "/api/v1/processes/{process_id}/meetings"),
    ("get", "/api/v1/processes/{process_id}/commitments"),
]


def test_the_document_describes_every_endpoint_of_the_contract(document: dict[str, Any]) -> None:
    missing = [(method, path) for method, path in CONTRACT if method not in document["paths"].get(path, {})]

    assert document["openapi"].startswith("3.")
    assert missing == []


def test_the_document_declares_bearer_tokens(document: dict[str, Any]) -> None:
    assert document["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "a token from POST /tokens",
    }
    assert document["security"] == [{"bearerAuth": []}]


def test_the_document_shows_examples_in_bahasa_indonesia(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]

    assert schemas["ProcessOpening"]["properties"]["title"]["example"] == "Musrenbang Desa Sukamaju 2027"
    assert "enum" in schemas["Contribution"]["properties"]["kind"]
    assert schemas["CommitmentMaking"]["properties"]["due"]["format"] == "date"


def test_validation_errors_are_documented_as_problem_details(document: dict[str, Any]) -> None:
    contributions = document["paths"]["/api/v1/proposals/{proposal_id}/contributions"]["post"]

    assert "422" in contributions["responses"]
    assert "code" in document["components"]["schemas"]["Problem"]["properties"]


def test_the_docs_page_loads_its_assets_from_this_service_only(client: FlaskClient) -> None:
    page = client.get("/api/v1/docs").get_data(as_text=True)
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)

    assert assets, page
    assert all(asset.startswith("/api/v1/docs/static/") for asset in assets)
    for asset in assets:
        served = client.get(asset)
        assert served.status_code == 200, asset
        assert len(served.data) > 1000
    assert "/api/v1/openapi.json" in page


def test_every_write_documents_its_problems_and_its_retry_headers(document: dict[str, Any]) -> None:
    writes = [document["paths"][path]["post"] for method, path in CONTRACT if method == "post"]

    assert all({"401", "403", "404", "409", "412"} <= set(op["responses"]) for op in writes)
    assert all(
        {"Idempotency-Key", "If-Match"} <= {p["name"] for p in op["parameters"] if p["in"] == "header"} for op in writes
    )
    problem = writes[0]["responses"]["409"]["content"]["application/problem+json"]["schema"]["$ref"]
    assert problem.rsplit("/", 1)[1] in document["components"]["schemas"]


def test_every_error_is_documented_as_problem_details(document: dict[str, Any]) -> None:
    def content_types(response: dict[str, Any]) -> set[str]:
        if "$ref" in response:
            response = document["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
        return set(response.get("content", {}))

    documented = {
        (path, method, status): content_types(response)
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        if method in ("get", "post")
        for status, response in operation["responses"].items()
        if status == "default" or int(status) >= 400
    }

    assert documented
    assert {where: types for where, types in documented.items() if types != {"application/problem+json"}} == {}


def test_the_problem_schema_allows_what_problems_carry(document: dict[str, Any]) -> None:
    problem = document["components"]["schemas"]["Problem"]

    assert problem.get("additionalProperties", True) is not False
    assert {"ids", "expected_version", "current_version"} <= set(problem["properties"])


@pytest.mark.parametrize(
    "path, security",
    [
        ("/api/v1/health", []),
        ("/api/v1/ready", []),
        ("/api/v1/audit/checkpoints", []),
        ("/api/v1/audit/public-key", []),
        ("/api/v1/feed", [{}, {"bearerAuth": []}]),
        ("/api/v1/feed.csv", [{}, {"bearerAuth": []}]),
        ("/api/v1/proposals/{proposal_id}/history", [{}, {"bearerAuth": []}]),
    ],
)
def test_public_operations_need_no_token(document: dict[str, Any], path: str, security: list[Any]) -> None:
    assert document["paths"][path]["get"]["security"] == security


def test_a_protected_operation_keeps_the_global_bearer_requirement(document: dict[str, Any]) -> None:
    assert "security" not in document["paths"]["/api/v1/processes"]["post"]
    assert document["security"] == [{"bearerAuth": []}]


# --- schemathesis: the document is what the service answers ---------------------------------------

#: Examples per operation and generation mode: 42 operations x 2 modes x this stays under a minute.
SCHEMATHESIS_EXAMPLES = 3


def test_schemathesis_finds_no_server_error_and_no_answer_the_document_does_not_describe(
    sqlite_database_url: str, tmp_path: Path
) -> None:
    import schemathesis
    from hypothesis import HealthCheck, Phase, given, settings
    from schemathesis import GenerationMode
    from schemathesis.checks import not_a_server_error
    from schemathesis.core.parameters import ParameterLocation
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        negative_data_rejection,
        response_schema_conformance,
        status_code_conformance,
    )

    from service.adapters.storage import persistence_settings
    from service.http.app_factory import create_app
    from service.http.current import current_mufakat

    checks = [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_schema_conformance,
        negative_data_rejection,
    ]
    app = create_app(
        {
            "MUFAKAT_LEDGER_ENV": persistence_settings(sqlite_database_url),
            "MUFAKAT_SECRET_KEY_FILE": str(tmp_path / "signing.key"),  # never one in the working directory
        }
    )
    with app.app_context():
        _, secret = current_mufakat().tokens.issue("admin", "Admin Kabupaten", [])
    village = start_village(Caller(app.test_client(), secret))
    # Real ids where the path names them, so that writes reach the domain, not only a 404.
    known_ids = {
        "process_id": village.process_id,
        "proposal_id": village.proposal_id,
        "meeting_id": village.meeting_id,
        "participant_id": village.participants[1],
    }
    # A body past the size limit (a list of thousands of ids) is refused as 413, before any schema is read.
    rejections = ["400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "428", "429", "5xx"]
    config = schemathesis.Config.from_dict({"checks": {"negative_data_rejection": {"expected-statuses": rejections}}})
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, config=config)
    failures: dict[str, str] = {}
    statuses: list[int] = []
    operations = 0

    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        parameters = operation.definition.raw.get("parameters", [])
        in_path = {parameter["name"] for parameter in parameters if parameter.get("in") == "path"}
        ids = {name: value for name, value in known_ids.items() if name in in_path} or None
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            if (
                mode is GenerationMode.NEGATIVE
                and not parameters
                and (operation.body is None or not len(operation.body))
            ):
                continue  # nothing to make invalid

            @given(case=operation.as_strategy(generation_mode=mode, path_parameters=ids))
            @settings(
                max_examples=SCHEMATHESIS_EXAMPLES,
                deadline=None,
                database=None,
                derandomize=True,
                phases=[Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            def call(case: Any) -> None:
                headers_made_invalid = (
                    case.meta is not None
                    and ParameterLocation.HEADER in case.meta.components
                    and case.meta.components[ParameterLocation.HEADER].mode is GenerationMode.NEGATIVE
                )
                token = {} if headers_made_invalid else {"Authorization": f"Bearer {secret}"}
                response = case.call(headers=token)
                statuses.append(response.status_code)
                case.validate_response(response, checks=checks, headers=token)

            try:
                call()
            except BaseException as error:  # one failing operation must not hide the others
                failures[f"{operation.method.upper()} {operation.path} ({mode.value})"] = str(error)[:2000]
    app.extensions["mufakat"].close()

    assert operations >= 40
    assert failures == {}, "\n\n".join(f"{where}: {what}" for where, what in failures.items())
    assert {200, 201, 404, 422} <= set(statuses)  # it reached successes and refusals, not only one kind


def test_the_document_explains_the_rules_of_musyawarah_and_when_a_step_happened(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]

    assert schemas["Rules"]["properties"]["consensus"]["enum"] == ["unanimity", "consent"]
    assert "dissent" in schemas["Rules"]["properties"]["consensus"]["description"]
    assert "musyawarah first" in schemas["Rules"]["properties"]["vote_without_check"]["description"]
    assert "occurred_at" in schemas["Contribution"]["properties"]
    assert "paper minutes" in schemas["Contribution"]["properties"]["occurred_at"]["description"]


def test_the_document_written_when_first_read_is_the_one_flask_smorest_writes_while_the_app_is_built(
    document: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`ProblemApi` puts off writing the document (most of building an app) until it is read: the same bytes."""
    from flask_smorest import Api

    from service.http.app_factory import create_app
    from service.http.problems import ProblemApi

    monkeypatch.setattr(ProblemApi, "spec", None)
    monkeypatch.delattr(ProblemApi, "spec")
    monkeypatch.setattr(ProblemApi, "register_blueprint", Api.register_blueprint)
    eager = create_app({"TESTING": True, "MUFAKAT_SECRET_KEY_FILE": str(tmp_path / "eager.key")})
    written_eagerly = eager.test_client().get("/api/v1/openapi.json")

    assert list(written_eagerly.get_json()["paths"]) == list(document["paths"])
    assert written_eagerly.get_json() == document
