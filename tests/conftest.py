"""Fixtures shared by the callback, HTTP and browser tests: an app built on a fresh instance
folder, and headless Debian Chromium for ``dash_duo``; and the Hypothesis profile.

CI (``.ci/run``) sets ``SEGMENTA_HYPOTHESIS_PROFILE=ci``: the property tests then draw the same
examples on every run, so a red CI means a change broke something, not that a new random
example was drawn. ``make test`` on a workstation keeps drawing new ones (and replays any
failure it found from ``.hypothesis/``), which is where new defects are found.
"""

import os
from pathlib import Path

import pytest
from hypothesis import settings

from devtools.chromium import headless_chromium_options

settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
settings.load_profile(os.environ.get("SEGMENTA_HYPOTHESIS_PROFILE", "default"))

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def pytest_setup_options():
    """Chrome options for dash[testing]'s browser fixture: Debian's headless Chromium."""
    return headless_chromium_options()


@pytest.fixture
def shared_data() -> Path:
    if not (SHARED_DATA / "Mall_Customers.csv").exists():
        pytest.skip(f"the shared datasets are not at {SHARED_DATA}")
    return SHARED_DATA


@pytest.fixture
def app_config(tmp_path):
    from dashboard.config import Config

    return Config(instance_path=tmp_path / "instance", testing=True)


@pytest.fixture
def app(app_config):
    from dashboard.app import create_app

    return create_app(app_config)


@pytest.fixture
def services(app):
    return app.server.extensions["segmenta"]


@pytest.fixture
def computed(services, monkeypatch) -> list[str]:
    """The keys of the results ``services`` computes from now on, cache hits left out: each
    compute function handed to the result cache is wrapped to note its key when it runs."""
    keys = []
    get_or_compute = services.results.get_or_compute

    def noting(key, compute):
        def compute_and_note():
            keys.append(key)
            return compute()

        return get_or_compute(key, compute_and_note)

    monkeypatch.setattr(services.results, "get_or_compute", noting)
    return keys


@pytest.fixture
def client(app):
    return app.server.test_client()
