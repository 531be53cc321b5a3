"""The ledger keeps indexes as logs whose ids anyone can work out from the source (a process's rankings:
`uuid5(namespace, process id)`). Asked for as a ranking, a proposal or a process, such an id is not found (404
problem+json), never a 500."""

from __future__ import annotations

import pytest
from http_callers import Caller, Village
from test_http_rankings import costed, open_ranking

from service.app.ranking_index import ranking_log_id


@pytest.mark.parametrize("resource", ["rankings", "proposals", "processes", "meetings"])
def test_the_id_of_a_processs_ranking_log_is_not_found_as_any_resource(
    facilitator: Caller, village: Village, resource: str
) -> None:
    proposals = [costed(facilitator, village, title, "1000") for title in ("Sumur bor", "Rabat beton")]
    open_ranking(facilitator, village, proposals)
    log_id = ranking_log_id(village.process_id)

    answer = facilitator.get(f"/{resource}/{log_id}")

    assert answer.status_code == 404, answer.get_data(as_text=True)
    assert answer.mimetype == "application/problem+json"
    assert answer.get_json()["code"] == "not_found"
