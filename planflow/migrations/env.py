"""Alembic environment: runs on the connection planflow hands over, or on the URL given."""

from __future__ import annotations

from alembic import context

from planflow.store.db import create_store_engine
from planflow.store.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    # planflow's engine (the same URL spellings and connect timeout), and on SQLite the
    # foreign keys off while tables are rebuilt, as planflow.store.db.upgrade_to does.
    engine = create_store_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            conn.commit()
        with conn.begin():
            _run(conn)
        conn.invalidate()


def _run(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite needs batch mode to alter tables
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
