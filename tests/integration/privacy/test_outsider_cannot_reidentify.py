"""The attacker test: someone outside a public process reads everything public about it and tries to tie a
stance, a ballot or a word to a person. They must fail for every participant.

The story is the demo's Musrenbang (fourteen people, among them the only disability, the only vulnerable and
two elderly participants; stances, ballots, objections, dissent). The attacker is the public, a partner with
no grants and the facilitator of another process, and is granted the worst background knowledge: who
attended each meeting and each attendee's group and gender (a village knows who was in the hall).
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from io import BytesIO
from typing import Any
from uuid import UUID

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from pypdf import PdfReader
from werkzeug.test import TestResponse

from domain.meeting import Meeting
from domain.participant import Participant
from projections.wording import group_name
from service.adapters.storage import persistence_settings
from service.app.access import ANONYMOUS
from service.app.application import CommandContext, Mufakat
from service.cli.demo import (
    COMPLAINT_CONTACT,
    COMPLAINT_TEXT,
    LAND_DISPUTE_AGREEMENT,
    LAND_DISPUTE_SUMMARIES,
    PARTICIPANTS,
    SCORE_CARD,
    DemoRecord,
    record_demo,
    tracking_code,
)
from service.http.app_factory import create_app
from service.http.current import current_mufakat

FACILITATOR_NAME = "Pendamping Rahasia Sukamaju"
SUPPRESSED = "<3"
WITHHELD = "≥3"


@dataclass
class Village:
    """The recorded process, the ledger, and a client of the app serving it."""

    ledger: Mufakat
    client: FlaskClient
    record: DemoRecord
    outsiders: dict[str, dict[str, str]]
    #: The disputes recorded besides the demo: (id, visibility).
    disputes: list[tuple[str, str]] = field(default_factory=list)


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def village(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Village]:
    """The demo process, with both berita acara sealed, recorded by a facilitator whose name is a secret to
    outsiders; on SQLite and on PostgreSQL (what an outsider reads must not depend on the store)."""
    folder = tmp_path_factory.mktemp("attacked")
    if request.param == "postgresql":
        database_url = request.getfixturevalue("create_postgres_database")()
    else:
        database_url = f"sqlite:///{folder / 'mufakat.db'}"
    key_file = folder / "signing.key"
    app: Flask = create_app(
        {
            "TESTING": True,
            "MUFAKAT_LEDGER_ENV": persistence_settings(database_url),
            "MUFAKAT_SECRET_KEY_FILE": str(key_file),
        }
    )
    with app.app_context():
        ledger = current_mufakat()
    _, secret = ledger.tokens.issue("facilitator", FACILITATOR_NAME, [])
    record = record_demo(ledger, secret, minutes_key_file=key_file)
    _, partner = ledger.tokens.issue("partner", "Bappeda Kabupaten", [])
    _, given = ledger.tokens.issue("partner", "Inspektorat Kabupaten", [record.process_id])
    _, other = ledger.tokens.issue("facilitator", "Pendamping Desa Lain", [])
    outsiders = {
        "anonymous": {},
        "partner": {"Authorization": f"Bearer {partner}"},
        "partner given the process": {"Authorization": f"Bearer {given}"},
        "facilitator of another process": {"Authorization": f"Bearer {other}"},
    }
    disputes = _record_disputes(ledger, secret, record)
    _plant_a_complaint(ledger, record)
    yield Village(ledger, app.test_client(), record, outsiders, disputes)
    ledger.close()


#: What the mediation sessions' summaries and the agreement say: words outsiders never read.
DISPUTE_WORDS = "pemilik bengkok menolak tukar guling"


#: A complaint's words and contact no answer to an outsider may ever hold (planted besides the demo's own).
SENTINEL_TEXT = "Zakwirpangestu melihat kwitansi palsu di gudang"
SENTINEL_CONTACT = "zakwirpangestu.saksi@contoh.example"


def _plant_a_complaint(ledger: Mufakat, record: DemoRecord) -> None:
    """A second complaint, filed by the public on the road's commitment with words and a contact found nowhere
    else, kept with its tracking code among the demo's complaints."""
    code = tracking_code()
    filed = ledger.complaints.file(
        CommandContext(ANONYMOUS),
        record.process_id,
        SENTINEL_TEXT,
        code,
        about={"commitment_id": record.commitments[0]},
        contact=SENTINEL_CONTACT,
    )
    record.complaints[filed.id] = code


