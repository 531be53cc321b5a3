"""A PostgreSQL server of the tests' own: a cluster made with `initdb` in a temporary folder, on a free port.

Two kinds of test need one. The reliability tests kill and restart it (never the shared server on 5432).
The tests that prove a deletion left PostgreSQL's files (`pytest.mark.postgres_server_to_itself`) need a
server where no one else writes: `VACUUM FULL` copies a deleted row while any transaction that holds a
transaction id, in any database of the server, began before the delete, because transaction ids and
snapshots are server-wide. On the shared server another xdist worker, or another developer's run, writes all
the time, so the purge those tests wait for would depend on the neighbours.

The binaries come from Debian (`/usr/lib/postgresql/15/bin`, or `MUFAKAT_PG_BIN`). As root, `initdb`
refuses to run, so the server runs as the `postgres` user.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

PG_BIN = Path(os.environ.get("MUFAKAT_PG_BIN", "/usr/lib/postgresql/15/bin"))


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def postgres_binaries_missing() -> str | None:
    """Why a private server cannot be made here, or None when it can."""
    if (PG_BIN / "initdb").exists():
        return None
    return f"no PostgreSQL binaries in {PG_BIN} (set MUFAKAT_PG_BIN)"


def private_folder() -> Path:
    """A temporary folder the server may write to (not pytest's tmp_path: as root that is private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="mufakat-pg-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    return folder


class PrivatePostgres:
    """A PostgreSQL server of the tests' own: started, killed and restarted at will."""

    def __init__(self, folder: Path, port: int, durable: bool = True) -> None:
        self.folder = folder
        self.data = folder / "data"
        self.port = port
        #: fsync and synchronous_commit on (the reliability tests crash it); off where only the files' bytes matter.
        self.durable = durable
        # initdb and postgres refuse to run as root.
        self.run_as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    @property
    def url(self) -> str:
        """The database URL of its `postgres` database."""
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def database_url(self, name: str) -> str:
        """The URL of the database `name` on this server."""
        return f"postgresql://postgres@127.0.0.1:{self.port}/{name}"

    def _run(self, *command: str, timeout: float = 60) -> None:
        subprocess.run([*self.run_as, *command], check=True, capture_output=True, timeout=timeout)

    def initialise(self) -> None:
        """Creates the cluster (trust authentication, user `postgres`)."""
        self._run(
            str(PG_BIN / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        )

    def start(self) -> None:
        """Starts the server and waits until it accepts connections."""
        durability = "on" if self.durable else "off"
        options = (
            f"-c port={self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.folder}"
            f" -c fsync={durability} -c synchronous_commit={durability} -c max_connections=50"
        )
        self._run(
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.folder / "server.log"),
            "-o",
            options,
            "-w",
            "-t",
            "60",
            "start",
        )

    def kill(self) -> None:
        """Stops the server the hard way (`-m immediate`: no checkpoint, as a crash would)."""
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "-t", "60", "stop")

    def stop(self) -> None:
        """Stops the server if it runs."""
        subprocess.run(
            [*self.run_as, str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "-t", "60", "stop"],
            capture_output=True,
            timeout=90,
        )

    def remove(self) -> None:
        """Stops the server and deletes its folder."""
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)
