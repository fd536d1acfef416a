"""Load: ``make serve`` (gunicorn, 4 workers) against ``make run`` (one process) under the same
simulated team, like a locust run but in plain Python threads (locust is not a dependency).

55 users for a fixed time on loopback, each with its own keep-alive connection and a think
time between actions, as browsers have:
- 50 *browsing* users open pages (the HTML, ``/_dash-layout``, ``/_dash-dependencies`` and the
  shell's callbacks, as the renderer loads a page) and look at the Compare page's K-Means
  panel for one of a few fixed parameter sets, computed once before the run (cached views);
- 5 *fitting* users ask the K-Means panel for a new segmentation: random k, initialisation,
  restarts, scaling and feature set on the sample, so nearly every request is a real fit.
Both servers use the same backends (a private ``redis-server`` as the result cache when one is
installed, SQLite in a fresh instance folder), so the difference is the process model. The
load generator shares the machine's cores with the server it measures.
"""

import os
import random
import statistics
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

from benchmarks.harness import Options, Section, markdown_table
from dashboard import ids as shared_ids
from dashboard.app import create_app, default_view
from dashboard.config import Config
from dashboard.ids import compare as compare_ids
from devtools.dash_http import UPDATE, callback_key, payload
from devtools.servers import AppServer, app_env, start_private_redis

TITLE = "Load: gunicorn (make serve) against one process (make run)"
DURATION_S = 20
ROUNDS = 2
WARMUP_S = 3
BROWSERS = 50
FITTERS = 5
SERVE_WORKERS = 4
THINK_S = (0.2, 1.0)
MAX_REQUESTS = 200_000  # a bound on the whole run, far above what 20 s can reach
TIMEOUT_S = 30
PAGES = ("/compare", "/data", "/diagnostics", "/personas")
CACHED_K = (3, 4, 5, 6)
FEATURE_SETS = (
    ("Annual Income (k$)", "Spending Score (1-100)"),
    ("Age", "Spending Score (1-100)"),
    ("Age", "Annual Income (k$)", "Spending Score (1-100)"),
)
SCALINGS = ("standard", "minmax", "robust", "none")
KMEANS = compare_ids.KMEANS
SERVE = f"make serve (gunicorn, {SERVE_WORKERS} workers × 8 threads, the default)"
SERVE_2_THREADS = f"make serve with GUNICORN_THREADS=2 ({SERVE_WORKERS} workers × 2 threads)"
RUN = "make run (python -m dashboard)"
# name → (gunicorn workers or None for the single process, extra environment)
SETUPS = {
    SERVE: (SERVE_WORKERS, {}),
    SERVE_2_THREADS: (SERVE_WORKERS, {"GUNICORN_THREADS": "2"}),
    RUN: (None, {}),
}


