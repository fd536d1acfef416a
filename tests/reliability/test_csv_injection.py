"""Spreadsheet formula injection through every way a customer table leaves Segmenta.

One table of hostile customers (names ``=HYPERLINK(...)``, ``+1``, ``-2``, ``@SUM``, starting
with a tab or a carriage return; a column headed ``=cmd|' /C calc'!A0``; negative numbers; IDs
like ``0001``) goes out through ``segmenta segment`` and ``assign --out x.csv``, ``segmenta
personas export --out x.csv``, ``GET /api/persona-sets/<id>/customers.csv`` and the Personas
page's CSV and Excel downloads. Read back with the ``csv`` module and openpyxl: every formula-like
text cell and header starts with ``'`` (the Excel file holds them as text cells, never
formulas), numbers and IDs are as they came, and ``--raw-csv`` writes the text untouched.
"""

import base64
import csv
import io

import numpy as np
import openpyxl
import pandas as pd
import pytest

from dashboard.app import create_app
from dashboard.cli import main
from dashboard.config import Config
from dashboard.ids import personas as ids
from dashboard.pages.personas import entry_source
from dashboard.pages.personas_cards import FORM_STATES
from dashboard.pages.personas_exports import export_outputs
from dashboard.persona_sets import live_source, resolve, save_persona_set, set_content
from dashboard.services.analysis import View
from tests.reliability.payloads import HOSTILE_HEADER, INERT_NAMES

INCOME = "Annual Income (k$)"
SCORE = "Spending Score (1-100)"
SET_NAME = "Hostile customers"
PERSONA = '=HYPERLINK("http://x","persona")'
KMEANS3 = {"method": "kmeans", "params": {"n_clusters": 3}}


