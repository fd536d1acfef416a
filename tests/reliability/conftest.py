"""Fixtures of the reliability tests: the bad-input corpus on disk (committed files plus the
generated ones, written once per session), and helpers to feed a corpus file to the app the
way the browser and scripts do."""

import signal
import subprocess
from pathlib import Path

import pytest

from tests.data.bad.corpus import Case
from tests.data.bad.make_corpus import build, corpus_path
from tests.postgres import postgres_url_or_skip, temporary_schema

HANG_SECONDS = 600


@pytest.fixture(autouse=True)
def hang_guard():
    """Fail a test that hangs (a file that makes a reader loop for hours) instead of freezing
    the run; generous, so it is no timing assertion."""

    def hung(_signum, _frame):
        pytest.fail(f"still running after {HANG_SECONDS} s: something hangs")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(HANG_SECONDS)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


@pytest.fixture(scope="session")
def generated_dir(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("bad-corpus"))


@pytest.fixture(scope="session")
def path_of(generated_dir):
    """``path_of(case)``: the corpus file of a case on disk."""

    def find(case: Case | str) -> Path:
        return corpus_path(case.file if isinstance(case, Case) else case, generated_dir)

    return find


@pytest.fixture
def postgres_schema():
    """A URL of the shared PostgreSQL (never restarted here: other test runs use it) whose
    connections use a new schema, dropped afterwards."""
    with temporary_schema(
        postgres_url_or_skip("its PostgreSQL cases"), "segmenta_reliability"
    ) as url:
        yield url


@pytest.fixture
def sacrificial_process():
    """A process no job of the app started, for the tests that try to make the app kill it."""
    victim = subprocess.Popen(["sleep", "600"], start_new_session=True)
    yield victim
    victim.kill()
    victim.wait()
