"""The role matrix of API.md: each role against each endpoint family, allowed or the exact status.

One world serves the whole matrix (its writes add steps but never change who
may do what), so the matrix stays fast.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from http_callers import Caller, process_body, start_village

from service.adapters.storage import persistence_settings
from service.http.app_factory import create_app
from service.http.current import current_mufakat

ROLES = [
    "admin",
    "holder",
    "other_facilitator",
    "given_facilitator",
    "auditor",
    "partner",
    "given_partner",
    "anonymous",
]


@dataclass
class World:
    """A public and a restricted process, both opened (so held) by `holder`, and a caller per role."""

    callers: dict[str, Caller]
    places: dict[str, str]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """The processes and every role's caller."""
    database = Path(tmp_path_factory.mktemp("roles")) / "mufakat.db"
    app = create_app({"TESTING": True, "MUFAKAT_LEDGER_ENV": persistence_settings(f"sqlite:///{database}")})
    client = app.test_client()
    with app.app_context():
        # Requests push their own app context only when none is pushed: keep this one short.
        the_ledger = current_mufakat()

    def secret(role: str, processes: list[str] | None = None) -> str:
        return the_ledger.tokens.issue(role, f"Penguji {role}", [UUID(p) for p in processes or []])[1]

    holder = Caller(client, secret("facilitator"))
    public = start_village(holder, "public")
    restricted = start_village(holder, "restricted")
    to_forget = holder.created(f"/processes/{restricted.process_id}/participants", {"name": "X", "group": "other"})
    callers = {
        "admin": Caller(client, secret("admin")),
        "holder": holder,
        "other_facilitator": Caller(client, secret("facilitator")),
        "given_facilitator": Caller(client, secret("facilitator", [restricted.process_id])),
        "auditor": Caller(client, secret("auditor")),
        "partner": Caller(client, secret("partner")),
        "given_partner": Caller(client, secret("partner", [restricted.process_id])),
        "anonymous": Caller(client, None),
    }
    places = {
        "public": public.process_id,
        "restricted": restricted.process_id,
        "public_proposal": public.proposal_id,
        "restricted_proposal": restricted.proposal_id,
        "restricted_meeting": restricted.meeting_id,
        "restricted_member": restricted.participants[0],
        "public_member": public.participants[0],
        "to_forget": to_forget["id"],
    }
    yield World(callers, places)
    the_ledger.close()


ACTIONS: dict[str, tuple[str, str, Any]] = {
    "list_processes": ("GET", "/processes", None),
    "read_public_process": ("GET", "/processes/{public}", None),
    "read_restricted_process": ("GET", "/processes/{restricted}", None),
    "read_restricted_proposal": ("GET", "/proposals/{restricted_proposal}", None),
    "read_restricted_participants": ("GET", "/processes/{restricted}/participants", None),
    "read_public_participants": ("GET", "/processes/{public}/participants", None),
    "read_restricted_meeting": ("GET", "/meetings/{restricted_meeting}", None),
    "open_process": ("POST", "/processes", process_body()),
    "write_public_proposal": (
        "POST",
        "/proposals/{public_proposal}/objections",
        {"raised_by": "{public_member}", "grounds": "Mahal.", "blocking": False},
    ),
    "write_restricted_proposal": (
        "POST",
        "/proposals/{restricted_proposal}/contributions",
        {"participant_id": "{restricted_member}", "kind": "support", "text": "Setuju."},
    ),
    "register_in_restricted": ("POST", "/processes/{restricted}/participants", {"name": "Warga", "group": "resident"}),
    "forget_participant": ("POST", "/participants/{to_forget}/forget", None),
    "issue_token": ("POST", "/tokens", {"role": "partner", "name": "Bappeda"}),
}

OK, CREATED, UNAUTHORIZED, FORBIDDEN, NOT_FOUND = 200, 201, 401, 403, 404
_READS_ALL = dict.fromkeys(
    [
        "list_processes",
        "read_public_process",
        "read_restricted_process",
        "read_restricted_proposal",
        "read_restricted_participants",
        "read_public_participants",
        "read_restricted_meeting",
    ],
    OK,
)
#: Individual participants only for those who may see personal data: never partners or other facilitators.
_NO_REGISTER = {"read_public_participants": FORBIDDEN}
_READS_PUBLIC_ONLY = {
    **_READS_ALL,
    "read_restricted_process": NOT_FOUND,
    "read_restricted_proposal": NOT_FOUND,
    "read_restricted_participants": NOT_FOUND,
    "read_restricted_meeting": NOT_FOUND,
    **_NO_REGISTER,
}
_NO_ADMIN = {"forget_participant": FORBIDDEN, "issue_token": FORBIDDEN}

