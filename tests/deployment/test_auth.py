"""Sign-in under gunicorn (``SEGMENTA_USERS``): every worker refuses requests without valid
credentials, pages and callbacks included, while ``/healthz`` stays open for load balancers."""

import json

import pytest

from devtools.servers import AppServer, app_env, until_served_by

pytestmark = pytest.mark.services

WORKERS = 2
ANA = ("ana", "pw")


@pytest.fixture(scope="module")
def server(module_dir, database_url, cache_redis_url):
    env = app_env(
        DATABASE_URL=database_url,
        CACHE_REDIS_URL=cache_redis_url,
        SEGMENTA_INSTANCE=module_dir / "instance",
        SEGMENTA_USERS="ana:pw",
    )
    server = AppServer.gunicorn(env, WORKERS, module_dir / "gunicorn.log")
    try:
        server.wait_ready(workers=WORKERS)
        yield server
    finally:
        server.stop()


def test_every_worker_refuses_requests_without_credentials(server):
    def refused() -> str:
        response = server.get("/compare")
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"] == 'Basic realm="Segmenta"'
        return response.headers["X-Segmenta-Worker"]

    until_served_by(refused, lambda workers: len(workers) == WORKERS)
    assert server.post("/_dash-update-component", json={}).status_code == 401
    assert server.get("/api/datasets").status_code == 401
    assert server.get("/compare", auth=("ana", "wrong")).status_code == 401
    assert server.get("/compare", auth=("bob", "pw")).status_code == 401


@pytest.mark.parametrize("path", ["/compare", "/data", "/api/datasets", "/_dash-layout"])
def test_signed_in_requests_are_served(server, path):
    assert server.get(path, auth=ANA).status_code == 200


def test_healthz_needs_no_credentials(server):
    response = server.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_the_request_log_names_the_signed_in_user(server):
    served = server.get("/data", auth=ANA)
    assert served.status_code == 200
    records = [
        json.loads(line[line.index("{") :])
        for line in server.process.log().splitlines()
        if "segmenta.requests" in line
    ]
    mine = [r for r in records if r["pid"] == int(served.headers["X-Segmenta-Worker"])]
    assert {"method": "GET", "path": "/data", "status": 200, "user": "ana"}.items() <= mine[
        -1
    ].items()
    refused = [r for r in records if r["status"] == 401]
    assert refused and all(r["user"] is None for r in refused)
