"""Queue the notices of a check and deliver the outbox: what the CLI and flows call."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from planflow import vnformat as vn
from planflow.check.plans import PlanCheck, PlanContext, check_plans
from planflow.coordination import COORDINATION
from planflow.escalation import Digest, Notice, digests, next_fire, step_label
from planflow.loader import Definitions
from planflow.notifications.config import MailConfig, load_mail_config
from planflow.notifications.coordination import render_coordination
from planflow.notifications.delivery import DeliveryReport, deliver
from planflow.notifications.mailer import FileMailer, Mailer, SmtpMailer
from planflow.notifications.outbox import queue_digest, record_skipped
from planflow.notifications.render import (
    NOTICE_HEADINGS,
    Rendered,
    digest_links,
    heading_of,
    item_title,
    lateness_words,
    render_digest,
    unit_of,
)
from planflow.settings import Settings
from planflow.store import repo
from planflow.store.models import OutboxRow
from planflow.store.states import advance_notices
from planflow.sync.definitions import sync_definitions
from planflow.web.config import link_maker

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class NoticePlan:
    """The notices due at an as-of time over some plans, and what rendering them needs."""

    as_of: dt.date
    notices: list[Notice]
    plan_titles: dict[str, str]
    standing_names: dict[str, str]
    digest_plans: frozenset[str]
    reports: list[PlanCheck]
    """The plans checked, but for those quiet that planned nothing (``check_plans``)."""
    skipped: list[Notice] = field(default_factory=list)
    """Steps a catch-up passed over: recorded as skipped, never sent."""
    checked: int = 0
    """The number of plans checked, listed or not."""

    @property
    def listed(self) -> list[PlanCheck]:
        """The plans a check lists: those with something due (not ``PlanCheck.quiet``)."""
        return [r for r in self.reports if not r.quiet]

    @property
    def quiet(self) -> int:
        """The plans checked with nothing overdue, blocked or due soon and no notice due."""
        return self.checked - len(self.listed)

    @cached_property
    def contexts(self) -> dict[str, PlanContext]:
        """Plan id → its context, built once: every digest asks for it (a catch-up at 1M
        occurrences renders 20,000 digests over 9,460 plans)."""
        return {check.plan_id: check.context for check in self.reports}

    def unit_names(self, notices: Sequence[Notice]) -> dict[str, str]:
        """The unit names of the directory the notices' plans use. Two communes may use
        the same unit id (``phong-vhxh``): names are never merged across directories, and
        one message (one recipient, hence one directory) never mixes them."""
        contexts = self.contexts
        directories = {contexts[n.item.facts.plan_id].directory for n in notices}
        if len(directories) != 1:
            raise ValueError(f"one message over several unit directories: {sorted(directories)}")
        return dict(contexts[notices[0].item.facts.plan_id].unit_names)

    def notices_json(self) -> list[dict[str, object]]:
        """The stable ``--json`` form of the notices (documented in the README). Besides the
        keys a machine reads (``step``, ``recipient``, ``occurrence``), each says how a
        person reads it, as the message does: ``heading``, ``item``, ``lateness``."""
        contexts = self.contexts
        out: list[dict[str, object]] = []
        for n in self.notices:
            facts, context = n.item.facts, contexts[n.item.facts.plan_id]
            period = vn.period_words(facts.period)
            item = item_title(facts, context.unit_names, unit_of(n.recipient.id))
            out.append({
                "occurrence": n.item.key,
                "plan": facts.plan_id,
                "title": facts.title,
                "item": f"{item} ({period})" if period else item,
                "due": facts.due.isoformat() if facts.due else None,
                "status": n.item.status.value,
                "days_overdue": n.item.days_overdue,
                "lateness": lateness_words(n.item.days_overdue, n.item.days_left),
                "kind": n.kind,
                "heading": NOTICE_HEADINGS[heading_of(n)],
                "step": n.step_key,
                "step_label": step_label(n.step, n.due, n.fire_date),
                "template": n.step.template,
                "fire_date": n.fire_date.isoformat(),
                "recipient": n.recipient.id,
                "recipient_name": n.recipient.name,
                "emails": list(n.recipient.emails),
                "cc": [c.id for c in n.cc],
                "example": context.example,
            })  # fmt: skip
        return out


def notices_due(
    defs: Definitions | None,
    plan_ids: Sequence[str] | None,
    as_of: dt.date | dt.datetime,
    *,
    session: Session,
) -> NoticePlan:
    """Statuses of the plans at ``as_of`` and the ladder notices not yet recorded. A plan with
    nothing overdue, blocked or due soon and no notice due is counted, not listed (nor read,
    where the current state decides: the daily check's cost follows what is due).

    The plans must be synced (the check reads the store: see ``planflow.check.plans``); an id
    that is not a plan of ``defs`` is refused as before. Without ``defs`` (a chunk of a
    check) an id not in the store is refused by ``planflow.check.plans``. ``plan_ids`` None:
    every live plan of the store (after every definition was synced: the plans of ``defs``)."""
    if defs is not None and plan_ids is not None:
        for plan_id in plan_ids:
            defs.plan(plan_id)
    notices: list[Notice] = []
    skipped: list[Notice] = []
    titles, standing, digest = {}, {}, set()
    checks: list[PlanCheck] = []
    day = None
    started = time.perf_counter()
    for check in check_plans(session, plan_ids, as_of, quiet=False):
        context = check.context
        checks.append(check)
        day = check.as_of.day
        titles[check.plan_id] = context.title
        standing[check.plan_id] = context.standing_name
        if context.digest:
            digest.add(check.plan_id)
        notices += (n for n in check.notices if not n.skipped)
        skipped += (n for n in check.notices if n.skipped)
    as_of_day = day or (as_of.date() if isinstance(as_of, dt.datetime) else as_of)
    checked = len(set(plan_ids)) if plan_ids is not None else repo.live_plan_count(session=session)
    plan = NoticePlan(as_of_day, notices, titles, standing, frozenset(digest), checks, skipped, checked)
    listed = plan.listed
    log.info(
        "check %s: %d plan(s) with something due (%d occurrence(s)), %d with nothing due, %d notice(s) due, "
        "%d skipped, in %.2f s",
        as_of_day, len(listed), sum(sum(c.summary.values()) for c in listed), plan.quiet, len(notices),
        len(skipped), time.perf_counter() - started,
    )  # fmt: skip
    return plan


def mail_config(settings: Settings) -> MailConfig:
    """Mail settings, with the web links messages carry when PLANFLOW_PUBLIC_URL and
    PLANFLOW_SECRET are set."""
    url = settings.smtp_url.get_secret_value() if settings.smtp_url else None
    config = load_mail_config(settings.home, url, settings.mail_from, settings.mail_subject_prefix)
    return replace(config, links=link_maker(settings), send_examples=settings.send_examples)


def mailer_for(config: MailConfig) -> Mailer:
    return SmtpMailer(config.smtp) if config.smtp else FileMailer(config.eml_folder)


def plan_digests(plan: NoticePlan) -> list[Digest]:
    """One digest per recipient for plans that want digests; otherwise one message per
    notice, threaded with the earlier messages about its occurrence. A coordination request
    is always a message of its own kind, never mixed with reminders."""
    out: list[Digest] = []
    for kind in ("ladder", COORDINATION):
        notices = [n for n in plan.notices if n.kind == kind]
        single = [n for n in notices if n.item.facts.plan_id not in plan.digest_plans]
        out += digests([n for n in notices if n.item.facts.plan_id in plan.digest_plans])
        out += [Digest(n.recipient, [n], threaded=True) for n in single]
    return out


def example_plans(plan: NoticePlan) -> set[str]:
    """Plans marked ``example: true``: illustrations with assumed dates and signers, whose
    notices are planned and shown but not queued unless PLANFLOW_SEND_EXAMPLES is set."""
    return {r.plan_id for r in plan.reports if r.context.example}


def queue_notices(
    plan: NoticePlan, *, session: Session, now: dt.datetime, config: MailConfig
) -> list[OutboxRow]:
    """Record the notices and write their messages to the outbox (one transaction: the
    caller's); the steps a catch-up passed over are recorded as skipped. Returns the
    messages queued by this call."""

    def monitors_of(digest: Digest) -> dict[str, list[str]]:
        contexts = plan.contexts
        return {
            n.item.key: contexts[n.item.facts.plan_id].monitors.get(n.item.facts.item_id, [])
            for n in digest.notices
        }

    def render(digest: Digest) -> Rendered:
        plan_id = digest.notices[0].item.facts.plan_id
        if digest.notices[0].kind == COORDINATION:
            return render_coordination(digest, plan.contexts, as_of=plan.as_of, prefix=config.subject_prefix)
        return render_digest(
            digest,
            as_of=plan.as_of,
            plan_titles=plan.plan_titles,
            unit_names=plan.unit_names(digest.notices),
            standing=plan.standing_names.get(plan_id, ""),
            links=digest_links(digest, config.links, now),
            prefix=config.subject_prefix,
            issuer=plan.contexts[digest.items[0].item.facts.plan_id].issuer,
            monitors=monitors_of(digest),
        )

    muted = set() if config.send_examples else example_plans(plan)
    if muted:  # an example records nothing, skipped steps included: enabling it later starts afresh
        kept = [n for n in plan.notices if n.item.facts.plan_id not in muted]
        skipped = [n for n in plan.skipped if n.item.facts.plan_id not in muted]
        plan = replace(plan, notices=kept, skipped=skipped)
    if muted:
        log.info("check: notices of example plan(s) %s not sent", ", ".join(sorted(muted)))
    record_skipped(plan.skipped, session=session, now=now)
    queued = []
    for digest in plan_digests(plan):
        row = queue_digest(digest, render, session=session, now=now, domain=config.sender.domain)
        if row is not None:
            queued.append(row)
    advance_notices(next_notice_days(plan, muted), session=session)
    log.info("check: %d message(s) queued for %d notice(s)", len(queued), len(plan.notices))
    return queued


def next_notice_days(
    plan: NoticePlan, muted: set[str] | frozenset[str] = frozenset()
) -> dict[str, dt.date | None]:
    """Occurrence → the next day one of its notices can fire, for every item whose notices
    the check planned (those of ``muted`` plans are not recorded: left out)."""
    days: dict[str, dt.date | None] = {}
    for check in plan.reports:
        if check.plan_id in muted or not check.planned:
            continue
        context, today = check.context, check.as_of.day
        for item in check.planned:
            if item.facts.due is not None:
                policy = context.policies[item.facts.item_id]
                days[item.key] = next_fire(policy, item.facts.due, context.calendar, today)
    return days


def send_outbox(
    factory: sessionmaker[Session],
    config: MailConfig,
    *,
    now: Callable[[], dt.datetime],
    mailer: Mailer | None = None,
) -> DeliveryReport:
    """Deliver every message that is due (pending, or a retry whose time has come), in
    batches until none is left."""
    return asyncio.run(deliver(factory, mailer or mailer_for(config), config.sender, now=now))


@dataclass(frozen=True)
class CheckOutcome:
    """One check of several plans: statuses, the notices due, what was queued and sent."""

    plan: NoticePlan
    queued: int
    delivery: DeliveryReport | None

    def plans_json(self) -> list[dict[str, object]]:
        return [
            {"plan": r.plan_id, "title": r.context.title, "summary": r.summary, "example": r.context.example}
            for r in self.plan.listed
        ]

    def attention_json(self) -> list[dict[str, Any]]:
        return [item.as_json() for r in self.plan.reports for item in r.attention]

    def as_json(self) -> dict[str, object]:
        return {
            "as_of": self.plan.as_of.isoformat(),
            "plans": self.plans_json(),
            "quiet_plans": self.plan.quiet,
            "overdue": self.attention_json(),
            "notices": self.plan.notices_json(),
            "queued": self.queued,
            "delivery": self.delivery.as_json() if self.delivery else None,
        }  # fmt: skip


def run_check(
    defs: Definitions | None,
    factory: sessionmaker[Session],
    as_of: dt.date | dt.datetime,
    *,
    config: MailConfig,
    plan_ids: Sequence[str] | None = None,
    dry_run: bool = False,
    deliver_now: bool = True,
    now: Callable[[], dt.datetime],
) -> CheckOutcome:
    """Sync, evaluate the plans in one pass, plan the notices and (unless ``dry_run``)
    record and queue them in one transaction, then deliver the outbox.

    Without ``defs`` (a chunk of a check whose caller synced and chose the plans) nothing
    is synced and the store alone is read: ``plan_ids`` are then required."""
    if defs is None and not plan_ids:
        raise ValueError("run_check without definitions needs the plan ids")
    with factory() as session, session.begin():
        if defs is not None:
            sync_definitions(defs, plan_ids, session=session, now=now())
        # every plan of the folder: once synced, every live plan of the store, which the check lists
        plan = notices_due(defs, list(plan_ids) if plan_ids else None, as_of, session=session)
        for check in plan.reports:  # the items needing attention, read while the session is open
            check.attention  # noqa: B018
        queued = [] if dry_run else queue_notices(plan, session=session, now=now(), config=config)
    delivery = None
    if deliver_now and not dry_run:
        delivery = send_outbox(factory, config, now=now)
    return CheckOutcome(plan, len(queued), delivery)
