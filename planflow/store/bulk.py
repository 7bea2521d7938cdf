"""Plans and unit directories stored for the first time, written many at once.

A first sync of a whole country writes about a million occurrences. Going through the ORM
(one object, or one parameter set checked by the ORM's bulk layer, per row) cost more than
reading and compiling the definitions; here the rows are plain tuples, buffered over many
plans and written table by table: ``COPY … FROM STDIN`` on PostgreSQL, one ``executemany``
of a Core INSERT elsewhere (SQLite). Plans go first, then occurrences, their units and
dependencies, so every foreign key holds at each write; the constraints and indexes stay
as they are. Nothing is committed: the caller owns the transaction.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Sequence
from operator import itemgetter
from typing import Any

from sqlalchemy import JSON, Table
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from planflow.compiler import CompiledPlan, Occurrence
from planflow.schema import Task, UnitDirectory
from planflow.store.models import DependencyRow, OccurrenceRow, OccurrenceUnitRow, PlanRow, UnitRow

FLUSH_ROWS = 50_000
"""Occurrences buffered before the buffers are written (memory stays bounded)."""

_TABLES: tuple[Table, ...] = (
    PlanRow.__table__,  # type: ignore[assignment]
    UnitRow.__table__,
    OccurrenceRow.__table__,
    OccurrenceUnitRow.__table__,
    DependencyRow.__table__,
)


def targets(task: Task | None) -> list[dict[str, Any]]:
    """A task's targets as stored with each of its occurrences."""
    if task is None:
        return []
    return [
        {
            "key": t.key,
            "metric": t.metric,
            "comparator": t.comparator.value,
            "value": str(t.value),
            "unit": t.unit,
        }
        for t in task.targets
    ]


def occurrence_values(occ: Occurrence, task_targets: list[dict[str, Any]], position: int) -> dict[str, Any]:
    """The stored columns of an occurrence, but its key and ``archived_at``."""
    return {
        "plan_id": occ.plan_id, "item_id": occ.item_id, "kind": occ.kind.value, "timing": occ.timing.value,
        "title": occ.title, "label": occ.label, "section": occ.section, "period": occ.period,
        "start": occ.start, "due": occ.due, "end": occ.end, "then_ongoing": occ.then_ongoing,
        "tentative": occ.tentative, "when_text": occ.when_text, "review": occ.review, "targets": task_targets,
        "position": position,
    }  # fmt: skip


