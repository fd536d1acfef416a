"""Random tables end to end: file bytes (CSV in any delimiter and encoding, Excel, Parquet)
-> ``load_table`` -> ``FeaturePreprocessor`` -> a K-Means fit, and the same bytes through the
Data page's upload. Each run gives a valid segmentation or a ``SegmentaError``; never another
exception, never the page's "could not compute" apology.

Cells mix numbers, missing-value tokens, infinities, numbers too large to compute with, text,
formulas and control characters; headers are blank, duplicated or canonical mall names; the
features asked for may be text, constant, missing or absent.
"""

import base64
import csv
import io

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from algorithms.errors import SegmentaError
from algorithms.loading import canonical_column_name, load_table
from algorithms.preprocessing import SCALERS
from algorithms.segmentation import SegmentationSpec, run_segmentation
from dashboard.app import create_app
from dashboard.config import Config
from dashboard.ids import data as ids
from dashboard.pages.data import view as view_page
from dashboard.services.analysis import View

MALL = ["CustomerID", "Gender", "Age", "Annual Income (k$)", "Spending Score (1-100)"]
TOKENS = ["", "NA", "N/A", "null", "nan", "12k", "1,5", " 7 ", "0012", "1e400", "1e300", "inf",
          "-inf", "true", "=1+1", "é", "🎂", '"', "a\nb", ";", "\t", "\x07"]  # fmt: skip

plain_numbers = st.one_of(st.integers(-(10**6), 10**6), st.floats(min_value=-1e6, max_value=1e6))
# one value in 60 is any float at all (NaN, inf, 1e308...)
numbers = st.one_of(*[plain_numbers] * 59, st.floats(allow_nan=True, allow_infinity=True))
words = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=6)
cells = st.one_of(numbers.map(str), st.sampled_from(TOKENS), words, st.just(None))
headers = st.one_of(st.sampled_from(MALL + ["", " ", "\ufeffAge", "Genre"]), st.text(max_size=10))
named = st.sampled_from(MALL + ["Region", "Visits", "Tenure (months)", "Ümlaut 🎂", "<b>x</b>"])


@st.composite
def header_of(draw, n_columns: int) -> list[str]:
    """Mostly distinct usable names; sometimes anything (blank, duplicated, control chars)."""
    if draw(st.integers(0, 9)) < 7:
        return draw(st.lists(named, min_size=n_columns, max_size=n_columns, unique=True))
    return draw(st.lists(headers, min_size=n_columns, max_size=n_columns))


@st.composite
def tables(draw) -> tuple[list[str], list[list], list[str]]:
    """(header, rows, the kind of each column): numbers, numbers with junk, text, constants."""
    n_columns = draw(st.integers(1, 6))
    n_rows = draw(st.integers(0, 40))
    header = draw(header_of(n_columns))
    columns, kinds = [], []
    for _ in range(n_columns):
        kind = draw(st.sampled_from(["numbers", "numbers", "mixed", "text", "constant"]))
        if kind == "numbers":
            column = draw(st.lists(numbers, min_size=n_rows, max_size=n_rows))
        elif kind == "constant":
            column = [draw(numbers)] * n_rows
        elif kind == "text":
            column = draw(st.lists(words, min_size=n_rows, max_size=n_rows))
        else:
            column = draw(st.lists(st.one_of(numbers, cells), min_size=n_rows, max_size=n_rows))
        columns.append(column)
        kinds.append(kind)
    return header, [list(row) for row in zip(*columns, strict=True)] if n_rows else [], kinds


def as_csv(header, rows, delimiter: str, encoding: str) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([["" if v is None else v for v in row] for row in rows])
    return buffer.getvalue().encode(encoding, errors="replace")


