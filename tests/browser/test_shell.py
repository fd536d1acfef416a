"""The app opens in a real headless Chromium: navigation, the dataset badge, no console errors."""

from urllib.parse import urlparse

import pytest

pytestmark = pytest.mark.browser


def test_root_opens_compare_with_the_sample_named(dash_duo, app):
    dash_duo.start_server(app)
    dash_duo.wait_for_text_to_equal(".navbar-brand", "Segmenta")
    assert urlparse(dash_duo.driver.current_url).path == "/compare"  # the query names the view
    dash_duo.wait_for_contains_text("#dataset-badge", "200 customers")
    for name in ("Data", "Diagnostics", "Personas", "Compare"):
        dash_duo.find_element(f"a.nav-link[href='/{name.lower()}']").click()
        dash_duo.wait_for_contains_text("h3", name)
    assert dash_duo.get_logs() == []
