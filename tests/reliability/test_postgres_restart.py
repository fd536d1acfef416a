"""PostgreSQL stopped and started again while the app runs: the app reports the outage, keeps
serving, refuses saves with a clear message and the form intact, and recovers without a
restart with everything saved before the outage still there.

The server is a private one (``initdb`` into a temporary folder, its own port); the shared
server on 127.0.0.1:5432 is never stopped.
"""

import json

import pytest

from dashboard import ids as shared_ids
from dashboard.app import create_app, default_view
from dashboard.config import Config
from dashboard.pages.personas import entry_source
from dashboard.pages.personas_library import library_outputs
from dashboard.persona_sets import resolve
from dashboard.shell.health import UNAVAILABLE, health_report, outage_message
from devtools.dash_http import UPDATE, callback_key, payload
from tests.dash_helpers import text_of
from tests.reliability.persona_http import props_text, save_outcome, save_request
from tests.reliability.private_postgres import PrivatePostgres, postgres_bin

pytestmark = pytest.mark.services

KMEANS4 = {"method": "kmeans", "params": {"n_clusters": 4}}


@pytest.fixture(scope="module")
def postgres():
    bin_dir = postgres_bin()
    if bin_dir is None:
        pytest.skip("PostgreSQL's initdb and pg_ctl are not installed")
    server = PrivatePostgres.create(bin_dir)
    try:
        server.start()
        yield server
    finally:
        server.remove()


@pytest.fixture(scope="module")
def app(postgres, tmp_path_factory):
    instance = tmp_path_factory.mktemp("postgres-restart") / "instance"
    app = create_app(Config(instance_path=instance, database_url=postgres.url, testing=True))
    yield app
    app.server.extensions["segmenta"].engine.dispose()


def banner_text(client, app) -> str:
    """The outage banner as the shell's callback sends it on a page change."""
    key = callback_key(app, f"{shared_ids.OUTAGE_BANNER}.children")
    body = payload(app, key, {f"{shared_ids.URL}.pathname": "/personas"})
    response = client.post(UPDATE, json=body)
    assert response.status_code == 200
    return props_text(response.json["response"][shared_ids.OUTAGE_BANNER]["children"])


def form(personas: list[dict], text: str) -> list[dict]:
    return [
        p | {"name": f"{text} {p['cluster']}", "description": text, "tags": "a"} for p in personas
    ]


def test_the_app_reports_a_database_outage_and_recovers_without_restart(postgres, app):
    services = app.server.extensions["segmenta"]
    client = app.server.test_client()
    source = entry_source(default_view(services).as_store(), KMEANS4)
    drafted = resolve(services, source).personas

    def save(loaded, text):
        body = save_request(app, source, loaded, "Before the outage", "ann", form(drafted, text))
        response = client.post(UPDATE, json=body)
        assert response.status_code == 200
        return save_outcome(response.json)

    assert client.get("/healthz").status_code == 200
    assert banner_text(client, app) == ""
    first = save(None, "saved before")
    assert first.saved
    set_id = first.loaded["set_id"]
    before = client.get(f"/api/persona-sets/{set_id}").json

    postgres.stop("fast")

    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.json["status"] == "degraded" and health.json["cache"] == "ok"
    assert health.json["database"] == UNAVAILABLE  # the reason, with host and port, is logged
    assert "refused" in health_report(services)["database"]
    expected_banner = outage_message(health_report(services))
    assert "persona database is unreachable" in expected_banner
    assert banner_text(client, app) == expected_banner
    for page in ("/compare", "/personas", "/data"):
        assert client.get(page).status_code == 200

    during = save(first.loaded, "saved during")
    assert not during.saved and not during.conflict
    assert "The persona database is unreachable" in during.status_text
    assert "Nothing already saved is lost" in during.status_text
    assert during.loaded is None, "the form and what it was loaded from stay as they are"
    assert "Traceback" not in during.status_text
    listed = client.get("/api/persona-sets")
    assert listed.status_code == 503 and "unreachable" in listed.json["error"]
    alert, items = library_outputs(services, None)
    assert "unreachable" in text_of(alert) and items == []

    postgres.start()

    assert client.get("/healthz").status_code == 200
    assert banner_text(client, app) == ""
    assert client.get(f"/api/persona-sets/{set_id}").json == before
    after = save(first.loaded, "saved after")
    assert after.saved and after.loaded["version"] == 2
    record = client.get(f"/api/persona-sets/{set_id}").json
    assert [p["name"] for p in record["personas"]] == [f"saved after {c}" for c in range(4)]
    history = [v.version for v in services.personas.versions(set_id)]
    assert history == [2, 1], "the save refused during the outage left nothing behind"
    assert json.dumps(before["personas"]) == json.dumps(
        client.get(f"/api/persona-sets/{set_id}?version=1").json["personas"]
    )
