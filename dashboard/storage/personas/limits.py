"""What a persona set may hold, checked before anything is written.

Text is stored verbatim, within limits that keep one save small (one once held 40 MB); content
is converted to plain JSON so that numpy results can be saved as they come. Every refusal says
which field is wrong and what is allowed, the same on SQLite and PostgreSQL.
"""

import json
from collections.abc import Iterable, Mapping
from datetime import date, datetime

import numpy as np

from algorithms.errors import SegmentaError

MAX_NAME_LENGTH = 200
# A persona's text: a few paragraphs each, not a pasted book (one save once held 40 MB).
MAX_PERSONA_TEXT = 5_000
MAX_TAGS = 50
PERSONA_TEXT_LIMITS = {
    "name": MAX_NAME_LENGTH,
    "description": MAX_PERSONA_TEXT,
    "recommendation": MAX_PERSONA_TEXT,
}
# Ids and versions are Integer columns: 32-bit on PostgreSQL, which refuses larger numbers
# with an error (and SQLite past 64 bits), so those are looked up as "not found" instead.
MAX_STORED_NUMBER = 2**31 - 1


def storable_text(value: str, what: str) -> str:
    """Text is stored verbatim; only what no database can hold (NUL, lone surrogates) is refused.

    PostgreSQL text cannot contain NUL and UTF-8 cannot encode a lone surrogate; refusing them
    here gives the same clear error on SQLite and PostgreSQL instead of a driver error on one.
    """
    if not isinstance(value, str):
        raise SegmentaError(f"the {what} must be text, not {type(value).__name__}")
    if "\x00" in value:
        raise SegmentaError(f"the {what} contains a NUL character: remove it and save again")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise SegmentaError(f"the {what} contains an invalid character at {exc.start}") from exc
    return value


def plain_json(value, what: str):
    """``value`` with numpy scalars/arrays, tuples and dates turned into plain JSON values.

    Callers pass whatever their computation produced (``np.float64`` metrics, centroid arrays,
    ``np.int64`` cluster keys); refusing that would push conversion into every caller. The
    conversion is JSON's: tuples come back as lists, dict keys as strings, dates as ISO text.
    """
    if isinstance(value, str | bool | int | float) or value is None:
        return value
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return plain_json(value.tolist(), what)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {_json_key(key, what): plain_json(item, what) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain_json(item, what) for item in value]
    raise SegmentaError(
        f"the {what} holds a {type(value).__name__} ({value!r:.60}), which cannot be saved: "
        "use numbers, text, lists and dicts"
    )


def _json_key(key, what: str) -> str:
    key = plain_json(key, what)
    if isinstance(key, str):
        return key
    if isinstance(key, bool | int | float) or key is None:
        return json.dumps(key)
    raise SegmentaError(f"the {what} has a dict key {key!r} that is not text or a number")


def checked_name(value: str) -> str:
    name = storable_text(value, "persona set name").strip()
    if not name:
        raise SegmentaError("the persona set name is empty: give it a name")
    if len(name) > MAX_NAME_LENGTH:
        raise SegmentaError(
            f"the persona set name has {len(name)} characters: keep it under {MAX_NAME_LENGTH}"
        )
    return name


def checked_author(value: str) -> str:
    author = storable_text(value, "author").strip()
    if not author:
        raise SegmentaError("the author is empty: say who is saving")
    if len(author) > MAX_NAME_LENGTH:
        raise SegmentaError(f"the author name is longer than {MAX_NAME_LENGTH} characters")
    return author


def checked_dataset_hash(value: str) -> str:
    value = storable_text(value, "dataset hash")
    if not value or len(value) > 64:
        raise SegmentaError(f"dataset hash {value!r} is not a dataset id")
    return value


def checked_segmentation(value: Mapping) -> dict:
    if not isinstance(value, Mapping):
        raise SegmentaError(f"the segmentation must be a dict, not {type(value).__name__}")
    return plain_json(dict(value), "segmentation")


def checked_personas(value: Iterable[Mapping]) -> list[dict]:
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
        raise SegmentaError(f"personas must be a list of dicts, not {type(value).__name__}")
    personas = list(value)
    for position, persona in enumerate(personas):
        if not isinstance(persona, Mapping):
            raise SegmentaError(f"persona {position + 1} is a {type(persona).__name__}, not a dict")
        _check_text_lengths(persona, position)
    return plain_json([dict(p) for p in personas], "personas")


def _check_text_lengths(persona: Mapping, position: int) -> None:
    """Refuse a field over its limit, naming the persona, the field and the limit."""
    name = persona.get("name")
    who = f"persona {position + 1}" + (f" (‘{name[:60]}’)" if isinstance(name, str) else "")
    for field, limit in PERSONA_TEXT_LIMITS.items():
        value = persona.get(field)
        if isinstance(value, str) and len(value) > limit:
            raise SegmentaError(
                f"The {field} of {who} has {len(value):,} characters: shorten it to "
                f"{limit:,} or fewer."
            )
    tags = persona.get("tags")
    tags = [tags] if isinstance(tags, str) else tags if isinstance(tags, list) else []
    if len(tags) > MAX_TAGS:
        raise SegmentaError(f"{who.capitalize()} has {len(tags)} tags: keep {MAX_TAGS} or fewer.")
    for tag in tags:
        if isinstance(tag, str) and len(tag) > MAX_NAME_LENGTH:
            raise SegmentaError(
                f"A tag of {who} has {len(tag):,} characters: shorten it to "
                f"{MAX_NAME_LENGTH} or fewer."
            )


def aware(moment: datetime, what: str) -> datetime:
    if moment.tzinfo is None:
        raise SegmentaError(f"‘{what}’ has no timezone: pass an aware datetime (e.g. in UTC)")
    return moment


def storable_number(number: int) -> bool:
    return 0 < number <= MAX_STORED_NUMBER
