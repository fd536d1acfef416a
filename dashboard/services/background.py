"""Where long callbacks (large fits, elbow sweeps) run.

By default in local processes sharing a disk cache (DiskcacheManager). With
``CELERY_BROKER_URL`` set, on Celery workers (``make worker``) so heavy fits leave the web
workers free: the path past one machine is more web hosts and more Celery workers sharing
one Redis and one PostgreSQL. Celery belongs to the ``server`` extra, so it is imported only
when a broker is configured: ``make run`` works without it.
"""

import functools
import os
import threading

import diskcache
import psutil
from dash import CeleryManager, DiskcacheManager

from algorithms.errors import SegmentaError
from dashboard.config import Config

# How long a started job may still be cancelled; longer than any fit runs.
JOB_RECORD_SECONDS = 7 * 24 * 3600


def make_celery(config: Config):
    """The Celery app of the configured broker (and Redis result backend)."""
    try:
        from celery import Celery
    except ImportError as error:
        raise SegmentaError(
            "CELERY_BROKER_URL is set but Celery is not installed: install the server "
            "extra (`pip install -r requirements/server.txt`) or unset CELERY_BROKER_URL"
        ) from error
    backend = config.cache_redis_url or config.celery_broker_url
    celery = Celery("segmenta", broker=config.celery_broker_url, backend=backend)
    celery.conf.update(worker_prefetch_multiplier=1, task_acks_late=False)
    return celery


def background_manager(config: Config):
    if config.celery_broker_url:
        return CeleryManager(make_celery(config))
    return OwnJobsManager(diskcache.Cache(str(config.instance_path / "background")))


_FORK_GUARD = threading.RLock()
"""Held by every use of the jobs' disk cache in this process, and by the fork that starts a
job. SQLite keeps its locks per process: a job forked while another request thread was
inside a read or write of that cache inherits a lock nobody will release, and then waits on
it for ever to store its result (seen as panels left blank when three fits started at once)."""
os.register_at_fork(after_in_child=lambda: globals().update(_FORK_GUARD=threading.RLock()))


def _guarded(method):
    @functools.wraps(method)
    def guarded(*args, **kwargs):
        with _FORK_GUARD:
            return method(*args, **kwargs)

    return guarded


class OwnJobsManager(DiskcacheManager):
    """A DiskcacheManager that kills only the job processes it started itself, and never
    forks one while a thread of this process is using the disk cache (``_FORK_GUARD``).

    Dash kills the process id in a signed job handle when a job is cancelled or replaced;
    the signature is the only guard, so a leaked key would let anyone kill any process the
    server may signal. Here every started job is recorded in the shared disk cache (so a
    sibling gunicorn worker may cancel it) with its start time, and a process id is killed
    only while it still names that very process (a finished job's id can be reused).
    """

    @_guarded
    def call_job_fn(self, key, job_fn, args, context):
        pid = super().call_job_fn(key, job_fn, args, context)
        started = _start_time(pid)
        if started is not None:
            self.handle.set(_record_key(pid), started, expire=JOB_RECORD_SECONDS)
        return pid

    job_running = _guarded(DiskcacheManager.job_running)
    clear_cache_entry = _guarded(DiskcacheManager.clear_cache_entry)
    get_or_create_signing_secret = _guarded(DiskcacheManager.get_or_create_signing_secret)
    get_progress = _guarded(DiskcacheManager.get_progress)
    result_ready = _guarded(DiskcacheManager.result_ready)
    get_result = _guarded(DiskcacheManager.get_result)
    get_updated_props = _guarded(DiskcacheManager.get_updated_props)
    terminate_unhealthy_job = _guarded(DiskcacheManager.terminate_unhealthy_job)

    @_guarded
    def terminate_job(self, job):
        pid = _pid(job)
        if pid is None:
            return
        started = self.handle.get(_record_key(pid))
        if started is not None and started == _start_time(pid):
            super().terminate_job(pid)
        self.handle.delete(_record_key(pid))


def _pid(job) -> int | None:
    text = str(job)
    return int(text) if text.isascii() and text.isdigit() else None


def _record_key(pid: int) -> str:
    return f"segmenta-job:{pid}"


def _start_time(pid: int) -> float | None:
    try:
        return psutil.Process(pid).create_time()
    except (psutil.NoSuchProcess, psutil.AccessDenied, ValueError):
        return None
