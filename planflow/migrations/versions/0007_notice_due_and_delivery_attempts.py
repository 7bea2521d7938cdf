"""notices keyed by the due date they are about and the recipient's role; per-recipient
delivery states, every attempt's answer, dead letters

Revision ID: 0007_notice_keys
Revises: 0006_accounts
Create Date: 2026-12-06 02:00:00

Existing data is carried forward:

- a notice gets the due date it was about: the occurrence's due date when the step fires
  on the recorded fire date from it (the usual case), else the due date from which the
  step fires on that day (the deadline moved since), by the plan's working-day calendar;
  its role is the recipient's relation to the occurrence (lead, support, unit, head,
  signer), as ``planflow.escalation.recipient_role`` computes it. Old notices therefore
  keep counting as sent for the due date they were about;
- a message's recipients get states from its status (sent → sent, failed → failed with
  its last error), ``failed`` becomes ``dead``, and its last answer becomes its one known
  attempt.
"""
import datetime as dt
import json
import re
from collections import defaultdict
from typing import Any, Sequence, Union

from alembic import op
import sqlalchemy as sa

from planflow.workdays import WorkCalendar

# revision identifiers, used by Alembic.
revision: str = '0007_notice_keys'
down_revision: Union[str, Sequence[str], None] = '0006_accounts'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

NOTICE_PK = ['occurrence_key', 'due', 'step', 'recipient', 'role']


def _calendar(context: Any) -> WorkCalendar:
    if not isinstance(context, dict):
        return WorkCalendar()
    return WorkCalendar(
        frozenset(dt.date.fromisoformat(d) for d in context.get('days_off', [])),
        frozenset(dt.date.fromisoformat(d) for d in context.get('extra_working_days', [])),
    )


def _fires(due: dt.date, step: str, cal: WorkCalendar) -> dt.date:
    offset = int(step[:-1])
    return cal.add_working_days(due, offset) if step.endswith('w') else due + dt.timedelta(days=offset)


def _due_of(step: str, fired: dt.date, current: dt.date | None, cal: WorkCalendar) -> dt.date:
    """The due date from which ``step`` fires on ``fired``: the current one if it does. A
    step of another shape than the ladder's ("+1w", "-3d") keeps the current due date."""
    if re.fullmatch(r'[+-]?\d+[dw]', step) is None:
        return current or fired
    if current is not None and _fires(current, step, cal) == fired:
        return current
    reach = 3 * abs(int(step[:-1])) + 15
    candidates = [fired + dt.timedelta(days=d) for d in range(-reach, reach + 1)]
    matching = [d for d in candidates if _fires(d, step, cal) == fired]
    return matching[-1] if matching else (current or fired)


def _role(recipient: str, lead: set[str], support: set[str]) -> str:
    kind, _, rest = recipient.partition(':')
    if kind in ('head', 'signer'):
        return kind
    unit = rest.rsplit('/', 1)[-1]
    return 'lead' if unit in lead else 'support' if unit in support else 'unit'


def _date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def _as_json(value: Any) -> Any:
    if isinstance(value, (str, bytes)):
        return json.loads(value)
    return value


def _backfill_notices(conn: sa.Connection) -> None:
    units: dict[str, dict[str, set[str]]] = defaultdict(lambda: {'lead': set(), 'support': set()})
    for key, role, unit in conn.execute(sa.text('SELECT occurrence_key, role, unit_id FROM occurrence_units')):
        if role in ('lead', 'support'):
            units[key][role].add(unit)
    calendars: dict[str, WorkCalendar] = {}
    for plan_id, context in conn.execute(sa.text('SELECT id, notice_context FROM plans')):
        calendars[plan_id] = _calendar(_as_json(context))
    rows = conn.execute(sa.text(
        'SELECT n.occurrence_key, n.step, n.recipient, n.plan_id, n.fire_date, o.due '
        'FROM notices n JOIN occurrences o ON o.key = n.occurrence_key'
    )).all()
    update = sa.text(
        'UPDATE notices SET due = :due, role = :role '
        'WHERE occurrence_key = :key AND step = :step AND recipient = :recipient'
    ).bindparams(sa.bindparam('due', type_=sa.Date()))  # the dialect's date, not sqlite3's deprecated adapter
    params = [
        {'key': key, 'step': step, 'recipient': recipient,
         'due': _due_of(step, _date(fired), None if due is None else _date(due),
                        calendars.get(plan_id, WorkCalendar())),
         'role': _role(recipient, units[key]['lead'], units[key]['support'])}
        for key, step, recipient, plan_id, fired, due in rows
    ]
    if params:
        conn.execute(update, params)


def _addresses(value: Any) -> list[str]:
    """The addresses of a stored [[name, address], …] list; anything else holds none."""
    pairs = _as_json(value) if value is not None else []
    if not isinstance(pairs, list):
        return []
    return [p[1] for p in pairs if isinstance(p, (list, tuple)) and len(p) == 2 and isinstance(p[1], str)]


