"""The persona set model mapped to its database rows and back.

``to_rows`` writes a version (and, for a new set, the set itself) as rows; ``from_rows`` reads
the model back from a set row and one of its version rows. Labels and customer ids are kept
compressed: a table can have a million rows, and labels take few distinct values.
"""

import json
import zlib
from collections.abc import Iterable
from datetime import datetime

import numpy as np

from algorithms.errors import SegmentaError
from dashboard.storage.db import PersonaSetRow, PersonaSetVersionRow, StorageUnavailable
from dashboard.storage.personas.model import (
    PersonaSetContent,
    PersonaSetSummary,
    PersonaSetVersion,
)

_LABEL_DTYPE = np.dtype("<i4")


def checked_labels(labels) -> np.ndarray:
    """Cluster labels (one per row, -1 for noise) as a whole-number array that fits 32 bits."""
    array = np.asarray(labels)
    if array.ndim != 1:
        raise SegmentaError(
            f"labels must be one value per row, got an array of shape {array.shape}"
        )
    if array.size == 0:
        raise SegmentaError("labels are empty: there is no segmentation to save")
    if array.dtype.kind not in "iu":
        raise SegmentaError(f"labels must be whole numbers (cluster ids), got {array.dtype}")
    info = np.iinfo(_LABEL_DTYPE)
    if array.min() < info.min or array.max() > info.max:
        raise SegmentaError("labels must fit in 32 bits: cluster ids are small whole numbers")
    return array


def checked_row_ids(row_ids: Iterable[str] | None, n_rows: int) -> list[str] | None:
    """The customer id of every row, as text (so ``0001`` stays ``0001``)."""
    if row_ids is None:
        return None
    ids = list(row_ids)
    if len(ids) != n_rows:
        raise SegmentaError(f"there are {len(ids)} row ids for {n_rows} labels: give one per row")
    for position, row_id in enumerate(ids):
        if not isinstance(row_id, str):
            raise SegmentaError(
                f"row id {position + 1} is {row_id!r} ({type(row_id).__name__}): "
                "row ids must be text, as read from the id column"
            )
    return ids


def name_key(name: str) -> str:
    """What makes two names the same name: case and spacing ignored."""
    return " ".join(name.split()).casefold()


def to_rows(version: PersonaSetVersion) -> tuple[PersonaSetRow, PersonaSetVersionRow]:
    """The rows of a version: its set's row as a new set's (version 1 creates it) and the
    version's own row (its ``set_id`` left to the caller while the set is not written)."""
    set_row = PersonaSetRow(
        name=version.name,
        name_key=name_key(version.name),
        dataset_name=version.dataset_name,
        dataset_hash=version.dataset_hash,
        created_at=version.saved_at,
        created_by=version.author,
        latest_version=version.version,
        updated_at=version.saved_at,
    )
    labels = np.asarray(version.labels, dtype=_LABEL_DTYPE)
    row = PersonaSetVersionRow(
        set_id=version.set_id,
        version=version.version,
        author=version.author,
        saved_at=version.saved_at,
        note=version.note,
        segmentation=version.segmentation,
        personas=version.personas,
        n_personas=len(version.personas),
        n_rows=int(labels.size),
        labels=zlib.compress(labels.tobytes(), level=6),
        row_ids=_encode_row_ids(version.row_ids),
    )
    return set_row, row


def from_rows(set_row: PersonaSetRow, row: PersonaSetVersionRow) -> PersonaSetVersion:
    """The version stored in these rows; its labels are read-only so shared versions stay intact."""
    return stored_version(
        PersonaSetContent(
            dataset_hash=set_row.dataset_hash,
            dataset_name=set_row.dataset_name,
            segmentation=row.segmentation,
            personas=row.personas,
            labels=_decode_labels(row.labels, row.n_rows),
            row_ids=None if row.row_ids is None else json.loads(zlib.decompress(row.row_ids)),
        ),
        set_id=set_row.id,
        version=row.version,
        name=set_row.name,
        author=row.author,
        saved_at=row.saved_at,
        note=row.note,
    )


def stored_version(
    content: PersonaSetContent,
    *,
    set_id: int | None,
    version: int,
    name: str,
    author: str,
    saved_at: datetime,
    note: str,
) -> PersonaSetVersion:
    """``content`` as the version ``version`` of set ``set_id`` (None until the set is written)."""
    return PersonaSetVersion(
        **vars(content.as_content()),
        set_id=set_id,
        version=version,
        name=name,
        author=author,
        saved_at=saved_at,
        note=note,
    )


def summary(set_row: PersonaSetRow, latest_author: str, n_personas: int) -> PersonaSetSummary:
    return PersonaSetSummary(
        set_id=set_row.id,
        name=set_row.name,
        dataset_name=set_row.dataset_name,
        dataset_hash=set_row.dataset_hash,
        latest_version=set_row.latest_version,
        latest_author=latest_author,
        updated_at=set_row.updated_at,
        created_at=set_row.created_at,
        created_by=set_row.created_by,
        n_personas=n_personas,
    )


def _decode_labels(blob: bytes, n_rows: int) -> np.ndarray:
    labels = np.frombuffer(zlib.decompress(blob), dtype=_LABEL_DTYPE).astype(np.int32)
    if labels.size != n_rows:
        raise StorageUnavailable(f"stored labels are damaged: {labels.size} rows, not {n_rows}")
    labels.flags.writeable = False
    return labels


def _encode_row_ids(row_ids: list[str] | None) -> bytes | None:
    if row_ids is None:
        return None
    return zlib.compress(json.dumps(row_ids, ensure_ascii=True).encode("ascii"), level=6)
