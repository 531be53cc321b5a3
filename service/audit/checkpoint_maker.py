"""The service seals its own checkpoints: soon after a decision is published, and periodically.

Nobody has to run `mufakat checkpoint` for a decision's proof to appear on the
portal. Each worker process runs one small thread (`CheckpointMaker.start`)
that looks every `look_seconds`:

- when an event that publishes or annuls a decision was recorded after the
  newest checkpoint, it seals one (the decision's proof is then one click away);
- when the newest checkpoint is older than `every_seconds` and something new
  was recorded since, it seals one.

Several workers (on one host or several sharing PostgreSQL) may look at once:
sealing is idempotent. `seal_checkpoint(..., only_if_new=True)` seals nothing
when the log's last event is already a checkpoint, and two sealers that read
the same tree head race for the same version of the checkpoint log, so one
save fails and that sealer, reading again, finds the other's checkpoint at the
head and stops. No two checkpoints ever sign the same tree, and none can
contradict another: each signs the stored tree as it stands.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.utils import get_topic

from domain.proposal import Proposal
from service.audit.checkpoints import Checkpoint, SigningKeyRetired, newest_checkpoints, seal_checkpoint
from service.audit.signing import load_or_create_signing_key

#: The events after which a checkpoint is sealed soon: those the feed publishes as a decision or its annulment.
DECISION_TOPICS = (get_topic(Proposal.Decided), get_topic(Proposal.DecisionAnnulled))
#: The shortest pause between two looks, however small the settings (seconds).
SHORTEST_LOOK_SECONDS = 0.2

_log = logging.getLogger("mufakat.checkpoints")


@dataclass(frozen=True)
class CheckpointSchedule:
    """When the service seals by itself: `every_seconds` at most apart (0: never periodically), and within
    `after_decision_seconds` of a published decision (0: not for decisions)."""

    every_seconds: float
    after_decision_seconds: float

    @property
    def is_on(self) -> bool:
        """Whether the service seals by itself at all."""
        return self.every_seconds > 0 or self.after_decision_seconds > 0

    @property
    def look_seconds(self) -> float:
        """How often the maker looks at the log."""
        chosen = [seconds for seconds in (self.every_seconds, self.after_decision_seconds) if seconds > 0]
        return max(SHORTEST_LOOK_SECONDS, min(chosen, default=SHORTEST_LOOK_SECONDS))


class CheckpointMaker:
    """Seals checkpoints of one application when they are due (`tick`), or in a thread of its own (`start`)."""

    def __init__(
        self,
        app: Application[UUID],
        key_file: Path,
        schedule: CheckpointSchedule,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.app = app
        self.key_file = key_file
        self.schedule = schedule
        self.clock = clock
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def due(self, now: datetime) -> str | None:
        """Why a checkpoint is due now (`decision`, `period`), or None."""
        newest = next(newest_checkpoints(self.app), None)
        covered = newest[1].position if newest else 0
        if self.schedule.after_decision_seconds > 0 and self._decision_after(covered):
            return "decision"
        period = timedelta(seconds=self.schedule.every_seconds)
        if self.schedule.every_seconds > 0 and (newest is None or now - _sealed_at(newest[1]) >= period):
            return "period"
        return None

    def _decision_after(self, position: int) -> bool:
        # Reads forward from the newest checkpoint only: a handful of rows, however long the log.
        found = self.app.recorder.select_notifications(position, 1, topics=DECISION_TOPICS, inclusive_of_start=False)
        return bool(found)

    def tick(self) -> Checkpoint | None:
        """Seals a checkpoint if one is due and something new was recorded; the checkpoint, or None."""
        now = self.clock()
        reason = self.due(now)
        if reason is None:
            return None
        key = load_or_create_signing_key(self.key_file)  # read each time: a rotated key file is used at once
        try:
            sealed = seal_checkpoint(self.app, key, only_if_new=True, now=now)
        except SigningKeyRetired:
            _log.warning("checkpoint not sealed: the key file holds a retired signing key (see docs/operations.md)")
            return None
        if sealed is not None:
            _log.info("checkpoint sealed", extra={"reason": reason, "tree_size": sealed.tree_size})
        return sealed

    def start(self) -> None:
        """Looks at the log in a daemon thread until `stop` (the first look at once)."""
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name="mufakat-checkpoints", daemon=True)
        self._thread.start()

    def stop(self, wait_seconds: float = 5.0) -> None:
        """Ends the thread after its current look."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=wait_seconds)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.tick()
            except Exception:  # a failed look (the database away) must not end the thread: the next may work
                _log.exception("checkpoint look failed")
            self._stop.wait(self.schedule.look_seconds)


def _sealed_at(checkpoint: Checkpoint) -> datetime:
    return datetime.fromisoformat(checkpoint.sealed_at.replace("Z", "+00:00"))
