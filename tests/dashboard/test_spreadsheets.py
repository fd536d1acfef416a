"""The one writer of every CSV and Excel export (``dashboard.services.spreadsheets``): text that a
spreadsheet would run as a formula is written inert (OWASP's CSV-injection advice), numbers stay
numbers and other text stays as written; ``raw`` writes text untouched. Files are read back with
the ``csv`` module and openpyxl, cell by cell."""

import csv
import io

import numpy as np
import openpyxl
import pandas as pd
import pytest

from dashboard.services.spreadsheets import csv_bytes, excel_bytes, inert_table
from tests.reliability.payloads import HOSTILE_HEADER
from tests.reliability.payloads import INERT_NAMES as INERT


def hostile_table() -> pd.DataFrame:
    names = list(INERT)
    return pd.DataFrame(
        {
            "CustomerID": [f"{i:04d}" for i in range(1, len(names) + 1)],
            "Name": names,
            HOSTILE_HEADER: ["-3+3", "ok"] * (len(names) // 2),
            "Balance": np.arange(len(names)) - 5,
            "Score": np.linspace(-2.5, 2.5, len(names)),
            "Segment": pd.Categorical(["@a", "b"] * (len(names) // 2)),
            "Mixed": [-5, "-5", None, 1.5, "x", 7, "+2", None],
        }
    )


def csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8"), newline="")))


def column(rows: list[list[str]], header: str) -> list[str]:
    return [row[rows[0].index(header)] for row in rows[1:]]


def test_text_cells_and_headers_that_start_like_formulas_get_a_quote():
    table = hostile_table()
    rows = csv_rows(csv_bytes(table))
    assert rows[0] == [
        "CustomerID", "Name", "'" + HOSTILE_HEADER, "Balance", "Score", "Segment", "Mixed"
    ]  # fmt: skip
    assert column(rows, "Name") == list(INERT.values())
    assert column(rows, "'" + HOSTILE_HEADER) == ["'-3+3", "ok"] * 4
    assert column(rows, "Segment") == ["'@a", "b"] * 4
    assert len(rows) == len(table) + 1, "a carriage return stays inside its cell"


def test_numbers_stay_numbers_and_ids_stay_as_written():
    table = hostile_table()
    rows = csv_rows(csv_bytes(table))
    assert column(rows, "CustomerID") == table["CustomerID"].tolist()
    assert column(rows, "CustomerID")[0] == "0001"
    assert column(rows, "Balance") == [str(v) for v in table["Balance"]]
    assert column(rows, "Balance")[0] == "-5"
    assert [float(v) for v in column(rows, "Score")] == table["Score"].tolist()
    assert column(rows, "Mixed") == ["-5", "'-5", "", "1.5", "x", "7", "'+2", ""]
    read_back = pd.read_csv(io.BytesIO(csv_bytes(table)), dtype={"CustomerID": str})
    pd.testing.assert_series_equal(read_back["Balance"], table["Balance"])


def test_raw_writes_every_cell_as_it_is():
    table = hostile_table()
    rows = csv_rows(csv_bytes(table, raw=True))
    assert rows[0][2] == HOSTILE_HEADER
    assert column(rows, "Name") == list(INERT)
    assert column(rows, HOSTILE_HEADER) == table[HOSTILE_HEADER].tolist()


def test_the_table_itself_is_left_alone():
    table = hostile_table()
    before = table.copy()
    inert_table(table)
    csv_bytes(table)
    pd.testing.assert_frame_equal(table, before)


@pytest.mark.parametrize("dtype", [object, "string", "category"])
def test_every_kind_of_text_column_is_made_inert(dtype):
    table = pd.DataFrame({"Name": pd.Series(list(INERT), dtype=dtype)})
    assert column(csv_rows(csv_bytes(table)), "Name") == list(INERT.values())


def test_a_table_without_carriage_returns_keeps_plain_line_ends():
    content = csv_bytes(hostile_table().drop(index=5))
    assert b"\r" not in content and content.count(b"\n") == 8


def test_excel_holds_the_text_as_text_never_a_formula():
    table = hostile_table()
    sheet = openpyxl.load_workbook(io.BytesIO(excel_bytes(table))).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert [cell.coordinate for cell in cells if cell.data_type == "f"] == []
    header = [cell.value for cell in sheet[1]]
    assert header == list(table.columns), "the header as written, as text"
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [row[1] for row in rows] == list(INERT), "the names as written, as text"
    assert [row[3] for row in rows] == table["Balance"].tolist()
    assert [row[0] for row in rows] == table["CustomerID"].tolist()
    quoted = {cell.value for cell in cells if cell.quotePrefix}
    formula_like = [text for text, inert in INERT.items() if inert != text]
    assert quoted == {*formula_like, HOSTILE_HEADER, "-3+3", "@a", "-5", "+2"}
