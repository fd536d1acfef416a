"""The persona store as ``create_all`` made it before migrations: sets and their versions.

Revision ID: 0001
Revises:
Create Date: 2025-01-01

Databases created before migrations hold exactly this schema and are stamped with this
revision when first opened (``dashboard.storage.migrations``), so this file must never change.
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "persona_sets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("name_key", sa.Text(), nullable=False),
        sa.Column("dataset_name", sa.Text(), nullable=False),
        sa.Column("dataset_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Text(), nullable=False),
        sa.Column("latest_version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_persona_sets"),
        sa.UniqueConstraint("name_key", name="uq_persona_sets_name_key"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "persona_set_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("set_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("author", sa.Text(), nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("segmentation", sa.Text(), nullable=False),
        sa.Column("personas", sa.Text(), nullable=False),
        sa.Column("n_personas", sa.Integer(), nullable=False),
        sa.Column("n_rows", sa.Integer(), nullable=False),
        sa.Column("labels", sa.LargeBinary(), nullable=False),
        sa.Column("row_ids", sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(
            ["set_id"],
            ["persona_sets.id"],
            name="fk_persona_set_versions_set_id",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_persona_set_versions"),
        sa.UniqueConstraint("set_id", "version", name="uq_persona_set_versions_set_id_version"),
    )


def downgrade() -> None:
    op.drop_table("persona_set_versions")
    op.drop_table("persona_sets")
