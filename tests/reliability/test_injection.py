"""Hostile text in persona sets and column names: stored verbatim, rendered inert everywhere.

Persona names, descriptions, recommendations, tags, the set name and the author hold HTML,
``<script>``, an ``onerror`` image, a Markdown ``javascript:`` link, SQL fragments, spreadsheet
formulas and a 5 000-character string (the longest description allowed). They must read back
equal (SQLite and PostgreSQL), leave the database's tables alone, and stay text in the Personas
page (no raw-HTML component, no link or image built from them), the HTML report (escaped), the
Markdown report (escaped), the JSON export and API (JSON strings), the Excel file (text cells,
never formulas) and the CSV (a persona name that starts like a formula gets a leading ``'``).
The browser half of these checks (nothing executes) is in ``test_browser.py``.

Uploads are never unpickled or executed: the server code loads no model, and a model file is
refused by the loader (see the corpus).
"""

import ast
import base64
import csv
import html
import io
import json
from pathlib import Path

import dash
import openpyxl
import pytest
from sqlalchemy import inspect

from dashboard.app import create_app, default_view
from dashboard.config import REPO_ROOT, Config
from dashboard.ids import data as data_ids
from dashboard.ids import personas as ids
from dashboard.pages.data import overview
from dashboard.pages.data import view as view_page
from dashboard.pages.personas import editor_outputs, entry_source
from dashboard.pages.personas_exports import export_outputs
from dashboard.pages.personas_library import history_body, library_outputs, open_outputs
from dashboard.pages.personas_save import save_outputs
from dashboard.persona_sets import resolve, saved_source
from dashboard.storage.personas import MAX_PERSONA_TEXT
from tests.dash_helpers import as_upload
from tests.reliability.payloads import FORMULA, IMAGE, LINK, LONG, SCRIPT, SQL

NAMES = [f"{SCRIPT} bargain", IMAGE, FORMULA, f"{SQL} <b>bold</b> & co"]
DESCRIPTIONS = [LINK, LONG, SQL, "<a href='javascript:window.__xss=1'>click</a>"]
RECOMMENDATIONS = [IMAGE, f"+cmd|' /C calc'!A0 {SCRIPT}", "@SUM(1+1)", "-2+3"]
TAGS = [f"{SCRIPT}, vip", f"{SQL}, weekend", "", IMAGE]
SET_NAME = "Spring '); DROP TABLE persona_set_versions; -- <i>x</i>"
AUTHOR = '<img src=x onerror="window.__xss=1">'
KMEANS4 = {"method": "kmeans", "params": {"n_clusters": 4}}
RAW_HTML_COMPONENTS = {"Markdown", "Script", "Iframe", "ObjectEl", "Embed", "Base"}


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.services)])
def app(request, tmp_path):
    database_url = "" if request.param == "sqlite" else request.getfixturevalue("postgres_schema")
    config = Config(instance_path=tmp_path / "instance", database_url=database_url, testing=True)
    app = create_app(config)
    yield app
    app.server.extensions["segmenta"].engine.dispose()


@pytest.fixture
def services(app):
    return app.server.extensions["segmenta"]


@pytest.fixture
def client(app):
    return app.server.test_client()


def hostile_form(services, source) -> list[dict]:
    personas = [dict(p) for p in resolve(services, source).personas]
    for persona, name, description, recommendation, tags in zip(
        personas, NAMES, DESCRIPTIONS, RECOMMENDATIONS, TAGS, strict=True
    ):
        persona |= {
            "name": name,
            "description": description,
            "recommendation": recommendation,
            "tags": tags,
        }
    return personas


@pytest.fixture
def saved(services):
    """(source, the form, the saved version) of a persona set full of hostile text."""
    source = entry_source(default_view(services).as_store(), KMEANS4)
    personas = hostile_form(services, source)
    status, conflict, _, loaded, _, _ = save_outputs(
        services, source, None, SET_NAME, AUTHOR, personas, as_new=False
    )
    assert loaded is not dash.no_update, status
    return source, personas, services.personas.get(loaded["set_id"])


