"""Alembic's entry point: run the migrations on the connection ``dashboard.storage.migrations``
hands over, against the models' metadata (what autogenerate compares with)."""

from alembic import context

from dashboard.storage.db import Base

context.configure(
    connection=context.config.attributes["connection"],
    target_metadata=Base.metadata,
    # SQLite alters a table by copying it; batch mode lets the same migration run on both backends
    render_as_batch=True,
)
with context.begin_transaction():
    context.run_migrations()
