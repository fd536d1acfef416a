"""A stopped Redis or an unreachable PostgreSQL under gunicorn: ``/healthz`` says which and
why (503), the pages are still served, K-Means is computed without the cache, and the page
shell shows the outage banner.

The shared servers stay up (other test runs use them): the Redis here is a private
``redis-server`` the test kills, and the unreachable database is a closed port.
"""

import json
import re

import pytest

from dashboard.app import default_view
from dashboard.ids import personas as persona_ids
from dashboard.shell.health import UNAVAILABLE, outage_message
from devtools.servers import (
    AppServer,
    app_env,
    free_port,
    start_private_redis,
    until_served_by,
)
from tests.deployment.pages import kmeans_panel, kmeans_request, outage_banner, save_persona_set

pytestmark = pytest.mark.services

PAGES = ("/compare", "/data", "/diagnostics", "/personas")


@pytest.fixture(scope="module")
def private_redis(module_dir):
    redis_server, url = start_private_redis(module_dir / "redis.log")
    yield redis_server, url
    redis_server.stop()


@pytest.fixture(scope="module")
def server_on_private_redis(module_dir, database_url, private_redis):
    env = app_env(
        DATABASE_URL=database_url,
        CACHE_REDIS_URL=private_redis[1],
        SEGMENTA_INSTANCE=module_dir / "redis-outage",
    )
    server = AppServer.gunicorn(env, 2, module_dir / "gunicorn-redis-outage.log")
    try:
        server.wait_ready(workers=2)
        yield server
    finally:
        server.stop()


def test_a_stopped_redis_is_reported_and_the_app_computes_without_it(
    server_on_private_redis, private_redis, local_app
):
    server, (redis_server, redis_url) = server_on_private_redis, private_redis
    assert server.get("/healthz").json() == {"status": "ok", "database": "ok", "cache": "ok"}
    kmeans_panel(server, local_app, kmeans_request(server, local_app, 4))
    assert json.loads(outage_banner(server, local_app)) is None

    redis_server.stop()

    port = redis_url.rsplit(":", 1)[1].split("/")[0]

    def reported() -> str:
        health = server.get("/healthz")
        assert health.status_code == 503
        body = health.json()
        assert body["status"] == "degraded" and body["database"] == "ok"
        assert body["cache"] == UNAVAILABLE and port not in json.dumps(body), body
        return health.headers["X-Segmenta-Worker"]

    until_served_by(reported, lambda workers: len(workers) == 2)  # both notice the outage
    assert re.search(rf"the cache is failing: .*{port}.*refused", server.process.log(), re.I)
    for path in PAGES:
        assert server.get(path).status_code == 200, path
    for k in (4, 5):  # the cached result is gone with Redis: both are computed now
        kmeans_panel(server, local_app, kmeans_request(server, local_app, k))
    assert "result cache is unreachable" in outage_banner(server, local_app)


@pytest.fixture(scope="module")
def server_without_database(module_dir, postgres_url, cache_redis_url):
    closed = f"postgresql://postgres@127.0.0.1:{free_port()}/test"
    env = app_env(
        DATABASE_URL=closed,
        CACHE_REDIS_URL=cache_redis_url,
        SEGMENTA_INSTANCE=module_dir / "database-outage",
    )
    server = AppServer.gunicorn(env, 1, module_dir / "gunicorn-database-outage.log")
    try:
        server.wait_ready(workers=1)
        yield server, closed
    finally:
        server.stop()


def test_an_unreachable_database_is_reported_and_the_pages_still_work(
    server_without_database, local_app
):
    server, url = server_without_database
    health = server.get("/healthz")
    assert health.status_code == 503
    body = health.json()
    assert body["status"] == "degraded" and body["cache"] == "ok"
    port = url.rsplit(":", 1)[1].split("/")[0]
    assert body["database"] == UNAVAILABLE and port not in json.dumps(body), body
    assert re.search(rf"the database is failing: .*{port}", server.process.log())

    for path in PAGES:
        assert server.get(path).status_code == 200, path
    kmeans_panel(server, local_app, kmeans_request(server, local_app, 3))
    expected = outage_message({"database": "down", "cache": "ok"})
    assert expected.startswith("The persona database is unreachable")
    assert expected in outage_banner(server, local_app)


def test_a_persona_save_during_a_database_outage_says_the_database_is_unreachable(
    server_without_database, local_app
):
    server, _ = server_without_database
    view = default_view(local_app.server.extensions["segmenta"]).as_store()
    source = {"view": view, "method": "kmeans", "params": {"n_clusters": 3}, "seed": 0}
    names = {0: "a", 1: "b", 2: "c"}
    _, outputs = save_persona_set(
        server, local_app, source, "During the outage", "ana", names, None
    )
    status = json.dumps(outputs[f"{persona_ids.SAVE_STATUS}.children"]).lower()
    assert "database" in status and "unreachable" in status, status


def test_the_persona_api_answers_json_during_a_database_outage(server_without_database):
    server, url = server_without_database
    response = server.get("/api/persona-sets")
    assert response.status_code == 503
    assert url.rsplit(":", 1)[1].split("/")[0] in response.json()["error"]
