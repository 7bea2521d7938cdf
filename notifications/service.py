"""Queue the notices of a check and deliver the outbox: what the CLI and flows call."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable

from sqlalchemy.orm import Session, sessionmaker

from notifications.config import MailConfig, load_mail_config
from notifications.mailer import FileMailer, Mailer, SmtpMailer
from notifications.outbox import DeliveryReport, deliver, queue_digest
from notifications.render import Rendered, render_digest
from planflow.escalation import Digest, digests
from planflow.service import NoticePlan
from planflow.settings import Settings
from planflow.store.models import OutboxRow


def mail_config(settings: Settings) -> MailConfig:
    url = settings.smtp_url.get_secret_value() if settings.smtp_url else None
    return load_mail_config(settings.home, url, settings.mail_from)


def mailer_for(config: MailConfig) -> Mailer:
    return SmtpMailer(config.smtp) if config.smtp else FileMailer(config.eml_folder)


def plan_digests(plan: NoticePlan) -> list[Digest]:
    """One digest per recipient for plans that want digests, one per notice otherwise."""
    grouped = digests([n for n in plan.notices if n.item.facts.plan_id in plan.digest_plans])
    single = [Digest(n.recipient, [n]) for n in plan.notices if n.item.facts.plan_id not in plan.digest_plans]
    return grouped + single


def queue_notices(
    plan: NoticePlan, *, session: Session, now: dt.datetime, config: MailConfig
) -> list[OutboxRow]:
    """Record the notices and write their messages to the outbox (one transaction: the
    caller's). Returns the messages queued by this call."""

    def render(digest: Digest) -> Rendered:
        plan_id = digest.notices[0].item.facts.plan_id
        return render_digest(
            digest,
            as_of=plan.as_of,
            plan_titles=plan.plan_titles,
            unit_names=plan.unit_names,
            standing=plan.standing_names.get(plan_id, ""),
        )

    queued = []
    for digest in plan_digests(plan):
        row = queue_digest(digest, render, session=session, now=now, domain=config.sender.domain)
        if row is not None:
            queued.append(row)
    return queued


def send_outbox(
    factory: sessionmaker[Session],
    config: MailConfig,
    *,
    now: Callable[[], dt.datetime],
    mailer: Mailer | None = None,
    limit: int = 1000,
) -> DeliveryReport:
    """Deliver every message that is due (pending, or a retry whose time has come)."""
    return asyncio.run(deliver(factory, mailer or mailer_for(config), config.sender, now=now, limit=limit))
