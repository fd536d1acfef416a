"""Where long callbacks (large fits, elbow sweeps) run.

By default in local processes sharing a disk cache (DiskcacheManager). With
``CELERY_BROKER_URL`` set, on Celery workers (``make worker``) so heavy fits leave the web
workers free: the path past one machine is more web hosts and more Celery workers sharing
one Redis and one PostgreSQL.
"""

import diskcache
from celery import Celery
from dash import CeleryManager, DiskcacheManager

from dashboard.config import Config


def make_celery(config: Config) -> Celery:
    backend = config.cache_redis_url or config.celery_broker_url
    celery = Celery("segmenta", broker=config.celery_broker_url, backend=backend)
    celery.conf.update(worker_prefetch_multiplier=1, task_acks_late=False)
    return celery


def background_manager(config: Config):
    if config.celery_broker_url:
        return CeleryManager(make_celery(config))
    return DiskcacheManager(diskcache.Cache(str(config.instance_path / "background")))
