"""``segmenta db upgrade``: bring the persona database's schema to this version of Segmenta.

A deployment runs it after installing a new version and before starting the servers, which
refuse an outdated schema and name this command. An empty database gets its tables; one made
before migrations existed is recorded at its revision first, keeping every row.
"""

import argparse

from algorithms.errors import DataError
from dashboard.cli.common import add_database_argument
from dashboard.cli.registry import Command


def run_upgrade(args: argparse.Namespace) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from dashboard.cli.database import database_url
    from dashboard.storage.db import StorageUnavailable, make_engine, normalize_url
    from dashboard.storage.migrations import upgrade

    given = database_url(args.database)
    where = normalize_url(given).render_as_string(hide_password=True)
    engine = make_engine(given)
    try:
        before, after = upgrade(engine)
    except StorageUnavailable as error:
        raise DataError(str(error)) from None
    except SQLAlchemyError as error:
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        raise DataError(f"database {where} is not usable: {reason}") from None
    finally:
        engine.dispose()
    if before is None:
        print(f"Created the persona store's tables in {where} (schema revision {after}).")
    elif before == after:
        print(f"The schema of {where} is up to date (revision {after}).")
    else:
        print(f"Upgraded the schema of {where} from revision {before} to {after}.")
    return 0


DB = Command(
    "db",
    "the app's persona database",
    subcommands=(
        Command(
            "upgrade",
            "create or upgrade the persona database's tables",
            add_database_argument,
            run_upgrade,
        ),
    ),
)
