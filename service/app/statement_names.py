"""Statements that name a participant: refused before they reach the public record.

A name typed into a public statement ("Pak Made menolak", beside a disability group's objection)
re-identifies a participant on the portal, in Atom and in the berita acara without names. The server
knows the register, so a statement that contains a part of the name of a registered, not forgotten
participant of the process (`service.app.name_matching` says how) is refused with
`statement_names_a_participant`, naming the field and never the person, unless the request says
`names_are_public` (a village head acting in office).

Names are sealed one by one (`service.adapters.personal_data`), so reading a register costs a key and a
decryption per participant. Each worker keeps the parts of each process's names, keyed by the register
it read them from: a use case passes the process as it loaded it (fresh, whichever worker registered or
forgot someone), only participants new to that register are opened, and those no longer in it (forgotten)
are dropped at once. Nothing of it leaves the worker's memory.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from uuid import UUID

from domain.process import Process
from service.app.name_matching import NameParts, names_someone

#: Processes whose name parts a worker keeps (the least recently checked is dropped first).
PROCESSES_KEPT = 256


class StatementNamesAParticipant(Exception):
    """A public statement contains the name of a registered participant of its process."""

    code = "statement_names_a_participant"

    def __init__(self, fields: list[str]) -> None:
        super().__init__(
            f"{', '.join(fields)}: a statement that outsiders may read names a registered participant of this "
            "process; rephrase it, or send names_are_public: true when the name is public (an official in office)"
        )
        self.fields = fields


class _RegisterParts:
    """The name parts of one process's register, each participant's kept apart to follow the register."""

    def __init__(self) -> None:
        self.by_participant: dict[UUID, NameParts] = {}
        self.whole = NameParts()
        #: How many were registered and how many of them forgotten when `whole` was made.
        self.state: tuple[int, int, str | None] | None = None


class StatementNames:
    """Checks statements against the names of a process's register, kept per worker."""

    def __init__(self, name_of: Callable[[UUID], str | None]) -> None:
        """`name_of` opens one participant's name (None once forgotten)."""
        self._name_of = name_of
        self._lock = threading.Lock()
        self._registers: OrderedDict[UUID, _RegisterParts] = OrderedDict()

    def ensure_unnamed(self, process: Process, names_are_public: bool, **statements: str | None) -> None:
        """Refuses statements (by their field names) that name a participant of the process, unless the
        caller says the names in them are public."""
        if names_are_public:
            return
        said = {field: text for field, text in statements.items() if text}
        if not said:
            return
        parts = self.parts_of(process)
        naming = [field for field, text in said.items() if names_someone(text, parts)]
        if naming:
            raise StatementNamesAParticipant(naming)

    def parts_of(self, process: Process) -> NameParts:
        """The name parts of everyone registered in the process and not forgotten, as it stands."""
        register = process.register
        # Participants are only ever added (in order) and forgotten: how many of each, and who came last,
        # say which register this is without building the list of ids on every write (the last one tells
        # apart a register whose newest entry was in a batch that failed and another that replaced it).
        last = next(reversed(register), None)
        state = (len(register), sum(1 for entry in register.values() if entry["forgotten"]), last)
        with self._lock:
            kept = self._registers.pop(process.id, None) or _RegisterParts()
            self._registers[process.id] = kept
            while len(self._registers) > PROCESSES_KEPT:
                self._registers.popitem(last=False)
            if kept.state != state:
                active = set(process.active_participant_ids)
                for gone in set(kept.by_participant) - active:
                    del kept.by_participant[gone]
                for new in active - set(kept.by_participant):
                    name = self._name_of(new)
                    kept.by_participant[new] = NameParts.of_name(name) if name else NameParts()
                kept.whole = NameParts.of_names(kept.by_participant.values())
                kept.state = state
            return kept.whole

    def forget_process(self, process_id: UUID) -> None:
        """Drops what this worker keeps of a process's names (after someone in it was forgotten)."""
        with self._lock:
            self._registers.pop(process_id, None)
