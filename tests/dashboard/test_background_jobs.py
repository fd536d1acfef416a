"""Background jobs are forked from a web worker with many request threads. SQLite keeps its
locks per process, so a job forked while another thread was inside the jobs' disk cache
inherits a lock no one will release and waits for ever to store its result (three Compare
fits starting in the same round left panels blank). ``OwnJobsManager`` forks only while no
thread of the process uses that cache."""

import os
import threading
import time

import diskcache
from dash import DiskcacheManager

from dashboard.services.background import OwnJobsManager


def test_a_job_is_not_forked_while_another_thread_reads_the_job_cache(tmp_path, monkeypatch):
    manager = OwnJobsManager(diskcache.Cache(str(tmp_path / "jobs")))
    inside, release, released_at, forked_at = threading.Event(), threading.Event(), [], []
    get = manager.handle.get

    def slow_get(key, *args, **kwargs):
        if key == "polled":  # a browser polling a running job, mid-read
            inside.set()
            release.wait(10)
            released_at.append(time.monotonic())
        return get(key, *args, **kwargs)

    monkeypatch.setattr(manager.handle, "get", slow_get)
    monkeypatch.setattr(
        DiskcacheManager,
        "call_job_fn",
        lambda self, *args: forked_at.append(time.monotonic()) or os.getpid(),
    )
    poll = threading.Thread(target=manager.result_ready, args=("polled",))
    poll.start()
    assert inside.wait(10)
    threading.Timer(0.2, release.set).start()
    assert manager.call_job_fn("job", None, (), {}) == os.getpid()
    poll.join(10)
    assert forked_at and released_at and forked_at[0] >= released_at[0]


def test_a_forked_child_stores_in_the_job_cache_while_the_parent_polls(tmp_path):
    """The real thing: jobs forked while other threads keep reading the cache, as polls do;
    every child stores its result and exits (a child holding a dead lock would not)."""
    manager = OwnJobsManager(diskcache.Cache(str(tmp_path / "jobs")))
    stop = threading.Event()

    def poll():
        while not stop.is_set():
            manager.result_ready("anything")

    pollers = [threading.Thread(target=poll) for _ in range(3)]
    for poller in pollers:
        poller.start()
    try:
        pids = []
        for n in range(6):
            pid = _fork_guarded(manager, n)
            pids.append(pid)
        for pid in pids:
            assert _exited(pid, timeout=30), "a job child did not finish storing its result"
    finally:
        stop.set()
        for poller in pollers:
            poller.join(10)
    assert [manager.handle.get(f"result-{n}") for n in range(6)] == list(range(6))


def _fork_guarded(manager, n: int) -> int:
    def start(self, key, job_fn, args, context):
        pid = os.fork()
        if pid == 0:
            try:
                manager.handle.set(f"result-{n}", n)
            finally:
                os._exit(0)
        return pid

    original = DiskcacheManager.call_job_fn
    DiskcacheManager.call_job_fn = start
    try:
        return manager.call_job_fn(f"job-{n}", None, (), {})
    finally:
        DiskcacheManager.call_job_fn = original


def _exited(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done:
            return True
        time.sleep(0.05)
    os.kill(pid, 9)
    os.waitpid(pid, 0)
    return False