def as_xlsx(header, rows) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in [header, *rows]:
        sheet.append([_excel_value(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _excel_value(value):
    if isinstance(value, float) and not np.isfinite(value):
        return str(value)
    if isinstance(value, str):
        return "".join(ch for ch in value if ch >= " " or ch in "\t\n\r")  # XML-safe
    return value


def as_parquet(header, rows) -> bytes:
    names = [name or f"unnamed {i}" for i, name in enumerate(header)]
    if len(set(names)) < len(names):
        names = [f"{name} {i}" for i, name in enumerate(names)]
    frame = pd.DataFrame(rows, columns=names, dtype=object) if rows else pd.DataFrame(columns=names)
    for name in frame.columns:
        converted = pd.to_numeric(frame[name], errors="coerce")
        frame[name] = (
            converted
            if converted.notna().sum() == frame[name].notna().sum()
            else (frame[name].map(lambda v: None if v is None else str(v)))
        )
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return buffer.getvalue()


@st.composite
def files(draw) -> tuple[bytes, str, list[str], list[str]]:
    """(file bytes, file name, the header as written, the header of the numeric columns)."""
    header, rows, kinds = draw(tables())
    numeric = [name for name, kind in zip(header, kinds, strict=True) if kind == "numbers"]
    fmt = draw(st.sampled_from(["csv", "csv", "xlsx", "parquet"]))
    if fmt == "xlsx":
        return as_xlsx(header, rows), "table.xlsx", header, numeric
    if fmt == "parquet":
        return as_parquet(header, rows), "table.parquet", header, numeric
    delimiter = draw(st.sampled_from(",;\t|"))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]))
    return as_csv(header, rows, delimiter, encoding), "table.csv", header, numeric


@st.composite
def runs(draw):
    """A file, and features mostly among its numeric columns."""
    raw, filename, header, numeric = draw(files())
    if numeric and draw(st.integers(0, 3)):
        asked = draw(st.lists(st.sampled_from(numeric), min_size=1, max_size=3, unique=True))
    else:
        asked = draw(st.lists(st.one_of(st.sampled_from(header), headers), min_size=1, max_size=3))
    scaling = draw(st.sampled_from(sorted(SCALERS)))
    k = draw(st.integers(1, 6))
    return raw, filename, asked, scaling, k


def segment(raw: bytes, filename: str, features: list[str], scaling: str, k: int):
    """What ``segmenta segment`` runs: the features named as the loader names columns."""
    table = load_table(raw, filename)
    features = tuple(canonical_column_name(name) for name in features)
    spec = SegmentationSpec(features, "kmeans", {"n_clusters": k}, scaling)
    return table, run_segmentation(table, spec)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(runs())
def test_random_files_segment_or_give_a_segmenta_error(run):
    raw, filename, features, scaling, k = run
    try:
        table, segmentation = segment(raw, filename, features, scaling, k)
    except SegmentaError as error:
        assert str(error).strip(), "an error says what is wrong"
        return
    labels = segmentation.table_labels()
    assert len(labels) == len(table)
    assigned = labels.dropna().to_numpy(dtype=int)
    assert len(assigned) == int(segmentation.prepared.row_mask.sum()) >= k
    assert sorted(set(assigned)) == list(range(len(set(assigned))))
    assert np.isfinite(segmentation.prepared.matrix).all()


@pytest.fixture(scope="module")
def services(tmp_path_factory):
    instance = tmp_path_factory.mktemp("fuzz") / "instance"
    return create_app(Config(instance_path=instance, testing=True)).server.extensions["segmenta"]


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(files())
def test_random_files_through_the_upload_give_a_view_or_a_specific_warning(services, file):
    raw, filename, _, _ = file
    sample = View(services.sample.dataset_id, tuple(MALL[3:])).as_store()
    contents = f"data:application/octet-stream;base64,{base64.b64encode(raw).decode()}"
    controls = view_page.view_controls(
        services, ids.UPLOAD, sample, contents=contents, filename=filename
    )
    assert controls.alert.color in ("info", "warning"), controls.alert.children
    if controls.alert.color == "info":
        view = View.from_store(controls.store)
        prepared = services.analysis.prepare(view)
        assert len(view.features) >= 2 and np.isfinite(prepared.matrix).all()
    else:
        assert controls.store is view_page.dash.no_update
