"""Fixtures of the team-deployment tests: the shared PostgreSQL and Redis, a schema of our own
in the ``test`` database, and a locally built app whose ``callback_map`` gives the payloads of
HTTP callback requests.

Servers are started per module (gunicorn takes seconds to boot its workers) and always
stopped with their whole process group, even when a test fails.
"""

from pathlib import Path

import pytest
import redis

from dashboard.app import create_app
from dashboard.config import Config
from tests.postgres import postgres_url_or_skip, temporary_schema

REDIS_HOST = "redis://127.0.0.1:6379"
# Redis databases of these tests only (flushed before and after): results, Celery broker.
CACHE_DB = 11
BROKER_DB = 12


@pytest.fixture(scope="session")
def postgres_url() -> str:
    return postgres_url_or_skip("the deployment tests")


@pytest.fixture(scope="session")
def redis_url() -> str:
    try:
        redis.Redis.from_url(REDIS_HOST, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis at 127.0.0.1:6379")
    return REDIS_HOST


def fresh_redis_db(redis_url: str, db: int) -> redis.Redis:
    """A client of database ``db``, emptied now (the caller empties it when done)."""
    client = redis.Redis.from_url(f"{redis_url}/{db}")
    client.flushdb()
    return client


@pytest.fixture(scope="module")
def cache_redis(redis_url):
    """A client of the results database, empty at the start and end of the module."""
    client = fresh_redis_db(redis_url, CACHE_DB)
    yield client
    client.flushdb()
    client.close()


@pytest.fixture(scope="module")
def cache_redis_url(cache_redis, redis_url) -> str:
    return f"{redis_url}/{CACHE_DB}"


@pytest.fixture(scope="module")
def database_url(postgres_url):
    """A PostgreSQL URL whose connections work in a new schema, dropped at the end."""
    with temporary_schema(postgres_url, "segmenta_deploy") as url:
        yield url


@pytest.fixture(scope="module")
def module_dir(tmp_path_factory, request) -> Path:
    return tmp_path_factory.mktemp(request.module.__name__.rsplit(".", 1)[-1])


@pytest.fixture(scope="module")
def local_app(module_dir):
    """The app built in the test process: its callback_map describes the server's callbacks."""
    return create_app(Config(instance_path=module_dir / "local-instance", testing=True))


@pytest.fixture(scope="module")
def broker_redis_url(redis_url):
    """The Celery broker's database, empty at the start and end of the module."""
    client = fresh_redis_db(redis_url, BROKER_DB)
    yield f"{redis_url}/{BROKER_DB}"
    client.flushdb()
    client.close()
