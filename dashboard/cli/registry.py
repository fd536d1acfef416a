"""The commands of ``segmenta`` and the argument parser built from them.

A command is a name, a one-line help, a function adding its arguments and a function running
it; a group (``segmenta personas list``) is a command holding sub-commands instead of a run.
``dashboard.cli`` lists them in the order ``--help`` shows them, so adding a command is one
module with one ``Command`` and one entry in that list.
"""

import argparse
from collections.abc import Callable
from dataclasses import dataclass


class UsageError(Exception):
    """A command line argparse rejects: reported on one line like any other user error."""


class Parser(argparse.ArgumentParser):
    def error(self, message: str):
        raise UsageError(f"{message} (see `{self.prog} --help`)")


def no_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``add_arguments`` of a group: its sub-commands are its arguments."""


@dataclass(frozen=True)
class Command:
    name: str
    help: str
    add_arguments: Callable[[argparse.ArgumentParser], None] = no_arguments
    run: Callable[[argparse.Namespace], int] | None = None
    subcommands: tuple["Command", ...] = ()


def by_name(*commands: Command) -> dict[str, Command]:
    return {registered.name: registered for registered in commands}


def add_commands(
    parser: argparse.ArgumentParser, commands: tuple[Command, ...], dest: str = "command"
) -> None:
    """One sub-parser per command, recursively for groups. The parsed arguments hold the
    chosen command's ``run``, and ``group`` when a group was named without a sub-command."""
    choices = parser.add_subparsers(dest=dest, metavar="COMMAND", parser_class=Parser)
    for registered in commands:
        sub = choices.add_parser(registered.name, help=registered.help, description=registered.help)
        sub.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                         help=argparse.SUPPRESS)  # fmt: skip
        sub.set_defaults(run=registered.run, group=registered if registered.subcommands else None)
        registered.add_arguments(sub)
        if registered.subcommands:
            add_commands(sub, registered.subcommands, dest="subcommand")
