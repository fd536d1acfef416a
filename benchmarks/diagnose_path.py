"""``segmenta diagnose``'s computation (k = 2..10) next to the same scikit-learn calls.

Both sides fit K-Means (n_init=10) for every k and score it (silhouette on a 10 000 sample
above that size, Calinski-Harabasz, Davies-Bouldin), then compute the k-distance curve for
DBSCAN's eps on a 10 000-point sample. Ours stratifies the silhouette sample by cluster and
finds the knee and the recommendation on top.
"""

import tempfile
from pathlib import Path

import numpy as np
from sklearn.cluster import KMeans
from sklearn.metrics import calinski_harabasz_score, davies_bouldin_score, silhouette_score
from sklearn.neighbors import NearestNeighbors
from sklearn.preprocessing import StandardScaler

from algorithms.diagnostics import K_DISTANCE_SAMPLE, SILHOUETTE_SAMPLE
from algorithms.preprocessing import FeaturePreprocessor
from benchmarks.harness import (
    Options,
    Section,
    markdown_table,
    ratio,
    repeats_for,
    seconds,
    time_subprocess,
    timed,
)
from dashboard.cli import diagnose_table
from devtools.synthetic import FEATURES, mall_customers

TITLE = "segmenta diagnose (k = 2..10) vs scikit-learn called directly"
K_RANGE = (2, 10)
MIN_SAMPLES = 5
HEADER = ["rows", "dims", "ours", "direct", "ours/direct", "recommended k", "knee", "eps"]


def run(options: Options) -> Section:
    rows, timings = [], {}
    for n_rows in options.sizes:
        table = mall_customers(n_rows, options.seed)
        for dims, features in FEATURES.items():
            repeats = repeats_for(n_rows)
            preprocessor = FeaturePreprocessor(features)
            ours, diagnosis = timed(
                diagnose_table, table, preprocessor, K_RANGE, options.seed, MIN_SAMPLES,
                repeats=repeats,
            )  # fmt: skip
            raw = table[features].to_numpy(dtype=float)
            direct, _ = timed(direct_diagnose, raw, options.seed, repeats=repeats)
            timings[(n_rows, dims)] = ours
            recommendation = diagnosis.recommendation
            rows.append(
                [f"{n_rows:,}", f"{dims}D", seconds(ours), seconds(direct), ratio(ours, direct),
                 recommendation.k if recommendation else "–", diagnosis.sweep.knee or "–",
                 f"{diagnosis.eps:.4g}" if diagnosis.eps else "–"]
            )  # fmt: skip
    smallest = min(options.sizes)
    script = subprocess_run(smallest, options.seed)
    body = "\n\n".join(
        [
            markdown_table(HEADER, rows),
            f"One real `segmenta diagnose` run ({smallest} rows, 2D, CSV in): {seconds(script)} "
            f"against {seconds(timings[(smallest, 2)])} in-process.",
        ]
    )
    largest = max(options.sizes)
    finding = (
        f"Diagnosing {largest:,} customers takes {seconds(timings[(largest, 2)])} (2D) to "
        f"{seconds(timings[(largest, 3)])} (3D), nine K-Means fits with 10 restarts each: in "
        "the app it must run as background work with progress per k, and its result be cached."
    )
    return Section(TITLE, body, [finding])


def direct_diagnose(raw: np.ndarray, seed: int) -> None:
    matrix = StandardScaler().fit_transform(raw)
    for k in range(K_RANGE[0], K_RANGE[1] + 1):
        labels = KMeans(n_clusters=k, n_init=10, random_state=seed).fit(matrix).labels_
        sample = SILHOUETTE_SAMPLE if len(matrix) > SILHOUETTE_SAMPLE else None
        silhouette_score(matrix, labels, sample_size=sample, random_state=seed)
        calinski_harabasz_score(matrix, labels)
        davies_bouldin_score(matrix, labels)
    rng = np.random.default_rng(seed)
    queries = rng.choice(len(matrix), min(K_DISTANCE_SAMPLE, len(matrix)), replace=False)
    NearestNeighbors(n_neighbors=MIN_SAMPLES).fit(matrix).kneighbors(matrix[queries])


def subprocess_run(n_rows: int, seed: int) -> float:
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "customers.csv"
        mall_customers(n_rows, seed).to_csv(source, index=False)
        return time_subprocess(["diagnose", str(source), "--features", *FEATURES[2]])
