"""Delimited text (CSV, TSV...) into a table of text cells: encoding, delimiter, parsing.

Files come from spreadsheets and exports in many local conventions, so the encoding is found
(UTF-16 with BOM, UTF-8 with or without BOM, else Windows-1252), the delimiter is sniffed among
``, ; tab |``, and every cell is read as text first; ``algorithms.columns`` decides what is a
number. Binary content that only wears a text extension is refused before pandas sees it.
"""

import csv
import io
import re
from itertools import islice

import pandas as pd

from algorithms.columns import name_columns, type_text_cells
from algorithms.errors import DataError
from algorithms.table_limits import TableLimits

_DELIMITERS = ",;\t|"
_SAMPLE_CHARS = 65_536
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def empty_file_error(label: str) -> DataError:
    return DataError(f"{label} is empty: choose the file that holds the customer table.")


def read_text_table(raw: bytes, label: str, limits: TableLimits) -> pd.DataFrame:
    text = _decode(raw, label)
    if not text.strip():
        raise empty_file_error(label)
    text, delimiter = _declared_delimiter(text)
    delimiter = delimiter or _sniff_delimiter(text[:_SAMPLE_CHARS])
    header = _parse_csv(text, delimiter, label, rows=1).iloc[0].tolist()
    limits.check_columns(len(header), label)
    cells = _parse_csv(text, delimiter, label, rows=limits.allowed_rows(len(header)) + 2)
    limits.check_rows(len(cells) - 1, len(header), label)
    body = cells.iloc[1:].reset_index(drop=True)
    return name_columns(type_text_cells(body, decimal_comma=delimiter == ";"), header, label)


def _decode(raw: bytes, label: str) -> str:
    """Text from UTF-16 (with a BOM), UTF-8 (BOM or not) or Windows-1252, refusing binary data."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ("utf-16",)
    elif b"\x00" in raw[:_SAMPLE_CHARS]:
        raise _binary(label)
    else:
        encodings = ("utf-8-sig", "cp1252")
    for encoding in encodings:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        sample = text[:_SAMPLE_CHARS]
        if len(_CONTROL_CHARS.findall(sample)) > len(sample) // 100:
            raise _binary(label)
        return text
    raise DataError(f"{label} is neither UTF-8 nor Windows-1252 text: save it again as CSV UTF-8.")


def _binary(label: str) -> DataError:
    return DataError(f"{label} holds binary data, not text: export the table as CSV and load that.")


def _declared_delimiter(text: str) -> tuple[str, str | None]:
    """Excel's ``sep=;`` first line, if present: the delimiter it names and the text after it."""
    first_line, _, rest = text.partition("\n")
    declared = re.fullmatch(r"sep=(.)\r?", first_line)
    return (rest, declared.group(1)) if declared else (text, None)


def _sniff_delimiter(sample: str) -> str:
    """The delimiter that splits the header into most fields the first rows agree with."""
    best, best_score = ",", (0.0, 1)
    for delimiter in _DELIMITERS:
        try:
            widths = [
                len(row) for row in islice(csv.reader(io.StringIO(sample), delimiter=delimiter), 50)
            ]
        except csv.Error:
            continue
        widths = [width for width in widths if width] or [0]
        agreement = sum(width == widths[0] for width in widths) / len(widths)
        if widths[0] > 1 and (agreement, widths[0]) > best_score:
            best, best_score = delimiter, (agreement, widths[0])
    return best


def _parse_csv(text: str, delimiter: str, label: str, rows: int) -> pd.DataFrame:
    """The first ``rows`` records (header included) as strings, nothing interpreted yet."""
    try:
        return pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            header=None,
            nrows=rows,
            dtype=str,
            na_filter=False,
            engine="c",
        )
    except pd.errors.EmptyDataError as error:
        raise empty_file_error(label) from error
    except (pd.errors.ParserError, ValueError, OverflowError) as error:
        found = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(error))
        if found:
            expected, line, saw = found.groups()
            raise DataError(
                f"{label} has {saw} values on line {line} but {expected} columns in its "
                "header: check the delimiter and the quotes on that line."
            ) from error
        reason = str(error).strip().splitlines()[-1]
        raise DataError(
            f"{label} cannot be read as CSV ({reason}): check that it is a table with one "
            "header row and matching quotes."
        ) from error
