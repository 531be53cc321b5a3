"""Partners open access to resources (membuka akses sumber daya): credit such as KUR, markets, information,
technology, programmes, grants, training, each answering needs found in the process's assessments.

Story: the fishers of Sukamaju said in their FGD that they lack working capital and a place to sell; Bank BRI's
unit offers KUR mikro for the first need, and later links it to the second; the cycle then shows which needs found
a resource and which did not, in public, since partners are organisations.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from http_callers import NAMES, Caller, Village, start_village
from test_http_console_whole_musyawarah import Console


def fgd() -> dict[str, Any]:
    return {"title": "FGD nelayan", "method": "fgd", "respondents": [{"group": "resident", "count": 9}]}


def need(title: str) -> dict[str, Any]:
    return {"kind": "need", "title": title, "groups": ["resident"]}


def findings_of(facilitator: Caller, village: Village, *titles: str) -> list[str]:
    assessment = facilitator.created(f"/processes/{village.process_id}/assessments", fgd())
    return [
        facilitator.created(f"/assessments/{assessment['id']}/findings", need(title))["finding_id"] for title in titles
    ]


def bank(facilitator: Caller, village: Village) -> str:
    registered = facilitator.created(
        f"/processes/{village.process_id}/partners", {"name": "Bank BRI Unit Sukamaju", "kind": "private"}
    )
    return str(registered["partner_id"])


@pytest.mark.both_stores
def test_an_offer_answers_needs_and_the_cycle_shows_which_needs_found_a_resource(
    facilitator: Caller, anonymous: Caller, village: Village, the_ledger: Any
) -> None:
    capital, stalls, boats = findings_of(facilitator, village, "Modal usaha nelayan", "Lapak jual ikan", "Perahu")
    partner_id = bank(facilitator, village)

    # The bank offers KUR mikro for the fishers' working capital.
    made = facilitator.created(
        f"/partners/{partner_id}/offers",
        {"kind": "credit", "title": "KUR mikro", "description": "Plafon sampai 50 juta.", "answers": [capital]},
    )
    offer_id = made["offer_id"]
    assert [(o["offer_id"], o["kind"], o["answers"]) for o in made["offers"]] == [(offer_id, "credit", [capital])]
    # The description is stored sealed under a key of its own (it may quote someone); the title is public.
    stored = b"".join(n.state for n in the_ledger.recorder.select_notifications(1, 10_000))
    assert b"KUR mikro" in stored and b"Plafon sampai 50 juta." not in stored

    # Later it links the same offer to the need for a place to sell.
    linked = facilitator.ok(f"/partners/{partner_id}/offers/{offer_id}/links", {"answers": [stalls]})
    assert linked["offers"][0]["answers"] == [capital, stalls]

    # Everyone reads the offers with the partner, and which needs found a resource.
    listed = anonymous.get(f"/processes/{village.process_id}/partners").get_json()["items"]
    assert [(o["title"], o["description"]) for o in listed[0]["offers"]] == [("KUR mikro", "Plafon sampai 50 juta.")]
    found = anonymous.get(f"/processes/{village.process_id}/findings").get_json()["items"]
    assert {item["finding_id"]: item["answered_by_offers"] for item in found} == {
        capital: [offer_id],
        stalls: [offer_id],
        boats: [],
    }

    again = facilitator.post(f"/partners/{partner_id}/offers/{offer_id}/links", {"answers": [capital]})
    assert (again.status_code, again.get_json()["code"]) == (409, "finding_already_answered")


@pytest.mark.both_stores
def test_a_finding_of_another_process_is_422_and_records_no_offer(facilitator: Caller, village: Village) -> None:
    elsewhere = start_village(facilitator)
    (theirs,) = findings_of(facilitator, elsewhere, "Air bersih")
    partner_id = bank(facilitator, village)

    answer = facilitator.post(
        f"/partners/{partner_id}/offers", {"kind": "programme", "title": "PAMSIMAS", "answers": [theirs]}
    )

    assert (answer.status_code, answer.get_json()["code"]) == (422, "validation_failed")
    assert theirs in answer.get_json()["errors"]["answers"][0]
    listed = facilitator.get(f"/processes/{village.process_id}/partners").get_json()["items"]
    assert listed[0]["offers"] == []
    assert listed[0]["version"] == 1


def test_linking_to_another_process_s_finding_or_an_unknown_offer_is_refused(
    facilitator: Caller, village: Village
) -> None:
    elsewhere = start_village(facilitator)
    (theirs,) = findings_of(facilitator, elsewhere, "Air bersih")
    (ours,) = findings_of(facilitator, village, "Modal usaha")
    partner_id = bank(facilitator, village)
    offer_id = facilitator.created(f"/partners/{partner_id}/offers", {"kind": "training", "title": "Pelatihan"})[
        "offer_id"
    ]

    foreign = facilitator.post(f"/partners/{partner_id}/offers/{offer_id}/links", {"answers": [theirs]})
    unknown = facilitator.post(f"/partners/{partner_id}/offers/{partner_id}/links", {"answers": [ours]})

    assert (foreign.status_code, list(foreign.get_json()["errors"])) == (422, ["answers"])
    assert (unknown.status_code, unknown.get_json()["code"]) == (404, "not_found")


def test_an_offer_s_description_naming_a_participant_is_refused_and_only_writers_offer(
    facilitator: Caller, partner: Caller, village: Village
) -> None:
    partner_id = bank(facilitator, village)

    named = facilitator.post(
        f"/partners/{partner_id}/offers",
        {"kind": "grant", "title": "Hibah perahu", "description": f"Untuk {NAMES[1]} dan kelompoknya"},
    )
    outsider = partner.post(f"/partners/{partner_id}/offers", {"kind": "grant", "title": "Hibah perahu"})

    assert (named.status_code, named.get_json()["code"]) == (422, "statement_names_a_participant")
    assert NAMES[1] not in named.get_data(as_text=True)
    assert outsider.status_code in (403, 404)
    assert facilitator.get(f"/processes/{village.process_id}/partners").get_json()["items"][0]["offers"] == []


# --- the console's partner page (/console/mitra/<id>) ---------------------------------------------------------


def test_the_console_s_partner_page_records_an_offer_and_links_it_to_another_need(
    app: Flask, facilitator: Caller, village: Village
) -> None:
    capital, stalls = findings_of(facilitator, village, "Modal usaha nelayan", "Lapak jual ikan")
    partner_id = bank(facilitator, village)
    console = Console(app, str(facilitator.secret))

    page = console.page(f"/console/mitra/{partner_id}")
    assert "Bank BRI Unit Sukamaju" in page
    assert "Modal usaha nelayan" in page  # a need to tick

    made = console.step("make_offer", partner_id=partner_id, kind="credit", title="KUR mikro", answers=capital)
    assert made["ok"] is True, made
    offer_id = facilitator.get(f"/processes/{village.process_id}/partners").get_json()["items"][0]["offers"][0][
        "offer_id"
    ]
    linked = console.step("link_offer", partner_id=partner_id, offer_id=offer_id, answers=stalls)
    assert linked["ok"] is True, linked
    again = console.step("link_offer", partner_id=partner_id, offer_id=offer_id, answers=stalls)
    assert (again["ok"], again["code"]) == (False, "finding_already_answered")

    page = console.page(f"/console/mitra/{partner_id}")
    assert "KUR mikro" in page
    found = facilitator.get(f"/processes/{village.process_id}/findings").get_json()["items"]
    assert [item["answered_by_offers"] for item in found] == [[offer_id], [offer_id]]


def test_the_partner_page_of_another_facilitator_s_process_is_not_found(
    app: Flask, facilitator: Caller, village: Village, token_for: Callable[..., str]
) -> None:
    partner_id = bank(facilitator, village)
    stranger = Console(app, token_for("facilitator", "Fasilitator lain"))

    assert stranger.browser.get(f"/console/mitra/{partner_id}").status_code == 404


# --- the portal's needs page (/proses/<id>/kebutuhan) -----------------------------------------------------------


def test_the_needs_page_shows_which_needs_found_a_resource_and_counts_those_that_did_not(
    client: FlaskClient, facilitator: Caller, village: Village
) -> None:
    capital, _boats = findings_of(facilitator, village, "Modal usaha nelayan", "Perahu baru")
    partner_id = bank(facilitator, village)
    facilitator.created(
        f"/partners/{partner_id}/offers", {"kind": "credit", "title": "KUR mikro", "answers": [capital]}
    )

    page = client.get(f"/proses/{village.process_id}/kebutuhan", headers={"Accept-Language": "id"}).text

    without = page.split("Kebutuhan yang belum mendapat sumber daya", 1)[1].split("</section>", 1)[0]
    assert "(1)" in without and "Perahu baru" in without and "Modal usaha nelayan" not in without
    assert "“KUR mikro” (Bank BRI Unit Sukamaju)" in page
    assert not any(name in page for name in NAMES)


def test_registering_a_partner_on_a_stale_version_of_the_process_is_412_and_records_nothing(
    facilitator: Caller, village: Village
) -> None:
    partners = f"/processes/{village.process_id}/partners"
    current = facilitator.get(f"/processes/{village.process_id}").headers["ETag"]
    body = {"name": "Koperasi Nelayan", "kind": "community"}

    for stale in ('"0"', '"999"'):
        refused = facilitator.post(partners, body, headers={"If-Match": stale})
        assert (refused.status_code, refused.get_json()["code"]) == (412, "version_mismatch")
    assert facilitator.get(partners).get_json()["items"] == []
    assert facilitator.post(partners, body, headers={"If-Match": current}).status_code == 201


def test_a_contribution_answers_201_with_the_location_of_its_partner(facilitator: Caller, village: Village) -> None:
    partner_id = bank(facilitator, village)

    answer = facilitator.post(f"/partners/{partner_id}/contributions", {"kind": "technical", "description": "Modal"})

    assert answer.status_code == 201
    assert answer.headers["Location"] == f"/api/v1/partners/{partner_id}"
