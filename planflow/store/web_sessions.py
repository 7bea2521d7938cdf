"""Board sign-ins kept on the server (``web_sessions``): added at login, looked up on each
board request, revoked at logout. Functions take the hash of the cookie's key, never the
key itself; each flushes and never commits."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from planflow.store.models import WebSessionRow

KEEP_REVOKED = dt.timedelta(days=30)  # expired and revoked rows stay this long, then go


def add_web_session(
    id_hash: str, user: str, *, session: Session, now: dt.datetime, expires_at: dt.datetime
) -> None:
    """Record a sign-in; rows long expired are removed on the way (sign-ins are rare)."""
    session.execute(delete(WebSessionRow).where(WebSessionRow.expires_at < now - KEEP_REVOKED))
    session.add(WebSessionRow(id_hash=id_hash, user=user, created_at=now, expires_at=expires_at))
    session.flush()


def web_session_user(id_hash: str, *, session: Session, now: dt.datetime) -> str | None:
    """The user of a live sign-in (known, not revoked, not expired at ``now``), else None."""
    return session.scalar(
        select(WebSessionRow.user).where(
            WebSessionRow.id_hash == id_hash,
            WebSessionRow.revoked_at.is_(None),
            WebSessionRow.expires_at > now,
        )
    )


def revoke_web_session(id_hash: str, *, session: Session, now: dt.datetime) -> None:
    """End a sign-in: its cookie, wherever copied, opens nothing any more."""
    session.execute(
        update(WebSessionRow)
        .where(WebSessionRow.id_hash == id_hash, WebSessionRow.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    session.flush()
