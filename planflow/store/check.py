"""The check's reads (``planflow.check.plans``): what is due, from the current state.

``due_states`` decides the statuses the check reports from the indexed columns of
``occurrence_states`` (``planflow.store.states``) and reads only the occurrences whose
window has come (``next_notice`` on or before today: every open item that is overdue, due
soon, or whose first reminder has fired) plus those blocked by them (a recursive CTE
from the overdue ones along the dependencies), in one statement. The counts per plan and
status are those kept at write time (``plan_status_counts``: the status each occurrence
rests in), corrected in the database for the occurrences decided, so a plan with nothing
due is one row of counts. It holds only when every state row is the fold at the as-of
instant (``states_hold``); otherwise the check uses the statement of
``planflow.store.statuses``, which folds the event log itself.

The other functions are the check's plain reads: plans, occurrence facts, dependencies,
counted progress events, recorded notices, time zones, ladders.
"""

from __future__ import annotations

import datetime as dt
import queue
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import ARRAY, Date, String, Text, any_, bindparam, cast, func, null, select, text
from sqlalchemy.orm import Session

from planflow.status import Status
from planflow.store.models import (
    DependencyRow,
    NoticeRow,
    OccurrenceRow,
    OccurrenceStateRow,
    OccurrenceUnitRow,
    PlanRow,
    ProgressEventRow,
)
from planflow.store.repo import live_plan_count, live_plan_zones
from planflow.store.states import counted_events
from planflow.store.statuses import STATEMENT_PLANS, PlanStates, status_params, without_jit

# --- statuses from the current state ------------------------------------------------------------------

# The status an open occurrence (a state row ``{s}``) rests in, as of today
# (``planflow.store.states.resting``), and the one it has today when it is neither overdue nor
# blocked (``_OPEN``: due soon, on or before ``{horizon}``, is upcoming).
_RESTING = """WHEN {s}.timing = 'event' AND {s}.events = 0 THEN 'waiting_event'
         WHEN {s}.status = 'in_progress' OR COALESCE({s}.percent, 0) > 0 THEN 'in_progress'
         WHEN {s}.timing = 'ongoing' AND ({s}.start IS NULL OR {s}.start <= :today) THEN 'ongoing'"""
_REST = "CASE " + _RESTING + " ELSE 'not_started' END"
_OPEN = """CASE {resting}
         WHEN {s}.due IS NOT NULL AND {s}.due <= {horizon} THEN 'upcoming' ELSE 'not_started' END"""

# The window: open occurrences whose next_notice has come (overdue ones included: their
# next_notice is before their due day), read once from the index, each with the status it rests
# in (``rest``) and the one it has today unless blocked (``open``). The blocked ones: open items
# not overdue that are due soon with an open dependency, or depend on an overdue one, or
# (recursively) on a blocked one, the dependencies looked up only of the rows that have some
# (``has_dependencies``, ``has_dependents``). A plan's items depend on its own, so a dependent's
# plan is that of the row it was found from; each comes with its state, and one outside the
# window is decided from the row the lookup read (few). The window is never joined to the
# blocked items as a whole (PostgreSQL, which cannot size the recursive CTE, sorted the whole
# window to merge them): the counts take each window row as unblocked and each blocked item as
# moved from that status (or, outside the window, from the one it rests in) to blocked; only
# the rows ``kept`` keeps look their blocked status up. Rows, in plan order: each plan's
# counts per status (those kept at write time in ``plan_status_counts``, the status each
# occurrence rests in, moved for the occurrences decided here to the one they have today: key
# NULL, a column per status), then each occurrence kept with its status today, then the open
# dependencies of the blocked ones among those (``dep``).
_DUE = """
WITH RECURSIVE
win AS (
    SELECT s.plan_id, s.occurrence_key AS key, s.due, s.notice_on, p.upcoming_days,
           s.has_dependencies, s.has_dependents, {rest_s} AS rest, {open_s_p} AS open
    FROM occurrence_states s JOIN plans p ON p.id = s.plan_id
    WHERE s.next_notice <= :today AND {scope}{window_plans}
),
blocked (key, plan_id, due, notice_on, upcoming_days, outside, rest, open) AS (
    SELECT {blocked_of_w} FROM win w {each_dependent_of_w}
    WHERE w.due < :today AND w.has_dependents
    UNION
    SELECT w.key, w.plan_id, w.due, w.notice_on, w.upcoming_days, 0, w.rest, w.open FROM win w
    WHERE w.has_dependencies AND w.due >= :today AND w.due <= {horizon_w}
      AND EXISTS (SELECT 1 FROM dependencies d
                  JOIN occurrence_states ds ON ds.occurrence_key = d.depends_on_key
                  WHERE d.occurrence_key = w.key AND ds.status <> 'done')
    UNION
    SELECT {blocked_of_b} FROM blocked b {each_dependent_of_b}
),
kept AS ({kept}){count_ctes}
SELECT * FROM (
    {counts}
    SELECT plan_id, key, due, status, NULL AS dep{no_counts} FROM kept
    UNION ALL
    SELECT k.plan_id, k.key, NULL, NULL, d.depends_on_key{no_counts}
    FROM kept k {open_deps_of_k}
    WHERE k.status = 'blocked'
) AS due_states
ORDER BY plan_id{collate}
"""