def hostile_customers() -> pd.DataFrame:
    """24 customers: every hostile name three times, two usable features."""
    names = list(INERT_NAMES) * 3
    rng = np.random.default_rng(0)
    return pd.DataFrame(
        {
            "CustomerID": [f"{i:04d}" for i in range(1, len(names) + 1)],
            "Name": names,
            HOSTILE_HEADER: ["-3+3", "@ok"] * (len(names) // 2),
            "Balance": np.arange(len(names)) - 10,
            INCOME: rng.integers(15, 140, len(names)),
            SCORE: rng.integers(1, 100, len(names)),
        }
    )


def rows_of(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8"), newline="")))


def cells(rows: list[list[str]], header: str) -> list[str]:
    return [row[rows[0].index(header)] for row in rows[1:]]


def assert_inert(content: bytes, table: pd.DataFrame) -> None:
    """The CSV's text is inert, its numbers and IDs as they came."""
    rows = rows_of(content)
    assert len(rows) == len(table) + 1
    assert "'" + HOSTILE_HEADER in rows[0] and HOSTILE_HEADER not in rows[0]
    assert cells(rows, "Name") == [INERT_NAMES[name] for name in table["Name"]]
    assert cells(rows, "'" + HOSTILE_HEADER) == ["'" + v for v in table[HOSTILE_HEADER]]
    assert cells(rows, "CustomerID") == table["CustomerID"].tolist()
    assert cells(rows, "Balance") == [str(v) for v in table["Balance"]]
    starts = ("=", "+", "-", "@", "\t", "\r")
    text_cells = [cell for row in rows for cell in row]
    numeric = set(cells(rows, "Balance")) | set(cells(rows, "Cluster"))
    assert [c for c in text_cells if c.startswith(starts) and c not in numeric] == []


def assert_raw(content: bytes, table: pd.DataFrame) -> None:
    rows = rows_of(content)
    assert HOSTILE_HEADER in rows[0]
    assert cells(rows, "Name") == table["Name"].tolist()
    assert cells(rows, HOSTILE_HEADER) == table[HOSTILE_HEADER].tolist()


@pytest.fixture
def hostile_file(tmp_path):
    """The table as a CSV file, CRLF so that the carriage-return name stays in its cell."""
    path = tmp_path / "hostile.csv"
    hostile_customers().to_csv(path, index=False, lineterminator="\r\n")
    return path


@pytest.fixture
def isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("SEGMENTA_INSTANCE", str(tmp_path / "instance"))
    monkeypatch.delenv("SEGMENTA_MODEL_KEY", raising=False)


def segmenta(*args, capsys) -> tuple[int, str]:
    code = main([str(arg) for arg in args])
    return code, capsys.readouterr().err


def test_segment_and_assign_write_inert_csv_and_raw_on_request(
    hostile_file, tmp_path, isolated, capsys
):
    table = hostile_customers()
    out, model, assigned = tmp_path / "out.csv", tmp_path / "m.joblib", tmp_path / "assigned.csv"
    args = ("--features", INCOME, SCORE, "--algorithm", "kmeans", "--k", "3")
    code, err = segmenta("segment", hostile_file, *args, "--out", out, "--model", model,
                         capsys=capsys)  # fmt: skip
    assert code == 0, err
    assert_inert(out.read_bytes(), table)
    code, err = segmenta("assign", model, hostile_file, "--out", assigned, capsys=capsys)
    assert code == 0, err
    assert_inert(assigned.read_bytes(), table)

    code, err = segmenta("segment", hostile_file, *args, "--out", out, "--raw-csv", capsys=capsys)
    assert code == 0, err
    assert_raw(out.read_bytes(), table)
    code, err = segmenta("assign", model, hostile_file, "--out", assigned, "--raw-csv",
                         capsys=capsys)  # fmt: skip
    assert code == 0, err
    assert_raw(assigned.read_bytes(), table)


def test_raw_csv_with_another_output_is_one_error_line(hostile_file, tmp_path, isolated, capsys):
    out = tmp_path / "out.xlsx"
    code, err = segmenta("segment", hostile_file, "--features", INCOME, SCORE, "--algorithm",
                         "kmeans", "--out", out, "--raw-csv", capsys=capsys)  # fmt: skip
    assert code == 2 and err.count("\n") == 1
    assert err.startswith("segmenta: error: --raw-csv is for .csv output") and not out.exists()


# the app: a persona set saved on the hostile table ---------------------------------------------


@pytest.fixture(scope="module")
def app_with_set(tmp_path_factory):
    """(services, Flask client, page source, saved version) on a fresh instance folder."""
    instance = tmp_path_factory.mktemp("instance")
    app = create_app(Config(instance_path=instance, testing=True))
    services = app.server.extensions["segmenta"]
    info = services.datasets.put(hostile_customers(), "hostile.csv")
    view = View(info.dataset_id, (INCOME, SCORE))
    workspace = resolve(services, live_source(view, **KMEANS3))
    personas = [dict(p) for p in workspace.personas]
    personas[0]["name"] = PERSONA
    content = set_content(services, workspace, personas)
    saved = save_persona_set(services.personas, content, name=SET_NAME, author="ann", base=None)
    source = entry_source(view.as_store(), KMEANS3)
    yield services, app.server.test_client(), source, personas, saved
    services.engine.dispose()


def page_download(services, source, personas, button) -> bytes:
    form = [
        [p["name"] for p in personas],
        [p.get("description", "") for p in personas],
        [p.get("recommendation", "") for p in personas],
        [p["color"] for p in personas],
        [p.get("tags", "") for p in personas],
        [{"cluster": p["cluster"], "type": ids.NAME} for p in personas],
    ]
    assert len(form) == len(FORM_STATES)
    download, alert = export_outputs(services, button, source, None, SET_NAME, form)
    assert alert is None, alert
    return base64.b64decode(download["content"])


def test_the_page_csv_download_is_inert(app_with_set):
    services, _, source, personas, _ = app_with_set
    content = page_download(services, source, personas, ids.EXPORT_CSV)
    assert_inert(content, hostile_customers())
    assert "'" + PERSONA in cells(rows_of(content), "Persona")


def test_the_page_excel_download_holds_text_never_formulas(app_with_set):
    services, _, source, personas, _ = app_with_set
    content = page_download(services, source, personas, ids.EXPORT_XLSX)
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    every_cell = [cell for row in sheet.iter_rows() for cell in row]
    assert [cell.coordinate for cell in every_cell if cell.data_type == "f"] == []
    header = [cell.value for cell in sheet[1]]
    assert HOSTILE_HEADER in header
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    table = hostile_customers()
    assert [row[header.index("Name")] for row in rows] == table["Name"].tolist()
    assert [row[header.index("Balance")] for row in rows] == table["Balance"].tolist()
    assert PERSONA in {row[header.index("Persona")] for row in rows}
    formula_like = [c for c in every_cell if isinstance(c.value, str) and c.value[:1] in "=+-@"]
    assert formula_like and all(cell.quotePrefix for cell in formula_like)


def test_the_api_csv_is_inert(app_with_set):
    _, client, _, _, saved = app_with_set
    response = client.get(f"/api/persona-sets/{saved.set_id}/customers.csv")
    assert response.status_code == 200
    assert_inert(response.data, hostile_customers())
    assert "'" + PERSONA in cells(rows_of(response.data), "Persona")


def test_the_cli_personas_export_is_inert_and_raw_on_request(
    app_with_set, tmp_path, monkeypatch, capsys
):
    services, _, _, _, _ = app_with_set
    monkeypatch.setenv("SEGMENTA_INSTANCE", str(services.config.instance_path))
    monkeypatch.setenv("DATABASE_URL", services.config.database)
    out = tmp_path / "customers.csv"
    code, err = segmenta("personas", "export", SET_NAME, "--out", out, capsys=capsys)
    assert code == 0, err
    assert_inert(out.read_bytes(), hostile_customers())
    code, err = segmenta("personas", "export", SET_NAME, "--out", out, "--raw-csv", capsys=capsys)
    assert code == 0, err
    assert_raw(out.read_bytes(), hostile_customers())
    assert PERSONA in cells(rows_of(out.read_bytes()), "Persona")
    code, err = segmenta("personas", "export", SET_NAME, "--out", tmp_path / "c.xlsx",
                         "--raw-csv", capsys=capsys)  # fmt: skip
    assert code == 2 and "--raw-csv is for .csv output" in err
