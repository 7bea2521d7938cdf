"""The practical floor: the check's statuses by one SQL query, counted in the database.

It is the status query of ``planflow.store.statuses`` (window functions for the latest
progress per occurrence up to the as-of instant, a recursive CTE for blocked chains) run
once over every live plan, with the counting done by ``GROUP BY``: no rows reach
Python. It does not plan notices (ladders, working days, addressees), which the check
does on top, so check / floor overstates the check's own overhead rather than hiding it.
That the SQL statuses are those of the Python rules is checked by tests/test_batch.py.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import text
from sqlalchemy.orm import Session

from planflow.status import resolve_as_of
from planflow.store.statuses import status_params, status_sql, without_jit

COUNTS = "SELECT plan_id, status, COUNT(*) AS n FROM status GROUP BY plan_id, status"


def floor_counts(session: Session, as_of: dt.date, timezone: str) -> dict[str, dict[str, int]]:
    """``{plan: {status: count}}`` at the end of ``as_of`` (every plan in ``timezone``)."""
    moment = resolve_as_of(as_of, timezone)
    dialect = session.get_bind().dialect.name
    params = status_params(dialect, instant=moment.instant, today=moment.day, zone=timezone)
    out: dict[str, dict[str, int]] = {}
    without_jit(session)  # as the check runs it: JIT made the floor slower by seconds too
    for plan_id, status, n in session.execute(text(status_sql(dialect, COUNTS, every_plan=True)), params):
        out.setdefault(plan_id, {})[status] = int(n)
    return out


# The new floor: the single indexed query the check's cost should follow, "the open
# occurrences whose window includes today", on the current state kept at write time
# (occurrence_states, planflow.store.states): an index range on next_notice, every row
# brought to Python. It decides no status and counts nothing: the check does both on top
# (the blocked chains, the counts of every plan, the notices).
DUE = """
SELECT s.plan_id, s.occurrence_key, s.due, s.status, s.percent
FROM occurrence_states s JOIN plans p ON p.id = s.plan_id
WHERE s.next_notice <= :today AND p.archived_at IS NULL
"""


def floor_due(session: Session, as_of: dt.date) -> int:
    """The number of open occurrences whose window includes ``as_of`` (rows fetched)."""
    today: dt.date | str = as_of.isoformat() if session.get_bind().dialect.name == "sqlite" else as_of
    return len(session.execute(text(DUE), {"today": today}).all())
