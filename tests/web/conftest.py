"""A web app over the demo definitions in a real store, with a fixed clock (24/03/2026 09:00)."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from argon2 import PasswordHasher, profiles
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from planflow import accounts
from planflow.loader import load_definitions
from planflow.settings import Settings
from planflow.sync.definitions import sync_definitions
from planflow.web.app import create_app
from planflow.web.config import WebConfig, web_config

ICT = dt.timezone(dt.timedelta(hours=7))
NOW = dt.datetime(2026, 3, 24, 9, tzinfo=ICT)
SECRET = "s" * 40
PASSWORD = "mat-khau-thu-nghiem"


@dataclass
class Web:
    client: TestClient
    config: WebConfig
    sessions: sessionmaker[Session]
    home: Path

    def link(self, unit: str, plan: str = "demo-2026", days: int = 30) -> str:
        return "/p/" + self.config.tokens.progress_link(plan, unit, NOW + dt.timedelta(days=days))

    def csrf(self, path: str) -> str:
        page = self.client.get(path)
        assert page.status_code == 200, page.text
        found = re.search(r'name="csrf" value="([^"]+)"', page.text)
        assert found, "form without a CSRF token"
        return found.group(1)

    def login(self) -> None:
        token = self.csrf("/login")
        done = self.client.post("/login", data={"csrf": token, "user": "thuongtruc", "password": PASSWORD},
                                follow_redirects=False)  # fmt: skip
        assert done.status_code == 303


def settings_for(home: Path, **changes: object) -> Settings:
    values: dict[str, object] = {"home": home, "secret": SECRET, "board_password": PASSWORD, **changes}
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def _cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Argon2id at argon2-cffi's cheapest parameters (8 KiB, one pass, one lane) instead of the
    product's (64 MiB, three passes, four lanes: about a quarter CPU-second per account made
    or sign-in). The board's tests are about who signs in and sees what, not the cost factor:
    the stored hash is still Argon2id, salted, verified by argon2-cffi. The product's own
    parameters stay proved by tests/cli/test_users_cli.py."""
    monkeypatch.setattr(accounts, "_HASHER", PasswordHasher.from_parameters(profiles.CHEAPEST))
    accounts._dummy_hash.cache_clear()  # the unknown-name hash, made with the cheap parameters
    yield
    accounts._dummy_hash.cache_clear()


# SQLite stores with the definitions synced, one per test process and definitions folder
# content: a test's store is a copy (sync_definitions is proved by tests/sync/; here it only
# sets the stage). A PostgreSQL store is synced for each test.
_SYNCED: dict[str, Path] = {}


def _digest(root: Path) -> str:
    """The definitions folder's file names and bytes, hashed."""
    digest = hashlib.sha256()
    for file in sorted(p for p in root.rglob("*") if p.is_file()):
        data = file.read_bytes()
        digest.update(f"{file.relative_to(root)}\0{len(data)}\0".encode() + data)
    return digest.hexdigest()


def _synced_store(
    sessions: sessionmaker[Session], defs_root: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Sync the definitions into the (empty, migrated) store, or on SQLite copy a store
    this process has synced them into already."""
    engine = sessions.kw["bind"]
    path = engine.url.database if engine.url.get_backend_name() == "sqlite" else None
    key = _digest(defs_root)
    if path is not None and key in _SYNCED:
        engine.dispose()  # no connection holds the file while it is replaced
        shutil.copyfile(_SYNCED[key], path)
        return
    with sessions() as s, s.begin():
        sync_definitions(load_definitions(defs_root), None, session=s, now=NOW)
    if path is not None:
        engine.dispose()  # closing the last connection folds the WAL into the file
        template = tmp_path_factory.mktemp("synced") / "store.db"
        shutil.copyfile(path, template)
        _SYNCED[key] = template


@pytest.fixture
def web(
    sessions: sessionmaker[Session], defs_root: Path, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Web]:
    defs = load_definitions(defs_root)
    _synced_store(sessions, defs_root, tmp_path_factory)
    config = web_config(settings_for(tmp_path / "home"))
    app = create_app(config, defs, sessions, clock=lambda: NOW)
    with TestClient(app, base_url="http://127.0.0.1") as client:
        yield Web(client, config, sessions, tmp_path / "home")