COUNTED = tuple(s.value for s in Status)
"""The statuses counted, in the order of the count columns of ``_DUE``'s rows."""

# The counts of each plan in scope: those kept at write time (an ongoing item not started
# yet rests in not_started), the occurrences decided moved from the status they rest in to
# the one they have today: each window row to overdue or to its unblocked status, then each
# blocked item from that status (outside the window: from the one it rests in) to blocked.
_COUNTS = """,
moved AS (
    SELECT plan_id, status, rest, COUNT(*) AS n FROM (
        SELECT plan_id, CASE WHEN due < :today THEN 'overdue' ELSE open END AS status, rest FROM win
        UNION ALL
        SELECT plan_id, 'blocked', CASE WHEN outside = 1 THEN rest ELSE open END FROM blocked
    ) AS decided
    WHERE status <> rest
    GROUP BY plan_id, status, rest
),
counted AS (
    SELECT s.plan_id, CASE WHEN s.status = 'ongoing' AND s.since > :today THEN 'not_started'
                           ELSE s.status END AS status, s.n
    FROM plan_status_counts s JOIN plans p ON p.id = s.plan_id
    WHERE {counted_scope} AND s.n <> 0
    UNION ALL SELECT plan_id, status, n FROM moved
    UNION ALL SELECT plan_id, rest, -n FROM moved
)"""
_COUNT_ROWS = """SELECT plan_id, NULL AS key, NULL AS due, NULL AS status, NULL AS dep, {sums}
    FROM counted GROUP BY plan_id
    UNION ALL"""

_KEPT = {
    # the check: each occurrence whose notices may be due today (a candidate, filtered by its
    # plan's reminder horizon by the caller): whose notice_on has come (every window row is
    # overdue, blocked or due from today on)
    "notices": """
    SELECT w.plan_id, w.key, w.due,
           CASE WHEN w.due < :today THEN 'overdue' WHEN b.key IS NOT NULL THEN 'blocked'
                ELSE w.open END AS status
    FROM win w LEFT JOIN blocked b ON b.key = w.key
    WHERE w.notice_on <= :today
    UNION ALL
    SELECT plan_id, key, due, 'blocked' FROM blocked WHERE outside = 1 AND notice_on <= :today
""",
    # the items needing attention, read when a caller asks for them
    "attention": """
    SELECT plan_id, key, due, 'overdue' AS status FROM win WHERE due < :today
    UNION ALL
    SELECT plan_id, key, due, 'blocked' FROM blocked
""",
}

