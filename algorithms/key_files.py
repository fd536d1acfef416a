"""Random keys kept in a file of their own, made once and shared by every process that reads it.

Both the Flask secret and the model-signing key live in the instance folder this way: several
gunicorn and Celery workers and a CLI run may start at once, and all must end up with the one key
that was made first, never a half-written file.
"""

import contextlib
import os
import secrets
from pathlib import Path


def read_or_create_key(path: Path) -> str:
    """The key in ``path``; a new random one (mode 0600) if there is none yet.

    Each process writes a complete candidate to a private file, then hard-links it to the shared
    name, which succeeds for one of them only; all read back the winner.
    """
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(8)}")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(descriptor, "w") as out:
                out.write(secrets.token_urlsafe(48) + "\n")
                out.flush()
                os.fsync(out.fileno())
            with contextlib.suppress(FileExistsError):  # another process's key won
                os.link(draft, path)
        finally:
            draft.unlink(missing_ok=True)
    return path.read_text(encoding="utf-8").strip()