EXPECTED: dict[str, dict[str, int]] = {
    "admin": {
        **_READS_ALL,
        "open_process": CREATED,
        "write_public_proposal": CREATED,
        "write_restricted_proposal": OK,
        "register_in_restricted": CREATED,
        "forget_participant": OK,
        "issue_token": CREATED,
    },
    "holder": {
        **_READS_ALL,
        "open_process": CREATED,
        "write_public_proposal": CREATED,
        "write_restricted_proposal": OK,
        "register_in_restricted": CREATED,
        **_NO_ADMIN,
    },
    "other_facilitator": {
        **_READS_PUBLIC_ONLY,
        "open_process": CREATED,
        "write_public_proposal": FORBIDDEN,
        "write_restricted_proposal": NOT_FOUND,
        "register_in_restricted": NOT_FOUND,
        **_NO_ADMIN,
    },
    "given_facilitator": {
        **_READS_ALL,
        **_NO_REGISTER,
        "open_process": CREATED,
        "write_public_proposal": FORBIDDEN,
        "write_restricted_proposal": OK,
        "register_in_restricted": CREATED,
        **_NO_ADMIN,
    },
    "auditor": {
        **_READS_ALL,
        "open_process": FORBIDDEN,
        "write_public_proposal": FORBIDDEN,
        "write_restricted_proposal": FORBIDDEN,
        "register_in_restricted": FORBIDDEN,
        **_NO_ADMIN,
    },
    "partner": {
        **_READS_PUBLIC_ONLY,
        "open_process": FORBIDDEN,
        "write_public_proposal": FORBIDDEN,
        "write_restricted_proposal": NOT_FOUND,
        "register_in_restricted": NOT_FOUND,
        **_NO_ADMIN,
    },
    "given_partner": {
        **_READS_ALL,
        **_NO_REGISTER,
        "read_restricted_participants": FORBIDDEN,
        "open_process": FORBIDDEN,
        "write_public_proposal": FORBIDDEN,
        "write_restricted_proposal": FORBIDDEN,
        "register_in_restricted": FORBIDDEN,
        **_NO_ADMIN,
    },
    "anonymous": dict.fromkeys(ACTIONS, UNAUTHORIZED),
}

CODES = {UNAUTHORIZED: "unauthorized", FORBIDDEN: "forbidden", NOT_FOUND: "not_found"}


def _filled(value: Any, places: dict[str, str]) -> Any:
    if isinstance(value, str):
        return value.format(**places)
    if isinstance(value, dict):
        return {key: _filled(item, places) for key, item in value.items()}
    return value


@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("role", ROLES)
def test_each_role_may_do_exactly_what_api_md_says(world: World, role: str, action: str) -> None:
    method, path, body = ACTIONS[action]
    places = world.places
    caller = world.callers[role]

    response = (
        caller.get(_filled(path, places))
        if method == "GET"
        else caller.post(_filled(path, places), _filled(body, places))
    )

    expected = EXPECTED[role][action]
    assert response.status_code == expected, response.get_json()
    if expected in CODES:
        assert response.get_json()["code"] == CODES[expected]


def test_a_partner_lists_only_public_and_granted_processes(world: World) -> None:
    seen_by_partner = {p["id"] for p in world.callers["partner"].get("/processes", limit=500).get_json()["items"]}
    seen_by_given = {p["id"] for p in world.callers["given_partner"].get("/processes", limit=500).get_json()["items"]}

    assert world.places["public"] in seen_by_partner
    assert world.places["restricted"] not in seen_by_partner
    assert world.places["restricted"] in seen_by_given


def test_a_facilitator_writes_to_a_restricted_process_it_just_opened(world: World) -> None:
    newcomer = world.callers["other_facilitator"]

    opened = newcomer.created("/processes", process_body("restricted"))
    registered = newcomer.post(f"/processes/{opened['id']}/participants", {"name": "Warga", "group": "resident"})

    assert registered.status_code == 201
    assert newcomer.get(f"/processes/{opened['id']}").get_json()["participant_count"] == 1
