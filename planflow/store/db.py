"""Open the store: create the engine, bring the schema to the newest migration.

SQLite (the default, a file under PLANFLOW_HOME) needs no setup: the file and its
folder are created and migrated on first use. PostgreSQL is selected by
PLANFLOW_DATABASE_URL (``postgresql://`` or ``postgres://`` as libpq writes them, read
with psycopg 3); the same Alembic migrations run there. A server that does not answer
is given up after CONNECT_TIMEOUT_S seconds (``?connect_timeout=N`` in the URL to change
it). Database errors become a StoreError that says what, where and what to do
(``store_error``).
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import URL, Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import (
    ArgumentError,
    DBAPIError,
    IntegrityError,
    NoSuchModuleError,
    OperationalError,
    SQLAlchemyError,
)
from sqlalchemy.orm import Session, sessionmaker

from planflow.errors import StoreError

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
HEAD_REVISION = "0016_window_plans"
CONNECT_TIMEOUT_S = 10
_URL_HELP = "ghi dạng sqlite:////đường/dẫn/planflow.db hoặc postgresql://người_dùng@máy_chủ:5432/tên_csdl"


def store_url(url: str) -> URL:
    """``url`` parsed, PostgreSQL's usual spellings mapped to the psycopg 3 driver (the
    one installed; SQLAlchemy would look for psycopg2 and refuse ``postgres://``)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StoreError(
            f"địa chỉ cơ sở dữ liệu '{url}' không hợp lệ (PLANFLOW_DATABASE_URL); {_URL_HELP}"
        ) from None
    if parsed.drivername in ("postgresql", "postgres", "postgresql+psycopg2"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise StoreError(
            f"không hỗ trợ cơ sở dữ liệu '{parsed.get_backend_name()}' (PLANFLOW_DATABASE_URL); "
            f"chỉ dùng SQLite hoặc PostgreSQL: {_URL_HELP}"
        )
    return parsed


def create_store_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets foreign keys, WAL and a busy timeout. JSON
    columns are decoded by orjson: the check reads every plan's notice context, and the
    standard library's decoder was most of that read."""
    parsed = store_url(url)
    try:
        if parsed.get_backend_name() == "sqlite":
            database = parsed.database
            if database and database != ":memory:":
                Path(database).parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(parsed, connect_args={"timeout": 30}, json_deserializer=orjson.loads)
            event.listen(engine, "connect", _sqlite_pragmas)
            return engine
        connect = {} if "connect_timeout" in parsed.query else {"connect_timeout": CONNECT_TIMEOUT_S}
        return create_engine(parsed, pool_pre_ping=True, json_deserializer=orjson.loads, connect_args=connect)
    except OSError as exc:
        raise StoreError(_folder_message(parsed, exc)) from None
    except (NoSuchModuleError, ArgumentError) as exc:
        raise StoreError(
            f"địa chỉ cơ sở dữ liệu {_shown(parsed)} không dùng được ({exc}); {_URL_HELP}"
        ) from None


def _shown(url: URL) -> str:
    return url.render_as_string(hide_password=True)


def _folder_message(url: URL, exc: OSError) -> str:
    folder = Path(url.database or ".").parent
    if exc.errno == errno.EROFS:
        return f"không tạo được thư mục {folder}: ổ đĩa chỉ đọc; đặt PLANFLOW_HOME tới một ổ ghi được"
    if exc.errno == errno.ENOSPC:
        return f"không tạo được thư mục {folder}: đĩa đầy; giải phóng chỗ trống rồi chạy lại"
    return f"không tạo được thư mục {folder} ({exc.strerror}); kiểm tra quyền ghi hoặc đặt PLANFLOW_HOME"


def _read_only(path: Path) -> bool:
    """Whether the database file, or the folder it sits in, cannot be written (SQLite
    then says only "unable to open": a store in WAL mode writes beside the file)."""
    try:
        if os.statvfs(path.parent).f_flag & os.ST_RDONLY:
            return True
        return not os.access(path.parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK))
    except OSError:
        return False


