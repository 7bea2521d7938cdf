"""accounts: board accounts with roles, saved work-list views, and who wrote each progress event

Revision ID: 0006_accounts
Revises: 0005_web_sessions
Create Date: 2026-12-06 03:00:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0006_accounts'
down_revision: Union[str, Sequence[str], None] = '0005_web_sessions'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        'accounts',
        sa.Column('username', sa.String(length=120), nullable=False),
        sa.Column('display_name', sa.Text(), nullable=False),
        sa.Column('role', sa.String(length=20), nullable=False),
        sa.Column('directory_id', sa.String(length=120), nullable=False),
        sa.Column('unit_id', sa.String(length=120), nullable=True),
        sa.Column('password_hash', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('disabled_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('username', name=op.f('pk_accounts')),
    )
    op.create_table(
        'saved_views',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('username', sa.String(length=120), nullable=False),
        sa.Column('plan_id', sa.String(length=120), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('query', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['username'], ['accounts.username'],
                                name=op.f('fk_saved_views_username_accounts'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_saved_views')),
        sa.UniqueConstraint('username', 'plan_id', 'name', name=op.f('uq_saved_views_username')),
    )
    with op.batch_alter_table('saved_views') as batch_op:
        batch_op.create_index(batch_op.f('ix_saved_views_username'), ['username'], unique=False)
    with op.batch_alter_table('progress_events') as batch_op:
        batch_op.add_column(sa.Column('recorded_by', sa.String(length=120), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('progress_events') as batch_op:
        batch_op.drop_column('recorded_by')
    with op.batch_alter_table('saved_views') as batch_op:
        batch_op.drop_index(batch_op.f('ix_saved_views_username'))
    op.drop_table('saved_views')
    op.drop_table('accounts')
