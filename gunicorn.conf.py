"""gunicorn settings for ``make serve``, read from the environment.

Rule for sizing: each worker computes with ``SEGMENTA_THREADS`` BLAS/OpenMP threads (1 by
default), so ``workers × SEGMENTA_THREADS`` should not exceed the cores; request threads
(``GUNICORN_THREADS``) mostly wait on I/O and the cache and may exceed them. They should: a
browser's keep-alive connection stays with the worker that accepted it, so with 2 threads a
worker busy with two fits stalls every page of every browser it holds (the load benchmark in
``benchmarks/results.md`` measures 8 threads against 2).
"""

import os
from pathlib import Path

bind = os.environ.get("SEGMENTA_BIND", "127.0.0.1:8050")
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 30
keepalive = 5
accesslog = None  # the app logs one JSON line per request itself
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
preload_app = False  # every worker opens its own database pool and cache connections
# `gunicornc -s instance/gunicorn.ctl`; one socket per instance folder, so two servers on one
# machine (a deployment and a test run) do not take over each other's default socket
control_socket = str(Path(os.environ.get("SEGMENTA_INSTANCE", "instance")) / "gunicorn.ctl")


def on_starting(server):
    """Prepare the schema once, before the workers start, instead of each worker racing the
    others to (the loser would log a misleading "database not ready"). An outdated schema
    stops gunicorn with the message naming ``segmenta db upgrade``."""
    from dashboard.config import Config
    from dashboard.storage.db import make_engine
    from dashboard.storage.migrations import SchemaOutdated, prepare_schema

    engine = make_engine(Config.from_env().database)
    try:
        prepare_schema(engine)
    except SchemaOutdated:
        raise  # a RuntimeError: gunicorn prints "Error: <message>" and exits 1
    except Exception as error:  # noqa: BLE001  (workers start anyway; /healthz reports it)
        server.log.warning("database not ready at start-up: %s", error)
    finally:
        engine.dispose()


def post_fork(server, worker):
    from algorithms.threads import limit_compute_threads

    limit_compute_threads()
