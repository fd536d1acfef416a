"""What several commands share: the feature options, checking and writing output files, and
plain-text tables for the terminal."""

import argparse
import json
import unicodedata
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from algorithms.errors import DataError, ParameterError
from algorithms.loading import canonical_column_name
from algorithms.methods import NOISE
from algorithms.model_io import CLUSTER_COLUMN, PERSONA_COLUMN
from algorithms.model_signing import ModelKey
from algorithms.preprocessing import SCALERS
from dashboard.services.spreadsheets import EXCEL_MAX_ROWS, excel_bytes, write_csv

INPUT_HELP = "customer table: .csv, .txt, .tsv, .xlsx or .parquet"


TABLE_WRITERS: dict[str, Callable[[pd.DataFrame, Path, bool], object]] = {
    ".csv": lambda table, path, raw_csv: write_csv(table, path, raw=raw_csv),
    ".xlsx": lambda table, path, _: path.write_bytes(excel_bytes(table)),
    ".parquet": lambda table, path, _: table.to_parquet(path, index=False),
}
RAW_CSV_HELP = (
    "write CSV text cells and headers exactly as they are, for programs that read the file; "
    "by default one that starts with = + - @, a tab or a carriage return gets a leading ' so "
    "that a spreadsheet shows it as text instead of running it as a formula"
)


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
        help="scaling of the features before clustering (default: standard); log (log1p, "
        "then standard) or power (Yeo-Johnson) for skewed features such as spend",
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


def add_raw_csv_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--raw-csv", action="store_true", help=RAW_CSV_HELP)


def check_raw_csv(raw_csv: bool, out: Path, output_format: str | None = None) -> None:
    """``--raw-csv`` is only about CSV: asking for it with another output is a mistake.
    ``output_format`` (``csv``, ``xlsx``...) when it is not the extension of ``out``."""
    if raw_csv and (output_format or out.suffix.lower().lstrip(".")) != "csv":
        raise ParameterError(
            f"--raw-csv is for .csv output, not {str(out)!r}: only CSV cells are made inert "
            "(Excel and Parquet files hold text as text)."
        )


def write_table(table: pd.DataFrame, path: Path, raw_csv: bool = False) -> None:
    """``table`` as .csv (inert for spreadsheets unless ``raw_csv``), .xlsx or .parquet."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx" and len(table) > EXCEL_MAX_ROWS:
        raise DataError(
            f"{len(table):,} rows do not fit in an Excel sheet: write .csv or .parquet instead."
        )
    with writing(path):
        TABLE_WRITERS[suffix](table, path, raw_csv)


def model_key() -> ModelKey:
    """The key that signs and checks model files: the app's, so models move between the two
    (``SEGMENTA_MODEL_KEY``, else ``model_key`` in the instance folder)."""
    from dashboard.config import instance_path_from_env  # the app's settings, only when asked

    return ModelKey.for_instance(instance_path_from_env())


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
