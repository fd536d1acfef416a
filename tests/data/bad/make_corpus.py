"""Write the binary and oversized files of the bad-input corpus into a folder.

The small text files of the corpus are committed next to this module; these are generated at
test time instead: workbooks and Parquet files (binary, and better built by the libraries that
write them), pickles that would leave a trace if anything ever unpickled an upload, a 200 MB
file that must never be committed or held in memory (it is sparse: a valid CSV start, then a
hole up to the size, so writing it costs no disk blocks and no time), and hostile files that
once tied up a worker: 10 MB lines of commas, workbooks that are zip bombs (their gigabyte
parts are packed from one compressed megabyte repeated, not compressed whole), and a Parquet
file whose row groups unpack to over a gigabyte.

``python tests/data/bad/make_corpus.py OUT_DIR`` writes them for a manual look.
"""

import io
import pickle
import struct
import sys
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from openpyxl.styles import Font

HERE = Path(__file__).resolve().parent
MB = 1024 * 1024
OVERSIZED_BYTES = 200 * MB
WIDE_COLUMNS = 2_000
UNPICKLED_MARKER = "UNPICKLED"
"""A file the pickles of the corpus create in their folder when loaded: it must never exist."""


class _Trap:
    """Pickles to a call of ``open(marker, "w")``: unpickling it creates the marker file."""

    def __init__(self, marker: Path):
        self.marker = str(marker)

    def __reduce__(self):
        return (open, (self.marker, "w"))


def customers(n: int = 60, seed: int = 0) -> pd.DataFrame:
    """A small mall-like table with the classic columns."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "CustomerID": [f"{i:04d}" for i in range(1, n + 1)],
            "Gender": rng.choice(["Male", "Female"], n),
            "Age": rng.integers(18, 70, n),
            "Annual Income (k$)": rng.integers(15, 140, n),
            "Spending Score (1-100)": rng.integers(1, 100, n),
        }
    )


def _xlsx(sheets: dict[str, pd.DataFrame]) -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, table in sheets.items():
            table.to_excel(writer, sheet_name=name, index=False)
    return buffer.getvalue()


def _parquet(table: pa.Table) -> bytes:
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    return buffer.getvalue()


def several_sheets(path: Path) -> None:
    notes = pd.DataFrame({"Note": ["exported from the CRM", "do not edit"]})
    path.write_bytes(_xlsx({"Customers": customers(), "Notes": notes, "Pivot": notes}))


def table_on_second_sheet(path: Path) -> None:
    summary = pd.DataFrame({"Summary": ["60 customers", "exported on Monday"]})
    path.write_bytes(_xlsx({"Summary": summary, "Customers": customers()}))


def far_formatted_cell(path: Path) -> None:
    """A small table whose sheet also formats cell XFD1048576 (someone formatted a whole
    column): the sheet declares itself 16 384 columns by 1 048 576 rows."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    table = customers()
    sheet.append(list(table.columns))
    for row in table.itertuples(index=False):
        sheet.append([value.item() if hasattr(value, "item") else value for value in row])
    sheet["XFD1048576"].font = Font(bold=True)
    workbook.save(path)


