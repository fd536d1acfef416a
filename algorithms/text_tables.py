"""Delimited text (CSV, TSV...) into a table of text cells: encoding, delimiter, parsing.

Files come from spreadsheets and exports in many local conventions, so the encoding is found
(UTF-16 with BOM, UTF-8 with or without BOM, else Windows-1252), the delimiter is sniffed among
``, ; tab |``, and every cell is read as text first; ``algorithms.columns`` decides what is a
number. Binary content, an HTML page or JSON that only wear a text extension, and a header or
line too long for the column limit are refused from the first two million characters, before
pandas sees the file: pandas would build a column for each field of a 2 MB line of commas
(minutes, gigabytes) before any limit could be checked.

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
_HEAD_CHARS = 2 * 1024**2
_CHUNK_BYTES = 1 << 20
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_LINE_END = re.compile(r"\r\n|\r|\n")


def empty_file_error(label: str) -> DataError:
    return DataError(f"{label} is empty: choose the file that holds the customer table.")


def read_text_table(raw: bytes, label: str, limits: TableLimits) -> pd.DataFrame:
    """The table in ``raw``, parsed straight from the bytes: only a sample is kept as text
    (for the delimiter), so a file over the row or cell limit costs little beyond its bytes,
    not a copy of its whole text per parse."""
    encoding, head, blank = _decode(raw, label)
    if blank:
        raise empty_file_error(label)
    _refuse_other_documents(head, label)
    skip, delimiter = _declared_delimiter(head)
    delimiter = delimiter or _sniff_delimiter(head[skip : skip + _SAMPLE_CHARS])
    _check_shape(head[skip:], delimiter, label, limits, first_line=2 if skip else 1)
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
    """(encoding, the first few million characters, whether the text is blank), refusing
    binary data.

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
            head, blank = _scan(raw, encoding)
        except UnicodeDecodeError:
            continue
        sample = head[:_SAMPLE_CHARS]
        if len(_CONTROL_CHARS.findall(sample)) > len(sample) // 100:
            raise _binary(label)
        return encoding, head, blank
    raise DataError(f"{label} is neither UTF-8 nor Windows-1252 text: save it again as CSV UTF-8.")


def _scan(raw: bytes, encoding: str) -> tuple[str, bool]:
    """(the first characters, whether it is all whitespace); UnicodeDecodeError if ``raw`` is
    not in ``encoding``."""
    decoder = codecs.getincrementaldecoder(encoding)()
    view = memoryview(raw)
    head, blank = "", True
    for start in range(0, len(raw), _CHUNK_BYTES):
        text = decoder.decode(view[start : start + _CHUNK_BYTES])
        if len(head) < _HEAD_CHARS:
            head += text[: _HEAD_CHARS - len(head)]
        blank = blank and (not text or text.isspace())
    tail = decoder.decode(b"", final=True)
    return head, blank and (not tail or tail.isspace())


def _binary(label: str) -> DataError:
    return DataError(f"{label} holds binary data, not text: export the table as CSV and load that.")


_HTML_START = re.compile(r"\s*<(!doctype html|html[\s>])", re.IGNORECASE)
_JSON_START = re.compile(r'\s*(\{\s*"|\[\s*[\[{"\]])')


def _refuse_other_documents(head: str, label: str) -> None:
    """A web page or JSON saved under a table's name: say what it is (read as CSV, it would be
    "a header without rows" or a single column named ``<!DOCTYPE html>``)."""
    if _HTML_START.match(head):
        raise DataError(
            f"{label} looks like an HTML page, not a table: open the page, export its table as "
            "CSV (or copy it into a spreadsheet and save as CSV), and load that."
        )
    if _JSON_START.match(head):
        raise DataError(
            f"{label} looks like JSON, not a table: export the data as CSV (one customer per "
            "line, the column names in the first), or convert it, e.g. with pandas' read_json "
            "and to_csv."
        )


def _check_shape(
    text: str, delimiter: str, label: str, limits: TableLimits, first_line: int
) -> None:
    """Refuse a header with more fields than the column limit, or a line longer than the line
    limit, counted with the ``csv`` module on the start of the text (lines are read at most
    the limit deep, so a giant line costs no more than the limit)."""
    lines = _MeasuredLines(text, limits.max_line_chars)
    records = csv.reader(lines, delimiter=delimiter)
    try:
        header = next(records, [])
        limits.check_columns(len(header), label, counted_in_part=lines.cut)
        lines.record_chars = 0
        for _record in records:
            if lines.cut:
                break
            lines.record_chars = 0
    except csv.Error as error:
        raise DataError(
            f"{label} cannot be read as CSV ({error}, line {records.line_num + first_line - 1:,})"
            ": check the quotes on that line (an unclosed quote runs on to the end of the file)."
        ) from error
    if lines.cut:
        raise limits.line_too_long(records.line_num + first_line - 1, label)


class _MeasuredLines:
    """The lines of a text for ``csv.reader``, which ends where a record passes ``longest``
    characters (``cut``); the reader resets ``record_chars`` after each record. Lines are
    sliced from the text, never copied whole (``io.StringIO`` would take 4 bytes a character)."""

    def __init__(self, text: str, longest: int):
        self._text = text
        self._start = 0
        self.longest = longest
        self.record_chars = 0
        self.cut = False

    def __iter__(self):
        return self

    def __next__(self) -> str:
        if self.cut or self._start >= len(self._text):
            raise StopIteration
        stop = self._start + self.longest - self.record_chars + 1
        end = _LINE_END.search(self._text, self._start, stop)
        line = self._text[self._start : end.end() if end else stop]
        self._start += len(line)
        self.record_chars += len(line)
        self.cut = self.record_chars > self.longest
        return line


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
