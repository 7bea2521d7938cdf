"""each plan's occurrences counted by the status they rest in (plan_status_counts), and an
index on (plan_id, next_notice) for a check of named plans

Revision ID: 0012_status_counts
Revises: 0011_current_state
Create Date: 2026-12-06 11:00:00

The counts are made from the state rows (``planflow.store.states.recount_states``), which
the event log made: nothing is synced again.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session

from planflow.store.states import recount_states

revision = "0012_status_counts"
down_revision = "0011_current_state"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "plan_status_counts",
        sa.Column("plan_id", sa.String(length=120), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("since", sa.Date(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"], name=op.f("fk_plan_status_counts_plan_id_plans")),
        sa.PrimaryKeyConstraint("plan_id", "status", "since", name=op.f("pk_plan_status_counts")),
    )
    with op.batch_alter_table("occurrence_states") as batch:
        batch.create_index(
            "ix_occurrence_states_plan_id_next_notice", ["plan_id", "next_notice"], unique=False
        )
    with Session(bind=op.get_bind()) as session:
        recount_states(None, session=session)
        session.flush()


def downgrade() -> None:
    with op.batch_alter_table("occurrence_states") as batch:
        batch.drop_index("ix_occurrence_states_plan_id_next_notice")
    op.drop_table("plan_status_counts")
