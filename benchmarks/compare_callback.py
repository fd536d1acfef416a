"""Server time of the Compare page's panel callbacks, cold and cached, against the direct
scikit-learn fits of the same three methods; and the time until the Compare page shows its
three panels in headless Chromium with the sample data.

"Cold" is a fresh app (empty result cache); "cached" repeats the same requests, as a teammate
opening the same view would. Each figure is the three panels' callbacks run one after another,
fit, scores, profiles and figure included.
"""

import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sklearn.cluster import DBSCAN, AgglomerativeClustering, KMeans
from sklearn.preprocessing import StandardScaler

from algorithms.diagnostics import suggest_min_samples
from algorithms.loading import load_sample
from benchmarks.harness import Options, Section, markdown_table, ratio, seconds, timed
from devtools.synthetic import FEATURES, mall_customers

TITLE = "Compare page: panel callbacks cold and cached, and time to interactive"
EXACT_AGGLOMERATIVE_MAX = 10_000
EPS = 0.3


def run(options: Options) -> Section:
    rows = [
        measure("sample, 200 × 2D", load_sample(), FEATURES[2], options.seed),
        measure("100 000 × 3D", mall_customers(100_000, options.seed), FEATURES[3], options.seed),
    ]
    header = ["table", "cold (3 panels)", "cached", "direct scikit-learn", "cold / direct",
              "cached / direct"]  # fmt: skip
    interactive = time_to_interactive()
    body = markdown_table(header, rows) + (
        f"\n\nCompare page interactive in headless Chromium (sample data, fresh server, three "
        f"panels drawn): {seconds(interactive)}.\n\nDirect scikit-learn: KMeans(k=5, n_init=10), "
        f"DBSCAN(eps={EPS}, suggested min_samples) and Ward AgglomerativeClustering(k=5) on the "
        f"same scaled matrix; exact Ward is not run above {EXACT_AGGLOMERATIVE_MAX:,} rows "
        "(O(n²) memory), where the app fits a sample, so the direct figure there has K-Means and "
        "DBSCAN only."
    )
    return Section(TITLE, body, [
        "A cold panel costs more than the bare fit: it adds the scores (silhouette on up to "
        "10 000 customers), the profiles and the figure. A cached view costs a small fraction "
        "of the fits: switching back to a view, or a teammate opening it, is served from the "
        "result cache.",
    ])  # fmt: skip


def measure(name: str, table, features: list[str], seed: int) -> list[str]:
    from dashboard.app import create_app
    from dashboard.config import Config
    from dashboard.pages.compare_panels import fit_in_background, panel_request, panel_view
    from dashboard.services.analysis import View

    folder = Path(tempfile.mkdtemp(prefix="segmenta-bench-"))
    try:
        services = create_app(Config(instance_path=folder)).server.extensions["segmenta"]
        info = services.datasets.put(table, name)
        view = View(info.dataset_id, tuple(features)).as_store()
        min_samples = suggest_min_samples(len(table), len(features))
        controls = {
            "kmeans": {"n_clusters": 5, "init": "k-means++", "n_init": 10},
            "dbscan": {"eps": EPS, "min_samples": min_samples},
            "hierarchical": {"linkage": "ward", "n_clusters": 5, "distance_threshold": None},
        }

        def all_panels():
            """Each panel as the page runs it: large tables fit in the background callback
            first, then the panel callback draws the cached result."""
            for method, values in controls.items():
                request, _ = panel_request(services, view, method, dict(values), "k")
                fitted = fit_in_background(services, request) if request["background"] else None
                assert "error" not in (fitted or request), (method, fitted or request)
                panel_view(services, request, fitted)

        cold, _ = timed(all_panels)
        cached, _ = timed(all_panels, repeats=3)
        direct, _ = timed(direct_fits, table[features].to_numpy(float), min_samples, seed)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return [name, seconds(cold), seconds(cached), seconds(direct), ratio(cold, direct),
            ratio(cached, direct)]  # fmt: skip


def direct_fits(values, min_samples: int, seed: int) -> None:
    matrix = StandardScaler().fit_transform(values)
    KMeans(n_clusters=5, n_init=10, random_state=seed).fit(matrix)
    DBSCAN(eps=EPS, min_samples=min_samples).fit(matrix)
    if len(matrix) <= EXACT_AGGLOMERATIVE_MAX:
        AgglomerativeClustering(n_clusters=5, linkage="ward").fit(matrix)


def time_to_interactive() -> float | None:
    """Seconds from opening /compare to three drawn panels, on a fresh single-process server."""
    from selenium import webdriver
    from selenium.webdriver.support.ui import WebDriverWait

    from devtools.chromium import headless_chromium_options

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    folder = tempfile.mkdtemp(prefix="segmenta-bench-")
    env = {"PORT": str(port), "SEGMENTA_INSTANCE": folder, "PATH": "/usr/bin:/bin"}
    server = subprocess.Popen([sys.executable, "-m", "dashboard"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    driver = webdriver.Chrome(options=headless_chromium_options())
    try:
        url = f"http://127.0.0.1:{port}/compare"
        WebDriverWait(driver, 60, 0.5).until(lambda d: _served(url))
        started = time.perf_counter()
        driver.get(url)
        WebDriverWait(driver, 120, 0.05).until(
            lambda d: d.execute_script(
                "return document.querySelectorAll('.js-plotly-plot .legend').length >= 3"
            )
        )
        return time.perf_counter() - started
    finally:
        driver.quit()
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)


def _served(url: str) -> bool:
    import urllib.request

    try:
        return urllib.request.urlopen(url, timeout=5).status == 200
    except OSError:
        return False
