"""What the browser tests share: screenshots kept as test artefacts to look at after a run."""

from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


@pytest.fixture
def screenshot(dash_duo, request):
    """``screenshot(name)`` saves the window as tests/artifacts/<test>-<name>.png."""
    ARTIFACTS.mkdir(exist_ok=True)

    def save(name: str) -> Path:
        path = ARTIFACTS / f"{request.node.name}-{name}.png"
        dash_duo.driver.save_screenshot(str(path))
        return path

    return save
