"""Read a customer table from a file path or an upload, the one way the app, CLI and workers do.

Formats are chosen by extension: CSV text (``.csv``, ``.txt``, ``.tsv``; delimiter found among
``, ; tab |``; UTF-8, UTF-16 with BOM or Windows-1252), Excel ``.xlsx`` (the first sheet only:
a workbook's other sheets are ignored) and Parquet (its column types are kept). Whatever the
format, headers get the same canonical names and text cells the same typing
(``algorithms.columns``), so a table behaves alike however it was saved.

Everything wrong with a file is a ``DataError`` whose one sentence says what to do. Size limits
are checked as early as the format allows: bytes before reading; columns and line lengths from
the first megabytes of text; what a workbook's parts unpack to, from its zip directory, before
openpyxl opens it; rows, columns and unpacked size of Parquet from its footer; rows while
parsing (never more than the limit plus one); the unpacked size of values while unpacking. So
an oversized or hostile upload (a zip bomb) is refused without being loaded whole.
"""

import io
import zipfile
from collections.abc import Iterator
from itertools import islice
from os import PathLike
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from algorithms.columns import canonical_column_name, name_columns, type_text_cells
from algorithms.errors import DataError
from algorithms.table_limits import TableLimits
from algorithms.text_tables import empty_file_error, read_text_table

__all__ = [
    "SAMPLE_PATH",
    "TableLimits",
    "canonical_column_name",
    "check_file_name",
    "load_sample",
    "load_table",
]

SAMPLE_PATH = Path(__file__).resolve().parents[1] / "data" / "mall_customers.csv"
ACCEPTED_FORMATS = "CSV (.csv, .txt, .tsv), Excel (.xlsx) or Parquet (.parquet)"
_FORMAT_BY_SUFFIX = {
    ".csv": "text",
    ".txt": "text",
    ".tsv": "text",
    ".xlsx": "excel",
    ".parquet": "parquet",
}
_MAGIC = {b"PK\x03\x04": "excel", b"PAR1": "parquet", b"\xd0\xcf\x11\xe0": "ole2"}
_MISMATCH = {"excel": "an Excel workbook or another zip archive", "parquet": "a Parquet file"}
_UNUSABLE_TYPES = (
    pa.types.is_nested,
    pa.types.is_binary,
    pa.types.is_large_binary,
    pa.types.is_fixed_size_binary,
)
_PARQUET_BATCH_ROWS = 16_384  # unpacked and measured a batch at a time
_BAD_WORKBOOK = (zipfile.BadZipFile, KeyError, OSError, ValueError)
_BAD_WORKBOOK += (TypeError, IndexError, SyntaxError, EOFError)


def load_table(
    source: str | PathLike | bytes,
    filename: str | None = None,
    limits: TableLimits | None = None,
) -> pd.DataFrame:
    """The table in ``source``: a file path, or the bytes of an upload named ``filename``.

    Columns come back with canonical names; text columns as strings with NaN for missing cells;
    the index is a fresh ``RangeIndex`` (row 0 is the first data row). Rows with no value at all
    are dropped. A source without a file extension is recognised from its content.
    """
    limits = limits or TableLimits()
    raw, name = _read_source(source, filename, limits)
    label = f"'{name}'" if name else "The upload"
    if not raw:
        raise empty_file_error(label)
    file_format = _file_format(raw, name, label)
    reader = {"text": read_text_table, "excel": _read_excel, "parquet": _read_parquet}[file_format]
    table = reader(raw, label, limits)
    table = table.dropna(how="all").reset_index(drop=True)
    if table.empty:
        raise DataError(f"{label} has a header but no data rows: add the customers below it.")
    return table


def load_sample() -> pd.DataFrame:
    """The bundled 200-customer sample (see ``data/README.md``)."""
    if not SAMPLE_PATH.is_file():
        raise DataError(
            f"The sample table {SAMPLE_PATH} is missing: run data/make_sample.py to recreate it."
        )
    return load_table(SAMPLE_PATH)


