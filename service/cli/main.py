"""The `mufakat` command line: the commands of each module of `service.cli`, registered here one by one."""

from __future__ import annotations

import click

from service.cli import audit, ledger, minutes, projections


@click.group()
def main() -> None:
    """Mufakat: the record of how communities decide."""


for command in (*ledger.COMMANDS, *audit.COMMANDS, *projections.COMMANDS, *minutes.COMMANDS):
    main.add_command(command)
