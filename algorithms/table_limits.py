"""How large a table Segmenta accepts, and the messages that say which limit a file breaks.

The limits are checked as early as each format allows (bytes before reading, columns from the
header, rows while parsing, unpacked size while unpacking), so the same object is passed down
to every reader.
"""

from dataclasses import dataclass

from algorithms.errors import DataError


@dataclass(frozen=True)
class TableLimits:
    """The largest table Segmenta accepts; the defaults fit a 2-core worker's memory."""

    max_bytes: int = 100 * 1024**2
    max_rows: int = 2_000_000
    max_columns: int = 500
    max_cells: int = 50_000_000
    max_table_bytes: int = 1024**3
    """What the values may take once unpacked: Parquet and a workbook's shared strings can
    hold a thousand times their file size (one long text repeated in every cell)."""

    def allowed_rows(self, n_columns: int) -> int:
        return min(self.max_rows, self.max_cells // max(n_columns, 1))

    def check_bytes(self, size: int, source: str) -> None:
        if size > self.max_bytes:
            raise DataError(
                f"{source} is {_size(size)}, over the {_size(self.max_bytes)} limit: load a "
                "sample of the customers or only the columns you need."
            )

    def check_columns(self, n_columns: int, source: str) -> None:
        if n_columns > self.max_columns:
            raise DataError(
                f"{source} has {n_columns:,} columns, over the limit of {self.max_columns:,}: "
                "keep only the columns you need."
            )

    def check_table_bytes(self, n_bytes: int, source: str) -> None:
        if n_bytes > self.max_table_bytes:
            raise DataError(
                f"{source} unpacks to more than {_size(self.max_table_bytes)} of values, the "
                "limit (long texts repeated in many cells?): keep only the columns you need, "
                "or load fewer rows."
            )

    def check_rows(self, n_rows: int, n_columns: int, source: str) -> None:
        if n_rows <= self.allowed_rows(n_columns):
            return
        if n_rows > self.max_rows:
            raise DataError(
                f"{source} has more than {self.max_rows:,} rows, the limit: load a sample or "
                "a subset of the customers."
            )
        raise DataError(
            f"{source} has more than {self.max_cells:,} cells ({n_columns:,} columns, at least "
            f"{n_rows:,} rows), the limit: drop columns you do not need or load fewer rows."
        )


def _size(n_bytes: int) -> str:
    for unit, scale in (("GB", 1024**3), ("MB", 1024**2), ("kB", 1024)):
        if n_bytes >= scale:
            return f"{n_bytes / scale:.1f} {unit}"
    return f"{n_bytes} bytes"