_SCOPES = {"plans": "s.plan_id IN :plans", "all": "p.archived_at IS NULL", "array": "s.plan_id = ANY(:plans)"}
# Every live plan's window on SQLite: first the plans with a row in it, from the index
# (next_notice, plan_id), then their rows. The term keeps the same rows (a window row's plan
# has one); without it SQLite sought the window of each live plan of the store, one index seek
# per plan whatever was due (9,500 seeks for a store of 100,000 items grown 10 times with next
# year's plans: 62 -> 71 ms of the statement; with it 66 and 62 ms, measured). PostgreSQL
# gained nothing from it (it hashes the plans).
_WINDOW_PLANS_FIRST = {
    "sqlite": " AND p.id IN (SELECT plan_id FROM occurrence_states WHERE next_notice <= :today)",
    "postgresql": "",
}
# the plans whose counts a check reads when it leaves out those with nothing due
# (``quiet=False``): those with an occurrence decided to be in another status than the one it
# rests in, or one whose notices may be due (a plan with neither has nothing overdue, blocked
# or due soon, nor any notice due: its counts are those it rests in). Not every plan with a
# row in the window: at 1M occurrences, 141,188 rows to look plans up in cost 0.06 s.
_WINDOW_PLANS = "s.plan_id IN (SELECT plan_id FROM moved UNION ALL SELECT plan_id FROM kept)"

# The lookups by key of a few rows per row of the window or of the blocked items: the open
# dependents of an item not overdue with their state rows (``s``), a kept blocked item's open
# dependencies (``d.depends_on_key``). SQLite joins them by index, row by row. PostgreSQL
# cannot size the recursive CTE (it guesses a million rows for 5,505 at 1M) and so hashed the
# whole of occurrence_states and dependencies for each of them, four times over for the
# recursive step: 4.1-4.6 s of its 1M steady statement, against 1.8 s with each lookup a
# LATERAL subquery that OFFSET 0 keeps from being pulled up into a join (measured; same rows).
# SQLite looks a dependent's state row up by a range of one key, not by equality: for an
# equality lookup whose other terms cull rows, when it guesses more outer rows than the table
# has (it cannot size the recursive CTE either), it first builds a Bloom filter of the table
# by reading all of it: every state row of the store, each day (0.27 -> 0.10 s of the
# statement on a store of 100,000 items due grown 10 times; 0.12 -> 0.09 s before it grew).
_LOOKUPS = {
    "sqlite": {
        "each_dependent": """
    JOIN dependencies d ON d.depends_on_key = {of}.key
    JOIN occurrence_states s ON s.occurrence_key >= d.occurrence_key AND s.occurrence_key <= d.occurrence_key
    AND s.status <> 'done' AND (s.due IS NULL OR s.due >= :today)""",
        "open_deps": """
    JOIN dependencies d ON d.occurrence_key = k.key
    JOIN occurrence_states ds ON ds.occurrence_key = d.depends_on_key AND ds.status <> 'done'""",
    },
    "postgresql": {
        "each_dependent": """CROSS JOIN LATERAL (
        SELECT s.occurrence_key, s.plan_id, s.due, s.notice_on, s.next_notice, s.timing, s.events, s.status,
               s.percent, s.start
        FROM dependencies d
        JOIN occurrence_states s ON s.occurrence_key = d.occurrence_key
        WHERE d.depends_on_key = {of}.key AND s.status <> 'done' AND (s.due IS NULL OR s.due >= :today)
        OFFSET 0) AS s""",
        "open_deps": """CROSS JOIN LATERAL (
        SELECT d.depends_on_key FROM dependencies d
        JOIN occurrence_states ds ON ds.occurrence_key = d.depends_on_key
        WHERE d.occurrence_key = k.key AND ds.status <> 'done' OFFSET 0) AS d""",
    },
}