def _record_disputes(ledger: Mufakat, secret: str, record: DemoRecord) -> list[tuple[str, str]]:
    """A public dispute about the first proposal (a summary and an agreement naming a participant, said public
    by the facilitator: insiders read them) and a restricted one, both mediated at the first meeting."""
    principal = ledger.tokens.authenticate(secret)
    assert principal is not None
    meeting = ledger.uow.get(Meeting, record.meetings[0], "meeting", copy=False)
    assert meeting.opened_at is not None
    named = PARTICIPANTS[0][1]
    found = []
    for visibility in ("public", "restricted"):
        at = meeting.opened_at
        context = replace(CommandContext(principal), occurred_at=at, names_are_public=True)
        opened = ledger.disputes.open(
            context,
            record.process_id,
            "Tanah bengkok untuk embung",
            [{"group": "indigenous"}, {"organisation": "Kelompok Tani Sri Rejeki"}],
            {"proposal_id": next(iter(record.proposals.values()))},
            visibility,
        )
        ledger.disputes.hold_session(context, opened.id, meeting.id, f"{named}: {DISPUTE_WORDS}")
        ledger.disputes.agree(context, opened.id, f"{DISPUTE_WORDS}, disaksikan {named}", ["kepala desa"])
        found.append((str(opened.id), visibility))
    return found


def _public_reads(village: Village) -> list[str]:
    """What anyone may read without a token: the feed in every format, the portal's pages, the proposals'
    histories and journeys, the priority list's exports and the berita acara."""
    process = village.record.process_id
    paths = ["/api/v1/feed?limit=500", "/api/v1/feed.atom", "/api/v1/feed.csv"]
    paths.append(f"/api/v1/processes/{process}/participation")
    paths += ["/", f"/proses/{process}", f"/proses/{process}/kebutuhan"]
    paths += [f"/api/v1/processes/{process}/priorities{export}" for export in ("", "?format=csv", "?format=xlsx")]
    for proposal in village.record.proposals.values():
        paths.append(f"/keputusan/{proposal}")
        paths.append(f"/usulan/{proposal}/perjalanan")
        paths.append(f"/api/v1/proposals/{proposal}/journey")
        paths.append(f"/api/v1/proposals/{proposal}/history")
        paths.append(f"/api/v1/proposals/{proposal}/history?as_of=2100-01-01T00:00:00Z")
        for version in (5, 20, 40):
            paths.append(f"/api/v1/proposals/{proposal}/history?as_of_version={version}")
    paths += [f"/api/v1/meetings/{meeting}/minutes.pdf" for meeting in village.record.meetings]
    assert village.record.report is not None, "the demo seals its programme report"
    paths += [f"/api/v1/processes/{process}/report{part}" for part in ("", ".txt", "/versions", "/1.pdf")]
    paths += [f"/proses/{process}/pengaduan", "/pengaduan/lacak", "/api/v1/feed?kind=overdue"]
    return paths


