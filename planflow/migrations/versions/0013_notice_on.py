"""the first day the check must plan an occurrence's notices (occurrence_states.notice_on)

Revision ID: 0013_notice_on
Revises: 0012_status_counts
Create Date: 2026-12-07 10:00:00

Every row starts at its ``next_notice``: the next check plans each open item's ladder
against the notices recorded, as before, and moves the day on.
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_notice_on"
down_revision = "0012_status_counts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("occurrence_states") as batch:
        batch.add_column(sa.Column("notice_on", sa.Date(), nullable=True))
    op.execute("UPDATE occurrence_states SET notice_on = next_notice")


def downgrade() -> None:
    with op.batch_alter_table("occurrence_states") as batch:
        batch.drop_column("notice_on")
