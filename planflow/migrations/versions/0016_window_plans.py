"""the daily check's window with its plans in one index (next_notice, plan_id)

Revision ID: 0016_window_plans
Revises: 0015_live_plans
Create Date: 2026-12-07 03:30:00

The check reads the occurrences whose next notice day has come, plan by plan. SQLite looked
them up once per live plan of the store (an index seek each, due or not: 9,500 seeks for a
store grown ten times with next year's plans, 8-9 ms of the statement); it now first takes the
plans that have a row in the window from this index, which holds both columns. It replaces the
index on next_notice alone, whose reads it serves as well, so a progress write maintains no
more indexes than before.
"""

from alembic import op

revision = "0016_window_plans"
down_revision = "0015_live_plans"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_occurrence_states_next_notice_plan_id", "occurrence_states", ["next_notice", "plan_id"])
    op.drop_index("ix_occurrence_states_next_notice", table_name="occurrence_states")


def downgrade() -> None:
    op.create_index("ix_occurrence_states_next_notice", "occurrence_states", ["next_notice"])
    op.drop_index("ix_occurrence_states_next_notice_plan_id", table_name="occurrence_states")
