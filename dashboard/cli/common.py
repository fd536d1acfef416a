"""What several commands share: the feature options, checking and writing output files, and
plain-text tables for the terminal."""

import argparse
import csv
import json
import unicodedata
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as arrow_csv

from algorithms.errors import DataError, ParameterError
from algorithms.loading import canonical_column_name
from algorithms.methods import NOISE
from algorithms.model_io import CLUSTER_COLUMN, PERSONA_COLUMN
from algorithms.preprocessing import SCALERS
from dashboard.spreadsheets import EXCEL_MAX_ROWS, excel_bytes

INPUT_HELP = "customer table: .csv, .txt, .tsv, .xlsx or .parquet"


def plain_number(value: float) -> str:
    """A float as a CSV cell the way files usually hold it: ``1000`` not ``1000.0``.

    Numeric columns with a gap load as floats, so without this an integer column with one
    missing value would come back with ``.0`` on every value.
    """
    value = float(value)
    return str(int(value)) if value.is_integer() else repr(value)


def write_csv(table: pd.DataFrame, path) -> None:
    """The table as CSV, by pyarrow's writer where it writes what pandas would (a million
    rows in a second instead of ten): numbers and text, no cell needing quotes. Floats come out
    in their shortest exact form either way (``1000``, ``37.2``); other tables go to pandas."""
    if not _arrow_writes_alike(table):
        table.to_csv(path, index=False, float_format=plain_number)
        return
    with open(path, "w", newline="", encoding="utf-8") as file:
        csv.writer(file, lineterminator="\n").writerow(table.columns)
    with open(path, "ab") as file:
        arrow_csv.write_csv(
            pa.Table.from_pandas(table, preserve_index=False),
            file,
            arrow_csv.WriteOptions(include_header=False, quoting_style="none"),
        )


def _arrow_writes_alike(table: pd.DataFrame) -> bool:
    """Whether every column is numbers or text without a delimiter, quote or line break
    (pyarrow writes booleans, dates and quoted text differently from pandas)."""
    for _, column in table.items():
        if pd.api.types.is_bool_dtype(column) or not (
            pd.api.types.is_numeric_dtype(column) or pd.api.types.is_string_dtype(column)
        ):
            return False
        if pd.api.types.is_string_dtype(column):
            try:
                texts = pa.array(column, type=pa.large_string())
            except (pa.ArrowInvalid, pa.ArrowTypeError):
                return False
            if pc.any(pc.match_substring_regex(texts, r'[,"\r\n]')).as_py():
                return False
    return True


TABLE_WRITERS = {
    ".csv": write_csv,
    ".xlsx": lambda table, path: Path(path).write_bytes(excel_bytes(table)),
    ".parquet": lambda table, path: table.to_parquet(path, index=False),
}


# options -------------------------------------------------------------------------------------


