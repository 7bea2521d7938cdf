"""corrections: an event may supersede another (correction or withdrawal, with a reason);
comments on an item by board accounts

Revision ID: 0008_corrections
Revises: 0007_notice_keys
Create Date: 2026-12-06 05:00:00

Existing events supersede nothing, so every status stays as it was.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0008_corrections'
down_revision: Union[str, Sequence[str], None] = '0007_notice_keys'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('progress_events') as batch_op:
        batch_op.add_column(sa.Column('supersedes', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('reason', sa.Text(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_progress_events_supersedes'), ['supersedes'])
        batch_op.create_foreign_key(batch_op.f('fk_progress_events_supersedes_progress_events'),
                                    'progress_events', ['supersedes'], ['id'])
    op.create_table(
        'item_comments',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('plan_id', sa.String(length=120), nullable=False),
        sa.Column('occurrence_key', sa.String(length=400), nullable=False),
        sa.Column('author', sa.String(length=120), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['author'], ['accounts.username'], name=op.f('fk_item_comments_author_accounts')),
        sa.ForeignKeyConstraint(['occurrence_key'], ['occurrences.key'],
                                name=op.f('fk_item_comments_occurrence_key_occurrences')),
        sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_item_comments_plan_id_plans')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_item_comments')),
    )
    with op.batch_alter_table('item_comments') as batch_op:
        batch_op.create_index(batch_op.f('ix_item_comments_occurrence_key'), ['occurrence_key'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('item_comments') as batch_op:
        batch_op.drop_index(batch_op.f('ix_item_comments_occurrence_key'))
    op.drop_table('item_comments')
    with op.batch_alter_table('progress_events') as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_progress_events_supersedes_progress_events'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_progress_events_supersedes'), type_='unique')
        batch_op.drop_column('reason')
        batch_op.drop_column('supersedes')