# The last day a due day counts as due soon, for the plan's upcoming_days ``{days}``.
_HORIZON = {
    "sqlite": "date(:today, '+' || {days} || ' days')",
    "postgresql": "(CAST(:today AS date) + {days})",
}
_COLLATE = {"sqlite": "", "postgresql": ' COLLATE "C"'}


def _sql(template: str, dialect: str, scoped: str, pick: str = "notices", quiet: bool = True) -> str:
    scope = _SCOPES[scoped]
    counted = pick == "notices"
    sums = ", ".join(f"CAST(SUM(CASE WHEN status = '{c}' THEN n ELSE 0 END) AS INTEGER) AS {c}"
                     for c in COUNTED)  # fmt: skip
    lookups = _LOOKUPS[dialect]

    def open_status(days: str) -> str:
        horizon = _HORIZON[dialect].format(days=days)
        return _OPEN.format(resting=_RESTING.format(s="s"), s="s", horizon=horizon)

    def blocked_of(row: str) -> str:
        """A dependent ``s`` found from ``row`` (same plan): its columns in ``blocked``."""
        return (f"s.occurrence_key, s.plan_id, s.due, s.notice_on, {row}.upcoming_days, "
                f"CASE WHEN s.next_notice <= :today THEN 0 ELSE 1 END, {_REST.format(s='s')}, "
                f"{open_status(f'{row}.upcoming_days')}")  # fmt: skip

    return template.format(
        scope=scope,
        window_plans=_WINDOW_PLANS_FIRST[dialect] if scoped == "all" else "",
        collate=_COLLATE[dialect],
        rest_s=_REST.format(s="s"),
        open_s_p=open_status("p.upcoming_days"),
        horizon_w=_HORIZON[dialect].format(days="w.upcoming_days"),
        blocked_of_w=blocked_of("w"),
        blocked_of_b=blocked_of("b"),
        each_dependent_of_w=lookups["each_dependent"].format(of="w"),
        each_dependent_of_b=lookups["each_dependent"].format(of="b"),
        open_deps_of_k=lookups["open_deps"],
        kept=_KEPT[pick],
        count_ctes=_COUNTS.format(counted_scope=scope if quiet else _WINDOW_PLANS) if counted else "",
        counts=_COUNT_ROWS.format(sums=sums) if counted else "",
        no_counts=", NULL" * len(COUNTED) if counted else "",
    )


def states_hold(session: Session, plan_ids: Sequence[str], instant: dt.datetime, *, every_plan: bool) -> bool:
    """Whether the state rows of these plans are the fold of their events at ``instant``:
    no counted event of theirs happened after it (a check of an earlier moment, or an
    event recorded ahead of time, must fold the log instead)."""
    query = select(OccurrenceStateRow.occurrence_key).where(OccurrenceStateRow.last_at > instant).limit(1)
    if every_plan:
        return session.scalar(query) is None
    return all(
        session.scalar(query.where(OccurrenceStateRow.plan_id.in_(part))) is None
        for part in _parts(plan_ids, STATEMENT_PLANS)
    )


def due_states(
    session: Session,
    plan_ids: Sequence[str],
    *,
    instant: dt.datetime,
    today: dt.date,
    zone: str,
    every_plan: bool = False,
    attention: bool = False,
    quiet: bool = True,
) -> Iterator[PlanStates]:
    """One ``PlanStates`` per plan of ``plan_ids`` (all in ``zone``, sorted as Python sorts
    strings), in that order, decided from the current state (``states_hold`` must be true),
    reading only what is due: the count of every status, in the order of ``COUNTED`` (those
    kept at write time, corrected in the database for the occurrences whose window has come;
    a plan with none is empty), and as candidates the occurrences
    whose notices may be due today: overdue, blocked or due from today on, and whose
    ``notice_on`` has come (the caller keeps those within its plan's reminder horizon). An
    overdue item whose next ladder step is days away is counted, not read.

    With ``attention=True``: no counts; the candidates are the overdue and blocked items
    (what ``PlanCheck.attention`` lists), whatever their ``notice_on``.

    With ``quiet=False``: only the plans with a row in the window (some occurrence overdue,
    due soon or whose first reminder has fired), in order; the others (nothing of theirs can
    be overdue, blocked, due soon or have a notice due) are neither counted nor yielded, so
    the statement's cost follows what is due, not the number of plans in the store."""
    dialect = session.get_bind().dialect.name
    params = status_params(dialect, instant=instant, today=today, zone=zone)
    pick = "attention" if attention else "notices"
    without_jit(session)
    for part, rows in _statements(session, dialect, plan_ids, params, every_plan, pick, quiet, today):
        for states in _per_plan(part if quiet else None, rows):
            states.attention_read = not attention
            yield states


