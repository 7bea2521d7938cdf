"""``planflow user``: accounts added, listed, disabled and reset through the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from typer.testing import CliRunner

from planflow.cli import app
from planflow.settings import load_settings
from planflow.store.db import opened_store
from planflow.store.models import AccountRow

PASSWORD = "mat-khau-rieng-123"
_runner = CliRunner()


def user(*args: str, password: str | None = None) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of ``planflow user ARGS``, typing the password twice when asked."""
    typed = f"{password}\n{password}\n" if password is not None else None
    result = _runner.invoke(app, ["user", *args], input=typed)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(autouse=True)
def _definitions(defs_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLANFLOW_DEFINITIONS", str(defs_root))


def stored(name: str) -> AccountRow | None:
    with opened_store(load_settings().effective_database_url) as factory, factory() as s:
        return s.get(AccountRow, name)


def test_add_asks_the_password_and_stores_only_its_hash() -> None:
    """An officer is added with its unit resolved from an alias; the store keeps an Argon2 hash, not the password."""
    code, out, err = user("add", "Lan", "--role", "officer", "--directory", "demo", "--unit", "Phòng VH-XH",
                          "--name", "Trần Thị Lan", password=PASSWORD)  # fmt: skip
    assert code == 0, err
    assert "Đã thêm tài khoản lan (Cán bộ đơn vị, danh mục demo, đơn vị vhxh)." in out
    row = stored("lan")
    assert (
        row is not None and row.password_hash.startswith("$argon2id$") and PASSWORD not in row.password_hash
    )
    assert PasswordHasher().verify(row.password_hash, PASSWORD)
    # at argon2-cffi's default cost (the board's tests sign in with cheaper hashes)
    assert not PasswordHasher().check_needs_rehash(row.password_hash)
    code, out, _ = user("list", "--json")
    assert json.loads(out) == [{"username": "lan", "name": "Trần Thị Lan", "role": "officer", "directory": "demo",
                                "unit": "vhxh", "active": True}]  # fmt: skip


@pytest.mark.parametrize(
    ("args", "message"),
    [
        # an officer needs its unit
        (["x", "--role", "officer", "--directory", "demo"],
         "tài khoản cán bộ đơn vị cần --unit (mã, tên hoặc tên viết tắt của đơn vị)"),
        # only an officer has a unit
        (["x", "--role", "leader", "--directory", "demo", "--unit", "vhxh"],
         "chỉ tài khoản vai trò officer gắn với một đơn vị; bỏ --unit cho vai trò leader"),
        # an unknown directory lists the known ones
        (["x", "--role", "standing", "--directory", "loc-tan"],
         "không có danh mục đơn vị 'loc-tan'; các danh mục có: demo"),
    ],
)  # fmt: skip
def test_add_refusals_are_messages(args: list[str], message: str) -> None:
    """A wrong combination of role, directory and unit is refused with a message saying what to do."""
    code, _, err = user("add", *args, password=PASSWORD)
    assert code == 1 and message in " ".join(err.split())


def test_short_password_and_duplicate_name_are_refused() -> None:
    """A password under 10 characters and a name already taken are refused."""
    code, _, err = user("add", "a", "--role", "standing", "--directory", "demo", password="ngan")
    assert code == 1 and "mật khẩu quá ngắn (4 ký tự): cần ít nhất 10 ký tự" in err
    assert user("add", "a", "--role", "standing", "--directory", "demo", password=PASSWORD)[0] == 0
    code, _, err = user("add", "A", "--role", "leader", "--directory", "demo", password=PASSWORD)
    assert code == 1 and "tài khoản 'a' đã có; đổi mật khẩu bằng: planflow user reset a" in err


def test_disable_and_reset() -> None:
    """Disable marks the account off; reset sets a new hash and enables it again; an unknown name is a message."""
    user("add", "vp", "--role", "standing", "--directory", "demo", password=PASSWORD)
    code, out, _ = user("disable", "vp")
    assert code == 0 and "Đã khoá tài khoản vp; kết thúc 0 phiên đăng nhập." in out
    assert "vp: vp, Cơ quan thường trực, demo — đã khoá" in user("list")[1]
    old = stored("vp")
    code, out, _ = user("reset", "vp", password="mat-khau-moi-456")
    assert code == 0 and "Đã đặt lại mật khẩu của vp; kết thúc 0 phiên đăng nhập." in out
    new = stored("vp")
    assert (
        old is not None
        and new is not None
        and new.disabled_at is None
        and new.password_hash != old.password_hash
    )
    code, _, err = user("disable", "khong-co")
    assert code == 1 and "không có tài khoản 'khong-co'; xem danh sách: planflow user list" in err


def test_list_without_accounts_says_the_shared_login_is_in_use() -> None:
    """With no account, the list says the board uses the shared login."""
    code, out, _ = user("list")
    assert (
        code == 0 and "Chưa có tài khoản nào (bảng theo dõi dùng đăng nhập chung PLANFLOW_BOARD_USER)." in out
    )
