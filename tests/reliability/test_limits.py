"""Upload size, rows, columns and cells limits, configured small through ``Config``, on every
way in (the Data page's upload, ``POST /api/datasets``) and every format, and enforced before a
file is parsed whole: a CSV over the row limit is read a few rows deep, a Parquet file or a
workbook that unpacks to far more than its size is refused while unpacking.
"""

import io
import json
import os
import subprocess
import sys
import tracemalloc
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from openpyxl.styles import Font

import algorithms.loading
import algorithms.text_tables
from algorithms.errors import DataError, SegmentaError
from algorithms.loading import load_table
from algorithms.table_limits import TableLimits
from dashboard.app import create_app
from dashboard.config import Config
from dashboard.ids import data as ids
from dashboard.pages.data import view as view_page
from dashboard.services.analysis import View
from tests.dash_helpers import as_upload, text_of
from tests.data.bad.corpus import CASES, MALL_FEATURES
from tests.reliability.conftest import HANG_SECONDS

LIMITS = {"upload_max_mb": 1, "max_rows": 50, "max_columns": 6, "max_cells": 150}
MB = 1024 * 1024
REPO_ROOT = Path(__file__).resolve().parents[2]


def numbers(n_rows: int, n_columns: int, seed: int = 0) -> pd.DataFrame:
    values = np.random.default_rng(seed).integers(0, 1000, (n_rows, n_columns))
    return pd.DataFrame(values, columns=[f"x{i}" for i in range(n_columns)])


def as_csv(table: pd.DataFrame) -> bytes:
    return table.to_csv(index=False).encode()


