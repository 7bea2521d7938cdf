"""Board accounts: who a person is on the board and which plans and items they may see.

Four roles, each bound to one unit directory (``definitions/units/<id>.yaml``):

- ``officer``: a unit's officer; sees the plans of the directory, and in them only the
  items its unit leads or supports; records progress on its unit's items.
- ``standing``: the standing unit (cơ quan thường trực); sees and works on every item of
  the directory's plans.
- ``leader``: the commune's leadership, who sign its plans; reads them, writes nothing.
- ``reviewer``: a province department; reads the province directory's plans and the plans
  of the communes that implement them (``parent_plan``), writes nothing.

The shared login of earlier versions (PLANFLOW_BOARD_USER / PLANFLOW_BOARD_PASSWORD) is a
standing-unit viewer over every plan, and works only while the store has no active account.

Passwords are hashed with Argon2id (argon2-cffi's defaults, salted per password).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Session

from planflow import vnformat as vn
from planflow.errors import AccountError
from planflow.loader import Definitions
from planflow.schema import Plan
from planflow.status import OccurrenceStatus
from planflow.store import accounts as store
from planflow.store.models import AccountRow
from planflow.units import UnitIndex

MIN_PASSWORD = 10
_HASHER = PasswordHasher()


@cache
def _dummy_hash() -> str:
    """Verified when the name is unknown, so a wrong name costs as long as a wrong password
    (made on first use: hashing at import would slow every command that imports this)."""
    return _HASHER.hash("planflow-no-such-account")


class Role(StrEnum):
    OFFICER = "officer"
    STANDING = "standing"
    LEADER = "leader"
    REVIEWER = "reviewer"

    @property
    def label(self) -> str:
        return vn.ACCOUNT_ROLE_LABELS[self.value]


@dataclass(frozen=True)
class Viewer:
    """The signed-in person as the board sees them. ``directory_id`` None means every plan
    (the shared login); ``account`` None means the shared login (no saved views)."""

    username: str
    display_name: str
    role: Role
    directory_id: str | None
    unit_id: str | None
    account: bool

    @property
    def can_write(self) -> bool:
        return self.role in (Role.OFFICER, Role.STANDING)

    def sees_plan(self, plan: Plan, defs: Definitions) -> bool:
        """Whether the plan is in this viewer's reach."""
        if self.directory_id is None or plan.units == self.directory_id:
            return True
        parent = plan.parent_plan
        if self.role is Role.REVIEWER and parent is not None and parent in defs.plans:
            return defs.plan(parent).units == self.directory_id
        return False

    def sees_item(self, item: OccurrenceStatus) -> bool:
        """An officer sees the items its unit leads or supports; the others see all."""
        if self.role is not Role.OFFICER:
            return True
        return self.unit_id in item.facts.lead or self.unit_id in item.facts.support


def shared_viewer(username: str) -> Viewer:
    return Viewer(username, username, Role.STANDING, None, None, account=False)


def viewer_of(row: AccountRow) -> Viewer:
    return Viewer(row.username, row.display_name, Role(row.role), row.directory_id, row.unit_id, account=True)


def normalize_username(name: str) -> str:
    return name.strip().casefold()


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"mật khẩu quá ngắn ({len(password)} ký tự): cần ít nhất {MIN_PASSWORD} ký tự")
    return _HASHER.hash(password)


def authenticate(username: str, password: str, *, session: Session) -> Viewer | None:
    """The viewer for a right name and password of an active account, else None. Every
    attempt verifies one Argon2 hash, whether or not the name exists."""
    row = store.get_account(normalize_username(username), session=session)
    try:
        _HASHER.verify(row.password_hash if row else _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return None
    if row is None or row.disabled_at is not None:
        return None
    return viewer_of(row)


def active_viewer(username: str, *, session: Session) -> Viewer | None:
    row = store.get_account(username, session=session)
    return viewer_of(row) if row is not None and row.disabled_at is None else None


def new_account(
    username: str, display_name: str, role: Role, directory_id: str, unit: str | None, password: str,
    defs: Definitions, *, session: Session, now: dt.datetime,
) -> AccountRow:  # fmt: skip
    """Check and add an account: a known directory, a unit (by id, name or alias) for an
    officer and only for an officer, a free name, a long enough password."""
    name = normalize_username(username)
    if not name or len(name) > 120 or any(c.isspace() for c in name):
        raise AccountError(
            f"tên đăng nhập '{username}' không hợp lệ: một từ, không dấu cách, tối đa 120 ký tự"
        )
    if directory_id not in defs.directories:
        known = ", ".join(sorted(defs.directories))
        raise AccountError(f"không có danh mục đơn vị '{directory_id}'; các danh mục có: {known}")
    unit_id = None
    if role is Role.OFFICER:
        if not unit:
            raise AccountError("tài khoản cán bộ đơn vị cần --unit (mã, tên hoặc tên viết tắt của đơn vị)")
        unit_id = UnitIndex(defs.directories[directory_id]).resolve(unit).id
    elif unit:
        raise AccountError(f"chỉ tài khoản vai trò officer gắn với một đơn vị; bỏ --unit cho vai trò {role}")
    if store.get_account(name, session=session) is not None:
        raise AccountError(f"tài khoản '{name}' đã có; đổi mật khẩu bằng: planflow user reset {name}")
    row = AccountRow(username=name, display_name=display_name.strip() or name, role=role.value,
                     directory_id=directory_id, unit_id=unit_id, password_hash=hash_password(password),
                     created_at=now, disabled_at=None)  # fmt: skip
    return store.add_account(row, session=session)


def _existing(username: str, session: Session) -> AccountRow:
    row = store.get_account(normalize_username(username), session=session)
    if row is None:
        raise AccountError(f"không có tài khoản '{username}'; xem danh sách: planflow user list")
    return row


def disable_account(username: str, *, session: Session, now: dt.datetime) -> int:
    """Disable the account and end its sign-ins at once; how many sign-ins were ended."""
    row = _existing(username, session)
    row.disabled_at = row.disabled_at or now
    return store.revoke_sessions(row.username, session=session, now=now)


def reset_password(username: str, password: str, *, session: Session, now: dt.datetime) -> int:
    """Set a new password (enabling the account again) and end its sign-ins."""
    row = _existing(username, session)
    row.password_hash = hash_password(password)
    row.disabled_at = None
    return store.revoke_sessions(row.username, session=session, now=now)
