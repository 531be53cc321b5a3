"""Who sees a participant's name, contact and organisation: those who run this process or review all."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from http_callers import Caller, Village


@pytest.fixture
def registered(village: Village, facilitator: Caller) -> str:
    """A participant registered with an organisation that could point at one household."""
    return facilitator.created(
        f"/processes/{village.process_id}/participants",
        {
            "name": "Ibu Sumarni",
            "group": "vulnerable",
            "gender": "female",
            "organisation": "Keluarga penerima PKH RT 02",
            "contact": "0812-3456-7890",
        },
    )["id"]


@pytest.mark.parametrize("reader", ["facilitator", "given_facilitator", "admin", "auditor"])
def test_those_who_run_this_process_or_review_all_see_the_personal_data(
    registered: str,
    village: Village,
    facilitator: Caller,
    client: FlaskClient,
    token_for: Callable[..., str],
    reader: str,
) -> None:
    secret = {
        "facilitator": facilitator.secret,
        "given_facilitator": token_for("facilitator", processes=(village.process_id,)),
        "admin": token_for("admin"),
        "auditor": token_for("auditor"),
    }[reader]

    shown = Caller(client, secret).get(f"/participants/{registered}").get_json()

    assert (shown["name"], shown["contact"], shown["organisation"]) == (
        "Ibu Sumarni",
        "0812-3456-7890",
        "Keluarga penerima PKH RT 02",
    )


@pytest.mark.parametrize("reader", ["other_facilitator", "partner"])
def test_other_facilitators_and_partners_may_not_read_the_register_even_of_a_public_process(
    registered: str, village: Village, client: FlaskClient, token_for: Callable[..., str], reader: str
) -> None:
    caller = Caller(client, token_for(reader.removeprefix("other_")))

    one = caller.get(f"/participants/{registered}")
    listed = caller.get(f"/processes/{village.process_id}/participants")

    assert (one.status_code, listed.status_code) == (403, 403)
    assert one.get_json()["code"] == listed.get_json()["code"] == "forbidden"
    for personal in ("Sumarni", "0812-3456-7890", "PKH", registered):
        assert personal not in one.get_data(as_text=True) + listed.get_data(as_text=True)


def test_the_refusal_to_show_the_register_says_why_in_bahasa_indonesia(
    village: Village, client: FlaskClient, token_for: Callable[..., str]
) -> None:
    answer = client.get(
        f"/api/v1/processes/{village.process_id}/participants",
        headers={"Authorization": f"Bearer {token_for('partner')}", "Accept-Language": "id"},
    )

    assert answer.status_code == 403
    assert answer.get_json()["detail"].startswith("daftar peserta hanya ditampilkan kepada fasilitator proses")