def corrupt_xlsx(path: Path) -> None:
    whole = _xlsx({"Customers": customers()})
    path.write_bytes(whole[: len(whole) // 2])


def nested_parquet(path: Path) -> None:
    n = 40
    table = pa.table(
        {
            "Age": pa.array(np.arange(20, 20 + n)),
            "Annual Income (k$)": pa.array(np.linspace(15, 120, n)),
            "Purchases": pa.array([[1, 2, 3]] * n),
            "Address": pa.array([{"city": "Oslo", "zip": 150}] * n),
        }
    )
    path.write_bytes(_parquet(table))


def corrupt_parquet(path: Path) -> None:
    whole = _parquet(pa.Table.from_pandas(customers(), preserve_index=False))
    path.write_bytes(whole[:-40])


def infinite_values_parquet(path: Path) -> None:
    table = customers()
    income = table["Annual Income (k$)"].astype("float64")
    income[[2, 5, 9]] = [np.inf, -np.inf, np.nan]
    path.write_bytes(_parquet(pa.Table.from_pandas(table.assign(**{income.name: income}))))


def wide_columns(path: Path) -> None:
    rng = np.random.default_rng(1)
    with path.open("w") as out:
        out.write(",".join(f"feature_{i}" for i in range(WIDE_COLUMNS)) + "\n")
        for _ in range(20):
            out.write(",".join(f"{v:.3f}" for v in rng.random(WIDE_COLUMNS)) + "\n")


def oversized(path: Path) -> None:
    """A CSV start, then a hole: 200 MB on paper, a few bytes on disk and in memory."""
    with path.open("wb") as out:
        out.write(b"Age,Annual Income (k$),Spending Score (1-100)\n" + b"30,50,60\n" * 100)
        out.truncate(OVERSIZED_BYTES)


def header_of_commas(path: Path) -> None:
    """A header of ten million empty fields: pandas never answered on it."""
    path.write_bytes(b"," * (10 * MB) + b"\n1\n")


def long_data_line(path: Path) -> None:
    """A fine header, then a row of two million fields."""
    path.write_bytes(b"Age,Income\n30,40\n" + b"1," * MB + b"1\n31,41\n")


_SHEET_NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_SHARED_STRINGS_TYPE = (
    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
)


def _deflated(head: bytes, unit: bytes = b"", repeats: int = 0, tail: bytes = b""):
    """(raw deflate stream, CRC-32, size) of ``head + unit * repeats + tail``. A full flush
    resets the compressor, so every copy of ``unit`` packs to the same bytes: one is
    compressed and repeated, a gigabyte in a second where compressing it took ten."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    start = packer.compress(head) + packer.flush(zlib.Z_FULL_FLUSH)
    packed_unit = packer.compress(unit) + packer.flush(zlib.Z_FULL_FLUSH)
    end = packer.compress(tail) + packer.flush()
    crc = zlib.crc32(head)
    for _ in range(repeats):
        crc = zlib.crc32(unit, crc)
    crc = zlib.crc32(tail, crc)
    return start + packed_unit * repeats + end, crc, len(head) + len(unit) * repeats + len(tail)


def _zip(parts: dict[str, tuple[bytes, int, int]]) -> bytes:
    """A zip archive of already deflated parts (``zipfile`` only writes what it compresses)."""
    out, directory = io.BytesIO(), []
    for name, (packed, crc, size) in parts.items():
        offset, encoded = out.tell(), name.encode()
        sizes = (8, 0, 0, crc, len(packed), size, len(encoded), 0)
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, *sizes) + encoded + packed)
        entry = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, *sizes, 0, 0, 0, 0, offset)
        directory.append(entry + encoded)
    start = out.tell()
    out.write(b"".join(directory))
    n, size = len(parts), out.tell() - start
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, n, n, size, start, 0))
    return out.getvalue()


def _workbook_parts(sheet: pd.DataFrame) -> dict[str, bytes]:
    archive = zipfile.ZipFile(io.BytesIO(_xlsx({"Customers": sheet})))
    return {name: archive.read(name) for name in archive.namelist()}


def shared_strings_bomb(path: Path) -> None:
    """1.5 MB: a shared-strings part of one 1.5 GB text, used by every cell of a column."""
    parts = _workbook_parts(customers(5).drop(columns="Gender"))
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>", _SHARED_STRINGS_TYPE + b"</Types>"
    )
    sheet = parts["xl/worksheets/sheet1.xml"]
    parts["xl/worksheets/sheet1.xml"] = sheet.replace(
        b"</row>", b'<c r="Z1" t="s"><v>0</v></c></row>'
    )
    packed = {name: _deflated(data) for name, data in parts.items()}
    packed["xl/sharedStrings.xml"] = _deflated(
        b"<sst " + _SHEET_NS + b' count="1" uniqueCount="1"><si><t>',
        b"a" * MB,
        1500,
        b"</t></si></sst>",
    )
    path.write_bytes(_zip(packed))


def whitespace_bomb(path: Path) -> None:
    """1 MB: a sheet whose rows are followed by a gigabyte of spaces."""
    parts = _workbook_parts(customers(5))
    head, tail = parts["xl/worksheets/sheet1.xml"].split(b"</sheetData>")
    packed = {name: _deflated(data) for name, data in parts.items()}
    packed["xl/worksheets/sheet1.xml"] = _deflated(head, b" " * MB, 1000, b"</sheetData>" + tail)
    path.write_bytes(_zip(packed))


def huge_row_groups(path: Path) -> None:
    """A few kB whose row groups unpack to 1.1 GB: 1 100 texts of a megabyte each, stored
    plainly (no dictionary), ten per row group, so writing holds 10 MB at a time."""
    batch = pa.table({"Age": pa.array(range(10)), "Note": pa.array(["y" * MB] * 10)})
    with pq.ParquetWriter(path, batch.schema, compression="zstd", use_dictionary=False) as out:
        for _ in range(110):
            out.write_table(batch)


def random_bytes(path: Path) -> None:
    path.write_bytes(np.random.default_rng(2).bytes(6_000))


def hostile_pickle(folder: Path) -> bytes:
    """A pickle that, when loaded, creates ``UNPICKLED_MARKER`` in ``folder``."""
    return pickle.dumps({"model": _Trap(folder / UNPICKLED_MARKER)})


def _pickle_trap(path: Path) -> None:
    path.write_bytes(hostile_pickle(path.parent))


def workbook_named_csv(path: Path) -> None:
    path.write_bytes(_xlsx({"Customers": customers()}))


def utf16(path: Path) -> None:
    path.write_bytes(customers().to_csv(index=False).encode("utf-16"))


def windows_1252(path: Path) -> None:
    table = customers().assign(City=lambda t: np.where(t["Age"] % 2, "Zürich", "Besançon"))
    path.write_bytes(table.to_csv(index=False).encode("cp1252"))


GENERATED: dict[str, Callable[[Path], None]] = {
    "several_sheets.xlsx": several_sheets,
    "table_on_second_sheet.xlsx": table_on_second_sheet,
    "far_formatted_cell.xlsx": far_formatted_cell,
    "corrupt.xlsx": corrupt_xlsx,
    "nested_types.parquet": nested_parquet,
    "corrupt.parquet": corrupt_parquet,
    "infinite_values.parquet": infinite_values_parquet,
    "wide_2000_columns.csv": wide_columns,
    "over_200_mb.csv": oversized,
    "random_bytes.csv": random_bytes,
    "header_of_commas.csv": header_of_commas,
    "long_data_line.csv": long_data_line,
    "shared_strings_bomb.xlsx": shared_strings_bomb,
    "whitespace_bomb.xlsx": whitespace_bomb,
    "huge_row_groups.parquet": huge_row_groups,
    "pickle_named.csv": _pickle_trap,
    "model.pkl": _pickle_trap,
    "model.joblib": _pickle_trap,
    "workbook_named.csv": workbook_named_csv,
    "utf16.csv": utf16,
    "windows_1252.csv": windows_1252,
}


def build(directory: Path) -> Path:
    """Write every generated file into ``directory`` (created if needed); returns it."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, write in GENERATED.items():
        write(directory / name)
    return directory


def corpus_path(name: str, generated_dir: Path) -> Path:
    """Where a corpus file is: generated into ``generated_dir``, or committed next to here."""
    return generated_dir / name if name in GENERATED else HERE / name


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python tests/data/bad/make_corpus.py OUT_DIR")
    print(build(Path(sys.argv[1])))