def _statements(
    session: Session, dialect: str, plan_ids: Sequence[str], params: dict[str, Any], every_plan: bool,
    pick: str, quiet: bool, today: dt.date,
) -> Iterator[tuple[Sequence[str], Iterable[Any]]]:  # fmt: skip
    """The plans of each statement of ``due_states`` and its rows, in plan order."""
    named = text(_sql(_DUE, dialect, "plans", pick, quiet)).columns(due=Date)
    named = named.bindparams(bindparam("plans", expanding=True))
    if (
        len(plan_ids) >= READ_AHEAD_PLANS
        and _window_rows(session, plan_ids, today, every_plan) >= READ_AHEAD_ROWS
        and _reads_committed_rows(session)
    ):
        if dialect == "postgresql":  # one array parameter: thousands of bound ones cost more to plan
            named = text(_sql(_DUE, dialect, "array", pick, quiet)).columns(due=Date)
            named = named.bindparams(bindparam("plans", type_=ARRAY(Text)))
        yield from _read_ahead(
            session, named, params, _parts(plan_ids, -(-len(plan_ids) // READ_AHEAD_PARTS))
        )
        return
    due = text(_sql(_DUE, dialect, "all", pick, quiet)).columns(due=Date) if every_plan else named
    for part in [plan_ids] if every_plan else _parts(plan_ids, STATEMENT_PLANS):
        scoped = params if every_plan else {**params, "plans": list(part)}
        yield part, session.execute(due.execution_options(yield_per=2000), scoped)


READ_AHEAD_PLANS = 1000
"""From this many plans on, their states are decided in ``READ_AHEAD_PARTS`` statements, all
but the first run on a second connection while the caller plans the notices of the parts
already read (``_read_ahead``)."""
READ_AHEAD_PARTS = 4
READ_AHEAD_ROWS = 50_000
"""... and when their window holds this many occurrences: with fewer the statement is short, and
a second connection and thread cost more than they save (the store of 100,000 items grown
10 times, 14,128 in the window: 0.28 s without them, 0.33 s with)."""


def _window_rows(session: Session, plan_ids: Sequence[str], today: dt.date, every_plan: bool) -> int:
    """The occurrences in the window of these plans (an index range: 5 ms at 141,188 rows)."""
    query = (
        select(func.count()).select_from(OccurrenceStateRow).where(OccurrenceStateRow.next_notice <= today)
    )
    if every_plan:
        return session.scalar(query) or 0
    parts = _parts(plan_ids, STATEMENT_PLANS)
    return sum(session.scalar(query.where(OccurrenceStateRow.plan_id.in_(part))) or 0 for part in parts)


def _reads_committed_rows(session: Session) -> bool:
    """Whether another connection reads what this session reads. PostgreSQL: the session's
    transaction has written nothing yet (no transaction id assigned) and each statement sees
    what is committed. SQLite: the store is a file (a second connection to a database in
    memory is another database) and the session has no write open (reads take no
    transaction there)."""
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        alone = "SELECT txid_current_if_assigned() IS NULL"
        committed = "current_setting('transaction_isolation') = 'read committed'"
        return bool(session.scalar(text(f"{alone} AND {committed}")))
    database = bind.engine.url.database or ""
    if database in ("", ":memory:") or "mode=memory" in str(bind.engine.url):
        return False
    return not getattr(session.connection().connection.driver_connection, "in_transaction", True)


def _read_ahead(
    session: Session, statement: Any, params: dict[str, Any], parts: Sequence[Sequence[str]]
) -> Iterator[tuple[Sequence[str], Sequence[Any]]]:
    """Each part of plans with the rows of ``statement`` for it, in order: the first read by the
    session, the others by a thread on a connection of its own, each as soon as the one before
    is read, so the database decides the next part while the caller works on this one: two
    cores at work, not one (PostgreSQL runs the statement in the server's process; SQLite
    lets go of Python's interpreter lock while it steps through one)."""
    found: queue.SimpleQueue[tuple[Sequence[str], Sequence[Any]] | BaseException | None] = queue.SimpleQueue()
    stop = threading.Event()

    def read(engine: Any) -> None:
        try:
            with engine.connect() as connection:
                if connection.dialect.name == "postgresql":
                    connection.execute(text("SET jit = off"))
                for part in parts[1:]:
                    if stop.is_set():
                        return
                    found.put((part, connection.execute(statement, {**params, "plans": list(part)}).all()))
        except BaseException as error:  # handed to the caller, raised there
            found.put(error)
        finally:
            found.put(None)

    engine = session.get_bind().engine  # a session bound to a connection: its engine
    thread = threading.Thread(target=read, args=(engine,), name="planflow-read-ahead", daemon=True)
    thread.start()
    try:
        yield parts[0], session.execute(statement, {**params, "plans": list(parts[0])}).all()
        while (item := found.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        thread.join()


def _per_plan(plan_ids: Sequence[str] | None, rows: Iterable[Any]) -> Iterator[PlanStates]:
    """One ``PlanStates`` per plan of the rows, in their order; with ``plan_ids``, one per plan
    of those (in the same order), a plan without rows empty."""
    wanted = iter(plan_ids if plan_ids is not None else ())
    current = PlanStates(next(wanted, ""))
    for plan_id, key, due, status, dep, *counts in rows:
        while plan_id != current.plan_id:  # plans with nothing due and nothing counted have no rows
            if current.plan_id:
                yield current
            current = PlanStates(next(wanted) if plan_ids is not None else plan_id)
        if dep is not None:
            current.open_deps.setdefault(key, []).append(dep)
        elif key is not None:
            current.candidates[key] = (status, due)
        else:
            current.counts = dict(zip(COUNTED, counts, strict=True))
    if current.plan_id:
        yield current
    for plan_id in wanted:
        yield PlanStates(plan_id)


def _parts(items: Sequence[str], size: int) -> list[Sequence[str]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


# --- the check's plain reads -------------------------------------------------------------------------


def plan_rows(session: Session, plan_ids: Sequence[str], *, context: bool = True) -> dict[str, Any]:
    """Plan id → (id, title, timezone, upcoming_days, notice_context, document_number,
    period_start, period_end) of those stored; with ``context=False`` the notice context
    (kilobytes of JSON per plan: its directory's units) is not read and is None."""
    notice_context = PlanRow.notice_context if context else null().label("notice_context")
    columns = (PlanRow.id, PlanRow.title, PlanRow.timezone, PlanRow.upcoming_days, notice_context,
               PlanRow.document_number, PlanRow.period_start, PlanRow.period_end)  # fmt: skip
    return {r.id: tuple(r) for r in session.execute(select(*columns).where(PlanRow.id.in_(plan_ids)))}


@dataclass(frozen=True)
class Scope:
    """Which occurrences a read covers: every live one of some plans, or some keys. Keys go
    as one parameter, 20,000 at a time: an array on PostgreSQL (``array``), a JSON list
    read by ``json_each`` elsewhere (an ``IN`` list of thousands of parameters cost more to
    compile than the query to run)."""

    plans: Sequence[str] = ()
    keys: Sequence[str] = ()
    array: bool = False

    def of(self, plan_column: Any, key_column: Any) -> Any:
        if self.plans:
            return plan_column.in_(self.plans)
        if self.array:
            return key_column == any_(bindparam("keys", list(self.keys), type_=ARRAY(String)))
        listed = func.json_each(bindparam("keys", orjson.dumps(list(self.keys)).decode(), type_=Text))
        return key_column.in_(select(listed.table_valued("value").c.value).scalar_subquery())

    def chunks(self) -> Iterator[Scope]:
        if self.plans:
            yield self
            return
        for start in range(0, len(self.keys), 20_000):
            yield Scope(keys=self.keys[start : start + 20_000], array=self.array)


def keys_scope(session: Session, keys: Sequence[str]) -> Scope:
    return Scope(keys=keys, array=session.get_bind().dialect.name == "postgresql")


def occurrence_rows(session: Session, scope: Scope) -> tuple[dict[str, dict[str, list[str]]], list[Any]]:
    """The live occurrences in scope: their owners (key → role → units) and their rows
    (key, plan_id, item_id, kind, timing, title, label, period, start, due, targets as JSON
    text, when_text, review, position)."""
    units: dict[str, dict[str, list[str]]] = {}
    rows: list[Any] = []
    for part in scope.chunks():
        owners = select(OccurrenceUnitRow.occurrence_key, OccurrenceUnitRow.role, OccurrenceUnitRow.unit_id)
        if part.plans:
            owners = owners.join(OccurrenceRow, OccurrenceRow.key == OccurrenceUnitRow.occurrence_key).where(
                part.of(OccurrenceRow.plan_id, OccurrenceRow.key), OccurrenceRow.archived_at.is_(None)
            )
        else:  # keys of live occurrences: no need to join them
            owners = owners.where(part.of(None, OccurrenceUnitRow.occurrence_key))
        for key, role, unit in session.execute(
            owners.order_by(
                OccurrenceUnitRow.occurrence_key, OccurrenceUnitRow.role, OccurrenceUnitRow.unit_id
            )
        ):
            units.setdefault(key, {"lead": [], "support": []})[role].append(unit)
        rows += session.execute(
            select(
                OccurrenceRow.key, OccurrenceRow.plan_id, OccurrenceRow.item_id, OccurrenceRow.kind,
                OccurrenceRow.timing, OccurrenceRow.title, OccurrenceRow.label, OccurrenceRow.period,
                OccurrenceRow.start, OccurrenceRow.due, cast(OccurrenceRow.targets, Text).label("targets"),
                OccurrenceRow.when_text, OccurrenceRow.review,
                OccurrenceRow.position,
            ).where(part.of(OccurrenceRow.plan_id, OccurrenceRow.key), OccurrenceRow.archived_at.is_(None))
        ).all()  # fmt: skip
    return units, rows


def dependency_rows(session: Session, scope: Scope) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for part in scope.chunks():
        rows = session.execute(
            select(DependencyRow.occurrence_key, DependencyRow.depends_on_key)
            .join(OccurrenceRow, OccurrenceRow.key == DependencyRow.occurrence_key)
            .where(part.of(OccurrenceRow.plan_id, DependencyRow.occurrence_key))
            .order_by(DependencyRow.occurrence_key, DependencyRow.depends_on_key)
        )
        for key, dep in rows:
            out.setdefault(key, []).append(dep)
    return out


def progress_rows(session: Session, scope: Scope, until: dt.datetime) -> Iterator[Iterable[Any]]:
    """Per chunk of the scope, its counted events up to ``until`` in the order they
    happened (what ``planflow.status.fold_progress`` folds)."""
    for part in scope.chunks():
        yield session.execute(
            select(
                ProgressEventRow.occurrence_key, ProgressEventRow.status, ProgressEventRow.percent,
                ProgressEventRow.values, ProgressEventRow.note, ProgressEventRow.by_unit,
                ProgressEventRow.effective_at,
            )
            .where(part.of(ProgressEventRow.plan_id, ProgressEventRow.occurrence_key),
                   ProgressEventRow.effective_at <= until, counted_events())
            .order_by(ProgressEventRow.effective_at, ProgressEventRow.id)
        )  # fmt: skip


_NOTICE_KEY = (NoticeRow.occurrence_key, NoticeRow.due, NoticeRow.step, NoticeRow.recipient, NoticeRow.role)


def recorded_keys(session: Session, plan_ids: Sequence[str]) -> set[tuple[str, dt.date, str, str, str]]:
    """The keys of the notices recorded for these plans."""
    rows = session.execute(select(*_NOTICE_KEY).where(NoticeRow.plan_id.in_(plan_ids)))
    return {(k, d, s, r, role) for k, d, s, r, role in rows}


def recorded_for(session: Session, scope: Scope) -> set[tuple[str, dt.date, str, str, str]]:
    """The keys of the notices recorded for the occurrences of ``scope`` (a range of the
    notices' primary key per occurrence: what a check of a few items due reads, however
    long the history of the plans)."""
    found: set[tuple[str, dt.date, str, str, str]] = set()
    for part in scope.chunks():
        rows = session.execute(
            select(*_NOTICE_KEY).where(part.of(NoticeRow.plan_id, NoticeRow.occurrence_key))
        )
        found.update((k, d, s, r, role) for k, d, s, r, role in rows)
    return found


def plan_zones(session: Session, plan_ids: Sequence[str]) -> tuple[dict[str, str], bool, int]:
    """Plan → time zone of those stored, whether any is archived, and the number of live
    plans in the store."""
    wanted = set(plan_ids)
    columns = select(PlanRow.id, PlanRow.timezone, PlanRow.archived_at)
    rows: list[tuple[str, str, dt.datetime | None]]
    if len(wanted) > ZONES_BY_ID:  # a country's check: every live plan's id and zone (ix_plans_live)
        zones = live_plan_zones(session)
        live = len(zones)
        if wanted == zones.keys():  # every live plan (the daily check of a store)
            return zones, False, live
        others = sorted(p for p in wanted if p not in zones)  # archived, or not in the store: named
        rows = [(p, zones[p], None) for p in wanted if p in zones]
        rows += (row._tuple() for part in _parts(others, STATEMENT_PLANS)
                 for row in session.execute(columns.where(PlanRow.id.in_(part))))  # fmt: skip
    else:
        rows = [row._tuple() for part in _parts(sorted(wanted), STATEMENT_PLANS)
                for row in session.execute(columns.where(PlanRow.id.in_(part)))]  # fmt: skip
        live = live_plan_count(session=session)
    zones = {plan_id: zone for plan_id, zone, _ in rows}
    archived = any(archived_at is not None for *_, archived_at in rows)
    return zones, archived, live


ZONES_BY_ID = 1000
"""Above this many plans, ``plan_zones`` reads every live plan's id and zone rather than name
each one (only those not among them are named):
naming 9,460 plans (two statements of 5,000 bound parameters) cost 0.2-0.5 s on PostgreSQL,
the rows of all of them a few milliseconds."""


def ladder_sets(session: Session, plan_ids: Sequence[str]) -> set[tuple[str, str, str]]:
    """The distinct (ladders, days off, extra working days) of these plans' notice
    contexts, as JSON text."""
    context = PlanRow.notice_context
    query = select(
        cast(context["ladders"], Text),
        cast(context["days_off"], Text),
        cast(context["extra_working_days"], Text),
    ).distinct()
    found: set[tuple[str, str, str]] = set()
    for part in _parts(plan_ids, STATEMENT_PLANS):
        found.update(
            (a, b, c) for a, b, c in session.execute(query.where(PlanRow.id.in_(part))) if a is not None
        )
    return found
