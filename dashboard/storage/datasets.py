"""Uploaded tables kept on the server, addressed by a hash of their content.

A customer table can have a million rows: sending it through the browser on every callback
would be slow, and keeping it in one worker's memory would hide it from the other gunicorn
workers and from the CLI. So each table is written once to a shared folder as Parquet (types
kept: ``0001`` stays text) under the hash of its content, and callbacks pass around the id.
The same content always gets the same id, so re-uploading a file costs nothing.
"""

import hashlib
import json
import os
import re
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pyarrow as pa

from algorithms.errors import DataError

_ID_PATTERN = re.compile(r"[0-9a-f]{16}")
_NUMERIC_KINDS = {"integer", "floating", "mixed-integer-float", "decimal"}
_FORMAT_VERSION = 1


@dataclass(frozen=True)
class DatasetInfo:
    """What is known about a stored table without reading it."""

    dataset_id: str
    name: str
    n_rows: int
    n_columns: int
    columns: list[str]
    stored_at: datetime


def dataset_hash(df: pd.DataFrame) -> str:
    """The id ``DatasetStore.put`` gives this table: 16 hex digits of a SHA-256 of its content.

    Column names, their order, dtypes and every value count; the index does not. The hash is
    taken on the table as it will be stored (see ``storable_table``), so hashing a table read
    back from the store gives its id again, in any process.
    """
    return _content_hash(storable_table(df))


