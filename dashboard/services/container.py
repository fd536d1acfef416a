"""The stores and caches one app instance works with, built from its Config.

Callbacks receive these through their page's ``register_callbacks(app, services)`` closure,
never through module globals, so two apps in one process (tests) or two gunicorn workers
cannot share state by accident; what workers must share lives in the database, the data
folder and the cache backend.
"""

import logging
from dataclasses import dataclass

from flask import Flask
from flask_caching import Cache
from sqlalchemy import Engine

from algorithms.loading import load_sample
from dashboard.config import Config
from dashboard.services.analysis import Analysis
from dashboard.services.results import RecentValues, ResultCache
from dashboard.storage.datasets import DatasetInfo, DatasetStore
from dashboard.storage.db import make_engine
from dashboard.storage.migrations import SchemaOutdated, prepare_schema
from dashboard.storage.personas import PersonaStore

SAMPLE_NAME = "Mall customers (sample)"
DRAWN_PANELS_KEPT = 24
"""Compare panels kept drawn per worker: three views of eight panels, each at most about
3 000 customers (``compare_panels.PANEL_POINTS``) and a few hundred kB."""
log = logging.getLogger("segmenta")


@dataclass
class Services:
    config: Config
    engine: Engine
    datasets: DatasetStore
    personas: PersonaStore
    results: ResultCache
    analysis: Analysis
    sample: DatasetInfo
    drawn: RecentValues
    """Compare panels as drawn from their cached results (``compare_panels``)."""


def cache_settings(config: Config) -> dict:
    if config.cache_redis_url:
        return {
            "CACHE_TYPE": "RedisCache",
            "CACHE_REDIS_URL": config.cache_redis_url,
            "CACHE_KEY_PREFIX": "segmenta:",
            "CACHE_DEFAULT_TIMEOUT": config.cache_timeout_seconds,
        }
    return {
        "CACHE_TYPE": "FileSystemCache",
        "CACHE_DIR": str(config.cache_folder),
        "CACHE_THRESHOLD": 2000,
        "CACHE_DEFAULT_TIMEOUT": config.cache_timeout_seconds,
    }


def build_services(config: Config, server: Flask) -> Services:
    config.instance_path.mkdir(parents=True, exist_ok=True)
    cache = Cache(server, config=cache_settings(config))
    results = ResultCache(cache)
    datasets = DatasetStore(config.datasets_folder)
    engine = make_engine(config.database)
    try:
        prepare_schema(engine)
    except SchemaOutdated:
        raise  # serving on a schema this code does not know could damage the team's data
    except Exception as error:  # noqa: BLE001  (serve what we can; /healthz reports it)
        log.warning("database not ready at start-up, will retry: %s", error)
    sample = datasets.put(load_sample(), SAMPLE_NAME)
    return Services(
        config=config,
        engine=engine,
        datasets=datasets,
        personas=PersonaStore(engine),
        results=results,
        analysis=Analysis(datasets, results),
        sample=sample,
        drawn=RecentValues(DRAWN_PANELS_KEPT),
    )