def components(tree):
    """Every Dash component in a tree (or a list/tuple of trees)."""
    if isinstance(tree, list | tuple):
        for item in tree:
            yield from components(item)
    elif isinstance(tree, dash.development.base_component.Component):
        yield tree
        for name in tree._prop_names:
            yield from components(getattr(tree, name, None))


def assert_inert(tree, where: str) -> None:
    """No component that renders raw HTML, and no URL built from the hostile text."""
    for component in components(tree):
        kind = type(component).__name__
        assert kind not in RAW_HTML_COMPONENTS, f"{where}: a {kind} component"
        assert not getattr(component, "dangerously_allow_html", False), where
        for prop in ("href", "src", "srcDoc", "data"):
            value = getattr(component, prop, None)
            if isinstance(value, str):
                assert "javascript:" not in value and "__xss" not in value, (where, prop, value)


def test_hostile_text_is_stored_verbatim_and_the_tables_survive(services, saved):
    _, personas, version = saved
    assert version.name == SET_NAME and version.author == AUTHOR
    for stored, sent in zip(version.personas, personas, strict=True):
        assert stored["name"] == sent["name"]
        assert stored["description"] == sent["description"]
        assert stored["recommendation"] == sent["recommendation"]
        assert stored["tags"] == [t.strip() for t in sent["tags"].split(",") if t.strip()]
    assert len(version.personas[1]["description"]) == MAX_PERSONA_TEXT
    tables = set(inspect(services.engine).get_table_names())
    assert {"persona_sets", "persona_set_versions"} <= tables
    assert [s.name for s in services.personas.list(search=SQL)] == []
    assert [s.name for s in services.personas.list(search="DROP TABLE persona_set_v")] == [SET_NAME]
    assert services.personas.get_by_name(SET_NAME).version == 1


def test_the_personas_page_renders_the_text_as_text(services, saved):
    source, _, version = saved
    for editor_source in (source, saved_source(version)):
        cards, figure, *_ = editor_outputs(services, editor_source, None)
        assert_inert(cards, "persona cards")
        texts = json.dumps(figure.to_plotly_json(), default=str)
        assert SCRIPT not in texts and IMAGE not in texts, "legend names go through label()"
    opened = open_outputs(services, version.set_id)
    assert_inert(opened, "open")
    library, options = library_outputs(services, None)
    assert_inert(library, "library")
    assert any(SET_NAME in str(option["label"]) for option in options)
    assert_inert(history_body(services, version.set_id), "history")


def export(services, button, source, personas) -> bytes:
    """The file a click on an export button downloads, from the form as it is."""
    download, alert = export_outputs(services, button, source, None, SET_NAME, form(personas))
    assert alert is None, alert
    return base64.b64decode(download["content"])


def form(personas: list[dict]) -> list:
    """The page's FORM_STATES values (names, descriptions, recommendations, colours, tags, ids)."""
    return [
        [p["name"] for p in personas],
        [p["description"] for p in personas],
        [p["recommendation"] for p in personas],
        [p["color"] for p in personas],
        [p["tags"] for p in personas],
        [{"cluster": p["cluster"], "type": ids.NAME} for p in personas],
    ]


def test_the_html_and_markdown_reports_escape_it(services, saved):
    source, personas, _ = saved
    report = export(services, ids.EXPORT_HTML, source, personas).decode()
    for hostile in (SCRIPT, IMAGE, "<b>bold</b>", "<a href='javascript"):
        assert hostile not in report
    assert html.escape(SCRIPT) in report and html.escape(IMAGE) in report
    assert 'href="javascript:' not in report and "href='javascript:" not in report
    markdown = export(services, ids.EXPORT_MD, source, personas).decode()
    assert SCRIPT not in markdown and IMAGE not in markdown
    assert "](javascript:" not in markdown, "the link stays text"


