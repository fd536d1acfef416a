"""The shared PostgreSQL server of the team deployment, for tests: find it, and give a test a
schema of its own (selected through ``search_path`` in the URL), so runs by several people or
CI jobs on the same server never see each other's tables.

The server is 127.0.0.1:5432, database ``test`` (user postgres or root);
``SEGMENTA_TEST_POSTGRES_URL`` points elsewhere.
"""

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import pytest

POSTGRES_URLS = tuple(f"postgresql://{user}@127.0.0.1:5432/test" for user in ("postgres", "root"))


def postgres_url_or_skip(what: str) -> str:
    """A URL of a reachable server, or skip the test saying why there is none."""
    override = os.environ.get("SEGMENTA_TEST_POSTGRES_URL")
    failures = []
    for url in [override] if override else POSTGRES_URLS:
        try:
            with psycopg.connect(url, connect_timeout=5):
                return url
        except psycopg.OperationalError as error:
            failures.append(f"{url}: {(str(error).strip().splitlines() or ['?'])[0]}")
    pytest.skip(f"PostgreSQL unreachable, so {what} are skipped: " + "; ".join(failures))


@contextmanager
def temporary_schema(server_url: str, prefix: str) -> Iterator[str]:
    """A URL whose connections work in a new, empty schema, dropped afterwards."""
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server_url, autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"{server_url}?options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(server_url, autocommit=True) as connection:
            connection.execute(f'DROP SCHEMA "{schema}" CASCADE')