def _read_source(source, filename: str | None, limits: TableLimits) -> tuple[bytes, str | None]:
    """The raw bytes and the name to show, the size checked before anything is read."""
    if isinstance(source, bytes | bytearray | memoryview):
        name = Path(filename).name if filename else None
        limits.check_bytes(len(source), f"'{name}'" if name else "The upload")
        return bytes(source), name
    if not isinstance(source, str | PathLike):
        raise TypeError(f"load_table reads a path or bytes, not {type(source).__name__}")
    path = Path(source)
    if not path.exists():
        raise DataError(f"No file at {str(path)!r}: check the path and the file name.")
    if not path.is_file():
        raise DataError(f"{str(path)!r} is a folder, not a file: give the path of a table file.")
    limits.check_bytes(path.stat().st_size, f"'{path.name}'")
    try:
        return path.read_bytes(), filename or path.name
    except OSError as error:
        raise DataError(
            f"Cannot read {str(path)!r} ({error.strerror}): check that you may open it."
        ) from error


def check_file_name(name: str, label: str | None = None) -> None:
    """Refuse, saying why, a file whose extension names a format Segmenta does not read; the
    browser asks this before sending the file."""
    label = label or f"'{name}'"
    suffix = Path(name).suffix.lower()
    if suffix == ".xls":
        raise DataError(
            f"{label}: legacy Excel 97–2003 .xls is not supported: save it as .xlsx or CSV."
        )
    if suffix not in _FORMAT_BY_SUFFIX:
        raise DataError(
            f"{label} is not a format Segmenta reads ({suffix or 'no extension'}): save the "
            f"table as {ACCEPTED_FORMATS}."
        )


def _file_format(raw: bytes, name: str | None, label: str) -> str:
    """``text``, ``excel`` or ``parquet``: by extension, refusing content of another kind.

    A name without extension (an upload saved to a temporary file) is recognised by content.
    """
    content = next((kind for magic, kind in _MAGIC.items() if raw.startswith(magic)), "text")
    suffix = Path(name).suffix.lower() if name else ""
    if suffix:
        check_file_name(name, label)
    if content == "ole2":
        raise DataError(
            f"{label} is an old-style (.xls) or password-protected Office file: save it as an "
            "unprotected .xlsx workbook or as CSV."
        )
    if not suffix:
        return content
    expected = _FORMAT_BY_SUFFIX[suffix]
    if content != expected:
        found = _MISMATCH.get(content, f"something else (it does not start like a {suffix} file)")
        raise DataError(
            f"{label} is named like a {suffix} file but is {found}: export the table again as "
            f"{ACCEPTED_FORMATS}, with the matching extension."
        )
    return expected


def _read_excel(raw: bytes, label: str, limits: TableLimits) -> pd.DataFrame:
    """The first sheet's table; openpyxl's many failures on a damaged file become one message.
    openpyxl is imported here: the commands and pages that never see a workbook skip its
    import (a third of a second of every ``segmenta`` start-up)."""
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        _check_packed_sizes(zipfile.ZipFile(io.BytesIO(raw)), label, limits)
        workbook = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
        try:
            return _first_sheet_table(workbook, label, limits)
        finally:
            workbook.close()
    except DataError:
        raise
    except (*_BAD_WORKBOOK, InvalidFileException) as error:
        raise DataError(
            f"{label} is not a readable Excel workbook (damaged, or not really .xlsx): open it "
            "in Excel and save it again, or export the table as CSV."
        ) from error


def _check_packed_sizes(archive: zipfile.ZipFile, label: str, limits: TableLimits) -> None:
    """Refuse a workbook whose parts unpack to too much, from the sizes its zip directory
    declares (unpacking never yields more than that): a 1.5 MB shared-text part inflating to
    1.5 GB kept openpyxl busy for a minute and the worker at 3 GB."""
    unpacked = 0
    for part in archive.infolist():
        limits.check_packing_ratio(part.filename, part.file_size, part.compress_size, label)
        unpacked += part.file_size
        limits.check_table_bytes(unpacked, label)


def _first_sheet_table(workbook, label: str, limits: TableLimits) -> pd.DataFrame:
    """The first sheet as text cells, its first non-empty row the header."""
    sheet = workbook.worksheets[0]
    # The declared size (one formatted cell at XFD1048576 is enough) would pad every row to
    # 16 384 cells and add a million blank rows: read the cells that are there instead.
    sheet.reset_dimensions()
    rows = _sheet_rows(sheet, label, limits)
    header = next(rows, [])
    if not header:
        raise DataError(
            f"{label} has nothing on its first sheet ({sheet.title!r}): Segmenta reads only "
            "the first sheet, so move the table there."
        )
    limits.check_columns(len(header), label)
    records = list(islice(rows, limits.allowed_rows(len(header)) + 1))
    limits.check_rows(len(records), len(header), label)
    width = max([len(header), *map(len, records)])
    cells = pd.DataFrame(
        [
            [None if value is None else str(value) for value in record]
            + [None] * (width - len(record))
            for record in records
        ],
        columns=range(width),
        dtype="str",
    )
    header += [None] * (width - len(header))
    table = name_columns(type_text_cells(cells), header, label)
    _reject_cover_sheet(table, [each.title for each in workbook.worksheets], label)
    return table


