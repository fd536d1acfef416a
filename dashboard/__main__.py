"""``python -m dashboard`` (``make run``): the app on one process, with the sample data."""

import os

from dashboard.app import create_app
from dashboard.storage.migrations import SchemaOutdated


def main() -> None:
    try:
        app = create_app()
    except SchemaOutdated as error:  # one line naming the command, not a traceback
        raise SystemExit(f"segmenta: error: {error}") from None
    app.run(
        host=os.environ.get("HOST", "127.0.0.1"),
        port=int(os.environ.get("PORT", "8050")),
        debug=os.environ.get("SEGMENTA_DEBUG", "") == "1",
    )


if __name__ == "__main__":
    main()
