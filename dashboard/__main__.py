"""``python -m dashboard`` (``make run``): the app on one process, with the sample data."""

import os
import sys

from algorithms.errors import SegmentaError
from dashboard.app import create_app
from dashboard.storage.migrations import SchemaOutdated


def main() -> None:
    try:
        app = create_app()
    except (SegmentaError, SchemaOutdated) as error:  # a setting or schema to fix: one line
        print(f"segmenta: error: {error}", file=sys.stderr)
        sys.exit(2)
    app.run(
        host=os.environ.get("HOST", "127.0.0.1"),
        port=int(os.environ.get("PORT", "8050")),
        debug=os.environ.get("SEGMENTA_DEBUG", "") == "1",
    )


if __name__ == "__main__":
    main()
