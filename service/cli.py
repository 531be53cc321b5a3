"""The `mufakat` command line: every module of `service.commands` adds its commands to it."""

from __future__ import annotations

import importlib
import pkgutil

import click

import service.commands


@click.group()
def main() -> None:
    """Mufakat: the record of how communities decide."""


def _register_commands() -> None:
    for module_info in pkgutil.iter_modules(service.commands.__path__):
        module = importlib.import_module(f"service.commands.{module_info.name}")
        for command in getattr(module, "COMMANDS", ()):
            main.add_command(command)


_register_commands()
