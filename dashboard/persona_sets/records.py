"""Persona set records: drafting personas, checking the form, saving (new set, new version,
"save mine as new"), and a stored version written as its plain JSON record
(``persona_set_record``, the one mapping from the persona set model to that record).
"""

import json
from pathlib import Path

import pandas as pd

from algorithms.errors import SegmentaError
from algorithms.methods.base import NOISE
from dashboard.services.palette import HEX_COLOR, palette_color
from dashboard.storage.personas import (
    PersonaSetContent,
    PersonaSetNotFound,
    PersonaSetSummary,
    PersonaSetVersion,
    PersonaStore,
)

ROW_ID_COLUMN = "CustomerID"
NEW_NAME_TRIES = 5


def draft_personas(profiles: list[dict]) -> list[dict]:
    """One persona per cluster (noise excluded), named with the drafted label."""
    return [
        {
            "cluster": int(row["cluster"]),
            "name": str(row["label"]),
            "description": "",
            "recommendation": "",
            "color": palette_color(int(row["cluster"])),
            "tags": [],
        }
        for row in profiles
        if int(row["cluster"]) != NOISE
    ]


def split_tags(text: str | list | None) -> list[str]:
    """'vip, weekend,  vip' -> ['vip', 'weekend']."""
    parts = text if isinstance(text, list) else str(text or "").split(",")
    return list(dict.fromkeys(part.strip() for part in parts if str(part).strip()))


def clean_personas(personas: list[dict]) -> list[dict]:
    """Personas as the form gave them, checked: every one named, no two with the same name."""
    cleaned, seen = [], {}
    for persona in personas:
        cluster = int(persona["cluster"])
        name = str(persona.get("name") or "").strip()
        if not name:
            raise SegmentaError(f"The persona of segment {cluster} has no name: give it one.")
        key = name.casefold()
        if key in seen:
            raise SegmentaError(
                f"Segments {seen[key]} and {cluster} are both named ‘{name}’: give each "
                "persona its own name, so exported tables tell them apart."
            )
        seen[key] = cluster
        color = str(persona.get("color") or "")
        cleaned.append(
            {
                "cluster": cluster,
                "name": name,
                "description": str(persona.get("description") or ""),
                "recommendation": str(persona.get("recommendation") or ""),
                "color": color.lower() if HEX_COLOR.fullmatch(color) else palette_color(cluster),
                "tags": split_tags(persona.get("tags")),
            }
        )
    return cleaned


def population_stats(original: pd.DataFrame) -> dict:
    """Mean and spread of every feature over the clustered customers (for 'vs everyone')."""
    return {
        "mean": {str(c): float(v) for c, v in original.mean().items()},
        "std": {str(c): float(v) for c, v in original.std(ddof=0).items()},
    }


def save_persona_set(
    store: PersonaStore, content: PersonaSetContent, *, name: str, author: str, base: dict | None
) -> PersonaSetVersion:
    """Create the set, or append a version to ``base`` ({"set_id", "version"}).

    Raises ``VersionConflict`` when someone saved ``base``'s set in the meantime.
    """
    if not base:
        return save_as_new_set(store, content, name=name, author=author, exact_name=True)
    return store.save(
        int(base["set_id"]),
        base_version=int(base["version"]),
        personas=content.personas,
        author=author,
        segmentation=content.segmentation,
        labels=content.labels,
        row_ids=content.row_ids,
        name=name,
    )


def save_as_new_set(
    store: PersonaStore, content: PersonaSetContent, *, name: str, author: str, exact_name=False
) -> PersonaSetVersion:
    """A new set; unless ``exact_name``, named 'name (author)', or 'name (author) 2'... when
    that is taken.

    Two saves at once (one person's two tabs) can both find the same name free; the store
    refuses the second (it never replaces a set), which then tries the next free name, up to
    ``NEW_NAME_TRIES`` times.
    """
    if exact_name:
        return _create(store, content, name, author)
    wanted = f"{name.strip()} ({author.strip()})"
    for _ in range(NEW_NAME_TRIES - 1):
        candidate = free_name(store, wanted)
        try:
            return _create(store, content, candidate, author)
        except SegmentaError:
            if not _name_taken(store, candidate):
                raise
    return _create(store, content, free_name(store, wanted), author)


