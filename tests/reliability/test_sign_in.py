"""Sign-in that cannot be walked around: the proxy's user header is believed only from the
proxy, and the users file may hold password hashes instead of passwords.

Tried: a request that claims ``X-Forwarded-User: admin`` from an address that is not the
proxy (once served and logged as "admin"); signing in against a users file of werkzeug hashes
(once the hash itself was the password).
"""

import base64
import json
import logging

import pytest
from werkzeug.security import generate_password_hash

from algorithms.errors import SegmentaError
from dashboard.app import create_app
from dashboard.config import Config

HEADER = "X-Forwarded-User"
STRANGER = {"REMOTE_ADDR": "10.20.30.40"}


def header_client(tmp_path, **settings):
    config = Config(instance_path=tmp_path / "instance", trusted_user_header=HEADER, **settings)
    return create_app(config).server.test_client()


def test_the_user_header_from_a_stranger_is_refused(tmp_path, caplog):
    client = header_client(tmp_path)
    with caplog.at_level(logging.INFO, logger="segmenta.requests"):
        forged = client.get("/data", headers={HEADER: "admin"}, environ_overrides=STRANGER)
    assert forged.status_code == 401
    assert json.loads(caplog.records[-1].getMessage())["user"] is None
    api = client.get("/api/persona-sets", headers={HEADER: "admin"}, environ_overrides=STRANGER)
    assert api.status_code == 401 and "error" in api.get_json()
    assert client.get("/data", headers={HEADER: "bob"}).status_code == 200  # from loopback


def test_only_the_configured_proxies_are_believed(tmp_path):
    client = header_client(tmp_path, trusted_proxies="10.20.30.0/24, 192.0.2.7")
    assert (
        client.get("/data", headers={HEADER: "bob"}, environ_overrides=STRANGER).status_code == 200
    )
    assert client.get("/data", headers={HEADER: "bob"}).status_code == 401  # loopback: not listed


def test_a_typo_in_the_proxy_list_stops_the_start(tmp_path, monkeypatch):
    monkeypatch.setenv("SEGMENTA_TRUSTED_PROXIES", "10.0.0.300")
    monkeypatch.setenv("SEGMENTA_USER_HEADER", HEADER)
    with pytest.raises(SegmentaError, match="SEGMENTA_TRUSTED_PROXIES.*10.0.0.300"):
        create_app(Config.from_env(instance_path=tmp_path / "instance"))


def basic(name: str, password: str) -> dict:
    return {"Authorization": "Basic " + base64.b64encode(f"{name}:{password}".encode()).decode()}


@pytest.mark.parametrize("method", ["scrypt", "pbkdf2:sha256"])
def test_a_users_file_of_password_hashes(tmp_path, monkeypatch, method):
    users = tmp_path / "users"
    users.write_text(f"ana:{generate_password_hash('correct horse', method=method)}\n")
    monkeypatch.setenv("SEGMENTA_USERS_FILE", str(users))
    monkeypatch.delenv("SEGMENTA_USERS", raising=False)
    client = create_app(Config.from_env(instance_path=tmp_path / "instance")).server.test_client()
    assert client.get("/data", headers=basic("ana", "correct horse")).status_code == 200
    assert client.get("/data", headers=basic("ana", "correct horse")).status_code == 200
    assert client.get("/data", headers=basic("ana", "wrong")).status_code == 401
    stored_hash = users.read_text().strip().partition(":")[2]
    assert client.get("/data", headers=basic("ana", stored_hash)).status_code == 401
    assert client.get("/data", headers=basic("bob", "correct horse")).status_code == 401