def _backfill_outbox(conn: sa.Connection) -> None:
    attempts = sa.table(
        'delivery_attempts', sa.column('outbox_id', sa.Integer), sa.column('at', sa.DateTime(timezone=True)),
        sa.column('transport', sa.String), sa.column('recipients', sa.JSON), sa.column('code', sa.Integer),
        sa.column('answer', sa.Text), sa.column('refused', sa.JSON),
    )
    outbox = sa.table(
        'outbox', sa.column('id', sa.Integer), sa.column('status', sa.String), sa.column('to_addrs', sa.JSON),
        sa.column('cc_addrs', sa.JSON), sa.column('last_error', sa.Text), sa.column('smtp_response', sa.Text),
        sa.column('transport', sa.String), sa.column('attempts', sa.Integer),
        sa.column('sent_at', sa.DateTime(timezone=True)), sa.column('created_at', sa.DateTime(timezone=True)),
        sa.column('recipient_states', sa.JSON),
    )
    c = outbox.c
    rows = conn.execute(sa.select(c.id, c.status, c.to_addrs, c.cc_addrs, c.last_error, c.smtp_response,
                                  c.transport, c.attempts, c.sent_at, c.created_at)).all()
    history = []
    for id_, status, to, cc, error, response, transport, tried, sent_at, created_at in rows:
        addresses = _addresses(to) + _addresses(cc)
        state = {'sent': 'sent', 'failed': 'failed'}.get(status, 'pending' if not tried else 'retry')
        answer = error if state == 'failed' else response
        states = {a: {'state': state, 'code': None, 'answer': answer, 'at': None} for a in addresses}
        conn.execute(sa.update(outbox).where(c.id == id_).values(recipient_states=states))
        if tried and response:
            code = response[:3]
            history.append({'outbox_id': id_, 'at': sent_at or created_at, 'transport': transport or '',
                            'recipients': addresses, 'code': int(code) if code.isdigit() else None,
                            'answer': response, 'refused': {}})
    if history:
        conn.execute(sa.insert(attempts), history)
    conn.execute(sa.text("UPDATE outbox SET status = 'dead' WHERE status = 'failed'"))


def upgrade() -> None:
    """Upgrade schema."""
    conn = op.get_bind()
    with op.batch_alter_table('notices') as batch_op:
        batch_op.add_column(sa.Column('due', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('role', sa.String(length=12), nullable=True))
    _backfill_notices(conn)
    with op.batch_alter_table('notices') as batch_op:
        batch_op.alter_column('due', existing_type=sa.Date(), nullable=False)
        batch_op.alter_column('role', existing_type=sa.String(length=12), nullable=False)
        batch_op.drop_constraint('pk_notices', type_='primary')
        batch_op.create_primary_key('pk_notices', NOTICE_PK)
    # Plain ADD COLUMNs: on SQLite a rebuild of outbox would drop a table notices refer to.
    op.add_column('outbox', sa.Column('claimed_by', sa.String(length=200), nullable=True))
    op.add_column('outbox', sa.Column('recipient_states', sa.JSON(), nullable=True))
    op.create_table('delivery_attempts',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('outbox_id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('transport', sa.String(length=20), nullable=False),
        sa.Column('recipients', sa.JSON(), nullable=False),
        sa.Column('code', sa.Integer(), nullable=True),
        sa.Column('answer', sa.Text(), nullable=False),
        sa.Column('refused', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['outbox_id'], ['outbox.id'], name=op.f('fk_delivery_attempts_outbox_id_outbox')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_delivery_attempts')),
    )
    op.create_index(op.f('ix_delivery_attempts_outbox_id'), 'delivery_attempts', ['outbox_id'], unique=False)
    _backfill_outbox(conn)


def downgrade() -> None:
    """Downgrade schema: the notices of an amended deadline collapse to one per step."""
    op.drop_index(op.f('ix_delivery_attempts_outbox_id'), table_name='delivery_attempts')
    op.drop_table('delivery_attempts')
    op.execute("UPDATE outbox SET status = 'failed' WHERE status = 'dead'")
    with op.batch_alter_table('outbox') as batch_op:
        batch_op.drop_column('recipient_states')
        batch_op.drop_column('claimed_by')
    op.execute(
        'DELETE FROM notices WHERE EXISTS (SELECT 1 FROM notices later WHERE '
        'later.occurrence_key = notices.occurrence_key AND later.step = notices.step AND '
        'later.recipient = notices.recipient AND (later.due > notices.due OR '
        '(later.due = notices.due AND later.role > notices.role)))'
    )
    with op.batch_alter_table('notices') as batch_op:
        batch_op.drop_constraint('pk_notices', type_='primary')
        batch_op.create_primary_key('pk_notices', ['occurrence_key', 'step', 'recipient'])
        batch_op.drop_column('role')
        batch_op.drop_column('due')
