"""The weekly digest to leadership: one message per leader who signed plans.

Each leader (the signer of a plan: ``KT. CHỦ TỊCH / PHÓ CHỦ TỊCH …``) gets, once per
ISO week, where each plan they signed stands: how many items are done, overdue,
blocked, due soon; the most overdue items with their lead units; and a link to the
board when the web app is public. Plans with nothing left open are left out. The
message is queued in the outbox once per (week, leader), whoever runs the digest and
however often.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from planflow import vnformat as vn
from planflow.check.plans import PlanCheck, check_plans
from planflow.notifications.config import DEFAULT_PREFIX, MailConfig
from planflow.notifications.outbox import queue_once
from planflow.notifications.render import Rendered, environment
from planflow.status import Status
from planflow.store import repo
from planflow.store.models import OutboxRow

TOP_ITEMS = 10
OPEN = tuple(s.value for s in Status if not s.is_done)


@dataclass(frozen=True)
class PlanLine:
    """One plan in a leader's digest."""

    plan_id: str
    title: str
    total: int
    done: int
    overdue: int
    blocked: int
    upcoming: int
    items: list[dict[str, Any]]
    more: int
    board: str | None

    @property
    def percent_done(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


@dataclass
class LeaderDigest:
    """Everything one leader gets this week."""

    name: str
    emails: tuple[str, ...]
    week: str
    as_of: dt.date
    plans: list[PlanLine] = field(default_factory=list)

    @property
    def key(self) -> str:
        return "|".join(self.emails) or self.name

    @property
    def overdue(self) -> int:
        return sum(p.overdue for p in self.plans)

    @property
    def week_words(self) -> str:
        """The week as an office writes it: "từ 27/10 đến 02/11/2025"."""
        return vn.week_span(self.as_of)


def iso_week(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def plan_line(check: PlanCheck, board: str | None) -> PlanLine:
    s = check.summary
    names = check.context.unit_names
    attention = sorted(check.attention,
                       key=lambda i: (-(i.days_overdue or 0), i.facts.due or dt.date.max, i.key))  # fmt: skip
    items = [
        {"title": i.facts.title, "period": vn.period_words(i.facts.period),
         "lead": ", ".join(names.get(u, u) for u in i.facts.lead),
         "due": vn.day(i.facts.due) if i.facts.due else "", "status": i.status.label,
         "days_overdue": i.days_overdue, "review": i.facts.review,
         "monitor": ", ".join(check.context.monitors.get(i.facts.item_id, []))}
        for i in attention[:TOP_ITEMS]
    ]  # fmt: skip
    return PlanLine(
        plan_id=check.plan_id, title=check.context.title, total=sum(s.values()),
        done=s[Status.DONE_ON_TIME.value] + s[Status.DONE_LATE.value], overdue=s[Status.OVERDUE.value],
        blocked=s[Status.BLOCKED.value], upcoming=s[Status.UPCOMING.value], items=items,
        more=max(0, len(attention) - TOP_ITEMS), board=board,
    )  # fmt: skip


def leader_digests(
    checks: Iterable[PlanCheck], *, board: Callable[[str], str | None] = lambda _: None
) -> list[LeaderDigest]:
    """Group the plans that still have open items by their signer."""
    found: dict[str, LeaderDigest] = {}
    for check in checks:
        if not any(check.summary[s] for s in OPEN):
            continue
        signer = check.context.signer
        digest = LeaderDigest(signer.name, signer.emails, iso_week(check.as_of.day), check.as_of.day)
        digest = found.setdefault(digest.key, digest)
        digest.plans.append(plan_line(check, board(check.plan_id)))
    for digest in found.values():
        digest.plans.sort(key=lambda p: (-p.overdue, p.plan_id))
    return [found[k] for k in sorted(found)]


def queue_leader_digest(
    digest: LeaderDigest, *, session: Session, now: dt.datetime, domain: str, prefix: str = DEFAULT_PREFIX
) -> OutboxRow | None:
    env = environment()
    lead = f"{prefix} " if prefix else ""
    subject = f"{lead}Tình hình thực hiện kế hoạch tuần {digest.week_words}: {len(digest.plans)} kế hoạch"
    if digest.overdue:
        subject += f", {digest.overdue} việc quá hạn"
    data = {"d": digest, "as_of": vn.day(digest.as_of), "subject": subject}
    rendered = Rendered(subject, env.get_template("leadership.txt.j2").render(data),
                        env.get_template("leadership.html.j2").render(data))  # fmt: skip
    return queue_once(f"leadership|{digest.week}|{digest.key}", recipient=f"leader:{digest.key}",
                      names=digest.name, to=[(digest.name, e) for e in digest.emails], cc=[],
                      rendered=rendered, session=session, now=now, domain=domain)  # fmt: skip


def run_leadership_digest(
    factory: sessionmaker[Session],
    as_of: dt.date | dt.datetime,
    *,
    config: MailConfig,
    plan_ids: Sequence[str] | None = None,
    dry_run: bool = False,
    now: Callable[[], dt.datetime],
) -> dict[str, Any]:
    """Queue this week's digest for every leader (unless ``dry_run``): one transaction."""
    links = config.links
    board = (lambda p: links.board(p)) if links is not None else (lambda _: None)
    with factory() as session, session.begin():
        ids = list(plan_ids or repo.plan_ids_by_id(session=session))
        digests = leader_digests(check_plans(session, ids, as_of), board=board)
        queued = 0
        for digest in digests if not dry_run else ():
            row = queue_leader_digest(digest, session=session, now=now(), domain=config.sender.domain,
                                      prefix=config.subject_prefix)  # fmt: skip
            queued += row is not None
    return {
        "as_of": (digests[0].as_of.isoformat() if digests else None),
        "leaders": [{"name": d.name, "emails": list(d.emails), "week": d.week,
                     "plans": [p.plan_id for p in d.plans], "overdue": d.overdue} for d in digests],
        "queued": queued,
        "dry_run": dry_run,
    }  # fmt: skip
