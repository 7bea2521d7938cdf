"""The practical floor: the check's statuses computed by one hand-written SQL query.

The query applies the rules of ``planflow.status`` over the same tables: the latest
progress event per occurrence up to the as-of instant, done on time or late by the local
day, overdue, blocked (an open dependency that is itself overdue or blocked — a
recursive CTE — or this item due within the plan's horizon), waiting for an event, in
progress, ongoing, upcoming, not started; and returns the count per plan and status.
It does not plan notices (ladders, working days, addressees): the check does that on
top, so the check / floor ratio overstates the check's overhead rather than hiding it.

Dialect differences are small and kept here: date arithmetic (SQLite ``date()`` /
``datetime()`` on ISO strings, PostgreSQL interval arithmetic on ``date``/``timestamptz``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from planflow.status import resolve_as_of

_TEMPLATE = """
WITH RECURSIVE
raw AS (
    -- a done event without a percentage means 100%, and that value stays until another is given
    SELECT occurrence_key, status, effective_at, id,
           CASE WHEN percent IS NOT NULL THEN percent WHEN status = 'done' THEN 100 END AS pct
    FROM progress_events
    WHERE effective_at <= :instant
),
ev AS (
    SELECT occurrence_key, status, effective_at, pct,
           ROW_NUMBER() OVER (PARTITION BY occurrence_key ORDER BY effective_at DESC, id DESC) AS rn,
           ROW_NUMBER() OVER (PARTITION BY occurrence_key, pct IS NULL
                              ORDER BY effective_at DESC, id DESC) AS prn,
           COUNT(*) OVER (PARTITION BY occurrence_key) AS events
    FROM raw
),
latest AS (
    SELECT occurrence_key,
           MAX(CASE WHEN rn = 1 THEN status END) AS status,
           MAX(CASE WHEN rn = 1 THEN effective_at END) AS last_at,
           MAX(CASE WHEN pct IS NOT NULL AND prn = 1 THEN pct END) AS percent,
           MAX(events) AS events
    FROM ev GROUP BY occurrence_key
),
base AS (
    SELECT o.key, o.plan_id, o.timing, o.start, o.due, p.upcoming_days,
           l.status AS progress, COALESCE(l.percent, 0) AS percent, COALESCE(l.events, 0) AS events,
           CASE WHEN l.status = 'done' THEN CASE WHEN o.due IS NOT NULL AND l.last_at >= {next_local_midnight}
                                                 THEN 'done_late' ELSE 'done_on_time' END
                WHEN o.due IS NOT NULL AND o.due < :today THEN 'overdue' END AS settled,
           CASE WHEN o.due IS NOT NULL AND o.due <= {today_plus_horizon} THEN 1 ELSE 0 END AS due_soon
    FROM occurrences o
    JOIN plans p ON p.id = o.plan_id
    LEFT JOIN latest l ON l.occurrence_key = o.key
    WHERE o.archived_at IS NULL AND p.archived_at IS NULL
),
open_dep AS (
    SELECT d.occurrence_key, d.depends_on_key
    FROM dependencies d JOIN base b ON b.key = d.depends_on_key
    WHERE b.settled IS NULL OR b.settled = 'overdue'
),
stuck (key) AS (
    SELECT key FROM base WHERE settled = 'overdue'
    UNION
    SELECT b.key FROM base b JOIN open_dep od ON od.occurrence_key = b.key
    WHERE b.settled IS NULL AND b.due_soon = 1
    UNION
    SELECT b.key FROM stuck s JOIN open_dep od ON od.depends_on_key = s.key
    JOIN base b ON b.key = od.occurrence_key
    WHERE b.settled IS NULL
)
SELECT b.plan_id,
       CASE WHEN b.settled IS NOT NULL THEN b.settled
            WHEN b.key IN (SELECT key FROM stuck) THEN 'blocked'
            WHEN b.timing = 'event' AND b.events = 0 THEN 'waiting_event'
            WHEN b.progress = 'in_progress' OR b.percent > 0 THEN 'in_progress'
            WHEN b.timing = 'ongoing' AND (b.start IS NULL OR b.start <= :today) THEN 'ongoing'
            WHEN b.due_soon = 1 THEN 'upcoming'
            ELSE 'not_started' END AS status,
       COUNT(*) AS n
FROM base b
GROUP BY 1, 2
"""

_DIALECT = {
    "sqlite": {
        # stored datetimes are UTC 'YYYY-MM-DD HH:MM:SS.ffffff' strings
        "next_local_midnight": "datetime(o.due, '+1 day', :utc_offset)",
        "today_plus_horizon": "date(:today, '+' || p.upcoming_days || ' days')",
    },
    "postgresql": {
        "next_local_midnight": "((o.due + 1)::timestamp AT TIME ZONE :zone)",
        "today_plus_horizon": "(CAST(:today AS date) + p.upcoming_days)",
    },
}


def floor_sql(dialect: str) -> str:
    return _TEMPLATE.format(**_DIALECT[dialect])


def floor_counts(session: Session, as_of: dt.date, timezone: str) -> dict[str, dict[str, int]]:
    """``{plan: {status: count}}`` at the end of ``as_of`` (every plan in ``timezone``)."""
    moment = resolve_as_of(as_of, timezone)
    dialect = session.get_bind().dialect.name
    offset = moment.instant.utcoffset() or dt.timedelta()
    params: dict[str, Any] = {"today": moment.day, "zone": timezone}
    if dialect == "sqlite":
        hours = -offset.total_seconds() / 3600
        params |= {
            "instant": moment.instant.astimezone(dt.UTC).replace(tzinfo=None).isoformat(sep=" "),
            "utc_offset": f"{hours:+.0f} hours",
            "today": moment.day.isoformat(),
        }
    else:
        params["instant"] = moment.instant
    out: dict[str, dict[str, int]] = {}
    for plan_id, status, n in session.execute(text(floor_sql(dialect)), params):
        out.setdefault(plan_id, {})[status] = int(n)
    return out
