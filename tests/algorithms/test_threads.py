"""The compute-thread cap reaches OpenMP and BLAS."""

import os

import pytest
from threadpoolctl import threadpool_info, threadpool_limits

from algorithms.threads import THREADS_ENV, compute_threads, limit_compute_threads


@pytest.fixture
def restore_one_thread(monkeypatch):
    for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", THREADS_ENV):
        monkeypatch.delenv(variable, raising=False)
    yield
    limit_compute_threads(1)


def pools(api):
    return [pool for pool in threadpool_info() if pool["user_api"] == api]


def test_one_thread_for_openmp_and_blas(restore_one_thread):
    threadpool_limits(limits=2)
    assert limit_compute_threads(1) == 1

    for api in ("openmp", "blas"):
        assert pools(api), f"no {api} library loaded: the cap would not be checked"
        assert {pool["num_threads"] for pool in pools(api)} == {1}


def test_the_environment_sets_the_cap(restore_one_thread, monkeypatch):
    monkeypatch.setenv(THREADS_ENV, "2")
    assert limit_compute_threads() == 2
    assert {pool["num_threads"] for pool in pools("openmp")} == {2}
    assert os.environ["OMP_NUM_THREADS"] == "2"


@pytest.mark.parametrize(("value", "threads"), [(None, 1), ("3", 3), ("0", 1), ("many", 1)])
def test_thread_count_from_the_environment(monkeypatch, value, threads):
    if value is None:
        monkeypatch.delenv(THREADS_ENV, raising=False)
    else:
        monkeypatch.setenv(THREADS_ENV, value)
    assert compute_threads() == threads
