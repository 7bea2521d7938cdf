"""The web_sessions table arrives by migration, on SQLite and PostgreSQL, in stores made before it."""

from __future__ import annotations

import datetime as dt
import hashlib

from sqlalchemy import Engine, inspect

from planflow.store.db import create_store_engine, opened_store
from planflow.store.models import WebSessionRow
from planflow.web.signin import end_session, session_user, start_session
from tests.conftest import alembic_step

BEFORE = "0004"  # the schema released before board sessions were kept on the server


def _tables(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names())


def test_the_migration_goes_up_and_down(database_url: str) -> None:
    """Upgrading adds web_sessions, downgrading to the schema before removes it, and upgrading again restores it."""
    engine = create_store_engine(database_url)
    try:
        alembic_step(engine, "upgrade", BEFORE)
        assert "web_sessions" not in _tables(engine)
        alembic_step(engine, "upgrade", "head")
        assert "web_sessions" in _tables(engine)
        alembic_step(engine, "downgrade", BEFORE)
        assert "web_sessions" not in _tables(engine) and "plans" in _tables(engine)
        alembic_step(engine, "upgrade", "head")
        assert "web_sessions" in _tables(engine)
    finally:
        engine.dispose()


def test_a_store_made_before_sessions_gains_them_when_opened(database_url: str) -> None:
    """A store at the schema before sessions is brought up to date when planflow opens it, and sign-ins then work."""
    engine = create_store_engine(database_url)
    try:
        alembic_step(engine, "upgrade", BEFORE)
    finally:
        engine.dispose()
    with opened_store(database_url) as factory:
        key = start_session(factory, "thuongtruc")
        assert session_user(factory, key) == "thuongtruc"
        end_session(factory, key)
        assert session_user(factory, key) is None


def test_a_session_ends_at_logout_and_at_expiry(database_url: str) -> None:
    """A sign-in opens the board until it is ended or its 12 hours are over; an unknown key opens nothing."""
    with opened_store(database_url) as factory:
        key = start_session(factory, "thuongtruc")
        assert session_user(factory, key) == "thuongtruc"
        assert session_user(factory, key + "x") is None
        with factory() as s, s.begin():
            row = s.get(WebSessionRow, hashlib.sha256(key.encode()).hexdigest())
            assert row is not None
            row.expires_at = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
        assert session_user(factory, key) is None
