"""Red team of issue 17, item 6: the reason of a redaction is kept in plain words in the log, shown to everyone
in the proposal's history, and can never itself be redacted. A redaction is most often about a name typed into a
statement, so "Nama Pak Budi Santoso tertulis di sini" was the natural reason, and it published the very name
being taken out, for good. The reason is held to the rule of every public statement.

The village's register (`http_callers.NAMES`): Ibu Siti Aminah, Pak Budi Santoso, Mbak Dewi Lestari, Mas Agus Salim.
"""

from __future__ import annotations

from http_callers import Caller, Village

NAMING = "Pak Budi Santoso menolak jalan lewat tanahnya."


def said_with_a_name(facilitator: Caller, village: Village) -> int:
    """A contribution naming a participant, sent as public by mistake; the version of its step."""
    said = facilitator.ok(
        f"{village.proposal}/contributions",
        {"participant_id": village.participants[2], "kind": "concern", "text": NAMING, "names_are_public": True},
    )
    return int(said["version"])


def test_a_redaction_whose_reason_names_a_participant_is_refused_and_redacts_nothing(
    facilitator: Caller, admin: Caller, anonymous: Caller, village: Village
) -> None:
    version = said_with_a_name(facilitator, village)

    refused = admin.post(
        f"{village.proposal}/redactions",
        {"version": version, "field": "text", "reason": "Nama Pak Budi Santoso tertulis di sini."},
    )

    body = refused.get_json()
    assert refused.status_code == 422, body
    assert (body["code"], sorted(body["errors"])) == ("statement_names_a_participant", ["reason"])
    assert "budi" not in refused.get_data(as_text=True).casefold()
    history = anonymous.get(f"{village.proposal}/history").get_json()["items"]
    assert [item["type"] for item in history if item["type"] == "Redacted"] == []


def test_a_redaction_for_a_reason_that_names_nobody_takes_the_name_out_of_what_the_public_reads(
    facilitator: Caller, admin: Caller, anonymous: Caller, village: Village
) -> None:
    version = said_with_a_name(facilitator, village)

    admin.ok(f"{village.proposal}/redactions", {"version": version, "field": "text", "reason": "Memuat nama warga."})

    history = anonymous.get(f"{village.proposal}/history")
    assert "Memuat nama warga." in history.get_data(as_text=True)
    assert "budi" not in history.get_data(as_text=True).casefold()
