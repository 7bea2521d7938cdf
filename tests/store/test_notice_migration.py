"""Migration 0005 carries a store's notices and outbox forward: the notices recorded at
schema 0004 keep counting as sent for the due date they were about."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.orm import Session, sessionmaker

from planflow.loader import load_definitions
from planflow.notifications.config import load_mail_config
from planflow.notifications.notices import run_check
from planflow.store.db import MIGRATIONS, create_store_engine, opened_store
from planflow.store.models import NoticeRow, OutboxRow
from tests.conftest import TEST_SCHEMA, postgres_schema_url

ICT = dt.timezone(dt.timedelta(hours=7))
TABLES = ("plans", "units", "occurrences", "occurrence_units", "dependencies", "progress_events",
          "report_versions", "report_files", "outbox", "notices")  # fmt: skip


def _old_store(database_url: str, tmp_path: Path) -> str:
    """A second, empty database at schema 0004."""
    if database_url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path / 'old.db'}"
    else:
        found = postgres_schema_url(f"{TEST_SCHEMA}_old")
        assert found is not None
        url = found
    engine = create_store_engine(url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0004")
    engine.dispose()
    return url


def _copy_down(source: str, target: str) -> None:
    """Every row of ``source`` (head) into ``target`` (0004), as 0004 stored it."""
    old, new = create_store_engine(target), create_store_engine(source)
    with new.connect() as read, old.begin() as write:
        for name in TABLES:
            table = sa.Table(name, sa.MetaData(), autoload_with=write)
            source = sa.Table(name, sa.MetaData(), autoload_with=read)
            rows = [dict(r._mapping) for r in read.execute(sa.select(*(source.c[c.name] for c in table.c)))]
            for row in rows:
                if name == "outbox" and row["status"] == "dead":
                    row["status"] = "failed"
            if rows:
                write.execute(sa.insert(table), rows)
            if write.dialect.name == "postgresql" and name in (
                "outbox",
                "progress_events",
                "report_versions",
            ):
                write.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                                      f"(SELECT coalesce(max(id), 0) + 1 FROM {name}), false)"))  # fmt: skip
    old.dispose()
    new.dispose()


def _check(factory: sessionmaker[Session], root: Path, day: dt.date, home: Path) -> int:
    at = dt.datetime.combine(day, dt.time(7), tzinfo=ICT)
    config = load_mail_config(home, None, "planflow <planflow@demo.example>")
    return run_check(load_definitions(root), factory, day, config=config, now=lambda: at).queued


def _notices(factory: sessionmaker[Session]) -> set[tuple[object, ...]]:
    with factory() as s:
        return {tuple(r) for r in s.execute(sa.select(NoticeRow.occurrence_key, NoticeRow.due, NoticeRow.step,
                                                       NoticeRow.recipient, NoticeRow.role, NoticeRow.fire_date))}  # fmt: skip


def test_notices_and_outbox_carried_forward(
    sessions: sessionmaker[Session], database_url: str, defs_root: Path, tmp_path: Path
) -> None:
    """A 0004 store with notices sent and one dead letter, upgraded: the same keys, due
    dates and roles as a store that never was at 0004; nothing is queued again that day;
    the next days record the same notices in both; the sent messages keep their answer."""
    first, later = dt.date(2026, 3, 24), [dt.date(2026, 3, 30), dt.date(2026, 4, 1), dt.date(2026, 4, 14)]
    assert _check(sessions, defs_root, first, tmp_path / "a") == 4
    old_url = _old_store(database_url, tmp_path)
    _copy_down(database_url, old_url)
    with opened_store(old_url) as upgraded:  # open_store migrates 0004 → head
        assert _notices(upgraded) == _notices(sessions)
        with upgraded() as s:
            outbox = {r.recipient: r for r in s.scalars(sa.select(OutboxRow))}
        assert {r: o.status for r, o in outbox.items()} == {
            "unit:demo/vhxh": "sent", "unit:demo/kt": "sent", "signer:demo-2026": "sent", "unit:demo/hcc": "dead"
        }  # fmt: skip
        assert outbox["unit:demo/kt"].recipient_states == {
            "kt@demo.example": {"state": "sent", "code": None, "answer": outbox["unit:demo/kt"].smtp_response,
                                "at": None}
        }  # fmt: skip
        assert _check(upgraded, defs_root, first, tmp_path / "b") == 0
        for day in later:
            assert _check(upgraded, defs_root, day, tmp_path / "b") == _check(
                sessions, defs_root, day, tmp_path / "a"
            )
        assert _notices(upgraded) == _notices(sessions)