@dataclass
class Tally:
    """Latencies (s) by kind of request and errors, shared by the user threads."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: {"view": [], "fit": []})
    errors: list[str] = field(default_factory=list)
    fits: set = field(default_factory=set)
    recording: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def count(self) -> int:
        return sum(len(values) for values in self.latencies.values()) + len(self.errors)


class Callbacks:
    """Request bodies of the callbacks the simulated browsers send, from a local app."""

    def __init__(self, instance: Path):
        self.app = create_app(Config(instance_path=instance))
        self.view = default_view(self.app.server.extensions["segmenta"]).as_store()

    def body(self, output: str, values: dict) -> dict:
        return payload(self.app, callback_key(self.app, output), values)

    def kmeans_request(self, view: dict, k: int, init: str, n_init: int) -> dict:
        return self.body(
            f"{KMEANS.request}.data",
            {
                f"{shared_ids.VIEW}.data": view,
                f"{KMEANS.control('n_clusters')}.value": k,
                f"{KMEANS.control('init')}.value": init,
                f"{KMEANS.control('n_init')}.value": n_init,
            },
        )

    def kmeans_panel(self, request: dict) -> dict:
        return self.body(f"{KMEANS.figure}.figure", {f"{KMEANS.request}.data": request})

    def shell(self, path: str) -> list[dict]:
        return [
            self.body(f"{shared_ids.OUTAGE_BANNER}.children", {f"{shared_ids.URL}.pathname": path}),
            self.body(
                f"{shared_ids.DATASET_BADGE}.children", {f"{shared_ids.VIEW}.data": self.view}
            ),
        ]


class User:
    """One simulated browser: a keep-alive session, a think time, a random stream of actions."""

    def __init__(self, url: str, callbacks: Callbacks, tally: Tally, seed: int):
        self.url = url
        self.callbacks = callbacks
        self.tally = tally
        self.random = random.Random(seed)
        self.session = requests.Session()

    def send(self, kind: str, method: str, path: str, body: dict | None = None):
        started = time.perf_counter()
        try:
            response = self.session.request(method, self.url + path, json=body, timeout=TIMEOUT_S)
            elapsed = time.perf_counter() - started
            error = None if response.ok else f"{response.status_code} {path}"
        except requests.RequestException as exc:
            response, elapsed, error = None, time.perf_counter() - started, type(exc).__name__
        if self.tally.recording:
            with self.tally.lock:
                if error:
                    self.tally.errors.append(error)
                else:
                    self.tally.latencies[kind].append(elapsed)
        return response if error is None else None

    def page_view(self) -> None:
        path = self.random.choice(PAGES)
        for resource in (path, "/_dash-layout", "/_dash-dependencies"):
            self.send("view", "GET", resource)
        for body in self.callbacks.shell(path):
            self.send("view", "POST", UPDATE, body)

    def kmeans(self, kind: str, view: dict, k: int, init: str, n_init: int) -> None:
        made = self.send(
            "view", "POST", UPDATE, self.callbacks.kmeans_request(view, k, init, n_init)
        )
        if made is not None:
            request = made.json()["response"][KMEANS.request]["data"]
            self.send(kind, "POST", UPDATE, self.callbacks.kmeans_panel(request))

    def browse(self) -> None:
        if self.random.random() < 0.5:
            self.page_view()
        else:
            self.kmeans("view", self.callbacks.view, self.random.choice(CACHED_K), "k-means++", 10)

    def fit(self) -> None:
        features = self.random.choice(FEATURE_SETS)
        scaling = self.random.choice(SCALINGS)
        k, init = self.random.randint(2, 15), self.random.choice(("k-means++", "random"))
        n_init = self.random.randint(1, 20)
        with self.tally.lock:
            self.tally.fits.add((features, scaling, k, init, n_init))
        view = self.callbacks.view | {"features": list(features), "scaling": scaling}
        self.kmeans("fit", view, k, init, n_init)

    def loop(self, action, stop: threading.Event) -> None:
        while not stop.is_set() and self.tally.count < MAX_REQUESTS:
            action()
            stop.wait(self.random.uniform(*THINK_S))
        self.session.close()


def warm(server: AppServer, callbacks: Callbacks, seed: int) -> None:
    """Compute the cached views once, as a teammate would have before the run."""
    user = User(server.url, callbacks, Tally(), seed)
    for k in CACHED_K:
        user.kmeans("view", callbacks.view, k, "k-means++", 10)


def measure(server: AppServer, callbacks: Callbacks, tally: Tally, seed: int) -> float:
    """Run every user for WARMUP_S + the round's seconds, recording into ``tally``; returns
    the seconds recorded."""
    stop = threading.Event()
    users = [(User(server.url, callbacks, tally, seed + i), "browse") for i in range(BROWSERS)]
    users += [(User(server.url, callbacks, tally, seed + 1000 + i), "fit") for i in range(FITTERS)]
    threads = [
        threading.Thread(target=user.loop, args=(getattr(user, action), stop), daemon=True)
        for user, action in users
    ]
    for thread in threads:
        thread.start()
    time.sleep(WARMUP_S)
    tally.recording = True
    started = time.perf_counter()
    time.sleep(DURATION_S / ROUNDS)
    tally.recording = False
    elapsed = time.perf_counter() - started
    stop.set()
    for thread in threads:
        thread.join(TIMEOUT_S + 5)
    return elapsed


def summary(tally: Tally, elapsed: float) -> dict:
    every = tally.latencies["view"] + tally.latencies["fit"]
    result = {
        "requests": len(every),
        "rps": len(every) / elapsed,
        "errors": len(tally.errors),
        "error_kinds": sorted(set(tally.errors))[:5],
        "fits": len(tally.latencies["fit"]),
        "distinct_fits": len(tally.fits),
    }
    for name, values in (
        ("all", every),
        ("view", tally.latencies["view"]),
        ("fit", tally.latencies["fit"]),
    ):
        result[name] = percentiles(values)
    return result


def percentiles(values: list[float]) -> dict[str, float | None]:
    if len(values) < 2:
        return {"p50": values[0] if values else None, "p95": None, "p99": None}
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return {"p50": cuts[49], "p95": cuts[94], "p99": cuts[98]}


def run(options: Options) -> Section:
    """Every server up side by side, measured in alternating rounds, so a busy neighbour on
    the shared machine weighs on all alike."""
    with tempfile.TemporaryDirectory(prefix="segmenta-load-") as folder:
        root = Path(folder)
        callbacks = Callbacks(root / "local")
        redis_server, cache_url = _private_redis(root)
        servers = {}
        try:
            for index, (name, (workers, extra)) in enumerate(SETUPS.items()):
                cache = f"{cache_url.rsplit('/', 1)[0]}/{index}" if cache_url else ""
                env = app_env(
                    SEGMENTA_INSTANCE=root / f"instance-{index}", CACHE_REDIS_URL=cache, **extra
                )
                log = root / f"server-{index}.log"
                servers[name] = (
                    AppServer.gunicorn(env, workers, log)
                    if workers
                    else AppServer.single_process(env, log)
                )
            for name, server in servers.items():
                server.wait_ready(workers=SETUPS[name][0] or 1)
                warm(server, callbacks, options.seed)
            tallies = {name: Tally() for name in servers}
            seconds = dict.fromkeys(servers, 0.0)
            load = [os.getloadavg()[0]]
            for round_ in range(ROUNDS):
                for name, server in servers.items():
                    seed = options.seed + 10_000 * round_
                    seconds[name] += measure(server, callbacks, tallies[name], seed)
                    load.append(os.getloadavg()[0])
        finally:
            for server in servers.values():
                server.stop()
            if redis_server is not None:
                redis_server.stop()
    results = {name: summary(tallies[name], seconds[name]) for name in servers}
    return Section(TITLE, report(results, bool(cache_url), load), findings(results))


def _private_redis(root: Path):
    try:
        return start_private_redis(root / "redis.log")
    except (OSError, RuntimeError):
        return None, ""


def _ms(value: float | None) -> str:
    return "–" if value is None else f"{value * 1000:.0f} ms"


def report(results: dict, redis: bool, load: list[float]) -> str:
    header = [
        "setup",
        "requests/s",
        "p50",
        "p95",
        "p99",
        "errors",
        "K-Means views p95",
        "new fits (distinct sets asked)",
        "new fit p50",
        "new fit p95",
    ]
    rows = [
        [
            name,
            f"{r['rps']:.1f}",
            _ms(r["all"]["p50"]),
            _ms(r["all"]["p95"]),
            _ms(r["all"]["p99"]),
            f"{r['errors']}" + (f" ({', '.join(r['error_kinds'])})" if r["errors"] else ""),
            _ms(r["view"]["p95"]),
            f"{r['fits']} ({r['distinct_fits']})",
            _ms(r["fit"]["p50"]),
            _ms(r["fit"]["p95"]),
        ]
        for name, r in results.items()
    ]
    serve, two, single = (results[name] for name in (SERVE, SERVE_2_THREADS, RUN))
    ratio_rows = [
        [measure, _ratio(serve, single, *path), _ratio(two, serve, *path)]
        for measure, path in (
            ("requests/s", ("rps",)),
            ("p50 latency", ("all", "p50")),
            ("p95 latency", ("all", "p95")),
            ("p99 latency", ("all", "p99")),
            ("new fit p50", ("fit", "p50")),
        )
    ]
    backend = "a private redis-server" if redis else "the filesystem cache (no redis-server found)"
    return (
        f"{BROWSERS} browsing users (pages, cached K-Means views) and {FITTERS} users fitting new "
        f"K-Means segmentations on the 200-row sample, think time {THINK_S[0]}–{THINK_S[1]} s, "
        f"{DURATION_S} s measured per setup in {ROUNDS} alternating rounds (each after "
        f"{WARMUP_S} s of warm-up), on loopback; results cached in {backend}, SQLite; gunicorn "
        "with the defaults of `gunicorn.conf.py` unless the setup says otherwise. The load "
        "generator runs on the same cores, "
        f"and the machine's 1-minute load average was {min(load):.1f}–{max(load):.1f} during the "
        "run (other work shares it). Latency is per HTTP request (a page view is 5 requests, a "
        "K-Means view 2).\n\n"
        + markdown_table(header, rows)
        + "\n\nRatios:\n\n"
        + markdown_table(
            ["measure", "make serve / make run", "2 threads / 8 threads (make serve)"], ratio_rows
        )
    )


def _ratio(a: dict, b: dict, *path: str) -> str:
    for key in path:
        a, b = a[key], b[key]
    return f"{a / b:.2f}" if a and b else "–"


def findings(results: dict) -> list[str]:
    serve, two, single = (results[name] for name in (SERVE, SERVE_2_THREADS, RUN))
    ratio = serve["rps"] / single["rps"]
    verdict = (
        "`make serve` is the way to run Segmenta for a team"
        if ratio > 1 and serve["all"]["p95"] <= single["all"]["p95"]
        else "on this machine the worker pool did not pay off: check cores and load"
    )
    return [
        f"Under {BROWSERS + FITTERS} simulated users, gunicorn with {SERVE_WORKERS} workers served "
        f"{ratio:.2f}× the requests/s of the single process, p50/p95 latency "
        f"{_ms(serve['all']['p50'])}/{_ms(serve['all']['p95'])} against "
        f"{_ms(single['all']['p50'])}/{_ms(single['all']['p95'])}, a new fit p50 "
        f"{_ms(serve['fit']['p50'])} against {_ms(single['fit']['p50'])}, errors "
        f"{serve['errors']} against {single['errors']}: {verdict}.",
        f"With 2 request threads per worker instead of 8, gunicorn served "
        f"{two['rps'] / serve['rps']:.2f}× the requests/s at {_ms(two['all']['p95'])} p95 "
        f"(8 threads: {_ms(serve['all']['p95'])}): a keep-alive connection stays with its worker, "
        "so a worker with every thread on a fit stalls all the browsers it holds; hence "
        "`GUNICORN_THREADS=8` by default.",
    ]
