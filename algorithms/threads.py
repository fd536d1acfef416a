"""One setting for the number of compute threads, used by the CLI, the app and its workers.

On a small shared machine scikit-learn's default OpenMP/BLAS threads make K-Means-family fits
stall erratically (measured: an elbow sweep 20x slower with 2 threads than with 1), and a
second thread barely helps even when it works. Parallelism comes from processes (gunicorn and
Celery workers), so each process computes with ``SEGMENTA_THREADS`` threads, 1 by default.
"""

import os

from threadpoolctl import threadpool_limits

THREADS_ENV = "SEGMENTA_THREADS"


def compute_threads() -> int:
    """The thread count from the environment, 1 when unset or invalid."""
    try:
        return max(1, int(os.environ.get(THREADS_ENV, "1")))
    except ValueError:
        return 1


def limit_compute_threads(threads: int | None = None) -> int:
    """Cap OpenMP and BLAS threads for the whole process; returns the cap applied."""
    threads = threads or compute_threads()
    for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[variable] = str(threads)
    import sklearn.cluster  # noqa: F401  (loads the OpenMP runtime so the cap reaches it)

    threadpool_limits(limits=threads)
    return threads
