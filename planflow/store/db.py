"""Open the store: create the engine, bring the schema to the newest migration.

SQLite (the default, a file under PLANFLOW_HOME) needs no setup: the file and its
folder are created and migrated on first use. PostgreSQL is selected by
PLANFLOW_DATABASE_URL; the same Alembic migrations run there.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from planflow.errors import StoreError

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
HEAD_REVISION = "0005"


def create_store_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets foreign keys, WAL and a busy timeout. JSON
    columns are decoded by orjson: the check reads every plan's notice context, and the
    standard library's decoder was most of that read."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30}, json_deserializer=orjson.loads)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, json_deserializer=orjson.loads)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


MIGRATION_LOCK = 0x706C616E666C6F77  # "planflow"


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def migrate(engine: Engine) -> None:
    """Upgrade to the newest schema; a no-op (one query) when already there."""
    try:
        if current_revision(engine) == HEAD_REVISION:
            return
        # Alembic is imported only when a migration is due: it costs startup time otherwise.
        from alembic import command
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        with engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                # Workers that start together after an upgrade migrate one at a time; the
                # others then find the schema current (Alembic's upgrade is a no-op).
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
    except OperationalError as exc:
        raise StoreError(
            f"không mở được cơ sở dữ liệu {engine.url.render_as_string(hide_password=True)}: "
            f"{exc.orig}. Kiểm tra PLANFLOW_DATABASE_URL và máy chủ cơ sở dữ liệu."
        ) from None
    except SQLAlchemyError as exc:
        raise StoreError(f"không nâng cấp được lược đồ cơ sở dữ liệu: {exc}") from None


def open_store(url: str) -> sessionmaker[Session]:
    """Engine + migrations + a session factory; the caller owns commits."""
    engine = create_store_engine(url)
    migrate(engine)
    return sessionmaker(engine, expire_on_commit=False)
