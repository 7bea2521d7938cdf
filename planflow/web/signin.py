"""Signing in to the board: sessions kept on the server, so that logout really ends them.

The cookie holds a random key (``secrets.token_urlsafe``); the store keeps its SHA-256 with
the user, the expiry and the revocation. A cookie copied before logout, or read from a copy
of the store, opens nothing. Lifetimes run on the wall clock, not on the app's clock
(``--as-of`` fixes the plan's "now", not the server's).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy.orm import Session, sessionmaker

from planflow.store.web_sessions import add_web_session, revoke_web_session, web_session_user

SESSION_LIFETIME = dt.timedelta(hours=12)


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
