"""Three gunicorn workers on one PostgreSQL schema, one Redis database and one data folder:
whatever one worker stores, the next request sees, whichever worker serves it.

Every request goes out on a fresh connection, so gunicorn hands it to any of its workers; the
``X-Segmenta-Worker`` header says which one answered.
"""

import io
import itertools
import json

import numpy as np
import pandas as pd
import pytest

from dashboard import ids as shared_ids
from dashboard.app import default_view
from dashboard.ids import diagnostics as diag_ids
from dashboard.ids import personas as persona_ids
from devtools.servers import AppServer, app_env, until_served_by
from tests.conftest import SHARED_DATA
from tests.deployment.dash_http import figure_array, run_background
from tests.deployment.pages import kmeans_panel, kmeans_request, save_persona_set

pytestmark = pytest.mark.services

WORKERS = 3


@pytest.fixture(scope="module")
def server(module_dir, database_url, cache_redis_url):
    env = app_env(
        DATABASE_URL=database_url,
        CACHE_REDIS_URL=cache_redis_url,
        SEGMENTA_INSTANCE=module_dir / "instance",
    )
    server = AppServer.gunicorn(env, WORKERS, module_dir / "gunicorn.log")
    try:
        server.wait_ready(workers=WORKERS)
        yield server
    finally:
        server.stop()


def test_gunicorn_runs_the_configured_number_of_workers(server):
    def healthy() -> str:
        response = server.get("/healthz")
        assert response.status_code == 200
        return response.headers["X-Segmenta-Worker"]

    pool = until_served_by(healthy, lambda workers: len(workers) == WORKERS)
    assert {healthy() for _ in range(3 * WORKERS)} <= pool, "more workers than configured"
    assert server.get("/healthz").json() == {"status": "ok", "database": "ok", "cache": "ok"}


def test_an_upload_is_readable_on_the_next_request_whichever_worker_serves_it(server):
    if not (SHARED_DATA / "Mall_Customers.csv").exists():
        pytest.skip(f"the shared datasets are not at {SHARED_DATA}")
    with open(SHARED_DATA / "Mall_Customers.csv", "rb") as handle:
        uploaded = server.post(
            "/api/datasets", files={"file": ("Mall_Customers.csv", handle)}, data={"name": "Mall"}
        )
    assert uploaded.status_code == 201, uploaded.text
    dataset = uploaded.json()
    uploader = uploaded.headers["X-Segmenta-Worker"]

    def read() -> str:
        response = server.get(f"/api/datasets/{dataset['dataset_id']}")
        assert response.status_code == 200, response.text
        assert response.json() == dataset
        return response.headers["X-Segmenta-Worker"]

    until_served_by(read, lambda readers: bool(readers - {uploader}))
    listed = server.get("/api/datasets").json()
    assert dataset["dataset_id"] in {d["dataset_id"] for d in listed}


