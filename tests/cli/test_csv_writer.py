"""The CSV writer (``dashboard.services.spreadsheets``): pyarrow's where it writes what pandas
writes, pandas' everywhere else."""

import numpy as np
import pandas as pd
import pytest

from dashboard.services.spreadsheets import plain_number, write_csv


def pandas_csv(table: pd.DataFrame, path) -> bytes:
    table.to_csv(path, index=False, float_format=plain_number)
    return path.read_bytes()


@pytest.fixture
def labelled():
    rng = np.random.default_rng(0)
    values = rng.normal(size=500) * np.exp(rng.normal(size=500) * 8)
    values[[3, 9]] = np.nan
    return pd.DataFrame(
        {
            "CustomerID": pd.Series([f"{n:04d}" for n in range(500)], dtype="str"),
            "Gender": pd.Series(rng.choice(["Female", "Male", None], 500), dtype="str"),
            "Age": rng.integers(18, 70, 500),
            "Spend (k$)": values,
            "Cluster": pd.array(
                np.where(np.arange(500) % 7 == 0, None, np.arange(500) % 5), dtype="Int64"
            ),  # fmt: skip
            "Persona": "Young · Big spenders",
        }
    )


def test_numbers_and_text_read_back_as_pandas_writes_them(labelled, tmp_path):
    write_csv(labelled, tmp_path / "fast.csv")
    pandas_csv(labelled, tmp_path / "pandas.csv")
    fast, reference = (
        pd.read_csv(tmp_path / n, dtype={"CustomerID": str}) for n in ("fast.csv", "pandas.csv")
    )
    pd.testing.assert_frame_equal(fast, reference)
    lines = (tmp_path / "fast.csv").read_text().splitlines()
    assert lines[0] == ",".join(labelled.columns) and lines[1].startswith("0000,")


def test_whole_floats_are_written_without_a_decimal_point(tmp_path):
    write_csv(pd.DataFrame({"a": [1000.0, 2.5, np.nan]}), tmp_path / "out.csv")
    assert (tmp_path / "out.csv").read_text() == "a\n1000\n2.5\n\n"


@pytest.mark.parametrize(
    "column",
    [
        pd.Series(["plain", "with, comma"], dtype="str"),
        pd.Series(['say "hi"', "x"], dtype="str"),
        pd.Series(["two\nlines", "x"], dtype="str"),
        pd.Series([True, False]),
        pd.to_datetime(pd.Series(["2024-01-02", "2025-03-04"])),
    ],
)
def test_tables_pyarrow_would_write_differently_are_written_by_pandas(column, tmp_path):
    table = pd.DataFrame({"v": column, "n": [1.5, 2.0]})
    write_csv(table, tmp_path / "out.csv")
    assert (tmp_path / "out.csv").read_bytes() == pandas_csv(table, tmp_path / "pandas.csv")
