"""The migrations and the models agree."""

from __future__ import annotations

from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy.orm import Session, sessionmaker

from planflow.store.db import HEAD_REVISION, MIGRATIONS, current_revision
from planflow.store.models import Base


def test_head_revision_constant_matches_scripts() -> None:
    """HEAD_REVISION (the fast 'already migrated' check) is the newest migration."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert ScriptDirectory.from_config(config).get_current_head() == HEAD_REVISION


def test_migrated_schema_has_every_table(sessions: sessionmaker[Session]) -> None:
    """A fresh database migrated to head has every table the models declare."""
    engine = sessions.kw["bind"]
    assert current_revision(engine) == HEAD_REVISION
    assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
