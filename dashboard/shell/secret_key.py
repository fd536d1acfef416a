"""The Flask secret, which also signs Dash's background-job handles.

Whoever knows it can sign a handle that tells the server to kill a process of their choosing,
so no deployment may run with a key anyone else knows. Without ``SECRET_KEY`` a random key is
made once per instance folder (``instance/secret_key``, mode 0600) and read back by every
gunicorn and Celery worker of that deployment; a configured key that is a published example
or too short stops the start.
"""

from pathlib import Path

from algorithms.errors import SegmentaError
from algorithms.key_files import read_or_create_key

KEY_FILE = "secret_key"
MIN_LENGTH = 32
PUBLISHED_KEYS = frozenset({"segmenta-dev", "change-me"})
HOW_TO_MAKE_ONE = """python -c "import secrets; print(secrets.token_urlsafe(48))\""""


def secret_key(configured: str, instance_path: Path) -> str:
    """``configured`` when it is strong, else the instance folder's own key when none is set."""
    if configured:
        return checked_key(configured, "SECRET_KEY")
    return checked_key(instance_key(instance_path), str(instance_path / KEY_FILE))


def checked_key(key: str, source: str) -> str:
    if key.strip() in PUBLISHED_KEYS or len(key.strip()) < MIN_LENGTH:
        raise SegmentaError(
            f"{source} is a published or short key (under {MIN_LENGTH} characters): anyone "
            "who knows it can forge requests that stop server processes. Set SECRET_KEY to a "
            f"new random value, made with {HOW_TO_MAKE_ONE}, or unset it to let Segmenta keep "
            "its own key in the instance folder."
        )
    return key


def instance_key(instance_path: Path) -> str:
    """The instance folder's key, made now if it has none (shared by workers starting together)."""
    return read_or_create_key(instance_path / KEY_FILE)