def link_rows(occurrences: Sequence[Occurrence]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The owner rows (lead, support) and dependency rows of some occurrences."""
    units = [
        {"occurrence_key": o.key, "role": role, "unit_id": unit}
        for o in occurrences
        for role, owners in (("lead", o.lead), ("support", o.support))
        for unit in dict.fromkeys(owners)
    ]
    deps = [{"occurrence_key": o.key, "depends_on_key": d} for o in occurrences for d in o.depends_on]
    return units, deps


def plan_values(compiled: CompiledPlan, *, definition_hash: str, now: dt.datetime) -> dict[str, Any]:
    """The stored columns of a plan, but ``notice_context`` and ``archived_at``."""
    plan = compiled.plan
    return {
        "id": plan.id, "title": plan.title, "document_number": plan.document_number, "issuer": plan.issuer,
        "units_directory": plan.units, "standing_unit": plan.standing_unit, "timezone": plan.timezone,
        "period_start": plan.period.start, "period_end": plan.period.end, "upcoming_days": plan.upcoming_days,
        "definition_hash": definition_hash, "synced_at": now,
    }  # fmt: skip


def unit_values(directory: UnitDirectory) -> list[dict[str, Any]]:
    return [
        {
            "directory_id": directory.id,
            "unit_id": u.id,
            "name": u.name,
            "kind": u.kind.value,
            "emails": list(u.emails),
            "parent_id": u.parent,
        }
        for u in directory.units
    ]


_Values = Callable[[dict[str, Any]], tuple[Any, ...]]


class Encoder:
    """Rows as tuples in their table's column order, in the form the database takes them:
    for COPY on PostgreSQL, JSON columns as text and the rest as they are; elsewhere each
    value through its column type's own bind processor (what SQLAlchemy does per row,
    without a parameter dictionary per row, which cost more than the database's work).
    Made from a driver name (``sqlite``, ``postgresql+psycopg``), so the processes that
    prepare plans for a first sync (``planflow.sync.prepare``) encode as the writer would."""

    def __init__(self, driver: str) -> None:
        self.driver = driver
        dialect = make_url(f"{driver}://").get_dialect()()
        self.copy = dialect.name == "postgresql"
        # per table: the columns' values in order, and the processor of each column that has one
        self.columns: dict[str, tuple[_Values, list[tuple[int, Any]]]] = {}
        for table in _TABLES:
            if self.copy:
                processors = [_json_text if isinstance(c.type, JSON) else None for c in table.columns]
            else:
                processors = [c.type.dialect_impl(dialect).bind_processor(dialect) for c in table.columns]
            names = [c.name for c in table.columns]
            values = itemgetter(*names) if len(names) > 1 else (lambda row, n=names[0]: (row[n],))
            self.columns[table.name] = (values, [(i, p) for i, p in enumerate(processors) if p is not None])

    def encode(self, table: str, rows: Iterable[dict[str, Any]]) -> list[tuple[Any, ...]]:
        values, processors = self.columns[table]
        if not processors:
            return [values(row) for row in rows]
        out = []
        for row in rows:
            encoded = list(values(row))
            for i, process in processors:
                encoded[i] = process(encoded[i])
            out.append(tuple(encoded))
        return out

    def plan(
        self,
        compiled: CompiledPlan,
        *,
        definition_hash: str,
        now: dt.datetime,
        notice_context: dict[str, Any],
    ) -> dict[str, list[tuple[Any, ...]]]:
        """The rows of a new plan: the plan, its occurrences, their units and dependencies."""
        tasks = {t.id: t for t in compiled.plan.tasks}
        plan = plan_values(compiled, definition_hash=definition_hash, now=now)
        occurrences = (
            {
                "key": o.key,
                "archived_at": None,
                **occurrence_values(o, targets(tasks.get(o.item_id)), position),
            }
            for position, o in enumerate(compiled.occurrences)
        )
        units, deps = link_rows(compiled.occurrences)
        return {
            PlanRow.__tablename__: self.encode(
                PlanRow.__tablename__, [{**plan, "notice_context": notice_context, "archived_at": None}]
            ),
            OccurrenceRow.__tablename__: self.encode(OccurrenceRow.__tablename__, occurrences),
            OccurrenceUnitRow.__tablename__: self.encode(OccurrenceUnitRow.__tablename__, units),
            DependencyRow.__tablename__: self.encode(DependencyRow.__tablename__, deps),
        }


def _json_text(value: Any) -> str:
    return "[]" if value == [] else json.dumps(value)  # most occurrences have no targets


def driver_of(session: Session) -> str:
    dialect = session.connection().dialect
    return f"{dialect.name}+{dialect.driver}"


class NewRows:
    """Buffers of encoded rows for plans and directories not in the store yet."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.encoder = Encoder(driver_of(session))
        self.rows: dict[str, list[tuple[Any, ...]]] = {t.name: [] for t in _TABLES}

    def add_directory(self, directory: UnitDirectory) -> None:
        self.add({UnitRow.__tablename__: self.encoder.encode(UnitRow.__tablename__, unit_values(directory))})

    def add(self, rows: dict[str, list[tuple[Any, ...]]]) -> None:
        """Buffer rows already encoded (``Encoder``) for this store."""
        for table, encoded in rows.items():
            self.rows[table] += encoded
        if len(self.rows[OccurrenceRow.__tablename__]) >= FLUSH_ROWS:
            self.write()

    def write(self) -> None:
        """Write what is buffered, table by table in foreign-key order, and empty the buffers."""
        self.session.flush()  # what the ORM holds goes first (archived plans, updated units)
        for table in _TABLES:
            rows = self.rows[table.name]
            if rows:
                insert_rows(self.session, table, rows)
                rows.clear()


def insert_rows(session: Session, table: Table, rows: Sequence[tuple[Any, ...]]) -> None:
    """Insert encoded ``rows`` (``Encoder``) in one go: COPY on PostgreSQL, elsewhere one
    ``executemany``."""
    connection = session.connection()
    dialect = connection.dialect
    quoted = ", ".join(dialect.identifier_preparer.quote(c.name) for c in table.columns)
    if dialect.name == "postgresql":
        cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        with cursor.copy(f"COPY {table.name} ({quoted}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join("?" for _ in table.columns)  # SQLite's paramstyle
    connection.exec_driver_sql(f"INSERT INTO {table.name} ({quoted}) VALUES ({marks})", list(rows))
