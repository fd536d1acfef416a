"""``segmenta personas list|export``: the persona sets the team saved in the app, from the same
database (``--database`` or ``DATABASE_URL``), for scripts and cron jobs.

The persona code (SQLAlchemy, plotly) is imported when one of these commands runs, not when
the parser is built, so ``segmenta --help`` and the other commands stay quick.
"""

import argparse
from pathlib import Path

import pandas as pd

from algorithms.errors import DataError, ParameterError
from dashboard.cli.common import (
    add_database_argument,
    add_raw_csv_argument,
    aligned,
    check_output,
    check_raw_csv,
    json_text,
    printable,
    whole_number,
    writing,
)
from dashboard.cli.registry import Command

# ``dashboard.services.persona_export.EXPORT_FORMATS`` (a test checks they agree), written out
# here so that building the parser does not load the persona code.
FORMATS = ("json", "md", "html", "csv", "xlsx")
FORMAT_SUFFIXES = {
    ".json": "json", ".md": "md", ".markdown": "md", ".html": "html", ".htm": "html",
    ".csv": "csv", ".xlsx": "xlsx",
}  # fmt: skip
TABLE_FORMATS = ("csv", "xlsx")


def add_list_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--search", metavar="Q",
        help="only the sets whose name, dataset or one of whose authors contains Q (any case)",
    )  # fmt: skip
    parser.add_argument(
        "--json", action="store_true", help="print the sets as JSON (the fields of the API's list)"
    )
    add_database_argument(parser)


def run_list(args: argparse.Namespace) -> int:
    from dashboard.cli.database import persona_database
    from dashboard.persona_sets import summary_record

    with persona_database(args.database) as opened:
        records = [summary_record(summary) for summary in opened.store.list(args.search)]
    if args.json:
        print(json_text(records), end="")
    elif records:
        print(aligned(library_table(records), left=("name", "dataset", "author", "updated")))
    else:
        matching = f"matches ‘{printable(args.search)}’" if args.search else "is saved"
        print(f"No persona set {matching} in {opened.where}.")
    return 0


def library_table(records: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": [record["id"] for record in records],
            "name": [record["name"] for record in records],
            "dataset": [record["dataset"]["name"] for record in records],
            "version": [record["latest_version"] for record in records],
            "personas": [record["n_personas"] for record in records],
            "author": [record["latest_author"] for record in records],
            "updated": [
                pd.Timestamp(record["updated_at"]).strftime("%Y-%m-%d %H:%M UTC")
                for record in records
            ],
        }
    )


def add_export_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "set", metavar="NAME_OR_ID",
        help="the persona set: its name (any case) or its id (see `segmenta personas list`)",
    )  # fmt: skip
    parser.add_argument(
        "--format", choices=FORMATS,
        help="json (the whole set), md (Markdown), html (the one-page report), csv or xlsx "
        "(the customer table with Cluster and Persona; needs the table in the app's datasets "
        "folder); default: the extension of --out",
    )  # fmt: skip
    parser.add_argument(
        "--version", type=whole_number(1), metavar="N", help="a saved version (default: latest)"
    )
    parser.add_argument("--out", required=True, metavar="FILE", help="the file to write")
    add_raw_csv_argument(parser)
    add_database_argument(parser)


def export_format(args: argparse.Namespace) -> str:
    """The format asked for, or the one ``--out``'s extension names; refused if they differ."""
    suffix = Path(args.out).suffix.lower()
    implied = FORMAT_SUFFIXES.get(suffix)
    if args.format is None and implied is None:
        raise ParameterError(
            f"Which format for {args.out!r}? Give --format ({', '.join(FORMATS)}) or an "
            f"extension that names one ({', '.join(FORMAT_SUFFIXES)})."
        )
    if args.format and implied and implied != args.format:
        raise ParameterError(
            f"--format {args.format} but {args.out!r} ends in {suffix}: make them agree."
        )
    return args.format or implied


def run_export(args: argparse.Namespace) -> int:
    from dashboard.cli.database import datasets_folder, datasets_store, persona_database
    from dashboard.persona_sets import find_persona_set
    from dashboard.services.persona_export import export_persona_set

    fmt = export_format(args)
    out = check_output(args.out, ())
    check_raw_csv(args.raw_csv, out, fmt)
    with persona_database(args.database) as opened, datasets_store() as datasets:
        saved = opened.find(lambda store: find_persona_set(store, args.set, args.version))
        try:
            data = export_persona_set(
                opened.store, datasets, args.set, fmt, args.version, args.raw_csv
            )
        except DataError as error:
            raise DataError(
                f"Cannot export the customers of ‘{saved.name}’: {error} (looked in "
                f"{str(datasets_folder())!r}; set SEGMENTA_INSTANCE to the app's instance "
                "folder). The json, md and html exports work without the table."
            ) from None
    with writing(out):
        out.write_bytes(data)
    kind = "customer table" if fmt in TABLE_FORMATS else "persona set"
    print(f"Wrote {out}: the {kind} of ‘{printable(saved.name)}’ version {saved.version} ({fmt})")
    return 0


PERSONAS = Command(
    "personas",
    "list and export the persona sets saved in the app",
    subcommands=(
        Command(
            "list",
            "the saved persona sets: id, name, dataset, latest version, author, last saved",
            add_list_arguments,
            run_list,
        ),
        Command(
            "export",
            "write a saved persona set as json, md, html, or its customers as csv or xlsx",
            add_export_arguments,
            run_export,
        ),
    ),
)
