"""Write the binary and oversized files of the bad-input corpus into a folder.

The small text files of the corpus are committed next to this module; these are generated at
test time instead: workbooks and Parquet files (binary, and better built by the libraries that
write them), pickles that would leave a trace if anything ever unpickled an upload, and a
200 MB file that must never be committed or held in memory (it is sparse: a valid CSV start,
then a hole up to the size, so writing it costs no disk blocks and no time).

``python tests/data/bad/make_corpus.py OUT_DIR`` writes them for a manual look.
"""

import io
import pickle
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from openpyxl.styles import Font

HERE = Path(__file__).resolve().parent
OVERSIZED_BYTES = 200 * 1024 * 1024
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
