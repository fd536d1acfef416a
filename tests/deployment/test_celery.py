"""Background callbacks on a real Celery worker (``make worker``), started by HTTP requests
to gunicorn: the Diagnostics page's K-Means sweep (elbow curve) is fitted by the worker and
its result travels back through Redis to whichever web worker the browser polls."""

import numpy as np
import pandas as pd
import pytest

from dashboard import ids as shared_ids
from dashboard.app import default_view
from dashboard.ids import diagnostics as diag_ids
from dashboard.pages.compare_panels import BACKGROUND_MIN_ROWS
from devtools.servers import AppServer, app_env, start_celery_worker
from tests.deployment.dash_http import figure_array, run_background
from tests.deployment.pages import KMEANS, kmeans_panel, kmeans_request

pytestmark = pytest.mark.services

K_RANGE = [1, 7]


@pytest.fixture(scope="module")
def env(module_dir, database_url, cache_redis_url, broker_redis_url):
    return app_env(
        DATABASE_URL=database_url,
        CACHE_REDIS_URL=cache_redis_url,
        CELERY_BROKER_URL=broker_redis_url,
        SEGMENTA_INSTANCE=module_dir / "instance",
    )


@pytest.fixture(scope="module")
def celery_worker(env, module_dir):
    worker = start_celery_worker(env, module_dir / "celery.log")
    yield worker
    worker.stop()


@pytest.fixture(scope="module")
def server(env, module_dir, celery_worker):
    server = AppServer.gunicorn(env, 2, module_dir / "gunicorn.log")
    try:
        server.wait_ready(workers=2)
        yield server
    finally:
        server.stop()


def test_the_elbow_sweep_runs_on_the_celery_worker(server, celery_worker, local_app):
    services = local_app.server.extensions["segmenta"]
    view = default_view(services)
    run = run_background(
        server,
        local_app,
        f"{diag_ids.ELBOW_GRAPH}.figure",
        {f"{shared_ids.VIEW}.data": view.as_store(), f"{diag_ids.K_RANGE}.value": K_RANGE},
        page="/diagnostics",
    )

    assert not run.outputs[f"{diag_ids.SWEEP_ALERT}.children"]  # no alert
    elbow = run.outputs[f"{diag_ids.ELBOW_GRAPH}.figure"]["data"][0]
    expected = services.analysis.sweep(view, *K_RANGE, seed=0).sweep.table
    assert figure_array(elbow["x"]).tolist() == expected["k"].tolist()
    np.testing.assert_allclose(figure_array(elbow["y"]), expected["inertia"], rtol=1e-9)

    # the worker logs the task it ran: the job the web workers handed out
    celery_worker.wait_for_log(rf"Task background_callback_\w+\[{run.job}\] succeeded", 30)
    assert f"[{run.job}] received" in celery_worker.log()


def test_a_large_table_is_fitted_for_the_compare_page_on_the_celery_worker(
    server, celery_worker, local_app, cache_redis
):
    """From 20 000 customers the Compare panel fits in the background: the upload goes to one
    web worker, the fit to the Celery worker (which reads the table from the shared data
    folder), and the panel is then drawn by a web worker from the result the Celery worker
    left in Redis (its key made persistent first: a web worker that refitted would rewrite it
    with a TTL)."""
    rng = np.random.default_rng(7)
    n = BACKGROUND_MIN_ROWS
    table = pd.DataFrame(
        {
            "CustomerID": np.arange(1, n + 1),
            "Age": rng.integers(18, 70, n),
            "Annual Income (k$)": rng.normal(60, 25, n).round(1),
            "Spending Score (1-100)": rng.integers(1, 101, n),
        }
    )
    uploaded = server.post(
        "/api/datasets", files={"file": ("large.csv", table.to_csv(index=False).encode())}
    )
    assert uploaded.status_code == 201, uploaded.text
    view = default_view(local_app.server.extensions["segmenta"]).as_store()
    view["dataset_id"] = uploaded.json()["dataset_id"]
    request = kmeans_request(server, local_app, 4, view=view)
    assert request["background"]

    before = set(cache_redis.scan_iter("*segmentation*"))
    run = run_background(
        server,
        local_app,
        f"{KMEANS.fitted}.data",
        {f"{KMEANS.background_request}.data": request},
        page="/compare",
    )
    fitted = run.outputs[f"{KMEANS.fitted}.data"]
    assert fitted == {"request": request}, fitted
    celery_worker.wait_for_log(rf"Task background_callback_\w+\[{run.job}\] succeeded", 30)

    fitted_keys = set(cache_redis.scan_iter("*segmentation*")) - before
    assert len(fitted_keys) == 1, fitted_keys
    assert all(cache_redis.persist(key) for key in fitted_keys)

    kmeans_panel(server, local_app, request, fitted)
    assert set(cache_redis.scan_iter("*segmentation*")) == before | fitted_keys
    assert [cache_redis.ttl(key) for key in fitted_keys] == [-1]
