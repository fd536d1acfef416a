"""One compute thread against two: why every Segmenta process computes with one.

The same work runs alternately under ``threadpool_limits(1)`` and ``threadpool_limits(2)``
(alternating, so a busy neighbour on the shared machine slows both alike): the 200-row elbow
sweep with silhouettes (what ``diagnose`` and the app's Diagnostics page do on the sample) and
one 100 000-row K-Means.
"""

import statistics

from sklearn.cluster import KMeans
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from algorithms.diagnostics import sweep_k
from benchmarks.harness import Options, Section, markdown_table, seconds, timed
from devtools.synthetic import FEATURES, mall_customers

TITLE = "Threads: 1 against 2 (threadpoolctl)"
HEADER = ["work", "1 thread (median, range)", "2 threads (median, range)", "2 threads / 1 thread"]


def run(options: Options) -> Section:
    cases = {
        "elbow sweep k=1..10 + silhouettes, 200 rows": (_matrix(200, options.seed), 7, _sweep),
        "K-Means k=5, n_init=10, 100 000 rows": (_matrix(100_000, options.seed), 3, _kmeans),
    }
    rows, ratios = [], {}
    for name, (matrix, repeats, work) in cases.items():
        times = {1: [], 2: []}
        for _ in range(repeats):
            for threads in (1, 2):
                with threadpool_limits(limits=threads):
                    times[threads].append(timed(work, matrix, options.seed)[0])
        medians = {threads: statistics.median(values) for threads, values in times.items()}
        ratios[name] = medians[2] / medians[1]
        rows.append([name, _spread(times[1]), _spread(times[2]), f"{ratios[name]:.2f}"])
    worst = max(ratios.values())
    finding = (
        f"A second thread gave {min(ratios.values()):.2f}–{worst:.2f}× the one-thread time "
        f"here: keep `SEGMENTA_THREADS=1` and get parallelism from gunicorn and Celery worker "
        "processes (one per core)."
    )
    return Section(TITLE, markdown_table(HEADER, rows), [finding])


def _matrix(n_rows: int, seed: int):
    return StandardScaler().fit_transform(mall_customers(n_rows, seed)[FEATURES[2]])


def _sweep(matrix, seed: int):
    return sweep_k(matrix, 1, 10, seed=seed)


def _kmeans(matrix, seed: int):
    return KMeans(n_clusters=5, n_init=10, random_state=seed).fit(matrix)


def _spread(values: list[float]) -> str:
    median = statistics.median(values)
    return f"{seconds(median)} ({seconds(min(values))}–{seconds(max(values))})"