def store_error(exc: DBAPIError, url: URL | str) -> StoreError:
    """The database's refusal as one line: what happened, where, what to do."""
    where = url if isinstance(url, URL) else store_url(url)
    shown = _shown(where)
    reason = str(exc.orig).strip().splitlines()[0] if exc.orig is not None else str(exc)
    lowered = reason.lower()
    if where.get_backend_name() == "sqlite":
        path = where.database or ":memory:"
        if "readonly" in lowered or "read-only" in lowered or _read_only(Path(path)):
            return StoreError(
                f"cơ sở dữ liệu {path} chỉ đọc, không ghi được; cấp quyền ghi cho file và thư mục chứa nó "
                "(hoặc đặt PLANFLOW_HOME tới ổ ghi được)"
            )
        if "disk is full" in lowered or "disk i/o error" in lowered:
            return StoreError(
                f"không ghi được cơ sở dữ liệu {path}: đĩa đầy hoặc lỗi ghi; giải phóng chỗ trống và chạy lại"
            )
        if "unable to open" in lowered:
            return StoreError(f"không mở được file cơ sở dữ liệu {path}; kiểm tra thư mục và quyền truy cập")
        if "locked" in lowered:
            return StoreError(
                f"cơ sở dữ liệu {path} đang bị một tiến trình khác khoá quá lâu; chạy lại sau ít phút"
            )
        return StoreError(f"lỗi cơ sở dữ liệu {path}: {reason}")
    server = f"{where.host or 'localhost'}:{where.port or 5432}"
    if "timeout expired" in lowered or "timed out" in lowered:
        seconds = where.query.get("connect_timeout", CONNECT_TIMEOUT_S)
        return StoreError(
            f"máy chủ PostgreSQL {server} không trả lời sau {seconds} giây; kiểm tra máy chủ, mạng "
            "và PLANFLOW_DATABASE_URL"
        )
    if "connection refused" in lowered:
        return StoreError(
            f"không kết nối được máy chủ PostgreSQL {server}: máy chủ từ chối kết nối (chưa chạy hoặc sai "
            "cổng); kiểm tra máy chủ và PLANFLOW_DATABASE_URL"
        )
    if "translate host name" in lowered or "name or service not known" in lowered:
        return StoreError(
            f"không tìm thấy máy chủ PostgreSQL '{where.host}'; sửa tên máy trong PLANFLOW_DATABASE_URL"
        )
    if "authentication failed" in lowered:
        return StoreError(
            f"máy chủ PostgreSQL {server} từ chối đăng nhập của '{where.username}'; kiểm tra tên người dùng "
            "và mật khẩu trong PLANFLOW_DATABASE_URL"
        )
    if "does not exist" in lowered and "database" in lowered:
        return StoreError(
            f"máy chủ PostgreSQL {server} không có cơ sở dữ liệu '{where.database}'; tạo nó "
            f"(createdb {where.database}) hoặc sửa PLANFLOW_DATABASE_URL"
        )
    if isinstance(exc, OperationalError) and "connection" in lowered:
        return StoreError(
            f"không kết nối được máy chủ PostgreSQL {server} ({reason}); "
            "kiểm tra máy chủ và PLANFLOW_DATABASE_URL"
        )
    if "read-only" in lowered:
        return StoreError(
            f"cơ sở dữ liệu {shown} chỉ cho đọc ({reason}); dùng tài khoản hoặc máy chủ ghi được"
        )
    if "no space" in lowered or "disk full" in lowered:
        return StoreError(f"máy chủ PostgreSQL {server} hết chỗ trên đĩa ({reason}); giải phóng chỗ trống")
    return StoreError(f"lỗi cơ sở dữ liệu {shown}: {reason}")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


MIGRATION_LOCK = 0x706C616E666C6F77  # "planflow"


WRITERS_LOCK = MIGRATION_LOCK + 1


def lock_writers(session: Session) -> None:
    """Wait until no other transaction is storing definitions, and keep others waiting
    until this one ends. PostgreSQL: an advisory lock. SQLite: the database's write lock,
    taken by a write that changes nothing (the busy timeout bounds the wait); it must come
    before this transaction reads, or another commit in between makes SQLite refuse it."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITERS_LOCK})
    else:
        session.execute(text("UPDATE alembic_version SET version_num = version_num WHERE 1 = 0"))


def add_unless_taken(row: object, *, session: Session) -> bool:
    """Add ``row`` in a savepoint unless a unique constraint says its key is taken (by this
    run, an earlier one or a concurrent one); the transaction goes on either way. Whether it
    was added."""
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        return False
    return True


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def migrate(engine: Engine) -> None:
    """Upgrade to the newest schema; a no-op (one query) when already there. All steps run
    in one transaction: a step that fails leaves the store as it was."""
    try:
        before = current_revision(engine)
    except DBAPIError as exc:
        raise store_error(exc, engine.url) from None
    if before == HEAD_REVISION:
        return
    try:
        upgrade_to(engine)
    except OperationalError as exc:
        raise store_error(exc, engine.url) from None
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise StoreError(
            f"không nâng cấp được lược đồ cơ sở dữ liệu {_shown(engine.url)} "
            f"từ phiên bản {before or '(trống)'} lên {HEAD_REVISION} ({reason}); "
            "cơ sở dữ liệu giữ nguyên, chưa dùng được với bản planflow này: "
            "báo cho người quản trị kèm thông báo này"
        ) from None


def upgrade_to(engine: Engine, target: str = "head") -> None:
    """Run the migrations up to ``target`` (tests start from each released schema)."""
    # Alembic is imported only when a migration is due: it costs startup time otherwise.
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:
            # SQLite alters a table by copying it and dropping the old one, which the other
            # tables' foreign keys would refuse (DROP TABLE outbox with notices pointing at it):
            # they are checked once, at the end, instead. The pragma only works outside a
            # transaction, and the connection is not handed back to the pool with it.
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            conn.commit()
        # Commands that start together on a new or older store migrate one at a time; the
        # others then find the schema current (Alembic's upgrade is a no-op).
        if sqlite:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        try:
            config.attributes["connection"] = conn
            command.upgrade(config, target)
            if sqlite:
                _check_foreign_keys(conn, engine.url)
            conn.commit()
        except BaseException:
            conn.rollback()
            raise
        finally:
            if sqlite:
                conn.invalidate()


def _check_foreign_keys(conn: Connection, url: URL) -> None:
    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").first()
    if broken is not None:
        raise StoreError(
            f"không nâng cấp được lược đồ cơ sở dữ liệu {_shown(url)}: bảng {broken[0]} có dòng "
            f"trỏ tới {broken[2]} không tồn tại; cơ sở dữ liệu giữ nguyên"
        )


def open_store(url: str) -> sessionmaker[Session]:
    """Engine + migrations + a session factory; the caller owns commits and the engine
    (``opened_store`` closes it when a block ends)."""
    engine = create_store_engine(url)
    migrate(engine)
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def opened_store(url: str) -> Iterator[sessionmaker[Session]]:
    """``open_store`` for the length of a block: the engine's pooled connections are closed
    when it ends. An engine left to the garbage collector keeps them open until it runs: a
    PostgreSQL session held by every task a worker has finished, and an unclosed SQLite
    connection Python 3.13 warns about."""
    factory = open_store(url)
    try:
        yield factory
    finally:
        factory.kw["bind"].dispose()
