"""The `mufakat` command line: the commands of each module of `service.cli`, registered here one by one."""

from __future__ import annotations

import click

from service.cli import audit, ledger, minutes, projections, report
from service.cli.opened import settings_from_environment


@click.group()
@click.pass_context
def main(context: click.Context) -> None:
    """Mufakat: the record of how communities decide."""
    # Read once, here: every command reaches them through `service.cli.opened.command_settings`.
    context.obj = settings_from_environment()


for command in (*ledger.COMMANDS, *audit.COMMANDS, *projections.COMMANDS, *minutes.COMMANDS, *report.COMMANDS):
    main.add_command(command)