def _cycle_reads(village: Village) -> list[str]:
    """The demo's programme cycle as an outsider with a token may try to read it: its commitments, their score
    cards, its partners, its complaints (each and the list), its disputes, its needs and its later meetings."""
    record = village.record
    process = record.process_id
    paths = [f"/api/v1/processes/{process}/{part}" for part in ("commitments", "partners", "assessments", "findings")]
    paths += [f"/api/v1/evaluations/{evaluation}" for evaluation in record.evaluations]
    paths += [f"/api/v1/evaluations/{evaluation}" for evaluation in record.trainings.values()]
    paths += [f"/api/v1/commitments/{commitment}" for commitment in record.commitments]
    paths += [f"/api/v1/disputes/{dispute}" for dispute in record.disputes.values()]
    paths += [f"/api/v1/disputes/{dispute}/agreement.pdf?sealed=1" for dispute in record.disputes.values()]
    paths += [f"/api/v1/meetings/{meeting}" for meeting in record.follow_up_meetings]
    return paths


def _complaint_reads(village: Village) -> list[str]:
    """The complaints' words and contacts: for the facilitator, auditors and admins only."""
    process = village.record.process_id
    return [f"/api/v1/processes/{process}/complaints"] + [
        f"/api/v1/complaints/{complaint}" for complaint in village.record.complaints
    ]


def _outsider_reads(village: Village) -> list[str]:
    """Everything an outsider with a token may try: the public reads and every resource of the process."""
    process = village.record.process_id
    paths = _public_reads(village)
    paths += ["/api/v1/processes", f"/api/v1/processes/{process}"]
    paths += [f"/api/v1/processes/{process}/{part}" for part in ("proposals", "meetings", "participants")]
    paths += [f"/api/v1/participants/{participant}" for participant in village.record.participants.values()]
    paths += [f"/api/v1/proposals/{proposal}" for proposal in village.record.proposals.values()]
    paths += [f"/api/v1/meetings/{meeting}" for meeting in village.record.meetings]
    paths += [f"/api/v1/commitments/{commitment}" for commitment in village.record.commitments]
    paths += [f"/api/v1/disputes/{dispute}" for dispute, _ in village.disputes]
    paths.append(f"/api/v1/processes/{process}/disputes")
    return paths + _cycle_reads(village) + _complaint_reads(village)


#: Organisations that are institutions named in public text on purpose (a commitment's owner, a signatory's role).
INSTITUTIONS = {"Pemerintah Desa Sukamaju", "BPD Sukamaju"}


def _secrets(village: Village) -> dict[str, str]:
    """Everything that names a person (ids, names, contacts, organisations, the facilitator's name) and every
    sealed word of the cycle: a complaint's text, contact and tracking code, a scorer's comment, a mediation
    session's summary, an agreement kept sealed, and the id of a restricted dispute."""
    found = {FACILITATOR_NAME: "facilitator name"}
    found |= {COMPLAINT_TEXT: "complaint text", COMPLAINT_CONTACT: "complaint contact"}
    found |= {code: "tracking code" for code in village.record.complaints.values()}
    found |= {comment: f"score comment of {key}" for key, _, comment in SCORE_CARD if comment}
    found |= {summary: "mediation summary" for summary in LAND_DISPUTE_SUMMARIES}
    found |= {LAND_DISPUTE_AGREEMENT: "sealed agreement", DISPUTE_WORDS: "planted dispute words"}
    found |= {SENTINEL_TEXT: "planted complaint text", SENTINEL_CONTACT: "planted complaint contact"}
    found |= {dispute: "restricted dispute" for dispute, visibility in village.disputes if visibility == "restricted"}
    for key, participant_id in village.record.participants.items():
        found[str(participant_id)] = f"id of {key}"
    for key, name, _group, _gender, organisation, contact in PARTICIPANTS:
        found[name] = f"name of {key}"
        if contact:
            found[contact] = f"contact of {key}"
        if organisation and organisation not in INSTITUTIONS:
            found[organisation] = f"organisation of {key}"
    return found


def _readable_text(response: TestResponse) -> str:
    """What a reader gets from an answer: its text (a PDF's extracted text too) and its headers."""
    if response.mimetype == "application/pdf":
        text = " ".join(page.extract_text() for page in PdfReader(BytesIO(response.get_data())).pages)
    elif response.mimetype.endswith("spreadsheetml.sheet"):
        book = load_workbook(BytesIO(response.get_data()), read_only=True)
        text = " ".join(str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row)
    else:
        text = response.get_data(as_text=True)
    return text + "\n".join(f"{k}: {v}" for k, v in response.headers.items())


