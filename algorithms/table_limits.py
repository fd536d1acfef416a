"""How large a table Segmenta accepts, and the messages that say which limit a file breaks.

The limits are checked as early as each format allows (bytes before reading; columns and line
lengths from the first bytes of a text file; a workbook's unpacked sizes from its zip directory
and a Parquet file's from its footer; rows while parsing, unpacked size while unpacking), so
the same object is passed down to every reader.
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
    max_packing_ratio: int = 100
    """How many times its packed size a part of a workbook may unpack to (Apache POI's zip
    bomb guard, 1:100): real sheets unpack 5 to 15 times; a bomb of whitespace or one
    repeated text a thousand times."""

    @property
    def max_line_chars(self) -> int:
        """The longest line of a text table: a generous budget per allowed column, so a line
        that long is no table row (a megabyte of commas, an unclosed quote)."""
        return self.max_columns * _CHARS_PER_COLUMN

    def allowed_rows(self, n_columns: int) -> int:
        return min(self.max_rows, self.max_cells // max(n_columns, 1))

    def check_bytes(self, size: int, source: str) -> None:
        if size > self.max_bytes:
            raise DataError(
                f"{source} is {_size(size)}, over the {_size(self.max_bytes)} limit: load a "
                "sample of the customers or only the columns you need."
            )

    def check_columns(self, n_columns: int, source: str, counted_in_part: bool = False) -> None:
        """``counted_in_part``: ``n_columns`` was counted on the start of an overlong header."""
        if n_columns > self.max_columns:
            count = f"more than {n_columns - 1:,}" if counted_in_part else f"{n_columns:,}"
            raise DataError(
                f"{source} has {count} columns, over the limit of {self.max_columns:,}: "
                "keep only the columns you need."
            )

    def line_too_long(self, line_number: int, source: str) -> DataError:
        return DataError(
            f"{source} has a line longer than {self.max_line_chars:,} characters (line "
            f"{line_number:,}), more than a table of up to {self.max_columns:,} columns holds: "
            "check that each customer is on one line of its own and that the quotes match."
        )

    def check_packing_ratio(self, part: str, size: int, packed_size: int, source: str) -> None:
        """A part of a zip archive (a workbook's sheet or shared texts), from its directory
        entry, before anything is unpacked. Parts under a megabyte are cheap whatever their
        ratio (styles, a small sheet of one repeated value)."""
        if size > _PACKING_GRACE_BYTES and size > self.max_packing_ratio * packed_size:
            raise DataError(
                f"{source} has a part ({part}) that unpacks to {_size(size)} from "
                f"{_size(packed_size)}, over {self.max_packing_ratio:,} times its size (a zip "
                "bomb?): open it in Excel and save it again, or export the table as CSV."
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


_CHARS_PER_COLUMN = 2048
_PACKING_GRACE_BYTES = 1024**2


def _size(n_bytes: int) -> str:
    for unit, scale in (("GB", 1024**3), ("MB", 1024**2), ("kB", 1024)):
        if n_bytes >= scale:
            return f"{n_bytes / scale:.1f} {unit}"
    return f"{n_bytes} bytes"
