"""Where long callbacks (large fits, elbow sweeps) run.

By default in local processes sharing a disk cache (DiskcacheManager). With
``CELERY_BROKER_URL`` set, on Celery workers (``make worker``) so heavy fits leave the web
workers free: the path past one machine is more web hosts and more Celery workers sharing
one Redis and one PostgreSQL. Celery belongs to the ``server`` extra, so it is imported only
when a broker is configured: ``make run`` works without it.
"""

import diskcache
from dash import CeleryManager, DiskcacheManager

from algorithms.errors import SegmentaError
from dashboard.config import Config


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
    return DiskcacheManager(diskcache.Cache(str(config.instance_path / "background")))