def test_no_outsider_answer_or_header_names_a_participant_or_the_facilitator(village: Village) -> None:
    """Every read an outsider can make (feed in JSON, Atom and CSV, participation, histories, pages, the public
    berita acara, the process, its proposals, meetings, commitments, its register): nobody is named or given by id."""
    secrets = _secrets(village)
    leaks = []
    for who, headers in village.outsiders.items():
        for path in _outsider_reads(village):
            response = village.client.get(path, headers=headers)
            assert response.status_code in (200, 401, 403, 404), (who, path, response.status_code)
            text = _readable_text(response)
            # An id the reader asked for, echoed in its own "not found", tells them nothing new.
            leaks += [(who, path, label) for secret, label in secrets.items() if secret in text and secret not in path]
    assert not leaks, "\n".join(map(str, sorted(set(leaks))))


def test_outsiders_read_the_proposals_meetings_and_sealed_minutes_but_never_the_register(village: Village) -> None:
    """What an outsider holding a token may read of the process (proposals, meetings, minutes) answers 200; the
    register and each participant answer 403, whether or not the process was given to them."""
    process = village.record.process_id
    for who, headers in village.outsiders.items():
        if not headers:
            continue
        for path in set(_outsider_reads(village)) - set(_public_reads(village)):
            status = village.client.get(path, headers=headers).status_code
            personal = "/participants" in path or path.endswith("/complaints")
            # A restricted dispute, and a complaint, is not found to anyone outside the process, whatever their token.
            hidden = any(dispute in path for dispute, visibility in village.disputes if visibility == "restricted")
            hidden = hidden or path in _complaint_reads(village)
            # A sealed agreement holds its text: not found to outsiders while the agreement keeps its text sealed.
            hidden = hidden or "/agreement.pdf" in path
            assert status == (403 if personal else 404 if hidden else 200), (who, path, status)
        meeting = village.client.get(f"/api/v1/meetings/{village.record.meetings[0]}", headers=headers).get_json()
        assert "attendees" not in meeting and "invited" not in meeting
        assert meeting["attendee_count"] > 0 and meeting["invited_count"] > 0
    for proposal in village.record.proposals.values():
        shown = village.client.get(f"/api/v1/proposals/{proposal}", headers=village.outsiders["partner"]).get_json()
        assert shown["submitted_by"] is None
        assert all(objection["raised_by"] is None for objection in shown["objections"])
        assert all(check["stances"] == {} for check in shown["consensus_checks"])
    assert village.client.get(f"/api/v1/processes/{process}/participants").status_code == 401


def test_an_outsiders_history_has_no_stance_or_ballot_step_and_no_participant_field(village: Village) -> None:
    """Choices appear to outsiders only in the tally of the step that closes a check or a vote."""
    closing = set()
    for proposal in village.record.proposals.values():
        body = village.client.get(f"/api/v1/proposals/{proposal}/history").get_json()
        types = {step["type"] for step in body["items"]}
        assert not types & {"StanceTaken", "BallotCast"}
        closing |= types & {"ConsensusCheckClosed", "VoteClosed"}
        fields = {key for step in body["items"] for key in step["data"]}
        assert not fields & {"participant_id", "raised_by", "submitted_by", "proposed_by"}
        assert {step["actor"]["name"] for step in body["items"]} <= {"facilitator", "system", "admin"}
    assert closing == {"ConsensusCheckClosed", "VoteClosed"}


