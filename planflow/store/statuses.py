"""The status of every occurrence of some plans, computed by the database in one query.

The query is the set-based form of ``planflow.status`` (same rules, same order):
the latest counted progress event (neither superseded nor a withdrawal) per occurrence
up to the as-of instant (window functions), done on time or late by the local day,
overdue, blocked through a recursive CTE over the dependencies (an open dependency that
is itself overdue or blocked, or this item due within the plan's horizon), waiting for
an event, in progress, ongoing, upcoming, not started. ``tests/test_batch.py`` checks it
against the Python evaluation.

Each row also says whether the occurrence is a *candidate*: overdue, blocked, or open and
due between today and ``horizon`` (the last day a reminder can fire for); only those are
read again and turned into Python objects by the check.

SQLite has no time zones: the end of a due day is computed with a fixed UTC offset, so
the caller uses this query only for zones without daylight saving time (all of Vietnam);
PostgreSQL converts with ``AT TIME ZONE``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Date, Integer, String, bindparam, text
from sqlalchemy.orm import Session

_STATUSES = """
WITH RECURSIVE
raw AS (
    SELECT occurrence_key, status, effective_at, id,
           CASE WHEN percent IS NOT NULL THEN percent WHEN status = 'done' THEN 100 END AS pct
    FROM progress_events
    WHERE {events_in_scope} effective_at <= :instant AND status <> 'withdrawn'
      -- a corrected or withdrawn event counts for nothing (planflow.intake.corrections)
      AND NOT EXISTS (SELECT 1 FROM progress_events later WHERE later.supersedes = progress_events.id)
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
    SELECT o.key, o.plan_id, o.timing, o.start, o.due,
           l.status AS progress, COALESCE(l.percent, 0) AS percent, COALESCE(l.events, 0) AS events,
           CASE WHEN l.status = 'done' THEN
                     CASE WHEN o.due IS NOT NULL AND l.last_at >= {end_of_due_day}
                          THEN 'done_late' ELSE 'done_on_time' END
                WHEN o.due IS NOT NULL AND o.due < :today THEN 'overdue' END AS settled,
           CASE WHEN o.due IS NOT NULL AND o.due <= {horizon_day} THEN 1 ELSE 0 END AS due_soon
    FROM occurrences o
    JOIN plans p ON p.id = o.plan_id
    LEFT JOIN latest l ON l.occurrence_key = o.key
    WHERE {occurrences_in_scope} o.archived_at IS NULL
),
open_dep AS (
    SELECT d.occurrence_key, d.depends_on_key, b.plan_id  -- a plan's items depend on its own
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
),
status AS (
    SELECT b.key, b.plan_id, b.due,
           CASE WHEN b.settled IS NOT NULL THEN b.settled
                WHEN st.key IS NOT NULL THEN 'blocked'
                WHEN b.timing = 'event' AND b.events = 0 THEN 'waiting_event'
                WHEN b.progress = 'in_progress' OR b.percent > 0 THEN 'in_progress'
                WHEN b.timing = 'ongoing' AND (b.start IS NULL OR b.start <= :today) THEN 'ongoing'
                WHEN b.due_soon = 1 THEN 'upcoming'
                ELSE 'not_started' END AS status
    FROM base b
    -- a join, not "IN (SELECT … FROM stuck)": PostgreSQL cannot size the recursive CTE and
    -- would scan it once per occurrence
    LEFT JOIN stuck st ON st.key = b.key
)
"""

# One pass over the statuses: a candidate (overdue, blocked, or open and due between today and
# the horizon) is a group of its own (count 1, with its key and due day), the other
# occurrences of a plan are counted per status (key NULL); then one row per open dependency
# of an overdue or blocked occurrence (the caller keeps those of the blocked). Referenced
# once, ``status`` is not materialized. In plan order (bytes, as Python sorts), so the
# caller takes the rows plan by plan as they arrive.
_PLAN_STATES = """
SELECT * FROM (
SELECT plan_id, status, ckey AS key, cdue AS due, NULL AS dep, COUNT(*) AS n
FROM (
    SELECT plan_id, status,
           CASE WHEN candidate = 1 THEN key END AS ckey, CASE WHEN candidate = 1 THEN due END AS cdue
    FROM (
        SELECT plan_id, status, key, due,
               CASE WHEN status IN ('overdue', 'blocked') THEN 1
                    WHEN status NOT IN ('done_on_time', 'done_late') AND due IS NOT NULL
                         AND due >= :today AND due <= :horizon THEN 1
                    ELSE 0 END AS candidate
        FROM status
    ) AS flagged
) AS grouped
GROUP BY plan_id, status, ckey, cdue
UNION ALL
SELECT od.plan_id, NULL, od.occurrence_key, NULL, od.depends_on_key, 0
FROM open_dep od JOIN stuck st ON st.key = od.occurrence_key
) AS plan_states
ORDER BY plan_id{collate}
"""

_SCOPES = {
    "plans": {"events_in_scope": "plan_id IN :plans AND", "occurrences_in_scope": "o.plan_id IN :plans AND"},
    "all": {"events_in_scope": "", "occurrences_in_scope": "p.archived_at IS NULL AND"},
}

_DIALECT = {
    "sqlite": {
        # dates are ISO strings; datetimes UTC strings 'YYYY-MM-DD HH:MM:SS.ffffff'
        "end_of_due_day": "datetime(o.due, '+1 day', :utc_offset)",
        "horizon_day": "date(:today, '+' || p.upcoming_days || ' days')",
    },
    "postgresql": {
        "end_of_due_day": "((o.due + 1)::timestamp AT TIME ZONE :zone)",
        "horizon_day": "(CAST(:today AS date) + p.upcoming_days)",
    },
}


@dataclass
class PlanStates:
    """What the database decided for one plan's live occurrences: the count per status, the
    candidates (key → status, due day) and, for each overdue or blocked one, its open
    dependencies."""

    plan_id: str
    counts: dict[str, int] = field(default_factory=dict)
    candidates: dict[str, tuple[str, dt.date | None]] = field(default_factory=dict)
    open_deps: dict[str, list[str]] = field(default_factory=dict)
    attention_read: bool = False
    """The candidates leave out the overdue and blocked items whose notices are not due today
    (``planflow.store.check.due_states``): the items needing attention are read apart."""


def fixed_offset(zone: str, around: dt.date) -> dt.timedelta | None:
    """The zone's UTC offset if it is the same all through the years around ``around``."""
    tz = ZoneInfo(zone)
    offsets = {
        dt.datetime(year, month, 1, tzinfo=tz).utcoffset()
        for year in range(around.year - 2, around.year + 2)
        for month in range(1, 13)
    }
    return offsets.pop() if len(offsets) == 1 else None


