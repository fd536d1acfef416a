"""Fixtures shared by the callback, HTTP and browser tests: an app built on a fresh instance
folder, and headless Debian Chromium for ``dash_duo``."""

import shutil
import tempfile
from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def pytest_setup_options():
    """Chrome options for dash[testing]'s browser fixture: Debian's headless Chromium."""
    from selenium.webdriver.chrome.options import Options

    options = Options()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--disable-dev-shm-usage",
        "--window-size=1400,1000",
        f"--user-data-dir={tempfile.mkdtemp(prefix='segmenta-chromium-')}",
    ):
        options.add_argument(flag)
    return options


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
def client(app):
    return app.server.test_client()
