"""notices.state: ``queued`` (its message is in the outbox) or ``skipped`` (a catch-up
passed the step over for a later one: recorded, never sent)

Revision ID: 0009_digests
Revises: 0008_corrections
Create Date: 2026-12-06 05:00:00
"""

from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = "0009_digests"
down_revision: Union[str, Sequence[str], None] = "0008_corrections"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema: every notice recorded so far was queued."""
    with op.batch_alter_table("notices") as batch_op:
        batch_op.add_column(sa.Column("state", sa.String(length=12), nullable=False, server_default="queued"))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("notices") as batch_op:
        batch_op.drop_column("state")
