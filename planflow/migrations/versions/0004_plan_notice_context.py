"""plans.notice_context: what the set-based check needs of a plan (ladders, addressees,
calendar), stored at sync so a check reads the store alone

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 10:00:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0004'
down_revision: Union[str, Sequence[str], None] = '0003'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('plans') as batch_op:
        batch_op.add_column(sa.Column('notice_context', sa.JSON(), nullable=True))
    # Plans synced before have no context: a changed hash makes the next sync rewrite them.
    op.execute("UPDATE plans SET definition_hash = ''")


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('plans') as batch_op:
        batch_op.drop_column('notice_context')
