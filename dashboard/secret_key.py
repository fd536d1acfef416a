"""The Flask secret, which also signs Dash's background-job handles.

Whoever knows it can sign a handle that tells the server to kill a process of their choosing,
so no deployment may run with a key anyone else knows. Without ``SECRET_KEY`` a random key is
made once per instance folder (``instance/secret_key``, mode 0600) and read back by every
gunicorn and Celery worker of that deployment; a configured key that is a published example
or too short stops the start.
"""

import contextlib
import os
import secrets
from pathlib import Path

from algorithms.errors import SegmentaError

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
    """The instance folder's key, made now if it has none.

    Workers starting together race to make it: each writes a complete candidate to a file of
    its own, then hard-links it to the shared name, which succeeds for one of them only; all
    read back the winner, so nobody ever reads a half-written key.
    """
    path = instance_path / KEY_FILE
    if not path.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        candidate = instance_path / f".{KEY_FILE}.{os.getpid()}.{secrets.token_hex(8)}"
        descriptor = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(descriptor, "w") as handle:
                handle.write(secrets.token_urlsafe(48))
                handle.flush()
                os.fsync(handle.fileno())
            with contextlib.suppress(FileExistsError):  # another worker's key won
                os.link(candidate, path)
        finally:
            candidate.unlink(missing_ok=True)
    return path.read_text().strip()