def supported(session: Session, zone: str, around: dt.date) -> bool:
    """Whether the query is exact for plans in ``zone`` on this database."""
    return session.get_bind().dialect.name == "postgresql" or fixed_offset(zone, around) is not None


def status_sql(dialect: str, select: str, *, every_plan: bool = False) -> str:
    """The ``status`` CTE (one row per live occurrence: key, plan_id, due, status) followed by
    ``select`` over it; scoped to ``:plans``, or to every live plan."""
    scope = _SCOPES["all" if every_plan else "plans"]
    return _STATUSES.format(**_DIALECT[dialect], **scope) + select


def status_params(dialect: str, *, instant: dt.datetime, today: dt.date, zone: str) -> dict[str, Any]:
    """The as-of parameters of ``status_sql``, in the form each database compares."""
    if dialect != "sqlite":
        return {"instant": instant, "today": today, "zone": zone}
    offset = fixed_offset(zone, today) or dt.timedelta()
    return {
        "today": today.isoformat(),
        "instant": instant.astimezone(dt.UTC)
        .replace(tzinfo=None)
        .isoformat(sep=" ", timespec="microseconds"),
        "utc_offset": f"{-offset.total_seconds() / 3600:+.4f} hours",
    }


def without_jit(session: Session) -> None:
    """Turn PostgreSQL's JIT off for the rest of the transaction. The planner cannot size
    the recursive CTE and guesses billions of rows, so it JIT-compiles the status query:
    4-5 s of compiling (measured) for a query that runs in a few seconds."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL jit = off"))


STATEMENT_PLANS = 5000
"""Plans named in one statement (bound parameters: SQLite allows 32,766)."""


def plan_states(
    session: Session,
    plan_ids: Sequence[str],
    *,
    instant: dt.datetime,
    today: dt.date,
    horizon: dt.date,
    zone: str,
    every_plan: bool = False,
) -> Iterator[PlanStates]:
    """One ``PlanStates`` per plan of ``plan_ids`` (all in ``zone``, sorted as Python sorts
    strings), in that order, streamed: one statement per ``STATEMENT_PLANS`` plans, its rows
    read as they come (a server-side cursor on PostgreSQL), so memory holds one plan.
    ``every_plan`` says the ids are every live plan: the statement then names none."""
    dialect = session.get_bind().dialect.name
    params = status_params(dialect, instant=instant, today=today, zone=zone)
    params["horizon"] = horizon.isoformat() if dialect == "sqlite" else horizon
    select = _PLAN_STATES.format(collate=' COLLATE "C"' if dialect == "postgresql" else "")
    query = text(status_sql(dialect, select, every_plan=every_plan)).columns(
        plan_id=String, status=String, key=String, due=Date, dep=String, n=Integer
    )
    if not every_plan:
        query = query.bindparams(bindparam("plans", expanding=True))
    parts = (
        [plan_ids]
        if every_plan
        else [plan_ids[i : i + STATEMENT_PLANS] for i in range(0, len(plan_ids), STATEMENT_PLANS)]
    )
    without_jit(session)
    for part in parts:
        rows = session.execute(
            query.execution_options(yield_per=2000), params if every_plan else {**params, "plans": list(part)}
        )
        yield from _per_plan(part, rows)


def _per_plan(plan_ids: Sequence[str], rows: Iterable[Any]) -> Iterator[PlanStates]:
    wanted = iter(plan_ids)
    current = PlanStates(next(wanted, ""))
    for plan_id, status, key, due, dep, n in rows:
        while plan_id != current.plan_id:  # plans without live occurrences have no rows
            yield current
            current = PlanStates(next(wanted))
        if dep is not None:
            current.open_deps.setdefault(key, []).append(dep)
            continue
        current.counts[status] = current.counts.get(status, 0) + n
        if key is not None:
            current.candidates[key] = (status, due)
    if current.plan_id:
        yield current
    yield from (PlanStates(p) for p in wanted)
