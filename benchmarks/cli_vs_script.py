"""``segmenta segment`` against the script a data scientist writes by hand, as real processes.

Both read the same CSV, scale three features, fit K-Means (k=5, n_init=10, seed 0) and write
every row back with its cluster; ``segmenta`` also scores the result (silhouette on a 10 000
stratified sample, Calinski-Harabasz, Davies-Bouldin), names and profiles the segments. Runs
alternate (script, ours, script, ours...) so a busy neighbour slows both alike; the figure is
the median, and the 1-minute load average is read after each pair. Both processes compute with
one thread (the script under ``OMP_NUM_THREADS=1``, as Segmenta runs).
"""

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.harness import Options, Section, markdown_table, ratio, seconds, segmenta_command
from devtools.synthetic import FEATURES, mall_customers

TITLE = "segmenta segment vs a plain pandas + scikit-learn script (whole processes)"
TARGETS = {100_000: 1.2, 1_000_000: 1.0}
PLAIN_SCRIPT = """\
import sys
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.preprocessing import StandardScaler

source, out, *features = sys.argv[1:]
table = pd.read_csv(source)
matrix = StandardScaler().fit_transform(table[features])
table["Cluster"] = KMeans(n_clusters=5, n_init=10, random_state=0).fit(matrix).labels_
table.to_csv(out, index=False)
"""
HEADER = ["rows × features", "segmenta", "plain script", "ratio", "target", "runs", "load (1 min)"]
ONE_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def run(options: Options) -> Section:
    rows, findings = [], []
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        script = folder / "plain.py"
        script.write_text(PLAIN_SCRIPT)
        for n_rows, target in TARGETS.items():
            if n_rows not in options.sizes:
                continue
            source = folder / f"customers_{n_rows}.csv"
            mall_customers(n_rows, options.seed).to_csv(source, index=False)
            ours, plain, loads = [], [], []
            for _ in range(3 if n_rows <= 100_000 else 2):
                plain.append(wall([sys.executable, str(script), str(source), str(folder / "p.csv"),
                                   *FEATURES[3]]))  # fmt: skip
                ours.append(wall([*segmenta_command(), "segment", str(source), "--features",
                                  *FEATURES[3], "--algorithm", "kmeans", "--k", "5",
                                  "--out", str(folder / "o.csv")]))  # fmt: skip
                loads.append(os.getloadavg()[0])
            ours_time, plain_time = statistics.median(ours), statistics.median(plain)
            rows.append(
                [f"{n_rows:,} × 3", seconds(ours_time), seconds(plain_time),
                 ratio(ours_time, plain_time), f"≤ {target:.1f}", len(ours),
                 f"{min(loads):.1f}–{max(loads):.1f}"]
            )  # fmt: skip
            verdict = "meets" if ours_time / plain_time <= target else "misses"
            findings.append(
                f"`segmenta segment` on {n_rows:,} × 3 took {ours_time / plain_time:.2f}× the "
                f"plain script ({seconds(ours_time)} against {seconds(plain_time)}, load "
                f"{max(loads):.1f} on 2 cores): {verdict} the ≤ {target:.1f}× target."
            )
    return Section(TITLE, markdown_table(HEADER, rows), findings)


def wall(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, env=os.environ | ONE_THREAD)
    return time.perf_counter() - started