def _reject_cover_sheet(table: pd.DataFrame, sheet_names: list[str], label: str) -> None:
    """A first sheet without a single number, in a workbook with more sheets, is a cover or
    summary sheet: say where Segmenta looked, rather than fail later on "no numeric column"."""
    others = sheet_names[1:]
    if others and not any(map(pd.api.types.is_numeric_dtype, table.dtypes)):
        named = ", ".join(repr(name) for name in others[:5]) + (", ..." if len(others) > 5 else "")
        raise DataError(
            f"{label} has no numbers on its first sheet ({sheet_names[0]!r}), the only one "
            f"Segmenta reads; the workbook also has {named}: move the customer table to the "
            "first sheet, or save it alone as CSV."
        )


def _sheet_rows(sheet, label: str, limits: TableLimits) -> Iterator[list]:
    """The sheet's non-blank rows without trailing blanks, refusing a sheet that unpacks to
    far more than its file: mostly empty cells (reading them would take hours) or long texts
    in every cell (gigabytes once each cell holds its copy)."""
    budget, seen, text_bytes = 2 * limits.max_cells, 0, 0
    for row in sheet.iter_rows(values_only=True):
        seen += len(row) or 1
        if seen > budget:
            raise DataError(
                f"{label} has more than {budget:,} cells on its first sheet, most of them "
                "empty: delete the unused rows and columns, or export the table as CSV."
            )
        values = _without_trailing_blanks(row)
        if values:
            text_bytes += sum(len(value) for value in values if isinstance(value, str))
            limits.check_table_bytes(text_bytes, label)
            yield values


def _without_trailing_blanks(row: tuple) -> list:
    """A sheet row without its empty cells at the end (formatting makes sheets look wider)."""
    values = list(row)
    while values and values[-1] is None:
        values.pop()
    return values


def _read_parquet(raw: bytes, label: str, limits: TableLimits) -> pd.DataFrame:
    """The Parquet table with its own column types; nested and binary columns are refused."""
    try:
        parquet = pq.ParquetFile(pa.BufferReader(raw))
        _check_footer(parquet.metadata, label, limits)
        schema = parquet.schema_arrow
    except DataError:
        raise
    except (pa.ArrowException, OSError, ValueError) as error:
        raise _bad_parquet(label) from error
    for field in schema:
        if any(is_unusable(field.type) for is_unusable in _UNUSABLE_TYPES):
            raise DataError(
                f"{label} has a column {field.name!r} of {field.type} values, which cannot be "
                "clustered: flatten it into plain columns or drop it, and save again."
            )
    try:
        batches, unpacked = [], 0
        for batch in parquet.iter_batches(batch_size=_PARQUET_BATCH_ROWS):
            unpacked += batch.nbytes
            limits.check_table_bytes(unpacked, label)
            batches.append(batch)
        table = pa.Table.from_batches(batches, schema=parquet.schema_arrow).to_pandas()
    except DataError:
        raise
    except (pa.ArrowException, OSError, ValueError) as error:
        raise _bad_parquet(label) from error
    if not isinstance(table.index, pd.RangeIndex):
        table = table.reset_index(drop=all(level is None for level in table.index.names))
    return name_columns(table.set_axis(range(table.shape[1]), axis=1), list(table.columns), label)


def _check_footer(metadata: pq.FileMetaData, label: str, limits: TableLimits) -> None:
    """Columns (nested ones count each leaf), rows and unpacked bytes as the footer declares
    them, before any data is read: a batch of thousands of rows may already unpack to
    gigabytes of long texts (dictionary-packed texts are measured while unpacking)."""
    limits.check_columns(metadata.num_columns, label)
    limits.check_rows(metadata.num_rows, metadata.num_columns, label)
    unpacked = sum(metadata.row_group(i).total_byte_size for i in range(metadata.num_row_groups))
    limits.check_table_bytes(unpacked, label)


def _bad_parquet(label: str) -> DataError:
    return DataError(
        f"{label} is not a readable Parquet file: write it again, or export it as CSV."
    )
