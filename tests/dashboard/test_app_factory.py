"""create_app: routes, health, sign-in, request log, the dataset API and the result cache."""

import base64
import io
import json
import logging
import uuid

import pytest
import redis

from dashboard.app import create_app
from dashboard.config import Config
from dashboard.pages import PAGES
from dashboard.services.container import cache_settings
from dashboard.services.results import ResultCache, result_key
from dashboard.shell.health import UNAVAILABLE

REDIS_URL = "redis://127.0.0.1:6379/5"


def redis_available() -> bool:
    try:
        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        return False


needs_redis = pytest.mark.skipif(not redis_available(), reason="no Redis at 127.0.0.1:6379")


def test_root_redirects_to_compare(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/compare")


@pytest.mark.parametrize("path", ["/compare", "/data", "/diagnostics", "/personas"])
def test_every_page_is_served(client, path):
    assert client.get(path).status_code == 200


def test_layout_starts_on_the_sample_with_income_and_spending(client, services):
    layout = json.dumps(client.get("/_dash-layout").json)
    assert services.sample.dataset_id in layout
    assert "Spending Score (1-100)" in layout


def components_of(node, kind: str) -> list[dict]:
    """Every component of type ``kind`` in a ``/_dash-layout`` answer."""
    if isinstance(node, list):
        return [found for child in node for found in components_of(child, kind)]
    if not isinstance(node, dict):
        return []
    found = [node] if node.get("type") == kind else []
    return found + components_of(node.get("props", {}).get("children"), kind)


def test_the_navbar_links_the_pages_the_app_registers(client):
    """The shell imports no page: the app hands it their registrations."""
    links = components_of(client.get("/_dash-layout").json, "NavLink")
    shown = [(link["props"]["children"], link["props"]["href"]) for link in links]
    registered = sorted((page.PAGE for page in PAGES), key=lambda page: page["order"])
    assert shown == [(page["name"], page["path"]) for page in registered]
    assert [name for name, _ in shown] == ["Data", "Compare", "Diagnostics", "Personas"]


def test_healthz_ok_with_database_and_cache(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok", "cache": "ok"}


def test_healthz_reports_an_unreachable_cache(tmp_path, caplog):
    config = Config(instance_path=tmp_path, cache_redis_url="redis://127.0.0.1:1/0")
    with caplog.at_level(logging.WARNING, logger="segmenta.health"):
        response = create_app(config).server.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json == {"status": "degraded", "database": "ok", "cache": UNAVAILABLE}
    assert "127.0.0.1:1" in caplog.text  # the operator's log says where


def test_unreachable_cache_still_computes(tmp_path):
    config = Config(instance_path=tmp_path, cache_redis_url="redis://127.0.0.1:1/0")
    services = create_app(config).server.extensions["segmenta"]
    assert services.results.get_or_compute("k", lambda: 41 + 1) == 42
    assert services.results.healthy is False


def test_basic_auth_refuses_strangers_and_records_the_user(tmp_path, caplog):
    app = create_app(Config(instance_path=tmp_path, auth_users={"ana": "s3cret"}))
    client = app.server.test_client()
    assert client.get("/compare").status_code == 401
    wrong = base64.b64encode(b"ana:wrong").decode()
    assert client.get("/compare", headers={"Authorization": f"Basic {wrong}"}).status_code == 401
    assert client.get("/healthz").status_code == 200
    good = base64.b64encode(b"ana:s3cret").decode()
    with caplog.at_level(logging.INFO, logger="segmenta.requests"):
        assert client.get("/compare", headers={"Authorization": f"Basic {good}"}).status_code == 200
    record = json.loads(caplog.records[-1].getMessage())
    assert record["user"] == "ana" and record["path"] == "/compare" and record["status"] == 200


def test_trusted_proxy_header(tmp_path):
    app = create_app(Config(instance_path=tmp_path, trusted_user_header="X-Forwarded-User"))
    client = app.server.test_client()
    assert client.get("/data").status_code == 401
    assert client.get("/data", headers={"X-Forwarded-User": "bob"}).status_code == 200


def test_config_reads_users_and_limits_from_the_environment(monkeypatch, tmp_path):
    users = tmp_path / "users"
    users.write_text("carl:pw1\n")
    monkeypatch.setenv("SEGMENTA_USERS", "ana:pw2,bob:pw3")
    monkeypatch.setenv("SEGMENTA_USERS_FILE", str(users))
    monkeypatch.setenv("SEGMENTA_UPLOAD_MAX_MB", "7")
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@127.0.0.1/test")
    config = Config.from_env()
    assert config.auth_users == {"carl": "pw1", "ana": "pw2", "bob": "pw3"}
    assert config.table_limits.max_bytes == 7 * 1024 * 1024
    assert config.database == "postgresql://postgres@127.0.0.1/test"


def test_dataset_api_upload_list_and_errors(client, shared_data):
    with open(shared_data / "Mall_Customers.csv", "rb") as handle:
        response = client.post("/api/datasets", data={"file": (handle, "Mall_Customers.csv")})
    assert response.status_code == 201
    uploaded = response.json
    assert uploaded["n_rows"] == 200 and "Gender" in uploaded["columns"]
    assert (
        client.get(f"/api/datasets/{uploaded['dataset_id']}").json["name"] == "Mall_Customers.csv"
    )
    assert uploaded["dataset_id"] in {d["dataset_id"] for d in client.get("/api/datasets").json}
    empty = client.post("/api/datasets", data={"file": (io.BytesIO(b""), "empty.csv")})
    assert empty.status_code == 400 and "empty" in empty.json["error"]
    traversal = client.get("/api/datasets/..")
    assert traversal.status_code == 404 and "error" in traversal.json
    assert client.get("/api/datasets/abcdef0123456789").status_code == 404


def test_result_cache_computes_once_on_the_filesystem(services):
    key = result_key("test", services.sample.dataset_id, k=3)
    calls = []
    first = services.results.get_or_compute(key, lambda: calls.append(1) or {"k": 3})
    second = services.results.get_or_compute(key, lambda: calls.append(1) or {"k": 3})
    assert first == second == {"k": 3}
    assert len(calls) == 1


@needs_redis
def test_two_workers_share_results_through_redis(tmp_path):
    """Two caches on the same Redis stand for two gunicorn workers."""
    from flask import Flask
    from flask_caching import Cache

    config = Config(instance_path=tmp_path, cache_redis_url=REDIS_URL)
    workers = [ResultCache(Cache(Flask(f"w{i}"), config=cache_settings(config))) for i in (1, 2)]
    key = result_key("shared", uuid.uuid4().hex)
    assert workers[0].get_or_compute(key, lambda: [1, 2, 3]) == [1, 2, 3]
    assert workers[1].get_or_compute(key, lambda: pytest.fail("recomputed")) == [1, 2, 3]


def test_prepared_views_are_reused_and_bounded(services):
    from dashboard.services.analysis import PREPARED_VIEWS_KEPT, View

    features = ("Annual Income (k$)", "Spending Score (1-100)")
    views = [
        View(services.sample.dataset_id, features, scaling)
        for scaling in ("standard", "minmax", "robust", "none", "standard")
    ]
    first = services.analysis.prepare(views[0])
    assert services.analysis.prepare(views[0]) is first
    for view in views[1:4]:
        services.analysis.prepare(view)
    assert len(services.analysis._prepared) == PREPARED_VIEWS_KEPT
    assert services.analysis.prepare(views[4]) is first


def test_threads_asking_for_the_same_result_compute_it_once(services):
    import threading
    import time

    key = result_key("test", "concurrent", n=uuid.uuid4().hex)
    calls, values = [], []

    def compute():
        calls.append(1)
        time.sleep(0.2)  # long enough for the other threads to ask while it runs
        return {"k": 3}

    threads = [
        threading.Thread(
            target=lambda: values.append(services.results.get_or_compute(key, compute))
        )
        for _ in range(3)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert values == [{"k": 3}] * 3 and len(calls) == 1


def test_a_process_forked_while_a_thread_computes_a_result_can_compute_it_too(services):
    """Background fits run in processes forked from a web worker: a lock a request thread
    held at that moment must not make the child wait for a computation it cannot see."""
    import os
    import threading

    key = result_key("test", "forked", n=uuid.uuid4().hex)
    started, release = threading.Event(), threading.Event()

    def slow():
        started.set()
        release.wait(30)
        return {"k": 1}

    computing = threading.Thread(target=lambda: services.results.get_or_compute(key, slow))
    computing.start()
    assert started.wait(30)
    child = os.fork()
    if child == 0:  # the child computes the key itself; before the fix it waited for ever
        value = services.results.get_or_compute(key, lambda: {"k": 2})
        os._exit(0 if value in ({"k": 1}, {"k": 2}) else 1)
    try:
        status = _exit_status(child, seconds=30)
    finally:
        release.set()
        computing.join()
    assert status == 0, "the forked process waited for the parent's computation"


def _exit_status(pid: int, seconds: float) -> int | None:
    """The child's exit code; None (and the child killed) when it is still waiting."""
    import os
    import signal
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.05)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    return None
