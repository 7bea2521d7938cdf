"""Replay the days of a period on a throwaway copy of the state: what would go out, day by day.

The copy is a temporary SQLite store holding the definitions and the progress and
notices already recorded in the real store; nothing is written to the real store and
nothing is sent. Officers use it to preview a plan before it goes live.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from planflow.loader import Definitions
from planflow.notifications.config import MailConfig
from planflow.notifications.notices import notices_due, queue_notices
from planflow.store.db import opened_store
from planflow.store.models import OutboxRow
from planflow.store.notices import message_occurrences
from planflow.store.snapshot import copy_history
from planflow.sync.definitions import sync_definitions

ICT = dt.timezone(dt.timedelta(hours=7))


@dataclass(frozen=True)
class SimulatedMail:
    """One message that would go out: to whom, copied to whom, its subject, text, thread
    references and the occurrences it is about."""

    recipient: str
    to: list[str]
    cc: list[str]
    subject: str
    text: str
    references: list[str]
    occurrences: list[str]


@dataclass(frozen=True)
class SimulatedDay:
    day: dt.date
    notices: list[dict[str, object]]
    messages: int
    skipped: int = 0
    """Ladder steps a catch-up passed over that day: recorded, not sent."""
    mail: list[SimulatedMail] = field(default_factory=list)


def _mail(session: Session, row: OutboxRow) -> SimulatedMail:
    about = message_occurrences(row.id, session=session)
    to, cc = [a for _, a in row.to_addrs], [a for _, a in row.cc_addrs]
    references, occurrences = list(row.references), sorted(set(about))
    return SimulatedMail(row.recipient, to, cc, row.subject, row.body_text, references, occurrences)


def simulate(
    defs: Definitions,
    real: sessionmaker[Session] | None,
    start: dt.date,
    end: dt.date,
    *,
    config: MailConfig,
    plan_ids: Sequence[str] | None = None,
) -> list[SimulatedDay]:
    """Each day from ``start`` to ``end``: the notices that would go out that morning."""
    ids = list(plan_ids or sorted(defs.plans))
    days: list[SimulatedDay] = []
    with (
        tempfile.TemporaryDirectory(prefix="planflow-simulate-") as folder,
        opened_store(f"sqlite:///{Path(folder) / 'copy.db'}") as copy,
    ):
        first = dt.datetime.combine(start, dt.time(7), tzinfo=ICT)
        with copy() as target, target.begin():
            sync_definitions(defs, ids, session=target, now=first)
            if real is not None:
                with real() as source:
                    copy_history(ids, source=source, session=target)
        day = start
        while day <= end:
            morning = dt.datetime.combine(day, dt.time(7), tzinfo=ICT)
            with copy() as session, session.begin():
                plan = notices_due(defs, ids, day, session=session)
                queued = queue_notices(plan, session=session, now=morning, config=config)
                mail = [_mail(session, r) for r in queued]
            days.append(SimulatedDay(day, plan.notices_json(), len(queued), len(plan.skipped), mail))
            day += dt.timedelta(days=1)
    return days
