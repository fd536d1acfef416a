"""Database fixtures: every persona-store test runs on SQLite and on PostgreSQL.

PostgreSQL tests get a schema of their own (selected through ``search_path`` in the URL), so
runs by several people or CI jobs on the same server never see each other's tables. The server
is the team deployment's (127.0.0.1:5432, database ``test``); ``SEGMENTA_TEST_POSTGRES_URL``
points elsewhere.
"""

import os
import uuid

import pytest
import sqlalchemy as sa

from dashboard.storage import PersonaStore, create_schema, make_engine

POSTGRES_URLS = [
    f"postgresql+psycopg://{user}@127.0.0.1:5432/test" for user in ("postgres", "root")
]


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """A URL of a reachable PostgreSQL server, or skip saying why there is none."""
    override = os.environ.get("SEGMENTA_TEST_POSTGRES_URL")
    candidates = [override] if override else POSTGRES_URLS
    failures = []
    for url in candidates:
        engine = sa.create_engine(url, connect_args={"connect_timeout": 5})
        try:
            with engine.connect():
                return url
        except sa.exc.OperationalError as exc:
            failures.append(f"{url}: {str(exc.orig).strip().splitlines()[0]}")
        finally:
            engine.dispose()
    pytest.skip(
        "PostgreSQL unreachable, so its persona-store tests are skipped: " + "; ".join(failures)
    )


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.services)])
def db_url(request, tmp_path):
    """A URL of an empty database: a new SQLite file, or a new PostgreSQL schema."""
    if request.param == "sqlite":
        # A folder that does not exist yet: make_engine must create it.
        yield f"sqlite:///{tmp_path / 'instance' / 'personas.db'}"
        return
    server = request.getfixturevalue("postgres_url")
    schema = f"segmenta_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(server)
    with admin.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{server}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def engine(db_url):
    engine = make_engine(db_url)
    create_schema(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def store(engine) -> PersonaStore:
    return PersonaStore(engine)
