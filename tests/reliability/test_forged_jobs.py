"""Forged background-job handles: a client that signs ``oldJob=<pid>`` itself must not make
the server kill that process.

Dash kills the process named in a signed ``oldJob`` handle when a background callback replaces
an old job. The handles are signed with the Flask secret, so a secret anyone knows (the old
default ``segmenta-dev``, the ``change-me`` of ``.env.example``, an empty one) let any client
kill any process the server may signal. The server here runs as ``make serve`` does, without
``SECRET_KEY``; a sacrificial ``sleep`` stands for the process an attacker aims at.
"""

import stat
import subprocess

import pytest
from dash import _callback_signing

from dashboard.app import create_app
from dashboard.config import Config
from devtools.dash_http import UPDATE, callback_key, payload
from devtools.servers import REPO_ROOT, VENV_BIN, AppServer, app_env

pytestmark = pytest.mark.services

PUBLISHED_KEYS = ["segmenta-dev", "change-me", ""]
KEY_FILE = "secret_key"
BACKGROUND_OUTPUT = "compare-kmeans-fitted.data"


@pytest.fixture(scope="module")
def local_app(tmp_path_factory):
    instance = tmp_path_factory.mktemp("forged-local") / "instance"
    return create_app(Config(instance_path=instance, testing=True))


@pytest.fixture(scope="module")
def instance(tmp_path_factory):
    return tmp_path_factory.mktemp("forged-server") / "instance"


@pytest.fixture(scope="module")
def server(instance, tmp_path_factory):
    """gunicorn as ``make serve`` runs it, with no SECRET_KEY in its environment."""
    env = app_env(SEGMENTA_INSTANCE=instance)
    server = AppServer.gunicorn(env, 1, tmp_path_factory.mktemp("forged-log") / "gunicorn.log")
    try:
        server.wait_ready(workers=1)
        yield server
    finally:
        server.stop()


def forged_request(local_app, key: str, pid: int) -> tuple[dict, dict]:
    """Query and body of a background callback carrying ``oldJob`` signed with ``key``, bound
    to a page-load token signed with the same key (as Dash itself signs both)."""
    secret = key.encode()
    end_id = "forged-page-load-token-0"
    params = {
        "endId": _callback_signing.sign(secret, _callback_signing.END_SCOPE, end_id),
        "oldJob": _callback_signing.sign(secret, _callback_signing.job_scope(end_id), str(pid)),
    }
    body = payload(local_app, callback_key(local_app, BACKGROUND_OUTPUT), {})
    return params, body


@pytest.mark.parametrize("key", PUBLISHED_KEYS, ids=["segmenta-dev", "change-me", "empty"])
def test_a_handle_signed_with_a_published_key_kills_nothing(
    server, local_app, sacrificial_process, key
):
    params, body = forged_request(local_app, key, sacrificial_process.pid)
    response = server.post(UPDATE, params=params, json=body)
    assert response.status_code == 200, response.text[:300]
    assert sacrificial_process.poll() is None, f"the forged handle signed with {key!r} killed it"
    assert server.process.running


def test_even_the_real_key_kills_only_the_servers_own_jobs(
    server, local_app, instance, sacrificial_process
):
    """Defence in depth: an attacker who read the instance key still cannot name a process
    the server did not start as a job."""
    key = (instance / KEY_FILE).read_text().strip()
    params, body = forged_request(local_app, key, sacrificial_process.pid)
    response = server.post(UPDATE, params=params, json=body)
    assert response.status_code == 200, response.text[:300]
    assert sacrificial_process.poll() is None
    assert server.process.running


def test_the_instance_key_is_strong_private_and_shared(server, instance):
    key_file = instance / KEY_FILE
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(key_file.read_text().strip()) >= 32
    assert [p.name for p in instance.iterdir() if p.name.startswith(f".{KEY_FILE}")] == []


def test_the_published_example_key_stops_a_real_server(tmp_path):
    """``.env.example`` once said ``SECRET_KEY=change-me``: such a deployment does not start,
    under gunicorn (``wsgi``) nor ``make run`` (one ``segmenta: error:`` line, exit 2)."""
    env = app_env(SEGMENTA_INSTANCE=tmp_path / "instance", SECRET_KEY="change-me")
    python = str(VENV_BIN / "python")
    run = {"env": env, "cwd": REPO_ROOT, "capture_output": True, "text": True, "timeout": 300}
    under_gunicorn = subprocess.run([python, "-c", "import wsgi"], **run)
    assert under_gunicorn.returncode != 0 and "SECRET_KEY" in under_gunicorn.stderr
    single = subprocess.run([python, "-m", "dashboard"], **run)
    assert single.returncode == 2
    assert single.stderr.startswith("segmenta: error: SECRET_KEY is a published or short key")
    assert "secrets.token_urlsafe" in single.stderr and len(single.stderr.splitlines()) == 1
