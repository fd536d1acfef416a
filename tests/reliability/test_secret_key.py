"""The secret key and the job manager behind the forged-handle defence
(``test_forged_jobs.py`` performs the attack): weak keys refused, one instance key shared by
workers starting together, and a manager that cancels its own jobs and nothing else."""

import multiprocessing
import os
import time

import diskcache
import pytest

from algorithms.errors import SegmentaError
from dashboard.app import create_app
from dashboard.config import Config
from dashboard.services.background import OwnJobsManager
from dashboard.shell.secret_key import KEY_FILE, instance_key


@pytest.mark.parametrize("weak", ["segmenta-dev", "change-me", "short-but-not-published"])
def test_a_weak_secret_key_stops_the_start(tmp_path, weak):
    with pytest.raises(SegmentaError) as refused:
        create_app(Config(instance_path=tmp_path / "instance", secret_key=weak, testing=True))
    assert "SECRET_KEY" in str(refused.value)
    assert "secrets.token_urlsafe" in str(refused.value)


def _read_key(instance, queue):
    queue.put(instance_key(instance))


def test_workers_starting_together_share_one_key(tmp_path):
    instance = tmp_path / "instance"
    queue = multiprocessing.get_context("fork").Queue()
    workers = [
        multiprocessing.get_context("fork").Process(target=_read_key, args=(instance, queue))
        for _ in range(8)
    ]
    for worker in workers:
        worker.start()
    keys = {queue.get(timeout=60) for _ in workers}
    for worker in workers:
        worker.join()
    assert keys == {(instance / KEY_FILE).read_text().strip()}


def _sleep_job(*_args):
    time.sleep(600)


def test_the_manager_still_cancels_its_own_jobs(tmp_path, sacrificial_process):
    manager = OwnJobsManager(diskcache.Cache(str(tmp_path / "background")))
    job = manager.call_job_fn("key", _sleep_job, [], {})
    manager.terminate_job(str(sacrificial_process.pid))
    manager.terminate_job("not-a-pid")
    assert sacrificial_process.poll() is None
    manager.terminate_job(str(job))
    assert not manager.job_running(job)
    with pytest.raises(ProcessLookupError):
        os.kill(job, 0)
    assert manager.handle.get(f"segmenta-job:{job}") is None
