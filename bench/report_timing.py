"""How long sealing a programme report takes for a process of realistic size, on SQLite, in one process.

    .venv/bin/python bench/report_timing.py [--runs 5]

Builds one Musrenbang Desa through the HTTP API (Flask's test client, a fresh
SQLite file): 120 participants, 30 proposals (12 adopted at a musyawarah of 10),
2 assessments with 25 findings, a Borda ranking of 20 proposals, 24 commitments
with indicators, budgets and 3 progress reports each, 8 community evaluations,
40 complaints (30 answered), 6 partners with 15 contributions, 4 disputes. Then
it seals the report `--runs` times and prints the median and the slowest time of
`POST /processes/{id}/report` (gather, render, sign, keep, record), and of
gathering and rendering alone.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask.testing import FlaskClient

from domain.process import Process
from service.adapters.report_pdf import render_report_pdf
from service.adapters.storage import persistence_settings
from service.app.programme_report import gather_report
from service.http.app_factory import create_app


class Api:
    """The facilitator calling the API."""

    def __init__(self, client: FlaskClient, secret: str) -> None:
        self.client = client
        self.headers = {"Authorization": f"Bearer {secret}"}

    def post(self, path: str, body: dict[str, Any] | None = None, expect: int | None = None) -> dict[str, Any]:
        response = self.client.post(f"/api/v1{path}", json=body or {}, headers=self.headers)
        assert response.status_code in ((expect,) if expect else (200, 201)), (path, response.get_json())
        return response.get_json()  # type: ignore[no-any-return]


GROUPS = ["women", "resident", "youth", "elderly", "vulnerable", "disability"]


def build(api: Api) -> str:
    """Records the process; returns its id."""
    process = api.post(
        "/processes",
        {
            "title": "Musrenbang Desa Sukamaju 2027",
            "region_code": "33.01.01.2001",
            "region_name": "Desa Sukamaju",
            "visibility": "public",
        },
    )["id"]
    people = [
        api.post(f"/processes/{process}/participants", {"name": f"Warga {n}", "group": GROUPS[n % 6]})["id"]
        for n in range(120)
    ]
    meeting = api.post(
        f"/processes/{process}/meetings",
        {"title": "Musdes", "scheduled_for": "2027-01-15T09:00:00+07:00", "invited": people[:10]},
    )["id"]
    api.post(f"/meetings/{meeting}/open", {"attendees": people[:10]})
    proposals = [
        api.post(
            f"/processes/{process}/proposals",
            {
                "title": f"Usulan {n}",
                "body": f"Pembangunan {n}.",
                "submitted_by": people[n],
                "estimated_cost": str(25_000_000 + n * 1_000_000),
            },
        )["id"]
        for n in range(30)
    ]
    findings = []
    for a in range(2):
        assessment = api.post(f"/processes/{process}/assessments", {"title": f"Kajian {a}", "method": "fgd"})["id"]
        for f in range(13 if a == 0 else 12):
            found = api.post(
                f"/assessments/{assessment}/findings",
                {"kind": "need" if f % 3 else "potential", "title": f"Temuan {a}-{f}", "groups": [GROUPS[f % 6]]},
            )
            findings.append(found["finding_id"])
    for n, proposal in enumerate(proposals[:20]):
        api.post(f"/proposals/{proposal}/links", {"addresses": [findings[n]]})
    ranking = api.post(
        f"/processes/{process}/rankings",
        {"meeting_id": meeting, "proposals": proposals[:20], "method": "borda", "budget_ceiling": "400000000"},
    )["ranking_id"]
    for n, person in enumerate(people[:10]):
        order = proposals[n:20] + proposals[:n]
        api.post(f"/rankings/{ranking}/ballots", {"participant_id": person, "order": order})
    api.post(f"/rankings/{ranking}/close")
    commitments = []
    for proposal in proposals[:12]:
        check = api.post(f"/proposals/{proposal}/consensus-checks", {"meeting_id": meeting})["check_id"]
        for person in people[:10]:
            api.post(
                f"/proposals/{proposal}/consensus-checks/{check}/stances", {"participant_id": person, "stance": "agree"}
            )
        api.post(f"/proposals/{proposal}/consensus-checks/{check}/close")
        api.post(
            f"/proposals/{proposal}/decision", {"outcome": "adopted", "method": "consensus", "rationale": "Mufakat."}
        )
        for c in range(2):
            commitments.append(
                api.post(
                    f"/proposals/{proposal}/commitments",
                    {
                        "owner": "Kaur Pembangunan",
                        "description": f"Pekerjaan {proposal[:4]}-{c}",
                        "due": "2026-06-30" if c else "2027-12-31",
                        "budget": "50000000",
                        "indicators": [
                            {"name": "Panjang jalan", "unit": "m", "baseline": "0", "target": 300},
                            {"name": "Rumah terlayani", "unit": "rumah", "baseline": "0", "target": 80},
                        ],
                    },
                )["id"]
            )
    for commitment in commitments:
        for percent in (20, 45, 70):
            api.post(
                f"/commitments/{commitment}/progress",
                {
                    "percent": percent,
                    "note": "Lanjut.",
                    "spent": "5000000",
                    "indicator_values": {"Panjang jalan": percent * 3},
                },
            )
    for commitment in commitments[:8]:
        evaluation = api.post(f"/commitments/{commitment}/evaluations", {"meeting_id": meeting})["evaluation_id"]
        for n, person in enumerate(people[:10]):
            api.post(f"/evaluations/{evaluation}/scores", {"participant_id": person, "score": 1 + n % 5})
        api.post(f"/evaluations/{evaluation}/close")
    for n in range(40):
        filed = api.post(f"/processes/{process}/complaints", {"text": f"Pengaduan {n}"})
        if n < 30:
            api.post(f"/complaints/{filed['complaint_id']}/respond", {"status": "responded", "response": "Ditanggapi."})
    for p in range(6):
        partner = api.post(f"/processes/{process}/partners", {"name": f"Mitra {p}", "kind": "ngo"})["partner_id"]
        for c in range(3 if p < 3 else 2):
            api.post(
                f"/partners/{partner}/contributions",
                {"kind": "cash", "description": "Dana", "amount": "10000000", "commitment_id": commitments[p + c]},
            )
    for d in range(4):
        api.post(
            f"/processes/{process}/disputes",
            {
                "title": f"Sengketa {d}",
                "parties": [{"group": "resident"}, {"organisation": "Kelompok Tani"}],
                "visibility": "public" if d % 2 else "restricted",
            },
        )
    return str(process)


def main() -> None:
    """Builds the process, seals its report `--runs` times, prints the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "TESTING": True,
                "MUFAKAT_LEDGER_ENV": persistence_settings(f"sqlite:///{Path(folder) / 'mufakat.db'}"),
                "MUFAKAT_SECRET_KEY_FILE": str(Path(folder) / "signing.key"),
            }
        )
        client = app.test_client()
        with app.app_context():
            from service.http.current import current_mufakat

            mufakat = current_mufakat()
            _, secret = mufakat.tokens.issue("facilitator", "Pendamping", [])
        api = Api(client, secret)
        started = time.perf_counter()
        process_id = build(api)
        built = time.perf_counter() - started
        sealing, sizes = [], []
        for _ in range(runs):
            started = time.perf_counter()
            sealed = api.post(f"/processes/{process_id}/report", expect=201)
            sealing.append(time.perf_counter() - started)
            sizes.append(sealed["size"])
        process = mufakat.uow.get(Process, __import__("uuid").UUID(process_id), "process")
        gathering, rendering = [], []
        for _ in range(runs):
            started = time.perf_counter()
            document = gather_report(mufakat, process, datetime.now(UTC), "id", "https://desa.example")
            gathering.append(time.perf_counter() - started)
            started = time.perf_counter()
            pages = render_report_pdf(document, "id")
            rendering.append(time.perf_counter() - started)
        events = mufakat.recorder.max_notification_id()
    print(f"process built: {built:.1f} s, {events} events in the log")
    print(f"report size: {statistics.median(sizes) / 1024:.0f} KiB, {len(pages)} bytes unsigned")
    for label, values in (("seal (POST)", sealing), ("gather", gathering), ("render", rendering)):
        print(f"{label}: median {statistics.median(values) * 1000:.0f} ms, slowest {max(values) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
