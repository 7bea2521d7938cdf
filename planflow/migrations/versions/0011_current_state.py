"""the current state of each live occurrence, kept at write time (occurrence_states)

Revision ID: 0011_current_state
Revises: 0010_seedfix
Create Date: 2026-12-06 08:00:00

The table is filled from the event log (``planflow.store.states.rebuild_states``, what
``planflow rebuild-state`` runs): the log stays the source of truth.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session

from planflow.store.models import UTCDateTime
from planflow.store.states import rebuild_states

revision = "0011_current_state"
down_revision = "0010_seedfix"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "occurrence_states",
        sa.Column("occurrence_key", sa.String(length=400), nullable=False),
        sa.Column("plan_id", sa.String(length=120), nullable=False),
        sa.Column("timing", sa.String(length=10), nullable=False),
        sa.Column("start", sa.Date(), nullable=True),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("percent", sa.Integer(), nullable=True),
        sa.Column("done_at", UTCDateTime(), nullable=True),
        sa.Column("events", sa.Integer(), nullable=False),
        sa.Column("last_event_id", sa.Integer(), nullable=True),
        sa.Column("last_at", UTCDateTime(), nullable=True),
        sa.Column("next_notice", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["occurrence_key"], ["occurrences.key"], ondelete="CASCADE",
            name=op.f("fk_occurrence_states_occurrence_key_occurrences"),
        ),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"], name=op.f("fk_occurrence_states_plan_id_plans")),
        sa.PrimaryKeyConstraint("occurrence_key", name=op.f("pk_occurrence_states")),
    )  # fmt: skip
    with op.batch_alter_table("occurrence_states") as batch:
        batch.create_index("ix_occurrence_states_plan_id_status", ["plan_id", "status"], unique=False)
        batch.create_index(batch.f("ix_occurrence_states_last_at"), ["last_at"], unique=False)
        batch.create_index(batch.f("ix_occurrence_states_next_notice"), ["next_notice"], unique=False)
    with Session(bind=op.get_bind()) as session:
        rebuild_states(None, session=session, counts=False, notice_on=False)  # counted by 0012, added by 0013
        session.flush()


def downgrade() -> None:
    op.drop_table("occurrence_states")