def _attendance(village: Village) -> dict[str, list[tuple[str, str, str]]]:
    """The attacker's background knowledge: per meeting, who attended, with their group and gender (the demo's
    village's meetings, and those of every decision published: the kecamatan's and the neighbour village's)."""
    found = {}
    published = village.client.get("/api/v1/feed?limit=500").get_json()["items"]
    deciding = {UUID(i["attendance"]["meeting_id"]) for i in published if (i.get("attendance") or {}).get("meeting_id")}
    for meeting_id in [*village.record.meetings, *sorted(deciding - set(village.record.meetings))]:
        meeting = village.ledger.repository.get(meeting_id)
        assert isinstance(meeting, Meeting)
        people = []
        for participant_id in meeting.attendees:
            participant = village.ledger.repository.get(participant_id)
            assert isinstance(participant, Participant)
            people.append((str(participant_id), participant.group, participant.gender or "undisclosed"))
        found[str(meeting_id)] = people
    return found


#: (who may be counted, the choice counted, at least, at most): one published number about one check or vote.
Bound = tuple[frozenset[str], str, int, int]
_MANY = 10**6


def _range(shown: Any) -> tuple[int, int]:
    if shown == SUPPRESSED:
        return 1, 2
    if shown == WITHHELD:
        return 3, _MANY
    return int(shown), int(shown)


def _bounds(
    part: dict[str, Any], dissent: list[dict[str, Any]], people: list[tuple[str, str, str]], choices: tuple[str, ...]
) -> list[Bound]:
    """What the item publishes about one check or vote, as bounds on how many of whom made which choice."""
    everyone = frozenset(p[0] for p in people)
    tally = part.get("tally") or {}
    found: list[Bound] = [(everyone, c, tally[c], tally[c]) for c in choices if isinstance(tally.get(c), int)]
    breakdowns = part.get("stances") or part.get("ballots") or {}
    for index, name in ((1, "by_group"), (2, "by_gender")):
        for row, cells in (breakdowns.get(name) or {}).items():
            members = frozenset(p[0] for p in people if p[index] == row)
            found += [(members, c, *_range(cells.get(c, 0))) for c in choices]
    if "check_id" in part:
        said = [d["group"] for d in dissent if d.get("kind") == "stance" and d.get("check_id") == part["check_id"]]
        named = {g for g in said if g is not None}
        for group in named:
            members = frozenset(p[0] for p in people if p[1] == group)
            found.append((members, "disagree", said.count(group), said.count(group)))
        rest = frozenset(p[0] for p in people if p[1] not in named)
        found.append((rest, "disagree", said.count(None), said.count(None)))
    return found


def _fits(order: list[str], fixed: dict[str, str], bounds: list[Bound], options: tuple[str, ...]) -> bool:
    """Whether some assignment of a choice (or none) to everyone in `order`, extending `fixed`, keeps every
    bound: a depth-first search that prunes as soon as a bound can no longer be kept."""
    assignment = dict(fixed)
    free = [pid for pid in order if pid not in fixed]

    def possible() -> bool:
        for members, choice, low, high in bounds:
            chosen = sum(1 for pid in members if assignment.get(pid) == choice)
            undecided = sum(1 for pid in members if pid not in assignment)
            if chosen > high or chosen + undecided < low:
                return False
        return True

    def search(index: int) -> bool:
        if not possible():
            return False
        if index == len(free):
            return True
        for option in options:
            assignment[free[index]] = option
            if search(index + 1):
                return True
            del assignment[free[index]]
        return False

    return search(0)


def _unanimous(part: dict[str, Any], choices: tuple[str, ...], present: int) -> bool:
    tally = part.get("tally") or {}
    return any(tally.get(choice) == present for choice in choices)


