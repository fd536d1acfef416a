"""Headless Debian Chromium for Selenium: the browser tests' ``dash_duo`` and the Compare
page's time-to-interactive benchmark drive the same browser with the same flags."""

import shutil
import tempfile


def headless_chromium_options():
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
