"""Fixtures of the computation-layer tests: small synthetic blobs, the classic mall table, and
one compute thread for the whole session, as the app's workers run."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from algorithms.threads import limit_compute_threads
from tests.algorithms.helpers import blobs

SHARED_DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"


@pytest.fixture(scope="session", autouse=True)
def one_compute_thread():
    limit_compute_threads(1)


@pytest.fixture(scope="session")
def three_blobs():
    return blobs(n_samples=300, centers=[[0, 0], [8, 0], [0, 8]], cluster_std=0.6, seed=1)


@pytest.fixture(scope="session")
def four_blobs():
    return blobs(
        n_samples=400, centers=[[0, 0], [10, 0], [0, 10], [10, 10]], cluster_std=0.8, seed=2
    )


@pytest.fixture(scope="session")
def mall() -> pd.DataFrame:
    """The published mall table as the loader will present it: clean headers, Gender."""
    path = SHARED_DATA / "Mall_Customers.csv"
    if not path.exists():
        pytest.skip(f"the shared mall dataset is not at {path.resolve()}")
    table = pd.read_csv(path, dtype={"CustomerID": str})
    table.columns = table.columns.str.strip()
    return table.rename(columns={"Genre": "Gender"})


def _shared_table(name: str) -> pd.DataFrame:
    """A public table of ``../shared/data`` as the loader presents it."""
    from algorithms.loading import load_table

    path = SHARED_DATA / name
    if not path.exists():
        pytest.skip(f"the shared dataset {name!r} is not at {path.resolve()}")
    return load_table(path)


@pytest.fixture(scope="session")
def cc_general() -> pd.DataFrame:
    """CC GENERAL: 8,950 credit-card customers, heavily skewed spend columns."""
    return _shared_table("CC GENERAL.csv")


@pytest.fixture(scope="session")
def wholesale() -> pd.DataFrame:
    """Wholesale customers: six spend columns and two category codes (Channel, Region)."""
    return _shared_table("Wholesale customers data.csv")


@pytest.fixture
def rng():
    return np.random.default_rng(12345)
