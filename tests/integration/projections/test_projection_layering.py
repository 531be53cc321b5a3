"""The read models stand on the domain and the event store alone: no web framework comes with them."""

from __future__ import annotations

import subprocess
import sys


def test_importing_every_read_model_loads_neither_flask_nor_the_service_package() -> None:
    probe = (
        "import sys\n"
        "import projections.runner, projections.feed_formats, projections.feed_queries, "
        "projections.participation_report\n"
        "print(sorted(name for name in ('flask', 'service') if name in sys.modules))\n"
    )

    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout

    assert loaded.strip() == "[]"
