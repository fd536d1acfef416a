"""``python -m dashboard`` (``make run``): the app on one process, with the sample data."""

import os

from dashboard.app import create_app


def main() -> None:
    app = create_app()
    app.run(
        host=os.environ.get("HOST", "127.0.0.1"),
        port=int(os.environ.get("PORT", "8050")),
        debug=os.environ.get("SEGMENTA_DEBUG", "") == "1",
    )


if __name__ == "__main__":
    main()
