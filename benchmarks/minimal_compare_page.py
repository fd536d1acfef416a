"""The reference for the Compare page in a browser: a minimal Dash page, as a data scientist
would write it, doing the same three fits and plots with plotly express and the same quality
metrics with scikit-learn, in one callback.

``python -m benchmarks.minimal_compare_page CSV FEATURE FEATURE`` serves it on ``$PORT``.
"""

import os
import sys

import dash
import pandas as pd
import plotly.express as px
from dash import Input, Output, dcc, html
from sklearn.cluster import DBSCAN, AgglomerativeClustering, KMeans
from sklearn.metrics import calinski_harabasz_score, davies_bouldin_score, silhouette_score
from sklearn.preprocessing import StandardScaler

METHODS = {
    "K-Means": lambda k: KMeans(n_clusters=k, n_init=10, random_state=0),
    "DBSCAN": lambda k: DBSCAN(eps=0.3, min_samples=5),
    "Hierarchical": lambda k: AgglomerativeClustering(n_clusters=k, linkage="ward"),
}


def build(path: str, features: list[str]) -> dash.Dash:
    table = pd.read_csv(path).dropna(subset=features)
    matrix = StandardScaler().fit_transform(table[features])
    app = dash.Dash(__name__)
    app.layout = html.Div(
        [
            dcc.Input(id="k", type="number", value=5, debounce=True),
            html.Div([dcc.Graph(id=f"graph-{i}") for i in range(len(METHODS))]),
            html.Div(id="metrics"),
        ]
    )

    @app.callback(
        *[Output(f"graph-{i}", "figure") for i in range(len(METHODS))],
        Output("metrics", "children"),
        Input("k", "value"),
    )
    def compare(k):
        figures, rows = [], []
        for name, method in METHODS.items():
            labels = method(int(k)).fit_predict(matrix)
            shown = table.assign(segment=labels.astype(str))
            figures.append(px.scatter(shown, x=features[0], y=features[1], color="segment",
                                      hover_data=list(table.columns), title=name))  # fmt: skip
            scores = "–"
            if len(set(labels)) > 1:
                scores = (f"silhouette {silhouette_score(matrix, labels):.3f}, "
                          f"DB {davies_bouldin_score(matrix, labels):.3f}, "
                          f"CH {calinski_harabasz_score(matrix, labels):.1f}")  # fmt: skip
            rows.append(html.Li(f"{name}: {scores}", className="metric"))
        return *figures, html.Ul(rows)

    return app


if __name__ == "__main__":
    build(sys.argv[1], sys.argv[2:]).run(port=int(os.environ["PORT"]), debug=False)
