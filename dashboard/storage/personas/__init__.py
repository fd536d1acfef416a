"""Named, versioned persona sets shared by a team.

A persona set ties a segmentation of one dataset (labels for every row, the method and its
parameters, the profiles) to the personas the team wrote for its clusters. Every save appends a
version instead of overwriting, so history can be browsed and restored.

- ``model``: the one shape of a persona set (its content, a stored version, list lines);
- ``rows``: that model mapped to the database rows of ``dashboard.storage.db`` and back;
- ``limits``: what a persona set may hold, checked before anything is written;
- ``queries``: reading sets, versions, history and the library list;
- ``saving``: appending versions with conflict checks (``VersionConflict``);
- ``store``: ``PersonaStore``, the one entry point the rest of the app uses.
"""

from dashboard.storage.personas.limits import (
    MAX_NAME_LENGTH,
    MAX_PERSONA_TEXT,
    MAX_TAGS,
)
from dashboard.storage.personas.model import (
    PersonaSetContent,
    PersonaSetSummary,
    PersonaSetVersion,
    VersionInfo,
)
from dashboard.storage.personas.queries import PersonaSetNotFound
from dashboard.storage.personas.saving import VersionConflict
from dashboard.storage.personas.store import PersonaStore

__all__ = [
    "MAX_NAME_LENGTH",
    "MAX_PERSONA_TEXT",
    "MAX_TAGS",
    "PersonaSetContent",
    "PersonaSetNotFound",
    "PersonaSetSummary",
    "PersonaSetVersion",
    "PersonaStore",
    "VersionConflict",
    "VersionInfo",
]
