"""The ``segmenta`` command: segment a customer file, compare the methods, diagnose k, assign
new customers, and list or apply the persona sets saved in the app.

One module per command (``segment``, ``diagnose``, ``assign``, ``columns``, ``compare``, the
``personas`` and ``db`` groups), each ending in its ``Command``; ``COMMANDS`` below is the
order ``--help`` lists them.
The computation behind ``segment`` and ``diagnose`` (``segment_table``, ``diagnose_table``) is
importable on its own: the benchmarks time exactly what the command runs.

Anything the user can fix (a missing file, an unknown column, a bad parameter, an unwritable
output, an unknown persona set) ends with one line ``segmenta: error: ...`` on stderr and exit
code 2; an unexpected failure with one line and exit code 1 (``--debug`` shows the traceback).
"""

import argparse
import contextlib
import os
import sys
import traceback
from importlib import metadata

from algorithms.errors import SegmentaError
from algorithms.threads import limit_compute_threads
from dashboard.cli.assign import ASSIGN
from dashboard.cli.columns import COLUMNS
from dashboard.cli.common import canonical_columns
from dashboard.cli.compare import COMPARE
from dashboard.cli.db import DB
from dashboard.cli.diagnose import DIAGNOSE, diagnose_table
from dashboard.cli.personas import PERSONAS
from dashboard.cli.registry import Parser, UsageError, add_commands, by_name
from dashboard.cli.segment import SEGMENT, segment_table

COMMANDS = by_name(SEGMENT, DIAGNOSE, ASSIGN, COLUMNS, COMPARE, PERSONAS, DB)

__all__ = ["COMMANDS", "canonical_columns", "diagnose_table", "main", "segment_table"]


def build_parser() -> Parser:
    parser = Parser(
        prog="segmenta",
        description="Customer segmentation from the command line: K-Means, DBSCAN and "
        "hierarchical clustering, diagnostics, assignment of new customers, and the persona "
        "sets saved in the app.",
        epilog="example: segmenta segment data/mall_customers.csv --features "
        "'Annual Income (k$)' 'Spending Score (1-100)' --algorithm kmeans --k 5 --out out.csv",
    )
    parser.add_argument("--version", action=ShowVersion)
    parser.add_argument("--debug", action="store_true", help="show the traceback of a crash")
    add_commands(parser, tuple(COMMANDS.values()))
    return parser


class ShowVersion(argparse.Action):
    """``--version``, looking the version up only when asked: reading the installed packages'
    metadata costs a tenth of a second of every start-up otherwise."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, **kwargs):
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS,
                         help="show the version and exit")  # fmt: skip

    def __call__(self, parser, namespace, values, option_string=None):
        print(f"segmenta {package_version()}")
        parser.exit()


def package_version() -> str:
    try:
        return metadata.version("segmenta")
    except metadata.PackageNotFoundError:
        return "(not installed)"


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except UsageError as error:
        return report_error(str(error))
    except SystemExit as exit:  # --help and --version print and exit 0
        return int(exit.code or 0)
    if args.command is None:
        return report_error(f"choose a command: {', '.join(COMMANDS)} (see `segmenta --help`)")
    if args.run is None:
        group = args.group
        return report_error(
            f"choose a {group.name} command: {', '.join(c.name for c in group.subcommands)} "
            f"(see `segmenta {group.name} --help`)"
        )
    try:
        limit_compute_threads()
        return args.run(args)
    except SegmentaError as error:
        return report_error(str(error))
    except BrokenPipeError:  # `segmenta ... | head`: the reader is gone, nothing to report
        silence_stdout()
        return 141
    except OSError as error:
        return report_error(f"{error.filename}: {error.strerror}" if error.filename else str(error))
    except KeyboardInterrupt:
        print("segmenta: interrupted", file=sys.stderr)
        return 130
    except Exception as error:  # a bug: one line, the traceback on request
        if args.debug:
            traceback.print_exc()
        hint = "" if args.debug else " (rerun with --debug for the traceback)"
        print(f"segmenta: unexpected error: {type(error).__name__}: {one_line(error)}{hint}",
              file=sys.stderr)  # fmt: skip
        return 1


def silence_stdout() -> None:
    """Point stdout at /dev/null, so Python's flush at exit does not hit the closed pipe."""
    with contextlib.suppress(OSError, ValueError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def report_error(message: str) -> int:
    print(f"segmenta: error: {one_line(message)}", file=sys.stderr)
    return 2


def one_line(message: object) -> str:
    return " ".join(str(message).splitlines())
