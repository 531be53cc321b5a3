"""A process's programme report (laporan hasil dan dampak): every time its PDF was sealed, by SHA-256.

The report is one printable document per process for the village notice board,
the BPD and donors: needs found, priorities, decisions, commitments against
their indicators and budgets, score cards, complaints counted, partners'
contributions and public disputes. It is rendered from the ledger's events by
the service; the log keeps what each sealing made: the SHA-256 and size of the
PDF, its language, and the ledger position (the last notification id) it covers.
A later sealing adds a version; every version stays.

The report's id follows from its process's (`report_id_of`), so the process
aggregate keeps its state and nothing has to be listed to find it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.actor import Actor
from domain.errors import ValueNotAllowed, ensure_aware, ensure_not_before, ensure_one_of
from domain.steps import RecordedInOrder, Start, Step

REPORT_LANGUAGES = ("id", "en")


def report_id_of(process_id: UUID) -> UUID:
    """The id of a process's programme report: the same for the same process, on every store."""
    return uuid5(NAMESPACE_URL, f"mufakat:programme-report:{process_id}")


class ProgrammeReport(RecordedInOrder, Aggregate):
    """The sealed versions of one process's programme report, oldest first."""

    class Started(Start):
        """The report of a process begins (with its first sealing)."""

        process_id: UUID

    class Sealed(Step):
        """A report rendered once and sealed: the PDF's SHA-256 and size, its language and the log it covers."""

        report_version: int
        log_position: int
        language: str
        sha256: str
        size: int
        #: The report's headline counts and sums (public), so that the short text for sharing is made from the log.
        figures: dict[str, Any]

    @event(Started)
    def __init__(self, id: UUID, process_id: UUID, occurred_at: datetime, actor: Actor) -> None:
        self.process_id = process_id
        #: Every sealing, oldest first: its version, log position, language, SHA-256, size, figures and `sealed_at`.
        self.sealings: list[dict[str, Any]] = []

    @classmethod
    def start(cls, process_id: UUID, actor: Actor, *, occurred_at: datetime) -> ProgrammeReport:
        """The report of a process, before its first sealing."""
        ensure_aware(occurred_at)
        return cls(id=report_id_of(process_id), process_id=process_id, occurred_at=occurred_at, actor=actor)

    @property
    def latest_version(self) -> int | None:
        """The number of the latest sealed report (1 for the first), None before any."""
        return self.sealings[-1]["report_version"] if self.sealings else None

    def sealed(self, report_version: int | None = None) -> dict[str, Any] | None:
        """What the log says of one sealed report (the latest when no version is named), or None."""
        if report_version is None:
            return self.sealings[-1] if self.sealings else None
        return next((s for s in self.sealings if s["report_version"] == report_version), None)

    def ensure_may_be_sealed(self, occurred_at: datetime) -> None:
        """A new report is never said to be sealed before the latest one."""
        latest = self.sealed()
        ensure_not_before(
            occurred_at, None if latest is None else latest["sealed_at"], "the latest report was sealed", id=self.id
        )

    def seal(
        self,
        *,
        log_position: int,
        language: str,
        sha256: str,
        size: int,
        figures: dict[str, Any],
        actor: Actor,
        occurred_at: datetime,
    ) -> int:
        """Records a sealed report covering the log up to `log_position`; returns its version number."""
        self.ensure_may_be_sealed(occurred_at)
        if len(sha256) != 64 or sha256.strip("0123456789abcdef"):
            raise ValueNotAllowed("a sealed document's SHA-256 is 64 lowercase hexadecimal digits")
        ensure_one_of("language", language, REPORT_LANGUAGES)
        if size <= 0 or log_position < 0:
            raise ValueNotAllowed("a sealed document has bytes and covers a position of the log")
        report_version = len(self.sealings) + 1
        self._sealed(
            report_version=report_version,
            log_position=log_position,
            language=language,
            sha256=sha256,
            size=size,
            figures=dict(figures),
            occurred_at=occurred_at,
            actor=actor,
        )
        return report_version

    @event(Sealed)
    def _sealed(
        self,
        report_version: int,
        log_position: int,
        language: str,
        sha256: str,
        size: int,
        figures: dict[str, Any],
        occurred_at: datetime,
        actor: Actor,
    ) -> None:
        self.sealings = [
            *self.sealings,
            {
                "report_version": report_version,
                "log_position": log_position,
                "language": language,
                "sha256": sha256,
                "size": size,
                "figures": figures,
                "sealed_at": occurred_at,
            },
        ]
