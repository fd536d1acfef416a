"""Every error the API answers is JSON with its status, on SQLite and on PostgreSQL.

What a script or an attacker may send: digits that are not ASCII (``str.isdigit`` accepts
'²' and '٣'), ids and versions past 32 and 64 bits, paths and methods the API does not have,
no credentials, a body over the limit. Each once answered an HTML page (a 500, the app's page
with 200, Werkzeug's 405) or a 503 "database is unreachable" that would page an operator
for nothing. The app runs as in production (not in testing mode), so a crash would show as
the 500 a client gets rather than as an exception in the test.
"""

import base64
import io

import pytest

from dashboard.app import create_app
from dashboard.config import Config
from tests.test_api import save_set

HUGE_NUMBERS = [str(2**31), str(2**63), str(2**64), "1" + "0" * 30, "9" * 5000]


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'personas.db'}"
    return request.getfixturevalue("postgres_schema")


@pytest.fixture
def app(database_url, tmp_path):
    return create_app(Config(instance_path=tmp_path / "instance", database_url=database_url))


@pytest.fixture
def client(app):
    return app.server.test_client()


@pytest.fixture
def saved_id(app):
    return save_set(app.server.extensions["segmenta"], "Errors").set_id


def assert_json_error(response, status: int) -> str:
    assert response.status_code == status, response.data[:300]
    assert response.is_json, response.data[:300]
    return response.get_json()["error"]


@pytest.mark.parametrize("digits", ["²", "٣", "３", "1²"])
def test_digits_that_are_not_ascii_are_refused(client, saved_id, digits):
    assert "ids are numbers" in assert_json_error(client.get(f"/api/persona-sets/{digits}"), 404)
    version = client.get(f"/api/persona-sets/{saved_id}", query_string={"version": digits})
    assert "whole number" in assert_json_error(version, 400)


@pytest.mark.parametrize("number", HUGE_NUMBERS, ids=lambda n: f"{len(n)}-digits")
def test_ids_and_versions_past_the_columns_are_not_found(client, saved_id, number):
    for path in (f"/api/persona-sets/{number}", f"/api/persona-sets/{number}/customers.csv"):
        assert "no persona set" in assert_json_error(client.get(path), 404)
    version = client.get(f"/api/persona-sets/{saved_id}", query_string={"version": number})
    assert "has no version" in assert_json_error(version, 404)
    assert client.get(f"/api/persona-sets/{saved_id}").status_code == 200


@pytest.mark.parametrize(
    "path",
    ["/api", "/api/", "/api/nothing", "/api/persona-sets/1/nothing", "/api/datasets/a/b"],
)
def test_unknown_api_paths_are_json_404(client, path):
    assert path in assert_json_error(client.get(path), 404)
    assert path in assert_json_error(client.post(path), 404)


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("DELETE", "/api/persona-sets", "GET"),
        ("POST", "/api/persona-sets/{id}", "GET"),
        ("PUT", "/api/datasets", "POST"),
        ("POST", "/api/datasets/abc", "DELETE"),
    ],
)
def test_wrong_methods_are_json_405(client, saved_id, method, path, allowed):
    response = client.open(path.format(id=saved_id), method=method)
    assert method in assert_json_error(response, 405)
    assert allowed in response.headers["Allow"]


def test_the_pages_keep_their_own_answers(client):
    assert client.get("/compare").status_code == 200
    assert client.get("/no-such-page").status_code == 200  # the app shows its own 404 page
    assert not client.post("/compare").is_json


def test_a_refused_sign_in_is_json_401(tmp_path):
    config = Config(instance_path=tmp_path / "instance", auth_users={"ana": "s3cret"})
    client = create_app(config).server.test_client()
    response = client.get("/api/persona-sets")
    assert "Sign in" in assert_json_error(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Basic")
    wrong = base64.b64encode(b"ana:wrong").decode()
    assert_json_error(client.get("/api/datasets", headers={"Authorization": f"Basic {wrong}"}), 401)
    assert not client.get("/compare").is_json


def test_a_body_over_the_limit_is_json_413(tmp_path):
    config = Config(instance_path=tmp_path / "instance", upload_max_mb=1)
    client = create_app(config).server.test_client()
    body = {"file": (io.BytesIO(b"a,b\n" + b"1,2\n" * 1_000_000), "big.csv")}
    assert "limit" in assert_json_error(client.post("/api/datasets", data=body), 413)


def test_a_bug_is_a_json_500_not_an_outage(app, client, monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(app.server.extensions["segmenta"].personas, "list", broken)
    assert "log" in assert_json_error(client.get("/api/persona-sets"), 500)


def test_only_an_unreachable_database_is_a_503(tmp_path):
    config = Config(
        instance_path=tmp_path / "instance",
        database_url="postgresql://postgres@127.0.0.1:1/test?connect_timeout=2",
    )
    client = create_app(config).server.test_client()
    assert "unreachable" in assert_json_error(client.get("/api/persona-sets"), 503)
