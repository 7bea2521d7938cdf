"""occurrences carry the review note of their definition (a doubt to settle, shown with them)

Revision ID: 0010_seedfix
Revises: 0009_digests
Create Date: 2026-12-06 05:00:00

Existing occurrences get no note; the next sync of a plan with a ``review:`` fills it.
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_seedfix"
down_revision = "0009_digests"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("occurrences") as batch:
        batch.add_column(sa.Column("review", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("occurrences") as batch:
        batch.drop_column("review")