def test_no_lone_participants_stance_or_ballot_can_be_worked_out_from_what_outsiders_read(village: Village) -> None:
    """For each check and vote in the public feed: every attendee alone in their group (or their gender)
    could have made more than one choice, given the tallies, breakdowns and dissent published."""
    items = village.client.get("/api/v1/feed?limit=500").get_json()["items"]
    attendance = _attendance(village)
    pinned = []
    examined = 0
    for item in (i for i in items if i["kind"] == "decision"):
        parts = [(c, ("agree", "abstain", "disagree", "block")) for c in item["consensus_checks"]]
        parts += [(v, ("yes", "no", "abstain")) for v in item["votes"]]
        for part, choices in parts:
            people = attendance[part["meeting_id"]]
            groups = [p[1] for p in people]
            genders = [p[2] for p in people]
            lone = [p for p in people if groups.count(p[1]) == 1 or genders.count(p[2]) == 1]
            bounds = _bounds(part, item["dissent"], people, choices)
            options = (*choices, "none")
            order = [p[0] for p in people]
            for person in lone:
                could = [c for c in options if _fits(order, {person[0]: c}, bounds, options)]
                examined += 1
                # A unanimous tally tells everyone's choice alike (the very point of a mufakat): it singles
                # nobody out. Anything else that leaves one choice to a lone attendee re-identifies them.
                if len(could) < 2 and not _unanimous(part, choices, len(people)):
                    pinned.append(
                        (item["proposal"]["title"], part.get("check_id") or part.get("vote_id"), person[1], could)
                    )
    assert examined >= 10
    assert not pinned, "\n".join(map(str, pinned))


def test_an_outsider_sees_the_group_of_a_speaker_only_where_three_attendees_share_it(village: Village) -> None:
    """Objections and dissent in the feed, and history sentences, name no group with fewer than 3 attendees."""
    attendance = _attendance(village)
    smallest: dict[str, int] = {}
    for people in attendance.values():
        groups = [p[1] for p in people]
        for group in {p[1] for p in {pp for ppl in attendance.values() for pp in ppl}}:
            smallest[group] = min(smallest.get(group, 99), groups.count(group))
    small = {group for group, n in smallest.items() if n < 3}
    assert {"disability", "vulnerable", "elderly"} <= small
    items = village.client.get("/api/v1/feed?limit=500").get_json()["items"]
    for item in (i for i in items if i["kind"] == "decision"):
        deciding = attendance[item["attendance"]["meeting_id"]]
        for said in item["objections"] + item["dissent"]:
            if said["group"] is not None:
                assert [p[1] for p in deciding].count(said["group"]) >= 3, said
    words = {group_name(group, "id") for group in small} | {group_name(group, "en") for group in small}
    for proposal in village.record.proposals.values():
        for language in ("id", "en"):
            body = village.client.get(
                f"/api/v1/proposals/{proposal}/history", headers={"Accept-Language": language}
            ).get_json()
            summaries = json.dumps([step["summary"] for step in body["items"]])
            assert [w for w in words if f"kelompok {w}" in summaries or f"the {w} group" in summaries] == []


def _speaker_wordings(group: str) -> list[str]:
    """How a berita acara would name someone by their group: "peserta kelompok X" beside an objection, "X:" before a
    dissenting reason, in either language."""
    names = (group_name(group, "id"), group_name(group, "en"))
    return [f"peserta kelompok {names[0]}", f"from the {names[1]} group", *(f"{name}:" for name in names)]


def test_the_public_berita_acara_names_the_group_of_a_speaker_only_where_three_attendees_of_its_meeting_share_it(
    village: Village,
) -> None:
    """The sealed public PDF of each meeting words objections and dissent as the feed does: the group of one
    or two attendees ("penyandang disabilitas", "rentan", "lansia") is never printed beside what they said."""
    attendance = _attendance(village)
    every_group = {p[1] for people in attendance.values() for p in people}
    named_small = []
    sealed = [m for m in attendance if village.client.get(f"/api/v1/meetings/{m}/minutes.pdf").status_code == 200]
    assert len(sealed) == 2  # both meetings of the Musrenbang (the backfilled Musdes is not sealed)
    for meeting_id in sealed:
        groups = [p[1] for p in attendance[meeting_id]]
        small = {group for group in every_group if groups.count(group) < 3}
        assert {"disability", "vulnerable"} <= small
        for who, headers in village.outsiders.items():
            response = village.client.get(f"/api/v1/meetings/{meeting_id}/minutes.pdf", headers=headers)
            assert response.status_code == 200, (who, response.status_code)
            text = " ".join(_readable_text(response).split())  # a line break may fall inside a group's name
            named_small += [(meeting_id, who, w) for g in small for w in _speaker_wordings(g) if w in text]
            # Still a record of what was said: the objections and the reasons stand, by "seorang peserta".
            assert "Keberatan mendasar diajukan oleh" in text
    assert not named_small, "\n".join(map(str, sorted(set(named_small))))


