"""A gunicorn worker killed (SIGKILL) in the middle of persona saves never leaves a set half
written, and gunicorn's next worker saves again.

gunicorn runs as ``make serve`` does (1 worker here) on SQLite in a temporary instance, or on a
private schema of the shared PostgreSQL. A client thread clicks Save over HTTP in a loop (each
save with long texts, based on the latest version); the worker is killed at a random moment.
After every kill the database, read directly, holds complete versions only: the set's latest
version is its highest, versions run 1..latest, each one's personas and labels read back whole
and all carry the text of one single save, and every save the client saw acknowledged is there.
"""

import os
import random
import signal
import threading
import time
from dataclasses import dataclass, field

import pytest
import requests

from dashboard.app import create_app, default_view
from dashboard.config import Config
from dashboard.pages.personas import entry_source
from dashboard.persona_sets import resolve
from dashboard.storage.db import make_engine
from dashboard.storage.personas import PersonaStore
from devtools.servers import AppServer, app_env
from tests.reliability.persona_http import post_save, save_outcome

pytestmark = pytest.mark.services

ROUNDS = 10
KMEANS4 = {"method": "kmeans", "params": {"n_clusters": 4}}
SAMPLE_ROWS = 200


@pytest.fixture(scope="module")
def local_app(tmp_path_factory):
    """Built in the test process: its callback_map gives the request bodies."""
    instance = tmp_path_factory.mktemp("kill-local") / "instance"
    return create_app(Config(instance_path=instance, testing=True))


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'personas.db'}"
    return request.getfixturevalue("postgres_schema")


@pytest.fixture
def server(database_url, tmp_path):
    env = app_env(DATABASE_URL=database_url, SEGMENTA_INSTANCE=tmp_path / "instance")
    server = AppServer.gunicorn(env, 1, tmp_path / "gunicorn.log")
    try:
        server.wait_ready(workers=1)
        yield server
    finally:
        server.stop()


@dataclass
class SaveLog:
    """What the client sent and saw: every tag it tried, the versions acknowledged."""

    tried: set[str] = field(default_factory=set)
    acknowledged: dict[int, str] = field(default_factory=dict)
    cut_off: int = 0


def personas_tagged(base: list[dict], tag: str) -> list[dict]:
    return [
        p
        | {
            "name": f"{tag} · segment {p['cluster']}",
            "description": f"{tag}\n" + "a long description " * 250,  # near the 5 000 limit
            "tags": f"{tag}, reliability",
        }
        for p in base
    ]


def tag_of(version) -> str:
    return version.personas[0]["name"].split(" · ")[0]


def check_complete(store: PersonaStore, set_id: int, log: SaveLog) -> int:
    """Every version whole and of one save, acknowledged ones present; returns the latest."""
    latest = store.get(set_id)
    history = store.versions(set_id)
    assert [v.version for v in history] == list(range(latest.version, 0, -1))
    for info in history:
        version = store.get(set_id, info.version)
        assert info.n_personas == len(version.personas) == 4
        tags = {p["name"].split(" · ")[0] for p in version.personas}
        assert len(tags) == 1, f"version {info.version} mixes saves: {tags}"
        assert {p["description"].split("\n")[0] for p in version.personas} == tags
        assert tags <= log.tried | {"first"}
        assert len(version.labels) == SAMPLE_ROWS and set(version.labels) == {0, 1, 2, 3}
    for number, tag in log.acknowledged.items():
        assert tag_of(store.get(set_id, number)) == tag, f"acknowledged version {number} lost"
    return latest.version


def keep_saving(server, app, source, base, set_id, round_number, log, stop) -> None:
    """Save again and again on the latest version until told to stop or cut off."""
    attempt = 0
    while not stop.is_set():
        attempt += 1
        tag = f"round {round_number} save {attempt}"
        try:
            latest = server.get(f"/api/persona-sets/{set_id}", timeout=30).json()["version"]
            loaded = {"set_id": set_id, "version": latest, "name": "Kill test"}
            log.tried.add(tag)
            response = post_save(
                server, app, source, loaded, "Kill test", "killer", personas_tagged(base, tag)
            )
            answer = response.json()
        except requests.RequestException:  # JSONDecodeError too: an answer cut off mid-way
            log.cut_off += 1
            return
        outcome = save_outcome(answer)
        if outcome.saved:
            log.acknowledged[outcome.loaded["version"]] = tag


def test_a_worker_killed_mid_save_leaves_whole_versions(server, local_app, database_url):
    services = local_app.server.extensions["segmenta"]
    source = entry_source(default_view(services).as_store(), KMEANS4)
    base = resolve(services, source).personas
    first = post_save(server, local_app, source, None, "Kill test", "killer",
                      personas_tagged(base, "first"))  # fmt: skip
    set_id = save_outcome(first.json()).loaded["set_id"]
    engine = make_engine(database_url)
    store = PersonaStore(engine)
    log = SaveLog()
    rng = random.Random(6)
    try:
        for round_number in range(ROUNDS):
            worker = server.get("/healthz").headers["X-Segmenta-Worker"]
            stop = threading.Event()
            client = threading.Thread(
                target=keep_saving,
                args=(server, local_app, source, base, set_id, round_number, log, stop),
            )
            client.start()
            time.sleep(rng.uniform(0.05, 0.8))
            os.kill(int(worker), signal.SIGKILL)
            stop.set()
            client.join(timeout=60)
            assert not client.is_alive()

            latest = check_complete(store, set_id, log)

            respawned = server.wait_ready(workers=1)
            assert worker not in respawned, "gunicorn replaced the killed worker"
            after = post_save(server, local_app, source,
                              {"set_id": set_id, "version": latest, "name": "Kill test"},
                              "Kill test", "killer",
                              personas_tagged(base, f"after kill {round_number}"))  # fmt: skip
            outcome = save_outcome(after.json())
            assert outcome.saved and outcome.loaded["version"] == latest + 1, outcome
            log.tried.add(f"after kill {round_number}")
            log.acknowledged[latest + 1] = f"after kill {round_number}"
        check_complete(store, set_id, log)
    finally:
        engine.dispose()
    assert log.cut_off >= ROUNDS // 2, "most kills must hit a save in flight"
    assert len(log.acknowledged) > ROUNDS
