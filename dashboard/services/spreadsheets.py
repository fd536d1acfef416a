"""Files a spreadsheet opens, CSV and Excel, written so that no cell runs as a formula: the one
writer of the page's downloads, the API and the CLI.

Customer tables and persona names are other people's text: a customer named
``=HYPERLINK("http://…","click")`` or a column headed ``=cmd|' /C calc'!A0`` would become a
live formula when a teammate opens the export in Excel or LibreOffice. Following OWASP's advice
against CSV injection, a CSV text cell or header that starts with ``=``, ``+``, ``-``, ``@``, a
tab or a carriage return is written with a leading ``'``; numeric columns are written as
numbers (``-5`` stays ``-5``) and other text as it came (IDs like ``0001``). ``raw=True``
writes text untouched, for programs that read the file back (``segmenta ... --raw-csv``).

An Excel cell has a type, so there text is stored as text and needs no ``'``; but openpyxl
stores any string starting with ``=`` as a formula, so such cells are turned back into text,
and every formula-like text cell is marked ``quotePrefix`` so that editing it in Excel keeps it
text.
"""

import csv
import io
from collections.abc import Callable
from os import PathLike
from typing import BinaryIO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as arrow_csv

EXCEL_MAX_ROWS = 1_048_575
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def starts_like_formula(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def inert_text(value):
    """``value`` with a leading ``'`` if it is text a spreadsheet would run as a formula."""
    return "'" + value if starts_like_formula(value) else value


def inert_table(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with its headers and text cells made inert; other columns are left as they are.

    Only text columns (object, string, category) are looked at, and within them only strings:
    a number held in a text column stays a number.
    """
    inert = table.copy(deep=False)
    for position, (_, column) in enumerate(table.items()):
        formulas = _text_rows(column, _formula_starts)
        if formulas.any():
            cells = column.to_numpy(dtype=object, copy=True)
            cells[formulas] = ["'" + text for text in cells[formulas]]
            inert.isetitem(position, pd.Series(cells, index=table.index, dtype=object))
    inert.columns = [inert_text(name) for name in table.columns]
    return inert


def _text_rows(column: pd.Series, test: Callable) -> np.ndarray:
    """Where a text column (object, string, category) holds a string that passes ``test`` (a
    function of the column's ``.str``); nowhere in other columns."""
    if not (
        pd.api.types.is_string_dtype(column.dtype) or isinstance(column.dtype, pd.CategoricalDtype)
    ):
        return np.zeros(len(column), dtype=bool)
    try:
        return test(column.str).to_numpy(dtype=bool)
    except AttributeError:  # a text-typed column that holds no text (only numbers, say)
        return np.zeros(len(column), dtype=bool)


def _formula_starts(text) -> pd.Series:
    return text.startswith(FORMULA_STARTS, na=False)


def _carriage_returns(text) -> pd.Series:
    return text.contains("\r", regex=False, na=False)


def _line_end(table: pd.DataFrame) -> str:
    """LF, or CRLF when a cell or header holds a carriage return (CR).

    Python's CSV writer quotes a cell only for the characters of the line end: with LF, a bare
    CR would be left unquoted and end the row in Excel and in pandas, and what follows it
    (``=cmd|...``, say) would start a row of its own. CRLF (RFC 4180's line end) keeps it in
    its quoted cell; other tables keep plain LF.
    """
    in_cells = any(_text_rows(column, _carriage_returns).any() for _, column in table.items())
    in_headers = any(isinstance(name, str) and "\r" in name for name in table.columns)
    return "\r\n" if in_cells or in_headers else "\n"


def plain_number(value: float) -> str:
    """A float as a CSV cell the way files usually hold it: ``1000`` not ``1000.0``.

    Numeric columns with a gap load as floats, so without this an integer column with one
    missing value would come back with ``.0`` on every value.
    """
    value = float(value)
    return str(int(value)) if value.is_integer() else repr(value)


def write_csv(
    table: pd.DataFrame, destination: str | PathLike | BinaryIO, raw: bool = False
) -> None:
    """``table`` as UTF-8 CSV to a path or an open binary file, inert unless ``raw``.

    A file on disk of numbers and plain text is written by pyarrow (a million rows in a second
    instead of ten), which writes it as pandas would; anything else goes to pandas."""
    written = table if raw else inert_table(table)
    line_end = _line_end(written)
    if (
        isinstance(destination, str | PathLike)
        and line_end == "\n"
        and _arrow_writes_alike(written)
    ):
        _write_with_arrow(written, destination)
        return
    written.to_csv(
        destination,
        index=False,
        float_format=plain_number,
        encoding="utf-8",
        lineterminator=line_end,
    )


def _write_with_arrow(table: pd.DataFrame, path: str | PathLike) -> None:
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


def csv_bytes(table: pd.DataFrame, raw: bool = False) -> bytes:
    buffer = io.BytesIO()
    write_csv(table, buffer, raw)
    return buffer.getvalue()


def excel_bytes(table: pd.DataFrame, sheet: str = "Customers") -> bytes:
    if len(table) > EXCEL_MAX_ROWS:
        raise ValueError(f"{len(table):,} rows do not fit in an Excel sheet: use CSV.")
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        table.to_excel(writer, sheet_name=sheet, index=False)
        _text_not_formulas(writer.sheets[sheet])
    return buffer.getvalue()


def _text_not_formulas(worksheet) -> None:
    for row in worksheet.iter_rows():
        for cell in row:
            if starts_like_formula(cell.value):
                cell.data_type = "s"
                cell.quotePrefix = True
