"""Server time of one Compare panel (K-Means, k=5): the panel callback's body and the figure
serialised as Dash sends it, cold (empty result cache: fit, scores, profile, figure) and cached,
beside what a data scientist writes by hand: scikit-learn's fit and a plotly express scatter of
the same table, serialised the same way.

Each figure is measured in a process that has already drawn a figure once (plotly loads its
validators on first use, ~0.4-1.3 s once per worker), as a running server would be.
"""

import shutil
import tempfile
from pathlib import Path

import pandas as pd
import plotly.express as px
from plotly.io.json import to_json_plotly
from sklearn.cluster import KMeans
from sklearn.preprocessing import StandardScaler

from algorithms.loading import load_sample
from benchmarks.harness import Options, Section, markdown_table, ratio, seconds, timed
from devtools.synthetic import mall_customers

TITLE = "Compare panel on the server: ours against scikit-learn + plotly express"
DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"
TARGETS = {200: (0.020, 0.005), 8_950: (0.300, None), 100_000: (1.5, None)}


def run(options: Options) -> Section:
    tables = [("sample, 200 × 2", load_sample(), ["Annual Income (k$)", "Spending Score (1-100)"])]
    cc = DATA / "CC GENERAL.csv"
    if cc.exists():
        tables.append(("CC GENERAL, 8 950 × 2", pd.read_csv(cc), ["BALANCE", "PURCHASES"]))
    synthetic = mall_customers(100_000, options.seed)
    tables.append(("synthetic, 100 000 × 2", synthetic, list(synthetic.columns[-2:])))
    _draw_once()
    rows = [measure(name, table, features) for name, table, features in tables]
    header = ["table", "cold", "cached", "cold, then metrics", "reference (fit + px figure)",
              "cold / reference", "target cold", "target cached"]  # fmt: skip
    body = markdown_table(header, rows) + (
        "\n\nOurs: `panel_view` (fit through the result cache, profile, scatter of at most "
        "3 000 customers: a stratified sample above that) plus the figure's JSON; the panel "
        "draws before the quality scores, which the metrics table then adds (silhouette exact "
        "up to 10 000 customers, a stratified sample of 10 000 above; CH and DB on all rows): "
        "'cold, then metrics' is both, one after the other. Reference: "
        "`KMeans(n_clusters=5, n_init=10)` on the standardised features and "
        "`px.scatter(color=segment, hover_data=all columns)` of every row, to JSON."
    )
    return Section(TITLE, body)


def measure(name: str, table: pd.DataFrame, features: list[str]) -> list[str]:
    from dashboard.app import create_app
    from dashboard.config import Config
    from dashboard.pages.compare_controls import initial_values
    from dashboard.pages.compare_metrics import metrics_outputs
    from dashboard.pages.compare_panels import fit_in_background, panel_request, panel_view
    from dashboard.services.analysis import View

    folder = Path(tempfile.mkdtemp(prefix="segmenta-bench-"))
    try:
        services = create_app(Config(instance_path=folder)).server.extensions["segmenta"]
        view = View(services.datasets.put(table, name).dataset_id, tuple(features)).as_store()
        values = initial_values("kmeans", {}) | {"n_clusters": 5}
        request, _ = panel_request(services, view, "kmeans", values, "k")

        def panel() -> None:
            """As the page runs it: a large table's fit in the background callback first."""
            fitted = fit_in_background(services, request) if request["background"] else None
            shown = panel_view(services, request, fitted)
            assert shown.shown == request, shown.alert  # drawn, not an error (flags may show)
            to_json_plotly(shown.figure)

        cold, _ = timed(panel)
        cached, _ = timed(panel, repeats=5)
        scores, _ = timed(lambda: metrics_outputs(services, {"kmeans": request}, ["kmeans"]))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    reference, _ = timed(reference_panel, table, features)
    cold_target, cached_target = TARGETS.get(len(table), (None, None))
    return [name, seconds(cold), seconds(cached), seconds(cold + scores), seconds(reference),
            ratio(cold, reference), seconds(cold_target), seconds(cached_target)]  # fmt: skip


def reference_panel(table: pd.DataFrame, features: list[str]) -> str:
    rows = table.dropna(subset=features)
    matrix = StandardScaler().fit_transform(rows[features])
    labels = KMeans(n_clusters=5, n_init=10, random_state=0).fit_predict(matrix)
    shown = rows.assign(segment=labels.astype(str))
    figure = px.scatter(shown, x=features[0], y=features[1], color="segment",
                        hover_data=list(table.columns))  # fmt: skip
    return to_json_plotly(figure)


def _draw_once() -> None:
    """Load plotly's validators as a running worker already has."""
    to_json_plotly(px.scatter(x=[0, 1], y=[0, 1]))
