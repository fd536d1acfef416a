"""The public ``/healthz`` names the failing part, never where it runs.

Tried: ``/healthz`` (open to anyone, sign-in or not) while the database and the cache are
down. It once answered "connection to server at "127.0.0.1", port 5433 failed" and
"Error 111 connecting to 127.0.0.1:6380": hosts, ports, the database's name and user. Now it
says which part is unavailable; the reason, with all of that, is in the server's log.
"""

import json
import logging

from dashboard.app import create_app
from dashboard.config import Config
from dashboard.shell.health import UNAVAILABLE
from devtools.servers import free_port

SECRETS_OF_THE_SETUP = ("127.0.0.1", "proddb", "segmenta_owner")


def test_healthz_names_the_failing_parts_but_not_their_hosts(tmp_path, caplog):
    database_port, cache_port = free_port(), free_port()
    config = Config(
        instance_path=tmp_path / "instance",
        database_url=f"postgresql://segmenta_owner@127.0.0.1:{database_port}/proddb"
        "?connect_timeout=2",
        cache_redis_url=f"redis://127.0.0.1:{cache_port}/0",
        auth_users={"ana": "pw"},
    )
    client = create_app(config).server.test_client()
    with caplog.at_level(logging.WARNING, logger="segmenta.health"):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json == {"status": "degraded", "database": UNAVAILABLE, "cache": UNAVAILABLE}
    published = json.dumps(response.json)
    for detail in (*SECRETS_OF_THE_SETUP, str(database_port), str(cache_port)):
        assert detail not in published
    assert str(database_port) in caplog.text and str(cache_port) in caplog.text
