"""``segmenta diagnose``'s computation (k = 2..10) next to the same scikit-learn calls.

Both sides fit K-Means (n_init=10) for every k and score it (silhouette on a 10 000 sample
above that size, Calinski-Harabasz, Davies-Bouldin), then compute the k-distance curve for
DBSCAN's eps on a 10 000-point sample. Ours stratifies the silhouette sample by cluster and
finds the knee and the recommendation on top. Above 100 000 customers ours fits each k on a
random sample of 100 000, assigns every customer to its nearest centre and scores them all, then
refits the recommended k exactly; the direct side fits every k on all rows.
"""

import os
import tempfile
from functools import partial
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
TARGET_SECONDS = {1_000_000: 15.0}
HEADER = [
    "rows", "dims", "ours", "direct", "ours/direct", "target", "recommended k", "knee", "eps",
    "K-Means fits", "exact refit of the recommended k", "progress reports", "load (1 min)",
]  # fmt: skip


def run(options: Options) -> Section:
    rows, timings = [], {}
    for n_rows in options.sizes:
        table = mall_customers(n_rows, options.seed)
        for dims, features in FEATURES.items():
            repeats = repeats_for(n_rows)
            preprocessor = FeaturePreprocessor(features)
            reports = []
            ours, diagnosis = timed(
                diagnose_table, table, preprocessor, K_RANGE, options.seed, MIN_SAMPLES,
                partial(record_progress, reports), repeats=repeats,
            )  # fmt: skip
            raw = table[features].to_numpy(dtype=float)
            direct, _ = timed(direct_diagnose, raw, options.seed, repeats=repeats)
            timings[(n_rows, dims)] = ours
            recommendation, sweep, refit = (
                diagnosis.recommendation,
                diagnosis.sweep,
                diagnosis.refit,
            )
            target = TARGET_SECONDS.get(n_rows)
            rows.append(
                [f"{n_rows:,}", f"{dims}D", seconds(ours), seconds(direct), ratio(ours, direct),
                 f"≤ {target:.0f} s" if target else "–",
                 recommendation.k if recommendation else "–", sweep.knee or "–",
                 f"{diagnosis.eps:.4g}" if diagnosis.eps else "–",
                 f"sample of {sweep.fit_rows:,}" if sweep.fit_rows < n_rows else "all rows",
                 f"ARI {refit.adjusted_rand:.4f}, inertia "
                 f"{refit.sampled_inertia / refit.inertia - 1:+.3%}" if refit else "–",
                 f"{len(reports) // repeats} (one per k)", f"{os.getloadavg()[0]:.1f}"]
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
        f"{seconds(timings[(largest, 3)])} (3D): above 100 000 customers the nine K-Means fits "
        "(10 restarts each) run on a stated random sample of 100 000, every customer is "
        "assigned and scored, and the recommended k is refitted exactly on all of them; the "
        "exact-refit column says what the sample cost."
    )
    return Section(TITLE, body, [finding])


def record_progress(reports: list, done: int, total: int) -> None:
    reports.append(done)


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
