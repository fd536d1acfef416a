"""Database fixtures: every persona-store test runs on SQLite and on PostgreSQL.

PostgreSQL tests get a schema of their own (``tests.postgres``).
"""

import pytest

from dashboard.storage import PersonaStore, make_engine, prepare_schema
from tests.postgres import postgres_url_or_skip, temporary_schema


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.services)])
def db_url(request, tmp_path):
    """A URL of an empty database: a new SQLite file, or a new PostgreSQL schema."""
    if request.param == "sqlite":
        # A folder that does not exist yet: make_engine must create it.
        yield f"sqlite:///{tmp_path / 'instance' / 'personas.db'}"
        return
    server = postgres_url_or_skip("its persona-store tests")
    with temporary_schema(server, "segmenta_test") as url:
        yield url


@pytest.fixture
def engine(db_url):
    engine = make_engine(db_url)
    prepare_schema(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def store(engine) -> PersonaStore:
    return PersonaStore(engine)
