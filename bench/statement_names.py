"""What the check of names in statements costs per write, against a register of 500 participants.

    .venv/bin/python bench/statement_names.py [--participants 500] [--writes 400]

One SQLite store; a process with 500 registered participants (invented names) and a proposal. Times,
in one run:

- a contribution recorded with the check (`names_are_public` absent) against the same contribution
  without it (`names_are_public: true` skips the check), interleaved, medians: their ratio;
- the check alone once the worker keeps the register's name parts (every write after the first);
- the first check of a worker (it opens all 500 sealed names) and the check after one new registration
  (it opens one).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from domain.process import Process
from domain.rules import DecisionRules
from service.adapters.storage import persistence_settings
from service.app.application import CommandContext, Mufakat
from service.app.statement_names import StatementNames

FIRST = ["Siti", "Budi", "Made", "Wayan", "Ketut", "Nyoman", "Agus", "Rina", "Dewi", "Joko", "Sri", "Ahmad", "Yusuf"]
LAST = ["Aminah", "Santoso", "Wirawan", "Lestari", "Hidayat", "Susilo", "Nugroho", "Rahmawati", "Sudarma", "Pratama"]
#: A contribution of ordinary length that names nobody of the register.
STATEMENT = (
    "Warga Dusun Krajan mendukung perbaikan jalan desa sepanjang 800 meter, asalkan saluran air di sisi "
    "selatan dibangun lebih dulu agar jalan tidak cepat rusak saat musim hujan, dan pekerjaan melibatkan "
    "tenaga kerja dari warga setempat melalui padat karya tunai desa."
)


def _median_ms(timings: list[float]) -> float:
    return statistics.median(timings) * 1000


def main() -> None:
    """Builds the register, then times writes with and without the check, and the check alone."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--participants", type=int, default=500)
    parser.add_argument("--writes", type=int, default=400)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mufakat-names-") as folder:
        ledger = Mufakat(env=persistence_settings("sqlite:///" + str(Path(folder) / "names.db")))
        try:
            token, _ = ledger.tokens.issue("admin", "Admin Bench", [])
            checked = CommandContext(token.principal())
            unchecked = replace(checked, names_are_public=True)
            process_id = ledger.processes.open(checked, "Musdes", "", "33.01", "Desa", "public", DecisionRules()).id
            people = [
                ledger.participants.register(
                    checked, process_id, f"{FIRST[n % len(FIRST)]} {LAST[n // len(FIRST) % len(LAST)]} {n}", "resident",
                    None, None, None,
                ).id
                for n in range(options.participants)
            ]
            proposal = ledger.proposals.submit(checked, process_id, "Jalan desa", "Perbaikan jalan.", people[0], None).id

            with_check: list[float] = []
            without_check: list[float] = []
            for _ in range(options.writes):
                for context, timings in ((checked, with_check), (unchecked, without_check)):
                    started = time.perf_counter()
                    ledger.proposals.contribute(context, proposal, people[1], "support", STATEMENT)
                    timings.append(time.perf_counter() - started)

            process = ledger.repository.get(process_id)
            assert isinstance(process, Process)
            check_alone = []
            for _ in range(2000):
                started = time.perf_counter()
                ledger.statement_names.ensure_unnamed(process, False, text=STATEMENT)
                check_alone.append(time.perf_counter() - started)

            cold = StatementNames(ledger._registered_name)  # a worker that never checked this process
            started = time.perf_counter()
            cold.parts_of(process)
            first_check = time.perf_counter() - started

            ledger.participants.register(checked, process_id, "Ketut Sudiarta", "elderly", None, None, None)
            grown = ledger.repository.get(process_id)
            assert isinstance(grown, Process)
            started = time.perf_counter()
            cold.parts_of(grown)
            after_one_more = time.perf_counter() - started
        finally:
            ledger.close()

    print(f"register of {options.participants} participants, {options.writes} contributions each way, SQLite")
    print(f"contribution with the check:       {_median_ms(with_check):8.3f} ms (median)")
    print(f"contribution without it:           {_median_ms(without_check):8.3f} ms (median)")
    print(f"ratio with / without:              {statistics.median(with_check) / statistics.median(without_check):8.3f}")
    print(f"the check alone, register kept:    {_median_ms(check_alone):8.3f} ms")
    print(f"first check of a worker (opens {options.participants}): {first_check * 1000:8.1f} ms")
    print(f"check after one more registration: {after_one_more * 1000:8.3f} ms (opens 1)")


if __name__ == "__main__":
    main()