def test_json_export_and_api_keep_the_text_verbatim(services, client, saved):
    source, personas, version = saved
    exported = json.loads(export(services, ids.EXPORT_JSON, source, personas))
    assert [p["name"] for p in exported["personas"]] == NAMES
    response = client.get(f"/api/persona-sets/{version.set_id}")
    assert response.content_type == "application/json"
    assert [p["description"] for p in response.json["personas"]] == DESCRIPTIONS
    assert response.json["name"] == SET_NAME and response.json["author"] == AUTHOR
    searched = client.get("/api/persona-sets", query_string={"q": "DROP TABLE persona_set_v"})
    assert [s["name"] for s in searched.json["persona_sets"]] == [SET_NAME]


def persona_cells(rows: list[list[str]]) -> list[str]:
    header = rows[0]
    return [row[header.index("Persona")] for row in rows[1:]]


def test_spreadsheets_get_text_never_formulas(services, client, saved):
    source, personas, version = saved
    table = export(services, ids.EXPORT_CSV, source, personas).decode()
    rows = list(csv.reader(io.StringIO(table)))
    cells = persona_cells(rows)
    assert set(cells) == {f"'{FORMULA}", *(n for n in NAMES if n != FORMULA)}
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@"))]
    api_csv = client.get(f"/api/persona-sets/{version.set_id}/customers.csv").data
    assert persona_cells(list(csv.reader(io.StringIO(api_csv.decode())))) == cells

    workbook = openpyxl.load_workbook(
        io.BytesIO(export(services, ids.EXPORT_XLSX, source, personas))
    )
    sheet = workbook.active
    assert [cell for row in sheet.iter_rows() for cell in row if cell.data_type == "f"] == []
    header = [cell.value for cell in sheet[1]]
    names = {row[header.index("Persona")] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert names == set(NAMES), "the Excel file keeps the names as written, as text"


def test_html_column_names_stay_text_on_the_data_page(services):
    raw = (Path(__file__).parents[1] / "data" / "bad" / "html_headers.csv").read_bytes()
    controls = view_page.view_controls(
        services, data_ids.UPLOAD, None, contents=as_upload(raw), filename="<b>x</b>.csv"
    )
    assert controls.store["features"] == ["<b>Income</b>", '<img src=x onerror="window.__xss=1">']
    assert_inert(controls.outputs(), "data page controls")
    assert_inert(
        overview.overview_outputs(services, controls.store, None, None).outputs(), "overview"
    )


def test_the_server_never_loads_a_model_or_unpickles():
    """Only ``segmenta assign`` (a local command on the user's own files) loads models."""
    loaders = {"load_model", "load", "loads", "Unpickler"}
    offenders = []
    command_line = REPO_ROOT / "dashboard" / "cli"
    for path in (REPO_ROOT / "dashboard").rglob("*.py"):
        if path == command_line.with_suffix(".py") or command_line in path.parents:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "attr", getattr(node.func, "id", ""))
                owner = getattr(getattr(node.func, "value", None), "id", "")
                if name == "load_model" or (owner in {"joblib", "pickle"} and name in loaders):
                    offenders.append(f"{path.relative_to(REPO_ROOT)}:{node.lineno}")
    assert offenders == []


def test_the_cli_writes_excel_text_as_text(tmp_path):
    from dashboard.cli import main

    out = tmp_path / "labelled.xlsx"
    source = Path(__file__).parents[1] / "data" / "bad" / "formula_cells.csv"
    args = ["segment", str(source), "--features", "Age", "Income", "--algorithm", "kmeans"]
    assert main([*args, "--k", "3", "--out", str(out)]) == 0
    sheet = openpyxl.load_workbook(out).active
    assert [
        cell.coordinate for row in sheet.iter_rows() for cell in row if cell.data_type == "f"
    ] == []
