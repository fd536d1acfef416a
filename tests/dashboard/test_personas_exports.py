"""Persona editor exports through the download callback's body: the customer table (CSV, Excel)
re-loads with the same assignments and ids, silhouettes and DBSCAN core status agree with
scikit-learn, the JSON parses, the HTML and Markdown reports keep persona text inert, and the
model file labels the customers as the page did."""

import base64
import json

import numpy as np
import pandas as pd
import pytest
from sklearn.cluster import DBSCAN
from sklearn.metrics import silhouette_samples

from algorithms.loading import load_sample, load_table
from algorithms.model_io import load_model
from algorithms.model_signing import ModelKey
from dashboard.app import default_view
from dashboard.ids import personas as ids
from dashboard.pages.personas import entry_source
from dashboard.pages.personas_exports import export_outputs
from dashboard.persona_sets import resolve
from dashboard.services.analysis import View

FEATURES = ("Annual Income (k$)", "Spending Score (1-100)")
SCRIPT = "<script>alert('x')</script>"
LINK = "[click me](javascript:alert(1))"


def form_values(services, source, **edits):
    """The form's States (names, descriptions, recommendations, colours, tags, name ids)."""
    personas = resolve(services, source).personas
    names = [edits.get(f"n{p['cluster']}", f"Persona {p['cluster']}") for p in personas]
    descriptions = [edits.get(f"d{p['cluster']}", "") for p in personas]
    return [
        names,
        descriptions,
        ["" for _ in personas],
        [p["color"] for p in personas],
        ["" for _ in personas],
        [{"type": ids.NAME, "cluster": p["cluster"]} for p in personas],
    ]


def download(services, button, source, tmp_path, **edits) -> tuple[bytes, str]:
    data, alert = export_outputs(
        services, button, source, None, "Spring set", form_values(services, source, **edits)
    )
    assert alert is None
    content = base64.b64decode(data["content"]) if data.get("base64") else data["content"]
    path = tmp_path / data["filename"]
    path.write_bytes(content)
    return content, str(path)


@pytest.fixture
def source(services):
    return entry_source(default_view(services).as_store(), {"method": "kmeans", "params": {}})


@pytest.mark.parametrize("button", [ids.EXPORT_CSV, ids.EXPORT_XLSX])
def test_customer_table_round_trips_with_assignments_ids_and_silhouettes(
    services, source, tmp_path, button
):
    _, path = download(services, button, source, tmp_path)
    table = load_table(path)
    sample = load_sample()
    result = resolve(services, source).result

    assert table["CustomerID"].tolist() == sample["CustomerID"].tolist()  # '0001' stays text
    pd.testing.assert_frame_equal(table[sample.columns], sample, check_dtype=False)
    np.testing.assert_array_equal(table["Cluster"].to_numpy(), result.labels)
    assert table["Persona"].tolist() == [f"Persona {c}" for c in result.labels]
    matrix = services.analysis.prepare(View.from_store(source["view"])).matrix
    expected = silhouette_samples(matrix, result.labels)
    np.testing.assert_allclose(table["Silhouette"].to_numpy(dtype=float), expected, atol=1e-9)
    assert "Core" not in table.columns


def test_rows_with_missing_values_have_an_empty_cluster(services, tmp_path):
    gappy = load_sample().head(120).copy()
    gappy["Annual Income (k$)"] = gappy["Annual Income (k$)"].astype("float64")
    gappy.loc[[3, 50], "Annual Income (k$)"] = np.nan
    info = services.datasets.put(gappy, "With gaps")
    source = entry_source(View(info.dataset_id, FEATURES).as_store(), None)

    _, path = download(services, ids.EXPORT_CSV, source, tmp_path)
    table = load_table(path)

    assert table.loc[[3, 50], "Cluster"].isna().all()
    assert table.loc[[3, 50], "Persona"].isna().all()
    assert table["Cluster"].notna().sum() == 118
    assert table["CustomerID"].tolist() == gappy["CustomerID"].tolist()
    result = resolve(services, source).result
    np.testing.assert_array_equal(table["Cluster"].dropna().to_numpy(), result.labels)


def test_dbscan_export_says_core_border_noise_as_scikit_learn(services, tmp_path):
    view = default_view(services).as_store()
    params = {"eps": 0.3, "min_samples": 5}
    source = entry_source(view, {"method": "dbscan", "params": params})

    _, path = download(services, ids.EXPORT_CSV, source, tmp_path)
    table = load_table(path)

    matrix = services.analysis.prepare(View.from_store(view)).matrix
    reference = DBSCAN(eps=0.3, min_samples=5).fit(matrix)
    expected = np.where(reference.labels_ == -1, "noise", "border").astype(object)
    expected[reference.core_sample_indices_] = "core"
    assert table["Core"].tolist() == expected.tolist()
    noise = table["Cluster"] == -1
    assert noise.any() and table.loc[noise, "Silhouette"].isna().all()
    assert (table.loc[noise, "Persona"] == "Noise").all()


def test_persona_json_parses_with_the_form_text(services, source, tmp_path):
    content, _ = download(services, ids.EXPORT_JSON, source, tmp_path, n0=SCRIPT, d0="line 1\n2")
    record = json.loads(content)
    assert record["name"] == "Spring set"
    assert record["personas"][0]["name"] == SCRIPT
    assert record["personas"][0]["description"] == "line 1\n2"
    assert sum(p["size"] for p in record["personas"]) == 200
    assert record["segmentation"]["features"] == list(FEATURES)
    assert record["dataset"]["name"] == "Mall customers (sample)"


def test_html_report_escapes_persona_text_and_inlines_plotly(services, source, tmp_path):
    content, _ = download(services, ids.EXPORT_HTML, source, tmp_path, n0=SCRIPT, d0=LINK)
    report = content.decode("utf-8")
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in report
    assert SCRIPT not in report
    assert "<a " not in report.split("<script", 1)[0]  # no link before the plotly bundle
    assert LINK.replace("'", "&#x27;") in report  # shown as text
    assert "<script src=" not in report  # plotly.js is inlined: opens without a network
    assert "Plotly.newPlot" in report
    assert "Persona 1" in report


def test_markdown_report_escapes_html_and_links(services, source, tmp_path):
    content, _ = download(services, ids.EXPORT_MD, source, tmp_path, n0=SCRIPT, d0=LINK)
    report = content.decode("utf-8")
    assert "## &lt;script&gt;alert\\('x'\\)&lt;/script&gt;" in report
    assert "\\[click me\\]\\(javascript:alert\\(1\\)\\)" in report
    assert "<script" not in report and "](javascript" not in report


def test_model_file_assigns_customers_to_the_page_segments(services, source, tmp_path):
    _, path = download(services, ids.EXPORT_MODEL, source, tmp_path, n1="Big spenders")
    model = load_model(path, ModelKey.for_instance(services.config.instance_path))
    labelled = model.assign(load_sample())
    result = resolve(services, source).result
    np.testing.assert_array_equal(labelled["Cluster"].to_numpy(dtype=int), result.labels)
    assert model.cluster_names[1] == "Big spenders"
    assert (labelled.loc[labelled["Cluster"] == 1, "Persona"] == "Big spenders").all()