def _possible_values(breakdowns: list[dict[str, Any]], totals: range) -> dict[tuple[int, str], set[int]]:
    """Every value each hidden cell can take, over every assignment of the hidden cells ("<3": 1 or 2, "≥3": 3 or
    more) that makes each breakdown sum to one same total from `totals`: the attacker's constraint search."""
    possible: dict[tuple[int, str], set[int]] = {}
    for index, cells in enumerate(breakdowns):
        for key, shown in cells.items():
            if not isinstance(shown, int):
                possible[(index, key)] = set()
    for total in totals:
        found: dict[tuple[int, str], set[int]] = {}
        for index, cells in enumerate(breakdowns):
            hidden = [key for key, shown in cells.items() if not isinstance(shown, int)]
            rest = total - sum(shown for shown in cells.values() if isinstance(shown, int))
            ranges = [range(1, 3) if cells[key] == SUPPRESSED else range(3, max(rest, 3) + 1) for key in hidden]
            fitting = [values for values in itertools.product(*ranges) if sum(values) == rest]
            if not fitting:
                break  # no assignment of this breakdown fits this total: the total is not this one
            for position, key in enumerate(hidden):
                found[(index, key)] = {values[position] for values in fitting}
        else:
            for cell, values in found.items():
                possible[cell] |= values
    return possible


def _totals(shown: Any, largest: int) -> range:
    """The totals a reader cannot rule out: the one shown, 1 or 2 for "<3", any for a total withheld."""
    if isinstance(shown, int):
        return range(shown, shown + 1)
    return range(1, 3) if shown == SUPPRESSED else range(1, largest + 1)


def test_no_hidden_participation_count_can_be_worked_out_from_the_totals_and_breakdowns_beside_it(
    village: Village,
) -> None:
    """Every hidden cell of the participation report (each section: its total, by group, by gender, by choice;
    its people by group and gender) and of each feed item's attendance has at least 2 possible values."""
    process = village.record.process_id
    pinned = []
    examined = 0
    for who, headers in village.outsiders.items():
        report = village.client.get(f"/api/v1/processes/{process}/participation", headers=headers).get_json()
        assert report["exact"] is False, who
        for name, section in report.items():
            if not isinstance(section, dict) or "by_group" not in section:
                continue
            largest = sum(n for n in section["by_group"].values() if isinstance(n, int)) + 100
            by = [section.get(k) for k in ("by_group", "by_gender", "by_kind", "by_stance", "by_choice")]
            people = [section.get("people_by_group"), section.get("people_by_gender")]
            groups = [
                (name, "total", _possible_values([b for b in by if b], _totals(section["total"], largest))),
                (name, "people", _possible_values([b for b in people if b], _totals(section.get("people"), 99))),
            ]
            for section_name, counted, possible in groups:
                examined += len(possible)
                pinned += [(who, section_name, counted, cell, v) for cell, v in possible.items() if len(v) < 2]
    items = village.client.get("/api/v1/feed?limit=500").get_json()["items"]
    for item in (i for i in items if i["kind"] == "decision" and i.get("attendance")):
        attendance = item["attendance"]
        breakdowns = [b for b in (attendance["by_group"], attendance["by_gender"]) if b]
        possible = _possible_values(breakdowns, _totals(attendance["present"], 99))
        examined += len(possible)
        pinned += [("feed", item["proposal"]["title"], cell, v) for cell, v in possible.items() if len(v) < 2]
    assert examined >= 20  # the demo has small groups: there are hidden cells to attack
    assert not pinned, "\n".join(map(str, pinned))