def _create(store: PersonaStore, content: PersonaSetContent, name: str, author: str):
    # The content's fields are ``create``'s keywords of the same names.
    return store.create(name=name, author=author, **vars(content))


def free_name(store: PersonaStore, wanted: str) -> str:
    """``wanted``, or ``wanted`` with the first free number appended."""
    candidate, number = wanted, 1
    while _name_taken(store, candidate):
        number += 1
        candidate = f"{wanted} {number}"
    return candidate


def _name_taken(store: PersonaStore, name: str) -> bool:
    try:
        store.get_by_name(name)
    except PersonaSetNotFound:
        return False
    return True


def persona_set_record(version: PersonaSetVersion) -> dict:
    """A stored version as plain JSON: what the API serves and the JSON export writes."""
    return draft_record(
        version.segmentation,
        version.personas,
        name=version.name,
        author=version.author,
        set_id=version.set_id,
        version=version.version,
        saved_at=version.saved_at.isoformat(),
        note=version.note,
    )


def draft_record(segmentation: dict, personas: list[dict], **about) -> dict:
    """The record of a persona set, saved or not (unsaved: no id, version or date)."""
    sizes = {int(k): int(v) for k, v in segmentation.get("sizes", {}).items()}
    total = sum(sizes.values()) or 1
    return {
        "id": about.get("set_id"),
        "name": about.get("name", ""),
        "version": about.get("version"),
        "author": about.get("author", ""),
        "saved_at": about.get("saved_at"),
        "note": about.get("note", ""),
        "dataset": {
            "id": segmentation.get("dataset_id"),
            "name": segmentation.get("dataset_name", ""),
        },
        "segmentation": segmentation,
        "personas": [
            {
                **persona,
                "size": sizes.get(int(persona["cluster"]), 0),
                "share": sizes.get(int(persona["cluster"]), 0) / total,
            }
            for persona in personas
        ],
    }


def find_persona_set(
    store: PersonaStore, name_or_id: str | int, version: int | None = None
) -> PersonaSetVersion:
    """A set by its name, or by its numeric id when no set has that name."""
    text = str(name_or_id).strip()
    try:
        return store.get_by_name(text, version)
    except PersonaSetNotFound:
        if not text.isdigit():
            raise
    return store.get(int(text), version)


def load_persona_record(store: PersonaStore, name_or_file: str) -> dict:
    """A persona set record from a JSON export file, or else from the store by name or id."""
    path = Path(name_or_file)
    if path.suffix.lower() == ".json" and path.is_file():
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise SegmentaError(
                f"{str(path)!r} is not a persona set JSON export: {error}"
            ) from None
        if not isinstance(record, dict) or not {"segmentation", "personas"} <= record.keys():
            raise SegmentaError(
                f"{str(path)!r} is not a persona set JSON export (it has no "
                "'segmentation' and 'personas'): export one with `segmenta personas export`."
            )
        return record
    return persona_set_record(find_persona_set(store, name_or_file))


def summary_record(summary: PersonaSetSummary) -> dict:
    """One line of the persona library as plain JSON (the API's list, ``personas list``)."""
    return {
        "id": summary.set_id,
        "name": summary.name,
        "dataset": {"id": summary.dataset_hash, "name": summary.dataset_name},
        "latest_version": summary.latest_version,
        "latest_author": summary.latest_author,
        "updated_at": summary.updated_at.isoformat(),
        "created_at": summary.created_at.isoformat(),
        "created_by": summary.created_by,
        "n_personas": summary.n_personas,
        "url": f"/api/persona-sets/{summary.set_id}",
        "customers_url": f"/api/persona-sets/{summary.set_id}/customers.csv",
    }
