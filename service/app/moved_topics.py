"""Where the modules of stored classes used to live, so that every stored event and snapshot stays readable.

Stored events and snapshots name their class by topic (`module:QualifiedName`). Release 0.1 kept the
service's modules in one flat folder; these aliases send the topics it wrote to the modules of today.
"""

from __future__ import annotations

from types import ModuleType

from eventsourcing.utils import register_topic

from service.app import access, idempotency, process_directory

#: The module a stored topic names, and the module that holds its classes now.
MOVED_MODULES: dict[str, ModuleType] = {
    "service.access": access,
    "service.application": process_directory,
    "service.idempotency": idempotency,
}


def register_moved_topics() -> None:
    """Lets topics written under an old module path resolve to the classes' modules of today (idempotent)."""
    for old_module, module in MOVED_MODULES.items():
        register_topic(old_module, module)