def whole_number(minimum: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, not {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, not {value}")
        return value

    parse.__name__ = "whole number"
    return parse


def add_feature_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("input", help=INPUT_HELP)
    parser.add_argument(
        "--features", nargs="+", required=True, metavar="COL",
        help="numeric columns to segment on (see `segmenta columns INPUT`)",
    )  # fmt: skip
    parser.add_argument(
        "--scale", choices=list(SCALERS), default="standard",
        help="scaling of the features before clustering (default: standard)",
    )  # fmt: skip
    parser.add_argument(
        "--encode", metavar="COLUMN", help="a text column (e.g. Gender) to one-hot encode as well"
    )
    parser.add_argument("--seed", type=whole_number(0), default=0, help="random seed (default: 0)")


def add_database_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--database", metavar="URL",
        help="the app's persona database (default: $DATABASE_URL, else segmenta.db in the "
        "instance folder, $SEGMENTA_INSTANCE)",
    )  # fmt: skip


def canonical_columns(names: list[str] | None) -> list[str]:
    """Column names as the loader names them, so ``Genre`` or ``income`` find their column."""
    return [canonical_column_name(name) for name in names or []]


def feature_choice(args: argparse.Namespace) -> tuple[list[str], str | None]:
    """The chosen features and encoded column, named as the loader names columns."""
    encoded = canonical_columns([args.encode])[0] if args.encode else None
    return canonical_columns(args.features), encoded


# files ---------------------------------------------------------------------------------------


def check_output(path: str, suffixes, input_path: str | None = None) -> Path:
    """Refuse an output before the work: wrong extension, missing folder, the input itself."""
    path = Path(path)
    if suffixes and path.suffix.lower() not in suffixes:
        raise ParameterError(
            f"Cannot write {str(path)!r}: give it one of the extensions {', '.join(suffixes)}."
        )
    if not path.parent.is_dir():
        raise ParameterError(
            f"Cannot write {str(path)!r}: the folder {str(path.parent)!r} does not exist."
        )
    if input_path and path.resolve() == Path(input_path).resolve():
        raise ParameterError(f"{str(path)!r} is the input file: choose another output path.")
    return path


@contextmanager
def writing(path: Path):
    """Turn a failed write (permissions, a full disk) into an error naming the file."""
    try:
        yield path
    except OSError as error:
        raise DataError(f"Cannot write {str(path)!r}: {error.strerror or error}.") from error


def write_table(table: pd.DataFrame, path: Path) -> None:
    suffix = path.suffix.lower()
    if suffix == ".xlsx" and len(table) > EXCEL_MAX_ROWS:
        raise DataError(
            f"{len(table):,} rows do not fit in an Excel sheet: write .csv or .parquet instead."
        )
    with writing(path):
        TABLE_WRITERS[suffix](table, path)


def json_text(record) -> str:
    return json.dumps(record, indent=2, allow_nan=False, ensure_ascii=False) + "\n"


def write_json(record: dict, path: Path) -> None:
    with writing(path):
        path.write_text(json_text(record), encoding="utf-8")


# terminal ------------------------------------------------------------------------------------


def printable(text: object) -> str:
    """Text for the terminal: persona and set names are the team's free text, and a line
    break or an escape sequence in one would break a table or restyle the terminal."""
    return "".join(map(_printable_character, str(text)))


def _printable_character(char: str) -> str:
    if char.isspace():
        return " "
    if unicodedata.category(char) == "Cc":
        return f"\\x{ord(char):02x}"
    return char


def aligned(frame: pd.DataFrame, left: tuple[str, ...] = ()) -> str:
    """A plain-text table for the terminal: the ``left`` columns left-aligned, others right."""
    columns = []
    for name in frame.columns:
        texts = [printable(name), *(printable(value) for value in frame[name])]
        width = max(map(len, texts))
        columns.append([t.ljust(width) if name in left else t.rjust(width) for t in texts])
    return "\n".join("  ".join(row).rstrip() for row in zip(*columns, strict=True))


def persona_counts(labelled: pd.DataFrame) -> pd.DataFrame:
    """Customers per segment of a labelled table, noise last, unassigned rows left out."""
    assigned = labelled.dropna(subset=[CLUSTER_COLUMN])
    counts = (
        assigned.groupby([CLUSTER_COLUMN, PERSONA_COLUMN]).size().rename("customers").reset_index()
    )
    counts["share"] = (counts["customers"] / len(labelled)).map("{:.1%}".format)
    counts["order"] = counts[CLUSTER_COLUMN].where(
        counts[CLUSTER_COLUMN] != NOISE, counts[CLUSTER_COLUMN].max() + 1
    )
    return counts.sort_values("order").drop(columns="order")


def describe_labelled(labelled: pd.DataFrame) -> list[str]:
    lines = [aligned(persona_counts(labelled), left=(PERSONA_COLUMN,))]
    unassigned = int(labelled[CLUSTER_COLUMN].isna().sum())
    if unassigned:
        lines.append(
            f"{unassigned:,} customers left out: a feature value is missing (empty Cluster)."
        )
    return lines
