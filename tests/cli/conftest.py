"""Run ``segmenta`` in-process and capture what it prints; a persona set saved as the app
saves one, in SQLite and in PostgreSQL (skipped, saying why, when no server answers)."""

from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask

from algorithms.loading import SAMPLE_PATH
from algorithms.model_signing import MODEL_KEY_ENV
from dashboard.cli import main
from dashboard.config import Config
from dashboard.persona_sets import live_source, resolve, save_persona_set, set_content
from dashboard.services.analysis import View
from dashboard.services.container import build_services
from dashboard.storage import PersonaSetVersion
from tests.postgres import postgres_url_or_skip, temporary_schema

INCOME = "Annual Income (k$)"
SCORE = "Spending Score (1-100)"
SET_NAME = "Spring campaign"
NAMES = ["Big <spenders> & co", "Careful savers", "Average Joe", 'Young "wild"', "Frugal rich"]


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str


@pytest.fixture(autouse=True)
def own_instance(tmp_path, monkeypatch) -> Path:
    """Each test its own instance folder (where ``segment --model`` finds or makes its model
    key), so no test writes into the repository's ``instance`` or reads another's key."""
    instance = tmp_path / "instance"
    monkeypatch.setenv("SEGMENTA_INSTANCE", str(instance))
    monkeypatch.delenv(MODEL_KEY_ENV, raising=False)
    return instance


@pytest.fixture
def segmenta(capsys):
    """``segmenta(*args)`` runs the command line in this process and returns code and output."""

    def run(*args) -> Run:
        code = main([str(arg) for arg in args])
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


def assert_one_error_line(run: Run, *expected: str) -> None:
    """Exit code 2, nothing on stdout, one ``segmenta: error:`` line holding each expected text."""
    assert run.code == 2
    assert "Traceback" not in run.err and run.out == ""
    lines = run.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("segmenta: error: "), run.err
    for text in expected:
        assert text in lines[0]


@pytest.fixture
def sample_path():
    return SAMPLE_PATH


@dataclass(frozen=True)
class Saved:
    instance: Path
    database: str
    version: PersonaSetVersion

    def names_by_customer(self) -> dict[str, str]:
        names = {int(p["cluster"]): p["name"] for p in self.version.personas}
        return {
            row_id: names[int(label)]
            for row_id, label in zip(self.version.row_ids, self.version.labels, strict=True)
        }


def save_sample_set(instance: Path, database: str) -> PersonaSetVersion:
    """K-Means k=5 on the sample, personas renamed, saved as the Personas page saves it."""
    services = build_services(
        Config(instance_path=instance, database_url=database), Flask(__name__)
    )
    try:
        view = View(services.sample.dataset_id, (INCOME, SCORE))
        workspace = resolve(services, live_source(view, "kmeans", {"n_clusters": 5}))
        personas = [dict(p, name=name) for p, name in zip(workspace.personas, NAMES, strict=True)]
        content = set_content(services, workspace, personas)
        return save_persona_set(services.personas, content, name=SET_NAME, author="ann", base=None)
    finally:
        services.engine.dispose()


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.services)]
)
def saved(request, tmp_path_factory) -> Saved:
    """The sample's persona set saved in a new SQLite file or a new PostgreSQL schema."""
    instance = tmp_path_factory.mktemp("instance")
    if request.param == "sqlite":
        database = f"sqlite:///{instance / 'segmenta.db'}"
        yield Saved(instance, database, save_sample_set(instance, database))
        return
    server = postgres_url_or_skip("its persona CLI tests")
    with temporary_schema(server, "segmenta_cli") as database:
        yield Saved(instance, database, save_sample_set(instance, database))


@pytest.fixture
def app_env(saved, monkeypatch) -> Saved:
    """The environment the app runs with: its instance folder and its database."""
    monkeypatch.setenv("SEGMENTA_INSTANCE", str(saved.instance))
    monkeypatch.setenv("DATABASE_URL", saved.database)
    return saved
