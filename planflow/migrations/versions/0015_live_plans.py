"""the live plans' ids, time zones and due-soon days in one index (ix_plans_live)

Revision ID: 0015_live_plans
Revises: 0014_links
Create Date: 2026-12-06 23:45:00

A plan's row holds its notice context, kilobytes of JSON: on SQLite each row fills most of a
page, so listing the live plans, their time zones, or joining the window of the daily check
to its plans read one page per plan of the store, due or not (8-10 ms per statement for 9,500
plans). The index holds what those reads need, a few dozen bytes per plan.
"""

from alembic import op

revision = "0015_live_plans"
down_revision = "0014_links"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_plans_live", "plans", ["archived_at", "id", "timezone", "upcoming_days"])


def downgrade() -> None:
    op.drop_index("ix_plans_live", table_name="plans")
