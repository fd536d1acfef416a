"""Peak memory of one worker that takes a 1 000 000 × 3 table through the upload API and
compares K-Means, DBSCAN and hierarchical clustering on it (panels, then metrics and
cross-tab), beside a plain pandas + scikit-learn script that reads the same CSV and fits
K-Means. Each runs in a fresh process; its peak resident memory is the kernel's own count
(``ru_maxrss``). The app fits large tables in a background process forked from the worker;
here the fits run in the measured process itself, so its peak is an upper bound for either.
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.harness import Options, Section, markdown_table, ratio, seconds
from devtools.synthetic import FEATURES, mall_customers

TITLE = "Memory: a 1 000 000 × 3 table uploaded and compared, in one worker"
TARGET_MB = 2048
WORKER = """\
import io, json, resource, sys, tempfile, time
from pathlib import Path
from algorithms.threads import limit_compute_threads
limit_compute_threads()
from dashboard.app import create_app
from dashboard.config import Config
from dashboard.pages.compare_controls import initial_values
from dashboard.pages.compare_metrics import crosstab_output, metrics_outputs
from dashboard.pages.compare_panels import (
    fit_in_background, panel_request, panel_view, suggested_controls,
)
from dashboard.services.analysis import View

def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

source, features = Path(sys.argv[1]), sys.argv[2:]
app = create_app(Config(instance_path=Path(tempfile.mkdtemp(prefix="segmenta-bench-"))))
services = app.server.extensions["segmenta"]
report = {"start": peak_mb()}
started = time.perf_counter()
with app.server.test_client() as client:
    answer = client.post("/api/datasets", data={"file": (io.BytesIO(source.read_bytes()),
                         source.name)}, content_type="multipart/form-data")
assert answer.status_code == 201, answer.get_data(as_text=True)
report["upload_s"], report["upload"] = time.perf_counter() - started, peak_mb()
view = View(answer.get_json()["dataset_id"], tuple(features)).as_store()
started = time.perf_counter()
requests = {}
for method in ("kmeans", "dbscan", "hierarchical"):
    values = initial_values(method, {})
    values |= suggested_controls(services, method, view, values, None)
    request, background = panel_request(services, view, method, values)
    fitted = fit_in_background(services, request) if request.get("background") else None
    shown = panel_view(services, request, fitted)
    assert shown.shown == request, (method, shown.alert)
    requests[method] = request
metrics_outputs(services, requests)
crosstab_output(services, requests, "kmeans", "dbscan")
report["compare_s"], report["compare"] = time.perf_counter() - started, peak_mb()
print(json.dumps(report))
"""
SCRIPT = """\
import resource, sys, json
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.preprocessing import StandardScaler
table = pd.read_csv(sys.argv[1])
matrix = StandardScaler().fit_transform(table[sys.argv[2:]])
table["Cluster"] = KMeans(n_clusters=5, n_init=10, random_state=0).fit(matrix).labels_
print(json.dumps({"peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""
ONE_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def run(options: Options) -> Section:
    n_rows = max(options.sizes)
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / f"customers_{n_rows}.csv"
        mall_customers(n_rows, options.seed).to_csv(source, index=False)
        size_mb = source.stat().st_size / 1024**2
        ours = _measure([sys.executable, "-c", WORKER, str(source), *FEATURES[3]])
        plain = _measure([sys.executable, "-c", SCRIPT, str(source), *FEATURES[3]])
    peak = ours["compare"]
    rows = [[f"{n_rows:,} × 3 ({size_mb:.0f} MB CSV)", f"{ours['start']:.0f} MB",
             f"{ours['upload']:.0f} MB ({seconds(ours['upload_s'])})",
             f"{peak:.0f} MB ({seconds(ours['compare_s'])})", f"{plain['peak']:.0f} MB",
             ratio(peak, plain["peak"]), f"< {TARGET_MB} MB",
             "met" if peak < TARGET_MB else "missed"]]  # fmt: skip
    header = ["table", "worker at start", "after upload", "after Compare (3 panels, metrics)",
              "plain script (read, scale, K-Means)", "ours / script", "target", ""]  # fmt: skip
    return Section(TITLE, markdown_table(header, rows))


def _measure(command: list[str]) -> dict:
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=os.environ | ONE_THREAD)
    if done.returncode:
        raise RuntimeError(done.stderr[-2000:])
    report = json.loads(done.stdout.strip().splitlines()[-1])
    report["wall_s"] = time.perf_counter() - started
    return report
