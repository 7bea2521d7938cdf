"""whether an occurrence depends on another and whether another depends on it
(occurrence_states.has_dependencies, has_dependents)

Revision ID: 0014_links
Revises: 0013_notice_on
Create Date: 2026-12-06 22:15:00

The daily check looks the dependencies up only of the items that have some: of 88,391
overdue items at 1M occurrences, the dependents of every one were looked up to find 3,875
blocked. Both are read from the dependencies the store holds; every sync sets them again.
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_links"
down_revision = "0013_notice_on"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("occurrence_states") as batch:
        for name in ("has_dependencies", "has_dependents"):
            batch.add_column(sa.Column(name, sa.Boolean(), server_default=sa.false(), nullable=False))
    op.execute(
        "UPDATE occurrence_states SET"
        " has_dependencies = EXISTS (SELECT 1 FROM dependencies d"
        " WHERE d.occurrence_key = occurrence_states.occurrence_key),"
        " has_dependents = EXISTS (SELECT 1 FROM dependencies d"
        " WHERE d.depends_on_key = occurrence_states.occurrence_key)"
    )


def downgrade() -> None:
    with op.batch_alter_table("occurrence_states") as batch:
        batch.drop_column("has_dependents")
        batch.drop_column("has_dependencies")
