"""Background callbacks on a real Celery worker (``make worker``), started by HTTP requests
to gunicorn: the Diagnostics page's K-Means sweep (elbow curve) is fitted by the worker and
its result travels back through Redis to whichever web worker the browser polls."""

import numpy as np
import pytest

from dashboard import ids as shared_ids
from dashboard.app import default_view
from dashboard.ids import diagnostics as diag_ids
from tests.deployment.dash_http import figure_array, run_background
from tests.deployment.servers import AppServer, app_env, start_celery_worker

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
