"""The OpenAPI document and the docs page, which must work with no internet."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask.testing import FlaskClient


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


def test_the_document_explains_the_rules_of_musyawarah_and_when_a_step_happened(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]

    assert schemas["Rules"]["properties"]["consensus"]["enum"] == ["unanimity", "consent"]
    assert "dissent" in schemas["Rules"]["properties"]["consensus"]["description"]
    assert "musyawarah first" in schemas["Rules"]["properties"]["vote_without_check"]["description"]
    assert "occurred_at" in schemas["Contribution"]["properties"]
    assert "paper minutes" in schemas["Contribution"]["properties"]["occurred_at"]["description"]
