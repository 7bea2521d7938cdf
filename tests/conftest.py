"""Shared fixtures: definitions folders built through real files, stores on SQLite and
PostgreSQL, and a clean PLANFLOW_* environment for every test."""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.orm import Session, sessionmaker

from planflow.store.db import MIGRATIONS, opened_store
from tests.factories import write_definitions
from tests.smtp import SmtpServer

POSTGRES_URL = os.environ.get(
    "PLANFLOW_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
# One schema per test process, dropped at exit: parallel runs (CI, several checkouts) never collide.
TEST_SCHEMA = f"planflow_test_{os.getpid()}"
REPO = Path(__file__).resolve().parent.parent


# What the test run itself is told (by CI), kept while every other PLANFLOW_* is cleared.
_KEEP = (
    "PLANFLOW_TEST_POSTGRES_URL",
    "PLANFLOW_REQUIRE_POSTGRES",
    "PLANFLOW_REQUIRE_LIBREOFFICE",
    "PLANFLOW_REQUIRE_TESSERACT",
)


# Markers of tests that start servers or subprocesses and wait on them (the long ones).
_SLOW_MARKERS = ("scaleout", "slow", "prefect", "ocr")
_SHARED_SCOPES = ("module", "class", "package")


# Session-scoped servers that the tests using them share: they go to one worker, which starts
# the server once (the group is named after the fixture).
_SHARED_SERVERS = ("prefect_api_url",)


def pytest_itemcollected(item: pytest.Item) -> None:
    """For pytest-xdist (``make test`` runs ``-n … --dist loadgroup``): the tests of a module
    that share a module-scoped fixture (a cluster, a built wheel) go to one worker, so it is
    built once, and so do the tests of any module that use one of _SHARED_SERVERS. Marked
    here, before xdist's own collection hook reads the marks."""
    server = next((name for name in _SHARED_SERVERS if name in getattr(item, "fixturenames", ())), None)
    if server is not None:
        item.add_marker(pytest.mark.xdist_group(server))
    elif _shares_a_fixture(item):
        item.add_marker(pytest.mark.xdist_group(_module(item)))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The slow tests (and the grouped modules that hold one) go out first, heaviest marker
    first, so the longest runs start at once and the short tests fill the other workers."""
    rank: dict[str, int] = {}
    for item in items:
        if (own := _rank(item)) is not None:
            rank[_module(item)] = min(own, rank.get(_module(item), own))
    first: list[tuple[int, pytest.Item]] = []
    rest: list[pytest.Item] = []
    for item in items:
        weight = rank.get(_module(item)) if item.get_closest_marker("xdist_group") else _rank(item)
        if weight is None:
            rest.append(item)
        else:
            first.append((weight, item))
    first.sort(key=lambda pair: pair[0])  # stable: a module's tests stay in their order
    items[:] = [item for _, item in first] + rest


def _module(item: pytest.Item) -> str:
    return item.nodeid.split("::", 1)[0]


def _rank(item: pytest.Item) -> int | None:
    """The index of the item's heaviest slow marker in _SLOW_MARKERS; None for a quick test."""
    return next((i for i, name in enumerate(_SLOW_MARKERS) if item.get_closest_marker(name)), None)


def _shares_a_fixture(item: pytest.Item) -> bool:
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return False
    return any(defs and defs[-1].scope in _SHARED_SCOPES for defs in info.name2fixturedefs.values())


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test gets its own PLANFLOW_HOME and no inherited planflow settings."""
    for name in list(os.environ):
        if name.startswith("PLANFLOW_") and name not in _KEEP:
            monkeypatch.delenv(name)
    monkeypatch.setenv("PLANFLOW_HOME", str(tmp_path / "home"))


@pytest.fixture
def defs_root(tmp_path: Path) -> Path:
    """A definitions folder with the small 'demo' directory and plan of tests/factories.py."""
    return write_definitions(tmp_path / "definitions")


def postgres_schema_url(schema: str = TEST_SCHEMA) -> str | None:
    """The URL of a new, empty schema on the test PostgreSQL server; None if unreachable."""
    engine = sa.create_engine(POSTGRES_URL)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    except sa.exc.OperationalError:
        return None
    finally:
        engine.dispose()
    separator = "&" if "?" in POSTGRES_URL else "?"
    return f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database: a SQLite file, and a PostgreSQL schema when reachable."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    url = postgres_schema_url()
    if url is None:
        if os.environ.get("PLANFLOW_REQUIRE_POSTGRES"):
            pytest.fail(
                f"PostgreSQL is required (PLANFLOW_REQUIRE_POSTGRES) but {POSTGRES_URL} is unreachable"
            )
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES_URL}")
    return url


@pytest.fixture(scope="session", autouse=True)
def _drop_test_schema() -> Iterator[None]:
    yield
    engine = sa.create_engine(POSTGRES_URL)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {TEST_SCHEMA} CASCADE"))
    except sa.exc.OperationalError:
        pass
    finally:
        engine.dispose()


@pytest.fixture
def sessions(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[sessionmaker[Session]]:
    """A store at head on ``database_url``: a copy of one migrated once per test process.
    Alembic's upgrade of a new or older store is proved by its own tests (tests/store/)."""
    copy_migrated_store(database_url, tmp_path_factory)
    with opened_store(database_url) as factory:
        yield factory


# One store per test process and backend, migrated to head by open_store: the SQLite file,
# and PostgreSQL's schema as pg_dump writes it (plain SQL, data as INSERTs).
_MIGRATED: dict[str, Path | str] = {}
TEMPLATE_SCHEMA = f"planflow_template_{os.getpid()}"


def copy_migrated_store(url: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Make the empty store at ``url`` (from ``database_url``) a copy of a migrated one, in
    milliseconds instead of the second Alembic takes for the whole chain. A store that a
    fixture has already written to (the CLI recording progress before ``sessions`` is
    asked for) is left as it is."""
    if url.startswith("sqlite:///"):
        if Path(url.removeprefix("sqlite:///")).exists():
            return
        if "sqlite" not in _MIGRATED:
            template = tmp_path_factory.mktemp("migrated") / "store.db"
            with opened_store(f"sqlite:///{template}"):
                pass  # migrated; closing the last connection folds the WAL into the file
            _MIGRATED["sqlite"] = template
        shutil.copyfile(_MIGRATED["sqlite"], url.removeprefix("sqlite:///"))
        return
    if "postgresql" not in _MIGRATED:
        _MIGRATED["postgresql"] = _dump_migrated_schema()
    schema = url.rsplit("search_path%3D", 1)[1]
    script = str(_MIGRATED["postgresql"]).replace(TEMPLATE_SCHEMA, schema)
    engine = sa.create_engine(POSTGRES_URL)
    try:
        with engine.begin() as conn:
            tables = conn.execute(
                sa.text("SELECT count(*) FROM information_schema.tables WHERE table_schema = :s"),
                {"s": schema},
            ).scalar_one()
            if tables:
                return
            conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
            conn.exec_driver_sql(script)
    finally:
        engine.dispose()


def _dump_migrated_schema() -> str:
    url = postgres_schema_url(TEMPLATE_SCHEMA)
    assert url is not None, "database_url has reached the server already"
    with opened_store(url):
        pass
    libpq = sa.make_url(POSTGRES_URL).set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        dump = subprocess.run(["pg_dump", "--schema", TEMPLATE_SCHEMA, "--inserts", "--no-owner",
                               "--no-privileges", libpq], check=True, capture_output=True, text=True)  # fmt: skip
    finally:
        engine = sa.create_engine(POSTGRES_URL)
        with engine.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {TEMPLATE_SCHEMA} CASCADE"))
        engine.dispose()
    # psql's meta-commands (\restrict since PostgreSQL 15.14) are not SQL: left out
    return "\n".join(line for line in dump.stdout.splitlines() if not line.startswith("\\"))


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    """A real SMTP server (aiosmtpd) on a free loopback port, recording what it accepts."""
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


def alembic_step(engine: sa.Engine, step: str, target: str) -> None:
    """Run Alembic's ``upgrade`` or ``downgrade`` to ``target`` on ``engine`` (migration tests)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        getattr(command, step)(config, target)


@pytest.fixture(scope="session")
def migrated_prefect_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Prefect's own SQLite database, migrated once per test run by ``prefect server
    database upgrade`` (5 to 8 CPU-s and hundreds of commits, which every local server on a
    new PLANFLOW_HOME would otherwise repeat). Under pytest-xdist the workers share it: the
    first to ask migrates it in the run's temporary folder, under a lock, and the others
    wait for it (each worker used to migrate its own, up to four times a run). A test copies
    it to ``home/prefect/`` with ``with_prefect_db``: its server then starts as on a user's
    second run. The first run, which migrates, stays proved by
    tests/flows/test_check_plan.py."""
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    home = shared / "prefect-migrated"
    with (shared / "prefect-migrated.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not (home / "done").exists():
            shutil.rmtree(home, ignore_errors=True)  # a worker stopped halfway
            home.mkdir()
            env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
            env["PREFECT_HOME"] = str(home)
            prefect = str(Path(sys.executable).with_name("prefect"))
            subprocess.run([prefect, "server", "database", "upgrade", "-y"], env=env, check=True,
                           capture_output=True)  # fmt: skip
            (home / "done").touch()
    return home / "prefect.db"


def with_prefect_db(home: Path, migrated: Path) -> Path:
    """``home`` (a PLANFLOW_HOME) holding a copy of the migrated Prefect database."""
    (home / "prefect").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(migrated, home / "prefect" / "prefect.db")
    return home


@pytest.fixture(scope="session")
def prefect_api_url(tmp_path_factory: pytest.TempPathFactory, migrated_prefect_db: Path) -> Iterator[str]:
    """The URL of one Prefect API server per test process, on a copy of the migrated
    database, started as ``planflow`` starts its local one (``planflow.flows.runtime``). The
    flow tests whose subject is the flow (notices queued, chunks, reports assembled) give it
    to the CLI as PREFECT_API_URL, the way a deployment names its server, instead of a
    server start per command (about 8 CPU-s each). A command's own local server, started
    and stopped with it, stays proved by tests/flows/test_check_plan.py, test_flow_logs.py,
    test_server_lifecycle.py and tests/deploy/test_serve.py."""
    # Prefect only for the tests that ask for it (a second or more of start-up for any other run)
    from prefect.settings import PREFECT_HOME, temporary_settings

    from planflow.flows.runtime import free_port, start_api_server, stop_process_group, wait_healthy

    home = tmp_path_factory.mktemp("prefect-api")
    shutil.copyfile(migrated_prefect_db, home / "prefect.db")
    port = free_port()
    with temporary_settings(updates={PREFECT_HOME: home}):
        server = start_api_server(port)
    try:
        yield wait_healthy(server, port, timeout=180)
    finally:
        stop_process_group(server, timeout=10)
