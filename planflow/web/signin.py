"""Signing in to the board: wrong passwords slowed down per account and address, and
sessions kept on the server, so that logout really ends them.

Five wrong passwords for one account from one client address lock that pair for 15
minutes; the page says until when. Another address (the standing unit's officer behind the
same reverse proxy, once PLANFLOW_TRUSTED_PROXIES names it) is not locked out with it.

The cookie holds a random key (``secrets.token_urlsafe``); the store keeps its SHA-256 with
the user, the expiry and the revocation. A cookie copied before logout, or read from a copy
of the store, opens nothing. Lifetimes run on the wall clock, not on the app's clock
(``--as-of`` fixes the plan's "now", not the server's).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import secrets
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session, sessionmaker

from planflow import vnformat as vn
from planflow.store.web_sessions import add_web_session, revoke_web_session, web_session_user

SESSION_LIFETIME = dt.timedelta(hours=12)
MAX_FAILURES, LOCKOUT_SECONDS = 5, 15 * 60
MAX_TRACKED = 10_000  # (account, address) pairs remembered: a flood of names cannot fill memory
SHOWN_IN = ZoneInfo("Asia/Ho_Chi_Minh")


@dataclass
class LoginThrottle:
    """Wrong passwords per (account, client address) within LOCKOUT_SECONDS, on the wall
    clock (``clock``, seconds since the epoch): it guards the server, not the plan."""

    clock: Callable[[], float] = time.time
    failures: dict[tuple[str, str], deque[float]] = field(default_factory=dict)

    @staticmethod
    def _key(account: str, client: str) -> tuple[str, str]:
        return account.strip().casefold()[:120], client

    def _recent(self, key: tuple[str, str]) -> deque[float]:
        recent = self.failures.get(key, deque())
        while recent and self.clock() - recent[0] > LOCKOUT_SECONDS:
            recent.popleft()
        return recent

    def locked_until(self, account: str, client: str) -> float | None:
        """When the pair may try again, while it is locked; None when it may try now."""
        recent = self._recent(self._key(account, client))
        return recent[-MAX_FAILURES] + LOCKOUT_SECONDS if len(recent) >= MAX_FAILURES else None

    def failed(self, account: str, client: str) -> None:
        key = self._key(account, client)
        self.failures[key] = self._recent(key)
        self.failures[key].append(self.clock())
        while len(self.failures) > MAX_TRACKED:  # the pair that failed longest ago goes first
            del self.failures[min(self.failures, key=lambda k: self.failures[k][-1])]

    def succeeded(self, account: str, client: str) -> None:
        self.failures.pop(self._key(account, client), None)

    def message(self, until: float) -> str:
        """The Vietnamese line shown while locked: until when, and how long that is."""
        moment = dt.datetime.fromtimestamp(until, SHOWN_IN)
        minutes = max(1, math.ceil((until - self.clock()) / 60))
        return (
            f"Đã nhập sai mật khẩu {MAX_FAILURES} lần. Đăng nhập tài khoản này từ địa chỉ của bạn "
            f"tạm khoá đến {moment:%H:%M} ngày {vn.day(moment)} (còn {minutes} phút); hãy thử lại sau "
            "thời điểm đó."
        )


def wall_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def start_session(factory: sessionmaker[Session], user: str) -> str:
    """A new sign-in for ``user``: the key to put in the cookie."""
    key = secrets.token_urlsafe(32)
    now = wall_now()
    with factory() as session, session.begin():
        add_web_session(_hash(key), user, session=session, now=now, expires_at=now + SESSION_LIFETIME)
    return key


def session_user(factory: sessionmaker[Session], key: str) -> str | None:
    """Who the cookie's key signs in, or None (unknown, expired or logged out)."""
    with factory() as session:
        return web_session_user(_hash(key), session=session, now=wall_now())


def end_session(factory: sessionmaker[Session], key: str) -> None:
    with factory() as session, session.begin():
        revoke_web_session(_hash(key), session=session, now=wall_now())