def test_persona_sets_saved_through_one_worker_are_seen_and_versioned_by_the_others(
    server, local_app
):
    """The Personas page's Save over HTTP, then the persona API, on fresh connections: a set
    saved through one worker is listed and served by the others, a second version builds on
    it, and a save from the stale first version is refused as a conflict by any worker."""
    services = local_app.server.extensions["segmenta"]
    view = default_view(services)
    source = {"view": view.as_store(), "method": "kmeans", "params": {"n_clusters": 3}, "seed": 0}
    names = {c: f"Persona {c}" for c in range(3)}
    saver, saved = save_persona_set(
        server, local_app, source, "Deployment check", "ana", names, None
    )
    assert "version 1" in json.dumps(saved[f"{persona_ids.SAVE_STATUS}.children"]), saved
    first = saved[f"{persona_ids.LOADED}.data"]

    def read() -> str:
        listed = server.get("/api/persona-sets")
        assert listed.status_code == 200, listed.text
        assert first["set_id"] in {s["id"] for s in listed.json()["persona_sets"]}
        record = server.get(f"/api/persona-sets/{first['set_id']}")
        assert record.status_code == 200, record.text
        assert [p["name"] for p in record.json()["personas"]] == list(names.values())
        assert record.json()["author"] == "ana"
        return record.headers["X-Segmenta-Worker"]

    until_served_by(read, lambda readers: bool(readers - {saver}))

    renamed = names | {0: "Big spenders"}
    _, second = save_persona_set(
        server, local_app, source, "Deployment check", "bob", renamed, first
    )
    assert second[f"{persona_ids.LOADED}.data"] == first | {"version": 2}

    def refuse_stale_save() -> str:
        worker, stale = save_persona_set(
            server, local_app, source, "Deployment check", "carl", names, first
        )
        assert stale[f"{persona_ids.CONFLICT}.is_open"] is True, stale
        assert "bob" in stale[f"{persona_ids.CONFLICT_MESSAGE}.children"]
        return worker

    until_served_by(refuse_stale_save, lambda refusers: len(refusers) >= 2)
    latest = server.get(f"/api/persona-sets/{first['set_id']}").json()
    assert (latest["version"], latest["author"]) == (2, "bob")
    assert latest["personas"][0]["name"] == "Big spenders"

    customers = server.get(f"/api/persona-sets/{first['set_id']}/customers.csv")
    assert customers.status_code == 200, customers.text
    table = pd.read_csv(io.StringIO(customers.text))
    expected = services.analysis.segmentation(view, "kmeans", {"n_clusters": 3}, seed=0)
    assert table["Cluster"].tolist() == expected.labels.tolist()
    assert table["Persona"].tolist() == [renamed[c] for c in expected.labels]


def test_a_kmeans_result_computed_by_one_worker_is_served_from_redis_by_another(
    server, local_app, cache_redis
):
    """The Compare page's K-Means panel, driven over HTTP as the browser does: controls →
    request, request → panel. The first worker fits and stores the result in Redis; its TTL
    is then removed (PERSIST), so a worker that recomputed would write the key again with a
    TTL. Other workers must answer the same panel without adding or rewriting any key."""
    request = kmeans_request(server, local_app, 6, n_init=3)
    assert not request["background"]

    fitted = "*:fitted:*"  # a panel draws from the fit; the metrics add the scores after
    before = set(cache_redis.scan_iter(fitted))
    first_worker, first = kmeans_panel(server, local_app, request)
    computed = set(cache_redis.scan_iter(fitted)) - before
    assert len(computed) == 1, f"expected one new fitted key, got {computed}"
    for key in computed:
        assert cache_redis.persist(key)

    def serve_again() -> str:
        worker, outputs = kmeans_panel(server, local_app, request)
        assert outputs == first
        return worker

    until_served_by(serve_again, lambda workers: bool(workers - {first_worker}))
    assert set(cache_redis.scan_iter(fitted)) == before | computed
    assert [cache_redis.ttl(key) for key in computed] == [-1] * len(computed)


def test_a_background_sweep_started_on_one_worker_is_collected_through_any_other(server, local_app):
    """Without Celery, background callbacks run in processes beside the web workers and leave
    their results in the instance folder's disk cache: the browser's polls may reach any
    worker and still get the result. Sweeps to growing k until polls reached two workers."""
    services = local_app.server.extensions["segmenta"]
    view = default_view(services)
    k_maxes = itertools.cycle(range(5, 11))

    def sweep() -> set[str]:
        k_max = next(k_maxes)
        run = run_background(
            server,
            local_app,
            f"{diag_ids.ELBOW_GRAPH}.figure",
            {f"{shared_ids.VIEW}.data": view.as_store(), f"{diag_ids.K_RANGE}.value": [1, k_max]},
            page="/diagnostics",
        )
        elbow = run.outputs[f"{diag_ids.ELBOW_GRAPH}.figure"]["data"][0]
        expected = services.analysis.sweep(view, 1, k_max, seed=0).sweep.table
        np.testing.assert_allclose(figure_array(elbow["y"]), expected["inertia"], rtol=1e-9)
        return run.workers

    until_served_by(sweep, lambda workers: len(workers) >= 2)
