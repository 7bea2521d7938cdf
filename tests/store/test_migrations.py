"""The migrations and the models agree, and every released schema upgrades with its data."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from planflow.errors import StoreError
from planflow.store.db import (
    HEAD_REVISION,
    MIGRATIONS,
    create_store_engine,
    current_revision,
    migrate,
    opened_store,
    upgrade_to,
)
from planflow.store.models import Base


def test_head_revision_constant_matches_scripts() -> None:
    """HEAD_REVISION (the fast 'already migrated' check) is the newest migration."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert ScriptDirectory.from_config(config).get_current_head() == HEAD_REVISION


def test_migrated_schema_has_every_table(database_url: str) -> None:
    """A fresh database migrated to head has every table the models declare (Alembic's
    own upgrade here; the ``sessions`` fixture copies a store migrated this way)."""
    with opened_store(database_url) as sessions:
        engine = sessions.kw["bind"]
        assert current_revision(engine) == HEAD_REVISION
        assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())


def _revisions() -> list[str]:
    """Every migration, oldest first (a new one is covered without editing this test)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return [r.revision for r in reversed(list(ScriptDirectory.from_config(config).walk_revisions()))]


def _value(column: sa.Column[Any], table: str, row: int) -> Any:
    """A value of the column's type, distinct per row (unique constraints hold)."""
    kind = column.type.python_type
    if kind is dt.datetime:
        return dt.datetime(2026, 1, 1 + row, 8, tzinfo=dt.UTC)
    if kind is dt.date:
        return dt.date(2026, 1, 1 + row)
    if kind is bool:
        return row % 2 == 0
    if kind is int:
        return row + 1
    if kind is Decimal:
        return Decimal(row) + Decimal("0.5")
    if kind is bytes:
        return b"%d" % row
    if kind in (dict, list):
        return {"row": row}
    length = getattr(column.type, "length", None) or 40
    return f"{table[:6]}-{column.name[:8]}-{row}"[:length]


def _fill(engine: sa.Engine, rows: int = 2) -> dict[str, tuple[list[str], list[tuple[Any, ...]]]]:
    """Rows in every table of the schema as it is, foreign keys pointing at rows that
    exist; returns each table's primary key columns and their values."""
    metadata = sa.MetaData()
    metadata.reflect(engine)
    made: dict[tuple[str, str], list[Any]] = {}
    keys: dict[str, tuple[list[str], list[tuple[Any, ...]]]] = {}
    with engine.begin() as conn:
        for table in metadata.sorted_tables:
            if table.name == "alembic_version":
                continue
            values = []
            for row in range(rows):
                record = {}
                for column in table.columns:
                    (fk, *_) = list(column.foreign_keys) or [None]
                    if fk is not None:
                        record[column.name] = made[(fk.column.table.name, fk.column.name)][row]
                    else:
                        record[column.name] = _value(column, table.name, row)
                    made.setdefault((table.name, column.name), []).append(record[column.name])
                values.append(record)
            conn.execute(table.insert(), values)
            names = [c.name for c in table.primary_key]
            keys[table.name] = (names, sorted(tuple(v[n] for n in names) for v in values))
    return keys


@pytest.mark.parametrize("start", _revisions()[:-1])
def test_upgrade_from_each_revision_keeps_data(database_url: str, start: str) -> None:
    """A store at any released schema, with rows in every table (notices and outbox
    included), upgrades to the newest one keeping every row: the SQLite 0002 → 0004
    upgrade used to fail with "FOREIGN KEY constraint failed … DROP TABLE outbox"."""
    engine = create_store_engine(database_url)
    try:
        upgrade_to(engine, start)
        kept = _fill(engine)
        migrate(engine)
        assert current_revision(engine) == HEAD_REVISION
        metadata = sa.MetaData()
        metadata.reflect(engine)
        with engine.connect() as conn:
            for name, (columns, keys) in kept.items():
                # the key the rows had: a later schema may widen it (notices gained due and role)
                table = metadata.tables[name]
                found = conn.execute(sa.select(*(table.c[c] for c in columns))).all()
                assert sorted(tuple(r) for r in found) == keys, name
    finally:
        engine.dispose()


def test_failed_upgrade_leaves_store_as_it_was(tmp_path: Path) -> None:
    """An upgrade that cannot finish (a notice pointing at a missing message) is refused in
    one line and the store stays at its schema, untouched."""
    url = f"sqlite:///{tmp_path / 'store.db'}"
    engine = create_store_engine(url)
    try:
        upgrade_to(engine, "0002")
        _fill(engine)
        with engine.begin() as conn:
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            conn.exec_driver_sql("UPDATE notices SET outbox_id = 99")
            conn.commit()
            conn.invalidate()
        with pytest.raises(StoreError) as info:
            migrate(engine)
        assert str(info.value) == (
            f"không nâng cấp được lược đồ cơ sở dữ liệu {url}: bảng notices có dòng trỏ tới outbox "
            "không tồn tại; cơ sở dữ liệu giữ nguyên"
        )
        assert current_revision(engine) == "0002"
    finally:
        engine.dispose()


def test_links_are_read_from_the_dependencies_held(database_url: str) -> None:
    """0014 marks each state row with whether its occurrence depends on another and whether
    another depends on it, from the dependencies already stored (nothing is synced again)."""
    engine = create_store_engine(database_url)
    try:
        upgrade_to(engine, "0013_notice_on")
        _fill(engine, rows=3)  # occurrence i depends on itself
        with engine.begin() as conn:
            keys = [k for (k,) in conn.execute(sa.text("SELECT key FROM occurrences ORDER BY key"))]
            conn.execute(sa.text("DELETE FROM dependencies WHERE occurrence_key <> :a"), {"a": keys[0]})
            conn.execute(sa.text("UPDATE dependencies SET depends_on_key = :b"), {"b": keys[1]})
        migrate(engine)
        with engine.connect() as conn:
            found = conn.execute(sa.text(
                "SELECT occurrence_key, has_dependencies, has_dependents FROM occurrence_states"
            )).all()  # fmt: skip
        assert sorted((k, bool(a), bool(b)) for k, a, b in found) == [
            (keys[0], True, False),
            (keys[1], False, True),
            (keys[2], False, False),
        ]
    finally:
        engine.dispose()
