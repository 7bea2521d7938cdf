"""Migration 0006_accounts, on SQLite and PostgreSQL: accounts, saved views and the author
column of progress events arrive, leave on downgrade, and arrive in a store opened at 0005."""

from __future__ import annotations

from sqlalchemy import Engine, inspect

from planflow.store.accounts import any_active_account
from planflow.store.db import create_store_engine, opened_store
from tests.conftest import alembic_step

BEFORE = "0005_web_sessions"  # the schema released before board accounts


def _shape(engine: Engine) -> tuple[set[str], set[str]]:
    """The tables, and the columns of progress_events."""
    found = inspect(engine)
    return set(found.get_table_names()), {c["name"] for c in found.get_columns("progress_events")}


def test_the_migration_goes_up_and_down(database_url: str) -> None:
    """Upgrading adds accounts, saved_views and recorded_by; downgrading removes exactly those."""
    engine = create_store_engine(database_url)
    try:
        alembic_step(engine, "upgrade", BEFORE)
        tables, columns = _shape(engine)
        assert not {"accounts", "saved_views"} & tables and "recorded_by" not in columns
        alembic_step(engine, "upgrade", "head")
        tables, columns = _shape(engine)
        assert {"accounts", "saved_views"} <= tables and "recorded_by" in columns
        alembic_step(engine, "downgrade", BEFORE)
        tables, columns = _shape(engine)
        assert not {"accounts", "saved_views"} & tables and "recorded_by" not in columns
        assert {"web_sessions", "progress_events"} <= tables
    finally:
        engine.dispose()


def test_a_store_at_0005_gains_accounts_when_opened(database_url: str) -> None:
    """A store made before accounts is upgraded when opened, and starts with none (the shared login stays on)."""
    engine = create_store_engine(database_url)
    try:
        alembic_step(engine, "upgrade", BEFORE)
    finally:
        engine.dispose()
    with opened_store(database_url) as factory, factory() as s:
        assert any_active_account(session=s) is False