def as_xlsx(table: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    table.to_excel(buffer, index=False)
    return buffer.getvalue()


def as_parquet(table: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    table.to_parquet(buffer, index=False)
    return buffer.getvalue()


WRITERS = {"csv": as_csv, "xlsx": as_xlsx, "parquet": as_parquet}
OVER_LIMITS = {
    "rows": ((60, 2), "has more than 50 rows, the limit: load a sample"),
    "columns": ((10, 8), "has 8 columns, over the limit of 6: keep only the columns you need"),
    "cells": ((40, 5), "has more than 150 cells (5 columns, at least"),
}


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    instance = tmp_path_factory.mktemp("limits") / "instance"
    return create_app(Config(instance_path=instance, testing=True, **LIMITS))


@pytest.fixture(scope="module")
def services(app):
    return app.server.extensions["segmenta"]


@pytest.fixture(scope="module")
def client(app):
    return app.server.test_client()


@pytest.fixture
def sample_view(services) -> dict:
    return View(services.sample.dataset_id, MALL_FEATURES).as_store()


def upload(services, view, raw: bytes, filename: str):
    return view_page.view_controls(
        services, ids.UPLOAD, view, contents=as_upload(raw), filename=filename
    )


def post(client, raw: bytes, filename: str):
    return client.post(
        "/api/datasets",
        data={"file": (io.BytesIO(raw), filename)},
        content_type="multipart/form-data",
    )


def test_the_configured_limits_reach_the_loader(services):
    assert services.config.table_limits == TableLimits(
        max_bytes=1 * MB, max_rows=50, max_columns=6, max_cells=150
    )


def test_the_limits_are_read_from_the_environment(monkeypatch, tmp_path):
    for name, value in {
        "SEGMENTA_UPLOAD_MAX_MB": "3",
        "SEGMENTA_MAX_ROWS": "1000",
        "SEGMENTA_MAX_COLUMNS": "12",
        "SEGMENTA_MAX_CELLS": "5000",
        "SEGMENTA_MAX_TABLE_MB": "64",
        "SEGMENTA_MAX_PACKING_RATIO": "20",
    }.items():
        monkeypatch.setenv(name, value)
    limits = Config.from_env(instance_path=tmp_path).table_limits
    assert limits == TableLimits(
        max_bytes=3 * MB,
        max_rows=1000,
        max_columns=12,
        max_cells=5000,
        max_table_bytes=64 * MB,
        max_packing_ratio=20,
    )


@pytest.mark.parametrize("value", ["abc", "0", "-5", "1.5"])
def test_a_limit_that_is_not_a_positive_whole_number_is_named(monkeypatch, value):
    monkeypatch.setenv("SEGMENTA_MAX_TABLE_MB", value)
    with pytest.raises(
        SegmentaError, match=f"SEGMENTA_MAX_TABLE_MB must be a whole number above 0, not '{value}'"
    ):
        Config.from_env()


def test_the_unpacked_size_limit_from_the_environment_refuses_an_upload(monkeypatch, tmp_path):
    """A Parquet file of under 1 MB holding 50 MB of text: refused on the upload of an app
    configured with ``SEGMENTA_MAX_TABLE_MB=5``, loaded under the default."""
    raw = repeated_text_parquet(n_rows=50_000, text_bytes=1000)
    monkeypatch.setenv("SEGMENTA_MAX_TABLE_MB", "5")
    services = create_app(Config.from_env(instance_path=tmp_path, testing=True)).server.extensions[
        "segmenta"
    ]
    controls = upload(services, None, raw, "notes.parquet")
    assert controls.alert.color == "warning"
    assert "'notes.parquet' unpacks to more than 5.0 MB" in text_of(controls.alert)
    assert [info.name for info in services.datasets.list()] == [services.sample.name]


@pytest.mark.parametrize("fmt", WRITERS)
@pytest.mark.parametrize("limit", OVER_LIMITS)
def test_a_table_over_a_limit_is_refused_on_every_way_in(services, client, sample_view, fmt, limit):
    (n_rows, n_columns), message = OVER_LIMITS[limit]
    raw = WRITERS[fmt](numbers(n_rows, n_columns))
    filename = f"over-{limit}.{fmt}"
    controls = upload(services, sample_view, raw, filename)
    assert controls.alert.color == "warning"
    assert f"'{filename}' {message}" in text_of(controls.alert)
    assert controls.store is view_page.dash.no_update
    response = post(client, raw, filename)
    assert response.status_code == 400
    assert f"'{filename}' {message}" in response.get_json()["error"]


@pytest.mark.parametrize("fmt", WRITERS)
def test_a_table_at_the_limits_is_accepted(services, client, sample_view, fmt):
    raw = WRITERS[fmt](numbers(30, 5))  # 150 cells, 30 rows, 5 columns
    controls = upload(services, sample_view, raw, f"at-limits.{fmt}")
    assert controls.alert.color == "info", text_of(controls.alert)
    assert services.datasets.info(controls.store["dataset_id"]).n_rows == 30
    assert post(client, raw, f"at-limits.{fmt}").status_code == 201


def oversized_csv(n_bytes: int) -> bytes:
    line = b"1,2\n"
    return b"a,b\n" + line * (n_bytes // len(line))


def test_a_file_over_the_size_limit(services, client, sample_view):
    raw = oversized_csv(int(1.2 * MB))
    controls = upload(services, sample_view, raw, "big.csv")
    assert "'big.csv' is 1.2 MB, over the 1.0 MB limit: load a sample" in text_of(controls.alert)
    response = post(client, raw, "big.csv")
    assert response.status_code == 413
    assert response.get_json() == {"error": text_of(controls.alert)}


def test_a_body_over_the_servers_cap_is_a_json_413(client):
    """Above the cap (the limit as base64 plus slack) the body is refused while parsing."""
    response = post(client, oversized_csv(4 * MB), "huge.csv")
    assert response.status_code == 413
    assert "is 4.0 MB, over the 1.0 MB limit" in response.get_json()["error"]
    callback = client.post(
        "/_dash-update-component", data=b"{" + b" " * 4 * MB + b"}", content_type="application/json"
    )
    assert callback.status_code == 413


def test_the_browser_refuses_a_file_over_the_size_limit(services, sample_view):
    rejected = {"filename": "huge.csv", "size": 5 * MB, "at": 1}
    controls = view_page.view_controls(
        services, ids.UPLOAD_REJECTED, sample_view, rejected=rejected
    )
    assert "'huge.csv' is 5.0 MB, over the 1.0 MB limit" in text_of(controls.alert)
    assert controls.store is view_page.dash.no_update


def test_a_csv_over_the_row_limit_is_read_only_a_few_rows_deep(monkeypatch):
    raw = b"Age,Income,Score\n" + b"31,72,40\n" * 3_000_000  # 27 MB
    parsed = []
    read_csv = pd.read_csv

    def recording(*args, **kwargs):
        parsed.append(len(table := read_csv(*args, **kwargs)))
        return table

    monkeypatch.setattr(algorithms.text_tables.pd, "read_csv", recording)
    tracemalloc.start()
    try:
        with pytest.raises(DataError, match="more than 50 rows"):
            load_table(raw, "long.csv", limits=TableLimits(max_rows=50))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert max(parsed) <= 52
    assert peak < len(raw) / 2, f"{peak / MB:.1f} MB to refuse a {len(raw) / MB:.1f} MB file"


def repeated_text_parquet(n_rows: int, text_bytes: int) -> bytes:
    """A Parquet file a thousand times smaller than its values: one long text in every row."""
    batch = pa.table({"note": pa.array(["y" * text_bytes] * 1000), "x": pa.array(range(1000))})
    buffer = io.BytesIO()
    with pq.ParquetWriter(buffer, batch.schema, compression="zstd") as writer:
        for _ in range(n_rows // 1000):
            writer.write_table(batch)
    return buffer.getvalue()


def test_a_parquet_file_that_unpacks_to_too_much_is_refused_while_unpacking():
    raw = repeated_text_parquet(n_rows=50_000, text_bytes=1000)  # 50 MB of text
    limits = TableLimits(max_table_bytes=5 * MB)
    tracemalloc.start()
    try:
        with pytest.raises(DataError, match="'notes.parquet' unpacks to more than 5.0 MB"):
            load_table(raw, "notes.parquet", limits=limits)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(raw) < MB
    assert peak < 50 * MB
    assert len(load_table(raw, "notes.parquet")) == 50_000, "under the default limit it loads"


def test_a_workbook_of_long_repeated_texts_is_refused_before_it_is_opened(monkeypatch):
    """10 MB of one text written in every row (openpyxl writes each cell's own copy), packed
    250 times: refused from the zip directory, over the unpacked size or the packing ratio."""
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(["Note", "Age"])
    for age in range(2_000):
        sheet.append(["z" * 5_000, age])
    buffer = io.BytesIO()
    workbook.save(buffer)
    raw = buffer.getvalue()
    assert len(load_table(raw, "notes.xlsx", limits=TableLimits(max_packing_ratio=300))) == 2_000

    def never(*_args, **_kwargs):
        raise AssertionError("openpyxl opened a workbook the zip directory refuses")

    monkeypatch.setattr(openpyxl, "load_workbook", never)  # loading imports it when used
    with pytest.raises(DataError, match="'notes.xlsx' unpacks to more than 5.0 MB"):
        limits = TableLimits(max_table_bytes=5 * MB, max_packing_ratio=300)
        load_table(raw, "notes.xlsx", limits=limits)
    with pytest.raises(DataError, match=r"\(xl/worksheets/sheet1.xml\) that unpacks to 9.7 MB"):
        load_table(raw, "notes.xlsx")


def test_a_sheet_of_mostly_empty_cells_is_refused():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Age", "Income"])
    sheet.append([30, 40])
    for row in range(3, 200):
        for column in range(1, 30):
            sheet.cell(row, column).font = Font(bold=True)
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(DataError, match="more than 2,000 cells on its first sheet, most of them"):
        load_table(buffer.getvalue(), "styled.xlsx", limits=TableLimits(max_cells=1000))
    assert load_table(buffer.getvalue(), "styled.xlsx").shape == (1, 2)


HOSTILE = ("header_of_commas.csv", "shared_strings_bomb.xlsx", "whitespace_bomb.xlsx")
HOSTILE += ("huge_row_groups.parquet",)
_REFUSE_IN_A_CHILD = """
import json, resource, sys
resource.setrlimit(resource.RLIMIT_AS, (4 * 1024**3, 4 * 1024**3))
from algorithms.errors import DataError
from algorithms.loading import load_table
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    load_table(sys.argv[1])
    message = None
except DataError as error:
    message = str(error)
grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
print(json.dumps({"message": message, "grown_kb": grown}))
"""


@pytest.mark.parametrize("file", HOSTILE)
def test_a_hostile_file_is_refused_with_flat_memory(file, path_of):
    """Each of these once held a worker for a minute at 1 to 3 GB: now the peak resident
    memory of a fresh process grows by less than 64 MB to refuse it (the address space is
    capped at 4 GB so a regression fails here rather than starving the machine)."""
    case = next(case for case in CASES if case.file == file)
    done = subprocess.run(
        [sys.executable, "-c", _REFUSE_IN_A_CHILD, str(path_of(file))],
        capture_output=True,
        text=True,
        timeout=HANG_SECONDS,
        cwd=REPO_ROOT,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    outcome = json.loads(done.stdout)
    assert outcome["message"] is not None, f"{file} loaded"
    for fragment in case.refused:
        assert fragment in outcome["message"]
    assert outcome["grown_kb"] < 64 * 1024, f"{outcome['grown_kb'] / 1024:.0f} MB to refuse {file}"
