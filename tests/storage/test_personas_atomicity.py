"""A save is all or nothing, even when the process dies between writing and committing."""

import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dashboard.storage import PersonaStore
from dashboard.storage.db import PersonaSetVersionRow
from tests.storage.test_personas import LABELS, PERSONAS, make_set

REPO = Path(__file__).resolve().parents[2]


COUNT_VERSIONS = select(func.count()).select_from(PersonaSetVersionRow)


class Crash(RuntimeError):
    pass


@pytest.fixture
def failing_commit(monkeypatch):
    """Make commits send every pending row to the database, then fail.

    Returns the number of versions each failing transaction could see just before failing,
    which proves the new rows had really been written when the failure struck.
    """
    seen_before_failure: list[int] = []

    def flush_then_fail(session: Session) -> None:
        session.flush()
        seen_before_failure.append(session.scalar(COUNT_VERSIONS))
        raise Crash("connection lost before commit")

    def arm() -> list[int]:
        monkeypatch.setattr(Session, "commit", flush_then_fail)
        return seen_before_failure

    return arm


def assert_untouched(store: PersonaStore, set_id: int) -> None:
    assert [v.version for v in store.versions(set_id)] == [1]
    latest = store.get(set_id)
    assert latest.version == 1
    assert latest.personas == PERSONAS
    np.testing.assert_array_equal(latest.labels, LABELS)
    assert [(s.name, s.latest_version) for s in store.list()] == [("Mall Q3", 1)]


@pytest.mark.parametrize(
    "change",
    [
        lambda store, set_id: store.save(
            set_id, base_version=1, personas=[], author="Bo", labels=np.zeros(6, dtype=int)
        ),
        lambda store, set_id: store.save(
            set_id, base_version=1, personas=[], author="Bo", name="Renamed"
        ),
        lambda store, set_id: store.restore(set_id, 1, base_version=1, author="Bo"),
        lambda store, set_id: store.duplicate(set_id, new_name="Copy", author="Bo"),
        lambda store, set_id: store.create(
            name="Other",
            dataset_name="d",
            dataset_hash="h",
            segmentation={},
            personas=[],
            labels=np.array([0]),
            author="Bo",
        ),
    ],
    ids=["save", "rename", "restore", "duplicate", "create"],
)
def test_a_failed_commit_leaves_nothing_half_written(store, failing_commit, monkeypatch, change):
    created = make_set(store)
    seen_before_failure = failing_commit()

    with pytest.raises(Crash):
        change(store, created.set_id)

    assert seen_before_failure == [2]

    monkeypatch.undo()
    assert_untouched(store, created.set_id)
    assert store.save(created.set_id, base_version=1, personas=[], author="Cy").version == 2


KILLED_MID_SAVE = """
import os, signal
import numpy as np
from sqlalchemy.orm import Session
from dashboard.storage import PersonaStore, make_engine
from tests.storage.test_personas_atomicity import COUNT_VERSIONS

def flush_then_die(session):
    session.flush()
    print("versions written:", session.scalar(COUNT_VERSIONS), flush=True)
    os.kill(os.getpid(), signal.SIGKILL)

Session.commit = flush_then_die
store = PersonaStore(make_engine({url!r}))
store.save({set_id}, base_version=1, personas=[], author="Bo", labels=np.zeros(6, dtype=int))
"""


def test_a_process_killed_mid_save_leaves_the_previous_version(store, db_url):
    created = make_set(store)
    script = textwrap.dedent(KILLED_MID_SAVE.format(url=db_url, set_id=created.set_id))

    finished = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=120
    )

    assert finished.returncode == -signal.SIGKILL, finished.stderr
    assert finished.stdout.strip() == "versions written: 2"
    assert_untouched(store, created.set_id)
    assert store.save(created.set_id, base_version=1, personas=[], author="Cy").version == 2