def storable_table(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` in the form Parquet stores and returns unchanged.

    Column names become text and the index is dropped. Object columns (typical of Excel files
    and hand-built frames) get a real dtype: text stays text, numbers become numeric, and a
    column mixing text with numbers becomes text, because Parquet cannot hold mixed columns.
    """
    if not isinstance(df, pd.DataFrame):
        raise DataError(f"expected a table (pandas DataFrame), got {type(df).__name__}")
    table = df.reset_index(drop=True)
    table.columns = [str(column) for column in table.columns]
    duplicated = sorted(set(table.columns[table.columns.duplicated()]))
    if duplicated:
        raise DataError(
            f"the table has several columns named {', '.join(map(repr, duplicated))}: "
            "rename them so that every column name is unique"
        )
    for column, dtype in table.dtypes.items():
        if pd.api.types.is_object_dtype(dtype):
            table[column] = _typed(table[column])
    return table


def _typed(column: pd.Series) -> pd.Series:
    kind = pd.api.types.infer_dtype(column, skipna=True)
    if kind in _NUMERIC_KINDS:
        return pd.to_numeric(column)
    if kind == "boolean":
        return column.astype("boolean")
    return column.astype("str")


def _content_hash(table: pd.DataFrame) -> str:
    digest = hashlib.sha256()
    layout = [[column, str(dtype)] for column, dtype in table.dtypes.items()]
    digest.update(json.dumps([len(table), layout]).encode("utf-8"))
    row_hashes = pd.util.hash_pandas_object(table, index=False).to_numpy()
    digest.update(row_hashes.astype("<u8").tobytes())
    return digest.hexdigest()[:16]


class DatasetStore:
    """Tables in one folder shared by every worker; each as ``<id>.parquet`` + ``<id>.json``.

    Files are written under a temporary name and renamed into place, metadata last, so a reader
    in another process sees a table completely or not at all. Tables never change once stored,
    so the recently read ones are kept in memory (a few, within a byte budget); a table deleted
    by another worker is noticed because reading checks that its files are still there.
    """

    def __init__(
        self, folder: Path, *, cached_frames: int = 4, cached_bytes: int = 1 << 30
    ) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self._frames = _FrameCache(cached_frames, cached_bytes)

    def put(self, df: pd.DataFrame, name: str) -> DatasetInfo:
        """Store a table (once per content) and return its id and shape."""
        name = _name(name)
        table = storable_table(df)
        if table.shape[0] == 0 or table.shape[1] == 0:
            raise DataError(
                f"the table ‘{name}’ is empty ({table.shape[0]} rows, {table.shape[1]} columns)"
            )
        dataset_id = _content_hash(table)
        if self.exists(dataset_id):
            return self.info(dataset_id)
        self._write(self._path(dataset_id, ".parquet"), lambda path: _write_parquet(table, path))
        info = DatasetInfo(
            dataset_id=dataset_id,
            name=name,
            n_rows=int(table.shape[0]),
            n_columns=int(table.shape[1]),
            columns=list(table.columns),
            stored_at=datetime.now(UTC),
        )
        metadata = json.dumps(_metadata(info, table), ensure_ascii=False, indent=1)
        self._write(
            self._path(dataset_id, ".json"),
            lambda path: path.write_text(metadata, encoding="utf-8"),
        )
        self._frames.put(dataset_id, table)
        return info

    def get(self, dataset_id: str) -> pd.DataFrame:
        """The stored table; callers may modify it freely (copy-on-write keeps the store's)."""
        if not self.exists(dataset_id):  # also when this worker still holds a deleted one
            raise _unknown(dataset_id)
        frame = self._frames.get(dataset_id)
        if frame is None:
            frame = pd.read_parquet(self._path(dataset_id, ".parquet"), engine="pyarrow")
            self._frames.put(dataset_id, frame)
        return frame.copy(deep=False)

    def info(self, dataset_id: str) -> DatasetInfo:
        path = self._path(dataset_id, ".json")
        if not self.exists(dataset_id):
            raise _unknown(dataset_id)
        return _info(json.loads(path.read_text(encoding="utf-8")))

    def list(self) -> list[DatasetInfo]:
        """Every stored table, most recently stored first."""
        ids = (path.stem for path in self.folder.glob("*.json"))
        infos = [self.info(i) for i in ids if _ID_PATTERN.fullmatch(i) and self.exists(i)]
        return sorted(infos, key=lambda info: info.stored_at, reverse=True)

    def delete(self, dataset_id: str) -> DatasetInfo:
        """Remove a table for good and return what it was; DataError for an unknown id.

        The metadata goes first, so that from then on every worker sees the table as gone
        (``exists`` needs both files) even before its Parquet file is removed.
        """
        info = self.info(dataset_id)
        self._path(dataset_id, ".json").unlink(missing_ok=True)
        self._path(dataset_id, ".parquet").unlink(missing_ok=True)
        self._frames.drop(dataset_id)
        return info

    def exists(self, dataset_id: str) -> bool:
        return (
            self._path(dataset_id, ".json").is_file()
            and self._path(dataset_id, ".parquet").is_file()
        )

    def _path(self, dataset_id: str, suffix: str) -> Path:
        """The file of a dataset, after checking the id is one (never a path from outside)."""
        if not isinstance(dataset_id, str) or not _ID_PATTERN.fullmatch(dataset_id):
            raise DataError(
                f"{str(dataset_id)[:80]!r} is not a dataset id (16 lowercase hex digits)"
            )
        return self.folder / f"{dataset_id}{suffix}"

    @staticmethod
    def _write(target: Path, write: Callable[[Path], object]) -> None:
        temporary = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
        try:
            write(temporary)
            with temporary.open("rb") as written:
                os.fsync(written.fileno())
            os.replace(temporary, target)
        finally:
            temporary.unlink(missing_ok=True)


class _FrameCache:
    """Least-recently-used tables, bounded by count and by memory, shared by a worker's threads."""

    def __init__(self, max_frames: int, max_bytes: int) -> None:
        self._max_frames = max_frames
        self._max_bytes = max_bytes
        self._frames: OrderedDict[str, tuple[pd.DataFrame, int]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> pd.DataFrame | None:
        with self._lock:
            if key not in self._frames:
                return None
            self._frames.move_to_end(key)
            return self._frames[key][0]

    def put(self, key: str, frame: pd.DataFrame) -> None:
        size = int(frame.memory_usage(deep=True).sum())
        if size > self._max_bytes or self._max_frames < 1:
            return
        with self._lock:
            self._frames[key] = (frame, size)
            self._frames.move_to_end(key)
            while len(self._frames) > self._max_frames or self._total() > self._max_bytes:
                self._frames.popitem(last=False)

    def drop(self, key: str) -> None:
        with self._lock:
            self._frames.pop(key, None)

    def _total(self) -> int:
        return sum(size for _, size in self._frames.values())


def _write_parquet(table: pd.DataFrame, path: Path) -> None:
    try:
        table.to_parquet(path, index=False, engine="pyarrow")
    except (pa.ArrowException, TypeError, ValueError) as exc:
        raise DataError(f"the table cannot be stored: {exc}") from exc


def _metadata(info: DatasetInfo, table: pd.DataFrame) -> dict:
    return {
        "format": _FORMAT_VERSION,
        "dataset_id": info.dataset_id,
        "name": info.name,
        "n_rows": info.n_rows,
        "n_columns": info.n_columns,
        "columns": info.columns,
        "dtypes": [str(dtype) for dtype in table.dtypes],
        "stored_at": info.stored_at.isoformat(),
    }


def _info(metadata: dict) -> DatasetInfo:
    return DatasetInfo(
        dataset_id=metadata["dataset_id"],
        name=metadata["name"],
        n_rows=metadata["n_rows"],
        n_columns=metadata["n_columns"],
        columns=metadata["columns"],
        stored_at=datetime.fromisoformat(metadata["stored_at"]),
    )


def _name(name: str) -> str:
    if not isinstance(name, str) or not name.strip():
        raise DataError("a stored table needs a name (usually the uploaded file's name)")
    return name.strip()


def _unknown(dataset_id: str) -> DataError:
    return DataError(
        f"there is no stored table with id {dataset_id}: it may have been removed from the "
        "server; upload the file again"
    )
