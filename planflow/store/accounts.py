"""Board accounts and their saved views in the store. Each function flushes and never
commits; disabling an account or changing its password revokes its live sign-ins."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, exists, select, update
from sqlalchemy.orm import Session

from planflow.store.models import AccountRow, SavedViewRow, WebSessionRow


def get_account(username: str, *, session: Session) -> AccountRow | None:
    return session.get(AccountRow, username)


def all_accounts(*, session: Session) -> list[AccountRow]:
    return list(session.scalars(select(AccountRow).order_by(AccountRow.directory_id, AccountRow.username)))


def any_active_account(*, session: Session) -> bool:
    """Whether the store has an account that may sign in (then the shared login is off)."""
    return bool(session.scalar(select(exists().where(AccountRow.disabled_at.is_(None)))))


def add_account(row: AccountRow, *, session: Session) -> AccountRow:
    session.add(row)
    session.flush()
    return row


def revoke_sessions(username: str, *, session: Session, now: dt.datetime) -> int:
    """End every live sign-in of ``username``; how many there were."""
    result = session.execute(
        update(WebSessionRow)
        .where(
            WebSessionRow.user == username, WebSessionRow.revoked_at.is_(None), WebSessionRow.expires_at > now
        )
        .values(revoked_at=now)
    )
    session.flush()
    return int(getattr(result, "rowcount", 0) or 0)


def saved_views(username: str, plan_id: str, *, session: Session) -> list[SavedViewRow]:
    query = select(SavedViewRow).where(SavedViewRow.username == username, SavedViewRow.plan_id == plan_id)
    return list(session.scalars(query.order_by(SavedViewRow.name)))


def save_view(
    username: str, plan_id: str, name: str, query: str, *, session: Session, now: dt.datetime
) -> None:
    """Save (or overwrite) the account's view called ``name`` for the plan."""
    session.execute(
        delete(SavedViewRow).where(
            SavedViewRow.username == username, SavedViewRow.plan_id == plan_id, SavedViewRow.name == name
        )
    )
    session.add(SavedViewRow(username=username, plan_id=plan_id, name=name, query=query, created_at=now))
    session.flush()


def delete_view(username: str, view_id: int, *, session: Session) -> None:
    """Remove one of the account's views (another account's view id removes nothing)."""
    session.execute(delete(SavedViewRow).where(SavedViewRow.id == view_id, SavedViewRow.username == username))
    session.flush()
