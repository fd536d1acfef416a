"""Loading tables: every file variant an analyst brings, every way a file can be wrong, the real
shared datasets, and property tests that nothing but a DataFrame or a DataError comes out."""

import csv
import io
import math
import re
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from algorithms.errors import DataError
from algorithms.loading import (
    SAMPLE_PATH,
    TableLimits,
    canonical_column_name,
    check_file_name,
    load_sample,
    load_table,
)

MALL_COLUMNS = ["CustomerID", "Gender", "Age", "Annual Income (k$)", "Spending Score (1-100)"]
MALL_TEXT = (
    "CustomerID,Genre,Age,Annual Income (k$),Spending Score (1-100) \r\n"
    "0001,Male,19,15,39\r\n"
    "0002,Female,21,15,81\r\n"
    "0010,Female,30,19,72\r\n"
)


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def xlsx_bytes(*sheets: list[list]) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for number, rows in enumerate(sheets):
        sheet = workbook.create_sheet(f"Sheet{number + 1}")
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def parquet_bytes(table: pa.Table | pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    if isinstance(table, pd.DataFrame):
        table.to_parquet(buffer)
    else:
        pq.write_table(table, buffer)
    return buffer.getvalue()


def csv_records(path: Path) -> list[list[str]]:
    """The file parsed by the standard library, independently of the loader."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return list(csv.reader(handle))


# --- the real shared datasets -------------------------------------------------------------


def test_real_mall_customers_file(shared_data):
    path = shared_data / "Mall_Customers.csv"
    header, *rows = csv_records(path)
    table = load_table(path)
    assert header[1] == "Genre" and header[-1].endswith(" ")
    assert list(table.columns) == MALL_COLUMNS
    assert table.shape == (len(rows), 5)
    assert table["CustomerID"].tolist() == [row[0] for row in rows]
    assert table["CustomerID"].iloc[0] == "0001"
    assert table["Gender"].tolist() == [row[1] for row in rows]
    for position, column in enumerate(MALL_COLUMNS[2:], start=2):
        assert table[column].dtype == np.int64
        assert table[column].tolist() == [int(row[position]) for row in rows]


def test_real_credit_card_file(shared_data):
    path = shared_data / "CC GENERAL.csv"
    header, *rows = csv_records(path)
    table = load_table(path)
    assert table.shape == (8950, 18) == (len(rows), len(header))
    assert list(table.columns) == header
    assert table["CUST_ID"].tolist() == [row[0] for row in rows]
    assert all(pd.api.types.is_numeric_dtype(table[column]) for column in header[1:])
    assert table["MINIMUM_PAYMENTS"].isna().sum() == 313
    for position, column in enumerate(header[1:], start=1):
        expected = [float(row[position]) if row[position] else math.nan for row in rows]
        np.testing.assert_array_equal(table[column].to_numpy(dtype=float), expected)


def test_real_wholesale_file(shared_data):
    path = shared_data / "Wholesale customers data.csv"
    header, *rows = csv_records(path)
    table = load_table(path)
    assert table.shape == (440, 8)
    assert list(table.columns) == header
    assert (table.dtypes == np.int64).all()
    np.testing.assert_array_equal(table.to_numpy(), [[int(v) for v in row] for row in rows])


def test_bundled_sample_loads_with_the_classic_schema():
    table = load_sample()
    assert Path(__file__).resolve().parents[1] / "data" / "mall_customers.csv" == SAMPLE_PATH
    expected = pd.read_csv(SAMPLE_PATH, dtype={"CustomerID": str, "Gender": str})
    pd.testing.assert_frame_equal(table, expected, check_dtype=False)
    assert list(table.columns) == MALL_COLUMNS
    assert table["CustomerID"].iloc[0] == "0001"


def test_missing_sample_says_how_to_regenerate(monkeypatch, tmp_path):
    monkeypatch.setattr("algorithms.loading.SAMPLE_PATH", tmp_path / "gone.csv")
    with pytest.raises(DataError, match="make_sample.py"):
        load_sample()


# --- CSV variants ---------------------------------------------------------------------------


def test_bom_crlf_genre_and_trailing_space_header(tmp_path):
    path = write(tmp_path, "mall.csv", "\ufeff" + MALL_TEXT)
    table = load_table(path)
    assert list(table.columns) == MALL_COLUMNS
    assert table["CustomerID"].tolist() == ["0001", "0002", "0010"]
    assert table["Gender"].tolist() == ["Male", "Female", "Female"]
    assert table["Spending Score (1-100)"].tolist() == [39, 81, 72]


def test_path_as_string_and_bytes_upload_give_the_same_table(tmp_path):
    path = write(tmp_path, "mall.csv", MALL_TEXT)
    from_path = load_table(path)
    pd.testing.assert_frame_equal(load_table(str(path)), from_path)
    pd.testing.assert_frame_equal(load_table(MALL_TEXT.encode(), filename="mall.csv"), from_path)
    pd.testing.assert_frame_equal(load_table(bytearray(MALL_TEXT.encode()), "up.txt"), from_path)


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_delimiters_and_line_endings(tmp_path, delimiter, newline):
    comma_table = load_table(MALL_TEXT.encode(), "mall.csv")
    text = MALL_TEXT.replace("\r\n", newline).replace(",", delimiter)
    suffix = ".tsv" if delimiter == "\t" else ".csv"
    pd.testing.assert_frame_equal(load_table(write(tmp_path, "t" + suffix, text)), comma_table)


@pytest.mark.parametrize(
    ("header", "canonical"),
    [
        ("Genre", "Gender"),
        (" genre ", "Gender"),
        ("SEX", "Gender"),
        ("gender", "Gender"),
        ("customer id", "CustomerID"),
        ("Customer_ID", "CustomerID"),
        ("CUSTOMERID", "CustomerID"),
        ("cust_id", "cust_id"),
        ("AGE", "Age"),
        ("annual_income", "Annual Income (k$)"),
        ("Annual  Income ( k$ )", "Annual Income (k$)"),
        ("income", "Annual Income (k$)"),
        ("spending_score", "Spending Score (1-100)"),
        ("Spending Score (1-100) ", "Spending Score (1-100)"),
        ("score", "Spending Score (1-100)"),
        ("\ufeffAge", "Age"),
        ("  Monthly \t spend  ", "Monthly spend"),
        ("Income 2", "Income 2"),
    ],
)
def test_canonical_column_names(header, canonical):
    assert canonical_column_name(header) == canonical


def test_headers_are_canonicalised_when_loading(tmp_path):
    text = (
        "customer id ; SEX ;  AGE; annual_income;spending_score;Region  Code\n0001;F;30;40;50;N\n"
    )
    table = load_table(write(tmp_path, "t.csv", text))
    assert list(table.columns) == [*MALL_COLUMNS, "Region Code"]


def test_excel_sep_line_sets_the_delimiter(tmp_path):
    table = load_table(write(tmp_path, "t.csv", "sep=;\r\nID;Note\r\nA;x,y\r\nB;z\r\n"))
    assert list(table.columns) == ["ID", "Note"]
    assert table["Note"].tolist() == ["x,y", "z"]


def test_quoted_newlines_delimiters_and_quotes_survive(tmp_path):
    text = 'CustomerID,Note,Age\r\n0001,"line one\r\nline two",30\r\n0002,"a, ""quoted"" b",41\r\n'
    table = load_table(write(tmp_path, "t.csv", text))
    assert table["Note"].tolist() == ["line one\r\nline two", 'a, "quoted" b']
    assert table["Age"].tolist() == [30, 41]


@pytest.mark.parametrize("token", ["", "NA", "n/a", "N/A", "null", "NULL", "nan", "NaN", " NA "])
def test_missing_value_tokens_become_nan(tmp_path, token):
    table = load_table(write(tmp_path, "t.csv", f"ID,Age,Gender\nA1,{token},{token}\nA2,40,F\n"))
    assert math.isnan(table.loc[0, "Age"])
    assert table["Age"].dtype == np.float64
    assert pd.isna(table.loc[0, "Gender"]) and table.loc[1, "Gender"] == "F"


def test_leading_zeros_keep_a_column_as_text_but_zero_and_fractions_are_numbers(tmp_path):
    text = "id,code,small,signed\n0001,7,0,-0.25\n0002,007,0.5,+3\n0010,12,10,0\n"
    table = load_table(write(tmp_path, "t.csv", text))
    assert table["id"].tolist() == ["0001", "0002", "0010"]
    assert table["code"].tolist() == ["7", "007", "12"]
    assert table["small"].tolist() == [0.0, 0.5, 10.0]
    assert table["signed"].tolist() == [-0.25, 3.0, 0.0]


def test_a_numeric_column_with_a_bad_token_stays_text_with_every_value(tmp_path):
    text = "Age,Annual Income (k$)\n30,15\n31,12k\n32, 20 \n"
    table = load_table(write(tmp_path, "t.csv", text))
    assert table["Age"].dtype == np.int64
    assert not pd.api.types.is_numeric_dtype(table["Annual Income (k$)"])
    assert table["Annual Income (k$)"].tolist() == ["15", "12k", " 20 "]
    assert table.index.tolist() == [0, 1, 2]


@pytest.mark.parametrize("value", ["inf", "-Infinity", "1_000", "0x1F", "1e400", "1" * 25, "TRUE"])
def test_values_that_are_not_plain_finite_numbers_keep_the_column_as_text(tmp_path, value):
    table = load_table(write(tmp_path, "t.csv", f"ID,x\nA,1\nB,{value}\n"))
    assert table["x"].tolist() == ["1", value]


def test_text_and_gender_values_are_not_recoded(tmp_path):
    text = "ID,Gender,Name\n1,M,  Ann \n2,female,Bo\n3,Female ,Cy\n"
    table = load_table(write(tmp_path, "t.csv", text))
    assert table["Gender"].tolist() == ["M", "female", "Female "]
    assert table["Name"].tolist() == ["  Ann ", "Bo", "Cy"]


def test_decimal_commas_are_read_in_semicolon_files_only(tmp_path):
    semicolon = load_table(write(tmp_path, "eu.csv", "ID;Spend\nA;12,5\nB;13\n"))
    assert semicolon["Spend"].tolist() == [12.5, 13.0]
    comma = load_table(write(tmp_path, "us.csv", 'ID,Spend\nA,"12,5"\nB,13\n'))
    assert comma["Spend"].tolist() == ["12,5", "13"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
def test_text_encodings(tmp_path, encoding):
    text = "Name,City\r\nJosé,Zürich\r\nRenée,Malmö\r\n"
    table = load_table(write(tmp_path, "t.csv", text.encode(encoding)))
    assert table["Name"].tolist() == ["José", "Renée"]
    assert table["City"].tolist() == ["Zürich", "Malmö"]


def test_empty_rows_and_unnamed_empty_columns_are_dropped(tmp_path):
    text = "ID,Age,,\n1,30,,\n,,,\n\n2,40,,\n,,,\n"
    table = load_table(write(tmp_path, "t.csv", text))
    assert list(table.columns) == ["ID", "Age"]
    assert table["Age"].tolist() == [30, 40]
    assert table.index.equals(pd.RangeIndex(2))


def test_single_column_file(tmp_path):
    table = load_table(write(tmp_path, "t.csv", "Spending Score\n5\n7\n"))
    assert list(table.columns) == ["Spending Score (1-100)"]
    assert table.iloc[:, 0].tolist() == [5, 7]


def test_upload_without_extension_is_recognised_by_content(tmp_path):
    frame = pd.DataFrame({"ID": ["0001", "0002"], "Age": [30, 40]})
    assert load_table(MALL_TEXT.encode()).shape == (3, 5)
    assert load_table(parquet_bytes(frame))["ID"].tolist() == ["0001", "0002"]
    workbook = xlsx_bytes([["ID", "Age"], ["0001", 30]])
    assert load_table(workbook, filename="upload")["ID"].tolist() == ["0001"]


# --- Excel and Parquet ----------------------------------------------------------------------


def test_xlsx_written_by_pandas(tmp_path):
    frame = pd.DataFrame(
        {
            "CustomerID": ["0001", "0002", "0003"],
            "Genre": ["Male", "Female", None],
            "Age": [19, 21, 35],
            "Annual Income (k$)": [15.5, 16.0, None],
        }
    )
    path = tmp_path / "mall.xlsx"
    frame.to_excel(path, index=False)
    table = load_table(path)
    assert list(table.columns) == ["CustomerID", "Gender", "Age", "Annual Income (k$)"]
    assert table["CustomerID"].tolist() == ["0001", "0002", "0003"]
    assert table["Gender"].tolist()[:2] == ["Male", "Female"] and pd.isna(table.loc[2, "Gender"])
    assert table["Age"].tolist() == [19, 21, 35]
    np.testing.assert_array_equal(table["Annual Income (k$)"], [15.5, 16.0, np.nan])


def test_xlsx_reads_the_first_sheet_below_blank_rows_and_ignores_the_others():
    raw = xlsx_bytes([[None], ["ID", "Age", None], ["A", 30], ["B", 41, None]], [["Other"], [1]])
    table = load_table(raw, "book.xlsx")
    assert list(table.columns) == ["ID", "Age"]
    assert table["Age"].tolist() == [30, 41]


def test_xlsx_with_an_empty_first_sheet_says_where_the_table_must_be():
    raw = xlsx_bytes([], [["ID", "Age"], ["A", 30]])
    with pytest.raises(DataError, match=r"first sheet \('Sheet1'\).*move the table there"):
        load_table(raw, "book.xlsx")


def test_parquet_keeps_its_types_and_saved_index(tmp_path):
    frame = pd.DataFrame(
        {"CustomerID": ["0001", "0002"], "genre": ["F", "M"], "Age": [30, 41], "x": [0.5, None]}
    )
    path = write(tmp_path, "t.parquet", parquet_bytes(frame))
    table = load_table(path)
    assert list(table.columns) == ["CustomerID", "Gender", "Age", "x"]
    assert table["CustomerID"].tolist() == ["0001", "0002"]
    assert table["Age"].dtype == np.int64
    indexed = load_table(parquet_bytes(frame.set_index("CustomerID")), "t.parquet")
    assert indexed["CustomerID"].tolist() == ["0001", "0002"]
    filtered = load_table(parquet_bytes(frame.iloc[[1]]), "t.parquet")
    assert list(filtered.columns) == list(table.columns) and filtered.index.equals(pd.RangeIndex(1))


@pytest.mark.parametrize(
    "values",
    [[[1, 2], [3]], [{"a": 1}, {"a": 2}], [b"\x00", b"\x01"]],
    ids=["list", "struct", "binary"],
)
def test_parquet_with_nested_or_binary_column_names_it(values):
    raw = parquet_bytes(pa.table({"Age": [30, 41], "Tags": values}))
    with pytest.raises(DataError, match="column 'Tags'"):
        load_table(raw, "t.parquet")


# --- errors ---------------------------------------------------------------------------------


def test_file_not_found(tmp_path):
    with pytest.raises(DataError, match=r"No file at .*missing\.csv.*check the path"):
        load_table(tmp_path / "missing.csv")


def test_folder_instead_of_file(tmp_path):
    with pytest.raises(DataError, match="is a folder"):
        load_table(tmp_path)


@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf", b"  \r\n\n  \n"])
def test_empty_file(tmp_path, content):
    with pytest.raises(DataError, match=r"'t\.csv' is empty"):
        load_table(write(tmp_path, "t.csv", content))


@pytest.mark.parametrize("content", ["ID,Age\n", "ID,Age\r\n,\r\nNA,n/a\r\n"])
def test_header_without_rows(tmp_path, content):
    with pytest.raises(DataError, match="header but no data rows"):
        load_table(write(tmp_path, "t.csv", content))


def test_byte_limit_is_checked_before_the_file_is_read(tmp_path, monkeypatch):
    path = write(tmp_path, "big.csv", MALL_TEXT)

    def refuse(*_):
        raise AssertionError("the file was read")

    monkeypatch.setattr(Path, "read_bytes", refuse)
    with pytest.raises(DataError, match=r"'big\.csv' is \d+ bytes, over the 100 bytes limit"):
        load_table(path, limits=TableLimits(max_bytes=100))
    with pytest.raises(DataError, match="over the 1.0 kB limit"):
        load_table(b"x" * 2000, "up.csv", TableLimits(max_bytes=1024))


def test_column_limit_is_checked_from_the_header_before_the_rows(tmp_path):
    text = "a,b,c\n1,2,3\n1,2,3,4,5\n"
    with pytest.raises(DataError, match="3 columns, over the limit of 2"):
        load_table(write(tmp_path, "t.csv", text), limits=TableLimits(max_columns=2))
    with pytest.raises(DataError, match="line 3"):
        load_table(write(tmp_path, "t.csv", text))


def pandas_never_parses(monkeypatch):
    def never(*_args, **_kwargs):
        raise AssertionError("pandas parsed a file the first characters refuse")

    monkeypatch.setattr(pd, "read_csv", never)


def test_a_header_too_wide_is_counted_before_pandas_parses_it(monkeypatch):
    limits = TableLimits(max_columns=4)  # lines of at most 4 x 2 048 characters
    assert limits.max_line_chars == 8192
    pandas_never_parses(monkeypatch)
    with pytest.raises(DataError, match="'w.csv' has 5 columns, over the limit of 4"):
        load_table(b"a,b,c,d,e\n1,2,3,4,5\n", "w.csv", limits)
    with pytest.raises(DataError, match="'w.csv' has more than 8,193 columns, over the limit"):
        load_table(b"," * 50_000 + b"\n1\n", "w.csv", limits)


def test_a_line_longer_than_the_column_limit_allows_names_its_line(monkeypatch):
    limits = TableLimits(max_columns=4)
    long_row = "1;" * 5000 + "1"
    text = f"sep=;\na;b\n1;2\n{long_row}\n3;4\n"
    pandas_never_parses(monkeypatch)
    with pytest.raises(
        DataError, match="'l.csv' has a line longer than 8,192 characters \\(line 4\\)"
    ):
        load_table(text.encode(), "l.csv", limits)
    quoted = '"' + "x" * 9000 + '"'
    with pytest.raises(DataError, match="line longer than 8,192 characters \\(line 2\\)"):
        load_table(f"a,b\n{quoted},1\n".encode(), "l.csv", limits)


def test_lines_within_the_limit_load_whatever_their_line_endings(tmp_path):
    limits = TableLimits(max_columns=2)  # 4 096 characters a line
    note = "y" * 4000
    for newline in ("\n", "\r\n", "\r"):
        text = newline.join(["Note,Age", f"{note},30", f'"two{newline}lines",31', ""])
        table = load_table(write(tmp_path, "t.csv", text), limits=limits)
        assert table["Note"].tolist() == [note, f"two{newline}lines"]


@pytest.mark.parametrize(
    "content, looks_like",
    [
        ("<!DOCTYPE html>\n<html><body><table><tr><td>1</td></tr></table>", "an HTML page"),
        ("  <html lang='en'>\n<head></head>\n", "an HTML page"),
        ('{"customers": [{"Age": 30}]}', "JSON"),
        ('[\n  {"Age": 30, "Income": 40},\n  {"Age": 31, "Income": 41}\n]\n', "JSON"),
    ],
)
def test_a_page_or_json_saved_as_csv_says_what_it_looks_like(content, looks_like):
    with pytest.raises(DataError, match=f"'x.csv' looks like {looks_like}, not a table: .*export"):
        load_table(content.encode(), "x.csv")


def test_headers_in_brackets_or_tags_are_still_a_table():
    sql_export = load_table(b"[CustomerID],[Age]\n1,30\n2,31\n", "sql.csv")
    assert list(sql_export.columns) == ["[CustomerID]", "[Age]"]
    tagged = load_table(b"<b>Income</b>,Age\n1,30\n2,31\n", "tags.csv")
    assert list(tagged.columns) == ["<b>Income</b>", "Age"]


def zip_directory(raw: bytes) -> list[tuple[str, int, int]]:
    return [
        (i.filename, i.file_size, i.compress_size)
        for i in zipfile.ZipFile(io.BytesIO(raw)).infolist()
    ]


def test_a_workbook_part_packed_too_tightly_is_refused_before_openpyxl(monkeypatch):
    """A sheet of 3 MB of one repeated row packs about 30 times: loaded under a ratio of 100,
    refused under 10, naming the part; openpyxl is never called on the refused one."""
    workbook = xlsx_bytes([["a", "b"], *([[1, 2]] * 60_000)])
    sheet = next(part for part in zip_directory(workbook) if part[0].endswith("sheet1.xml"))
    ratio = sheet[1] / sheet[2]
    assert sheet[1] > 1024**2 and 10 < ratio < 100
    assert load_table(workbook, "t.xlsx").shape == (60_000, 2)
    monkeypatch.setattr(openpyxl, "load_workbook", None)
    with pytest.raises(DataError, match=r"'t.xlsx' has a part \(xl/worksheets/sheet1.xml\)"):
        load_table(workbook, "t.xlsx", TableLimits(max_packing_ratio=10))
    with pytest.raises(DataError, match="'t.xlsx' unpacks to more than 1.0 MB"):
        load_table(workbook, "t.xlsx", TableLimits(max_table_bytes=1024**2))


def test_a_parquet_footer_over_the_unpacked_size_is_refused_before_reading(monkeypatch):
    raw = parquet_bytes(pa.table({"note": ["z" * 1000] * 2000}))
    declared = sum(
        pq.ParquetFile(io.BytesIO(raw)).metadata.row_group(i).total_byte_size
        for i in range(pq.ParquetFile(io.BytesIO(raw)).metadata.num_row_groups)
    )
    monkeypatch.setattr(pq.ParquetFile, "iter_batches", None)
    with pytest.raises(DataError, match="'n.parquet' unpacks to more than"):
        load_table(raw, "n.parquet", TableLimits(max_table_bytes=declared - 1))


def test_row_limit_stops_reading_at_the_limit(tmp_path):
    rows = "".join(f"{i},{i}\n" for i in range(10)) + "1,2,3,4\n"
    path = write(tmp_path, "t.csv", "a,b\n" + rows)
    with pytest.raises(DataError, match="more than 5 rows"):
        load_table(path, limits=TableLimits(max_rows=5))
    with pytest.raises(DataError, match="4 values on line 12"):
        load_table(path)


def test_cell_limit(tmp_path):
    path = write(tmp_path, "t.csv", "a,b,c\n" + "1,2,3\n" * 4)
    with pytest.raises(DataError, match=r"more than 10 cells \(3 columns"):
        load_table(path, limits=TableLimits(max_cells=10))
    assert load_table(path, limits=TableLimits(max_cells=12)).shape == (4, 3)


def test_limits_apply_to_xlsx_and_parquet():
    workbook = xlsx_bytes([["a", "b"], *([[1, 2]] * 4)])
    with pytest.raises(DataError, match="more than 3 rows"):
        load_table(workbook, "t.xlsx", TableLimits(max_rows=3))
    with pytest.raises(DataError, match="limit of 1"):
        load_table(workbook, "t.xlsx", TableLimits(max_columns=1))
    parquet = parquet_bytes(pa.table({"a": [1, 2, 3, 4], "b": [1, 2, 3, 4]}))
    with pytest.raises(DataError, match="more than 7 cells"):
        load_table(parquet, "t.parquet", TableLimits(max_cells=7))
    with pytest.raises(DataError, match="limit of 1"):
        load_table(parquet, "t.parquet", TableLimits(max_columns=1))


@pytest.mark.parametrize(
    "content",
    [bytes(range(256)) * 4, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", b"\x01\x02\x03a,b\n1,2\n"],
    ids=["all-bytes", "png", "control-chars"],
)
def test_binary_data_named_csv(tmp_path, content):
    with pytest.raises(DataError, match="binary data, not text"):
        load_table(write(tmp_path, "t.csv", content))


def test_undecodable_text(tmp_path):
    with pytest.raises(DataError, match="neither UTF-8 nor Windows-1252.*CSV UTF-8"):
        load_table(write(tmp_path, "t.csv", b"Name,City\n\x81\x8d,\x90\n"))


@pytest.mark.parametrize("name", ["t.json", "t.xlsb", "t.csv.gz"])
def test_unknown_extension_names_the_accepted_formats(tmp_path, name):
    with pytest.raises(DataError, match=r"\.csv.*\.tsv.*\.xlsx.*\.parquet"):
        load_table(write(tmp_path, name, MALL_TEXT))


def test_old_xls_workbook():
    with pytest.raises(DataError, match=r"legacy Excel 97–2003 \.xls is not supported.*\.xlsx"):
        load_table(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old.xls")


def test_an_old_office_file_under_another_name():
    with pytest.raises(DataError, match=r"old-style \(\.xls\) or password-protected"):
        load_table(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "protected.xlsx")


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("old.XLS", "'old.XLS': legacy Excel 97–2003 .xls is not supported"),
        ("table.json", "'table.json' is not a format Segmenta reads (.json)"),
        ("table", "'table' is not a format Segmenta reads (no extension)"),
    ],
)
def test_a_file_name_is_checked_before_the_file_is_sent(name, message):
    with pytest.raises(DataError, match=re.escape(message)):
        check_file_name(name)
    check_file_name("customers.Parquet")


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (xlsx_bytes([["a"], [1]]), "t.csv", "named like a .csv file but is an Excel workbook"),
        (parquet_bytes(pa.table({"a": [1]})), "t.csv", "but is a Parquet file"),
        (MALL_TEXT.encode(), "t.xlsx", "named like a .xlsx file but is something else"),
        (MALL_TEXT.encode(), "t.parquet", "named like a .parquet file but is something else"),
        (parquet_bytes(pa.table({"a": [1]})), "t.xlsx", "but is a Parquet file"),
    ],
)
def test_content_that_does_not_match_its_extension(content, name, message):
    with pytest.raises(DataError, match=message):
        load_table(content, name)


@pytest.mark.parametrize("cut", [0.5, 0.9])
def test_damaged_xlsx(cut):
    raw = xlsx_bytes([["a", "b"], [1, 2]])
    with pytest.raises(DataError, match="not a readable Excel workbook"):
        load_table(raw[: int(len(raw) * cut)], "t.xlsx")
    with pytest.raises(DataError, match="not a readable Excel workbook"):
        load_table(b"PK\x03\x04" + b"junk" * 50, "t.xlsx")


def test_damaged_parquet():
    raw = parquet_bytes(pa.table({"a": [1, 2, 3]}))
    for damaged in (raw[: len(raw) // 2], b"PAR1" + b"\x00" * 64):
        with pytest.raises(DataError, match="not a readable Parquet file"):
            load_table(damaged, "t.parquet")


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("Notes, Notes ", "'Notes' appears 2 times"),
        ("Age,age", "'Age', 'age' all mean 'Age'"),
        ("Genre,Gender", "'Genre', 'Gender' all mean 'Gender'"),
        ("income, Annual Income (k$)", "all mean 'Annual Income \\(k\\$\\)'"),
    ],
)
def test_duplicate_columns_after_normalisation(tmp_path, header, message):
    with pytest.raises(DataError, match=f"duplicate column names.*{message}"):
        load_table(write(tmp_path, "t.csv", f"{header}\n1,2\n"))


def test_blank_header_over_values(tmp_path):
    with pytest.raises(DataError, match=r"no header in column 2 \(e\.g\. '7' in data row 1\)"):
        load_table(write(tmp_path, "t.csv", "ID, ,Age\nA,7,30\n"))


def test_row_with_too_many_values_names_its_line(tmp_path):
    with pytest.raises(DataError, match="3 values on line 3 but 2 columns"):
        load_table(write(tmp_path, "t.csv", "a,b\n1,2\n3,4,5\n"))


def test_unclosed_quote(tmp_path):
    with pytest.raises(DataError, match="cannot be read as CSV.*matching quotes"):
        load_table(write(tmp_path, "t.csv", 'a,b\n"1,2\n3,4\n'))


def test_wrong_source_type_is_a_programming_error():
    with pytest.raises(TypeError, match="path or bytes"):
        load_table(42)


# --- properties -----------------------------------------------------------------------------

text_cells = st.text(st.characters(exclude_categories=("Cs",)), max_size=12).map(lambda s: "x" + s)
COLUMN_KINDS = {
    "int": st.integers(-(10**12), 10**12),
    "float": st.floats(allow_nan=False, allow_infinity=False),
    "text": text_cells,
    "code": st.integers(0, 999).map(lambda n: f"{n:04d}"),
}


@st.composite
def tables(draw):
    kinds = draw(st.lists(st.sampled_from(sorted(COLUMN_KINDS)), min_size=1, max_size=5))
    n_rows = draw(st.integers(1, 12))
    columns = {"row": list(range(n_rows))}
    for position, kind in enumerate(kinds):
        cell = COLUMN_KINDS[kind]
        columns[f"{kind} {position}"] = draw(
            st.lists(st.none() | cell, min_size=n_rows, max_size=n_rows)
        )
    return pd.DataFrame(columns, dtype=object)


def has_control_characters(table: pd.DataFrame) -> bool:
    text = "".join(str(value) for value in table.to_numpy().ravel())
    return any(ord(char) < 32 and char not in "\t\n\r\f\v" or ord(char) == 127 for char in text)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    tables(),
    st.sampled_from([",", ";", "\t", "|"]),
    st.sampled_from(["\n", "\r\n"]),
    st.sampled_from(["utf-8", "utf-8-sig"]),
    st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]),
)
def test_csv_round_trip(table, delimiter, newline, encoding, quoting):
    if "\r" in "".join(str(value) for value in table.to_numpy().ravel()):
        quoting = (
            csv.QUOTE_ALL
        )  # pandas leaves a bare CR unquoted: every reader ends the line there
    raw = table.to_csv(index=False, sep=delimiter, lineterminator=newline, quoting=quoting)
    raw = raw.encode(encoding)
    try:
        loaded = load_table(raw, "t.csv")
    except DataError:
        assert has_control_characters(table)
        return
    assert list(loaded.columns) == list(table.columns)
    assert loaded.shape == table.shape
    for column in table.columns:
        expected, got = table[column].tolist(), loaded[column].tolist()
        if column.startswith(("int", "float", "row")):
            assert pd.api.types.is_numeric_dtype(loaded[column]) or all(v is None for v in expected)
            np.testing.assert_array_equal(
                [math.nan if v is None else float(v) for v in got],
                [math.nan if v is None else float(v) for v in expected],
            )
        else:
            assert [None if pd.isna(v) else v for v in got] == expected


@settings(max_examples=200, deadline=None)
@given(
    st.binary(max_size=600) | st.text(",;\t|\"'\r\n aA0.-#\x00é", max_size=200).map(str.encode),
    st.sampled_from(["t.csv", "t.tsv", "t.txt", "t.xlsx", "t.parquet", "t.json", None]),
)
def test_random_bytes_give_a_table_or_a_data_error(raw, filename):
    try:
        table = load_table(raw, filename)
    except DataError as error:
        assert str(error)
    else:
        assert isinstance(table, pd.DataFrame) and len(table) > 0


SMALL_XLSX = xlsx_bytes([["ID", "Age", "Income"], ["0001", 30, 15.5], ["0002", 41, 16]])
SMALL_PARQUET = parquet_bytes(pd.DataFrame({"ID": ["0001", "0002"], "Age": [30, 41]}))


@settings(max_examples=100, deadline=None)
@given(
    st.sampled_from([(SMALL_XLSX, "t.xlsx"), (SMALL_PARQUET, "t.parquet")]),
    st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255)), max_size=6),
    st.floats(0.05, 1),
)
def test_damaged_workbooks_and_parquet_give_a_table_or_a_data_error(source, flips, keep):
    raw, name = source
    damaged = bytearray(raw[: max(8, int(len(raw) * keep))])
    for where, value in flips:
        damaged[int(where * len(damaged))] = value
    try:
        table = load_table(bytes(damaged), name)
    except DataError as error:
        assert str(error)
    else:
        assert isinstance(table, pd.DataFrame)