def test_outsiders_find_no_restricted_dispute_and_read_no_mediation_words_of_a_public_one(village: Village) -> None:
    """A restricted dispute is not found; a public one shows its title, status and parties, never what was said
    in mediation nor the agreement's text (it did not say its text is public), nor who said it."""
    for who, headers in village.outsiders.items():
        for dispute, visibility in village.disputes:
            response = village.client.get(f"/api/v1/disputes/{dispute}", headers=headers)
            if visibility == "restricted":
                assert response.status_code == 404, who
                continue
            shown = response.get_json()
            assert (shown["status"], shown["parties"][0]) == ("agreed", {"group": "indigenous"})
            assert shown["sessions"][0]["summary"] is None and shown["agreement"]["text"] is None
        listed = village.client.get(f"/api/v1/processes/{village.record.process_id}/disputes", headers=headers)
        public = {str(village.record.disputes["land"])} | {d for d, v in village.disputes if v == "public"}
        assert {d["dispute_id"] for d in listed.get_json()["items"]} == public, who
        for path in _outsider_reads(village):
            assert DISPUTE_WORDS not in _readable_text(village.client.get(path, headers=headers)), (who, path)


def test_an_outsider_reads_a_score_card_as_a_suppressed_tally_and_never_who_gave_which_score(village: Village) -> None:
    """The demo's score card of the road, read by outsiders: the count, mean and distribution, breakdowns with
    counts of 1-2 shown as "<3", and no score, comment or participant of its own."""
    (evaluation,) = village.record.evaluations
    for who, headers in village.outsiders.items():
        shown = village.client.get(f"/api/v1/evaluations/{evaluation}", headers=headers).get_json()
        assert "scores" not in shown, who
        assert shown["tally"]["count"] == len(SCORE_CARD)
        cells = [n for row in shown["tally"]["by_group"].values() for n in row.values()]
        assert SUPPRESSED in cells and not [n for n in cells if isinstance(n, int) and 0 < n < 3], who


def test_an_outsider_reads_the_complaints_only_as_counts_by_status(village: Village) -> None:
    """Every complaint's words and contact are refused to outsiders; the process shows a token holder how many
    complaints are at which status (the demo's resolved, the planted one just received)."""
    for who, headers in village.outsiders.items():
        for path in _complaint_reads(village):
            assert village.client.get(path, headers=headers).status_code in (401, 403, 404), (who, path)
        if not headers:
            continue
        process = village.client.get(f"/api/v1/processes/{village.record.process_id}", headers=headers).get_json()
        counts = process["complaints"]
        assert (counts["received"], counts["resolved"]) == (1, 1), who


def test_the_demos_land_dispute_shows_outsiders_its_parties_as_groups_and_organisations_never_its_words(
    village: Village,
) -> None:
    """The embung's land dispute is public: its title, status, parties (a group, two organisations) and sessions'
    dates, never a summary's words, the sealed agreement or a person among the parties; the portal lists it."""
    land = village.record.disputes["land"]
    names = {name for _, name, *_ in PARTICIPANTS}
    for who, headers in village.outsiders.items():
        shown = village.client.get(f"/api/v1/disputes/{land}", headers=headers).get_json()
        assert shown["status"] == "agreed" and len(shown["sessions"]) == 2, who
        assert all(session["summary"] is None for session in shown["sessions"])
        assert shown["agreement"]["text"] is None
        parties = [party.get("group") or party.get("organisation") for party in shown["parties"]]
        assert parties == ["government", "Kelompok Tani Tirta Makmur Dusun Kidul", "Pemerintah Desa Sukamaju"]
        assert not names & set(parties)
    page = village.client.get(f"/proses/{village.record.process_id}").get_data(as_text=True)
    assert "Status tanah bengkok di calon lokasi embung Dusun Kidul" in page
