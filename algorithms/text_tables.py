"""Delimited text (CSV, TSV...) into a table of text cells: encoding, delimiter, parsing.

Files come from spreadsheets and exports in many local conventions, so the encoding is found
(UTF-16 with BOM, UTF-8 with or without BOM, else Windows-1252), the delimiter is sniffed among
``, ; tab |``, and every cell is read as text first; ``algorithms.columns`` decides what is a
number. Binary content that only wears a text extension is refused before pandas sees it.

The cells of a UTF-8 file are parsed by pyarrow's CSV reader (a million rows in a fifth of
the time pandas takes), with the same settings; a file it cannot read the way pandas does (a
ragged row, another encoding, more lines than the row limit) goes to pandas, whose result and
messages are the reference.
"""

import codecs
import csv
import io
import re
from dataclasses import dataclass
from itertools import islice

import pandas as pd
import pyarrow as pa
import pyarrow.csv as arrow_csv

from algorithms.columns import name_columns, type_text_cells
from algorithms.errors import DataError
from algorithms.table_limits import TableLimits

_DELIMITERS = ",;\t|"
_SAMPLE_CHARS = 65_536
_CHUNK_BYTES = 1 << 20
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def empty_file_error(label: str) -> DataError:
    return DataError(f"{label} is empty: choose the file that holds the customer table.")


def read_text_table(raw: bytes, label: str, limits: TableLimits) -> pd.DataFrame:
    """The table in ``raw``, parsed straight from the bytes: only a sample is kept as text
    (for the delimiter), so a file over the row or cell limit costs little beyond its bytes,
    not a copy of its whole text per parse."""
    encoding, sample, blank = _decode(raw, label)
    if blank:
        raise empty_file_error(label)
    skip, delimiter = _declared_delimiter(sample)
    delimiter = delimiter or _sniff_delimiter(sample[skip:])
    source = _Source(raw, encoding, 1 if skip else 0, delimiter, label)
    header = source.parse(rows=1).iloc[0].tolist()
    limits.check_columns(len(header), label)
    rows = limits.allowed_rows(len(header)) + 2
    cells = source.parse_with_arrow(len(header), rows)
    if cells is None:
        cells = source.parse(rows=rows)
    limits.check_rows(len(cells) - 1, len(header), label)
    body = cells.iloc[1:].reset_index(drop=True)
    return name_columns(type_text_cells(body, decimal_comma=delimiter == ";"), header, label)


def _decode(raw: bytes, label: str) -> tuple[str, str, bool]:
    """(encoding, decoded sample, whether the text is blank), refusing binary data.

    UTF-16 needs its BOM; otherwise UTF-8 (BOM or not), else Windows-1252. The whole file is
    decoded to check the encoding, but a chunk at a time: a 100 MB file with one emoji would
    otherwise take 400 MB as a Python string.
    """
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ("utf-16",)
    elif b"\x00" in raw[:_SAMPLE_CHARS]:
        raise _binary(label)
    else:
        encodings = ("utf-8-sig", "cp1252")
    for encoding in encodings:
        try:
            sample, blank = _scan(raw, encoding)
        except UnicodeDecodeError:
            continue
        if len(_CONTROL_CHARS.findall(sample)) > len(sample) // 100:
            raise _binary(label)
        return encoding, sample, blank
    raise DataError(f"{label} is neither UTF-8 nor Windows-1252 text: save it again as CSV UTF-8.")


def _scan(raw: bytes, encoding: str) -> tuple[str, bool]:
    """(the first characters, whether it is all whitespace); UnicodeDecodeError if ``raw`` is
    not in ``encoding``."""
    decoder = codecs.getincrementaldecoder(encoding)()
    view = memoryview(raw)
    sample, blank = "", True
    for start in range(0, len(raw), _CHUNK_BYTES):
        text = decoder.decode(view[start : start + _CHUNK_BYTES])
        sample += text[: _SAMPLE_CHARS - len(sample)]
        blank = blank and (not text or text.isspace())
    tail = decoder.decode(b"", final=True)
    return sample, blank and (not tail or tail.isspace())


def _binary(label: str) -> DataError:
    return DataError(f"{label} holds binary data, not text: export the table as CSV and load that.")


def _declared_delimiter(sample: str) -> tuple[int, str | None]:
    """Excel's ``sep=;`` first line, if present: (characters to skip, the delimiter it names)."""
    first_line = sample.split("\n", 1)[0]
    declared = re.fullmatch(r"sep=(.)\r?", first_line)
    return (len(first_line) + 1, declared.group(1)) if declared else (0, None)


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


@dataclass(frozen=True)
class _Source:
    """The bytes of a delimited file and how to read them."""

    raw: bytes
    encoding: str
    skip_lines: int
    delimiter: str
    label: str

    def parse(self, rows: int) -> pd.DataFrame:
        """The first ``rows`` records (header included) as strings, nothing interpreted yet."""
        try:
            return pd.read_csv(
                io.BytesIO(self.raw),
                encoding=self.encoding,
                skiprows=self.skip_lines,
                sep=self.delimiter,
                header=None,
                nrows=rows,
                dtype=str,
                na_filter=False,
                engine="c",
            )
        except pd.errors.EmptyDataError as error:
            raise empty_file_error(self.label) from error
        except (pd.errors.ParserError, ValueError, OverflowError) as error:
            raise _parse_error(error, self.label) from error

    def parse_with_arrow(self, n_columns: int, rows: int) -> pd.DataFrame | None:
        """What ``parse(rows)`` returns, read by pyarrow; None where pandas must read it: text
        not in UTF-8, a row whose width differs from the header's, or more lines than
        ``rows`` (pandas stops reading there; pyarrow would hold the whole file)."""
        if self.encoding != "utf-8-sig" or self.raw.count(b"\n") >= rows + self.skip_lines:
            return None
        names = [str(position) for position in range(n_columns)]
        try:
            table = arrow_csv.read_csv(
                pa.BufferReader(self.raw),
                read_options=arrow_csv.ReadOptions(skip_rows=self.skip_lines, column_names=names),
                parse_options=arrow_csv.ParseOptions(
                    delimiter=self.delimiter, newlines_in_values=True
                ),
                convert_options=arrow_csv.ConvertOptions(
                    column_types=dict.fromkeys(names, pa.string()),
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                ),
            )
        except pa.ArrowInvalid:
            return None
        return table.to_pandas().set_axis(range(n_columns), axis=1)


def _parse_error(error: Exception, label: str) -> DataError:
    found = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(error))
    if found:
        expected, line, saw = found.groups()
        return DataError(
            f"{label} has {saw} values on line {line} but {expected} columns in its "
            "header: check the delimiter and the quotes on that line."
        )
    reason = str(error).strip().splitlines()[-1]
    return DataError(
        f"{label} cannot be read as CSV ({reason}): check that it is a table with one "
        "header row and matching quotes."
    )
