"""Assemble the reports that are due, and send a finished one: what the CLI and the
``assemble_reports`` flow call.

Assembly, each day: for every report occurrence whose assembly day has come and that is
not sent, build the context at the as-of time, render it, store a version if the content
changed and queue the draft to the compiling unit. Each report is its own transaction,
so one broken report (say, an officer's template that no longer renders) does not hold
back the others; its error is reported with the others' results.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from planflow.errors import PlanflowError
from planflow.loader import Definitions
from planflow.notifications.config import MailConfig
from planflow.notifications.delivery import DeliveryReport
from planflow.notifications.notices import send_outbox
from planflow.reports.cycle import ReportContext
from planflow.reports.duties import (
    RenderedFile,
    ReportDuty,
    compiler_of,
    find_duty,
    mark_sent,
    recipients_of,
    report_context,
    report_duties,
    save_version,
    with_children,
)
from planflow.reports.render import queue_report_mail, render_report, template_path
from planflow.status import resolve_as_of
from planflow.store.models import ReportVersionRow
from planflow.sync.definitions import sync_definitions

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Assembled:
    key: str
    state: str
    version: int | None
    new_version: bool
    mailed: bool
    error: str | None = None
    markdown: str = ""

    def as_json(self) -> dict[str, object]:
        return {"key": self.key, "state": self.state, "version": self.version,
                "new_version": self.new_version, "mailed": self.mailed, "error": self.error}  # fmt: skip


@dataclass
class AssemblyOutcome:
    as_of: dt.date
    reports: list[Assembled] = field(default_factory=list)
    delivery: DeliveryReport | None = None

    def as_json(self) -> dict[str, object]:
        return {
            "as_of": self.as_of.isoformat(),
            "reports": [r.as_json() for r in self.reports],
            "delivery": self.delivery.as_json() if self.delivery else None,
        }


def _due_duties(
    defs: Definitions, ids: Sequence[str], as_of: dt.date | dt.datetime, *, session: Session
) -> list[ReportDuty]:
    return [d for d in report_duties(defs, ids, as_of, session=session) if d.assembling]


def assemble_reports(
    defs: Definitions,
    factory: sessionmaker[Session],
    as_of: dt.date | dt.datetime,
    *,
    config: MailConfig,
    now: Callable[[], dt.datetime],
    plan_ids: Sequence[str] | None = None,
    deliver_now: bool = True,
) -> AssemblyOutcome:
    """Build the drafts of every report whose assembly window is open; mail new versions."""
    ids = list(plan_ids or sorted(defs.plans))
    with factory() as session, session.begin():
        sync_definitions(defs, plan_ids, session=session, now=now())
        keys = [(d.plan.id, d.report.id, d.period) for d in _due_duties(defs, ids, as_of, session=session)]
    outcome = AssemblyOutcome(as_of if isinstance(as_of, dt.date) and not isinstance(as_of, dt.datetime)
                              else as_of.date())  # fmt: skip
    for plan_id, report_id, period in keys:
        try:
            outcome.reports.append(
                assemble_one(defs, factory, plan_id, report_id, period, as_of, config=config, now=now)
            )
        except PlanflowError as exc:
            # INFO: the outcome lists the error for the caller to report
            log.info("report %s/%s/%s not assembled: %s", plan_id, report_id, period or "once", exc)
            outcome.reports.append(Assembled(f"{plan_id}/{report_id}/{period or 'once'}", "error",
                                             None, False, False, str(exc)))  # fmt: skip
    built = outcome.reports
    log.info(
        "assembly %s: %d report(s) due, %d built, %d new version(s), %d mailed",
        outcome.as_of, len(keys), sum(r.error is None for r in built), sum(r.new_version for r in built),
        sum(r.mailed for r in built),
    )  # fmt: skip
    if deliver_now:
        outcome.delivery = send_outbox(factory, config, now=now)
    return outcome


def assemble_one(
    defs: Definitions,
    factory: sessionmaker[Session],
    plan_id: str,
    report_id: str,
    period: str | None,
    as_of: dt.date | dt.datetime,
    *,
    config: MailConfig,
    now: Callable[[], dt.datetime],
) -> Assembled:
    """One report's draft: a new version if its content changed, mailed to the compiler
    (not for an example plan, unless PLANFLOW_SEND_EXAMPLES is set)."""
    with factory() as session, session.begin():
        duty = find_duty(defs, plan_id, report_id, period or "once", as_of, session=session)
        ctx, files, version, created = _build_and_keep(defs, duty, as_of, session=session, now=now())
        mailed = False
        # an example plan's drafts are kept but not mailed unless examples are enabled
        if created and (config.send_examples or not duty.plan.example):
            row = queue_report_mail(
                version, ctx, final=False, to=[compiler_of(defs, duty)], session=session, now=now(),
                domain=config.sender.domain, prefix=config.subject_prefix,
            )  # fmt: skip
            mailed = row is not None
        if not created:
            log.info("report %s: unchanged, still version %d", duty.key, version.version)
        elif mailed:
            log.info("report %s: version %d stored and mailed to the compiler", duty.key, version.version)
        else:
            log.info("report %s: version %d stored, kept (not mailed)", duty.key, version.version)
        markdown = next((f.content.decode() for f in files if f.format == "md"), "")
        return Assembled(duty.key, duty.state.value, version.version, created, mailed, markdown=markdown)


def _build_and_keep(
    defs: Definitions, duty: ReportDuty, as_of: dt.date | dt.datetime, *, session: Session, now: dt.datetime
) -> tuple[ReportContext, list[RenderedFile], ReportVersionRow, bool]:
    """Render a report as of ``as_of`` and keep it as a version if its content is new."""
    ctx = report_context(defs, duty, as_of, session=session)
    files = render_report(ctx, template=template_path(defs.root))
    moment = resolve_as_of(as_of, duty.plan.timezone).instant
    version, created = save_version(duty, ctx, files, as_of=moment, session=session, now=now)
    return ctx, files, version, created


def send_report(
    defs: Definitions,
    factory: sessionmaker[Session],
    plan_id: str,
    report_id: str,
    period: str | None,
    at: dt.date | dt.datetime,
    *,
    config: MailConfig,
    now: Callable[[], dt.datetime],
    note: str | None = None,
    deliver_now: bool = True,
) -> tuple[Assembled, DeliveryReport | None]:
    """Mark a report final and sent at ``at``: its content as of ``at`` becomes the final
    version, its occurrence is recorded done, and it is mailed to every recipient (the
    compiling unit in copy) with its files."""
    with factory() as session, session.begin():
        sync_definitions(defs, with_children(defs, plan_id), session=session, now=now())
        duty = find_duty(defs, plan_id, report_id, period, at, session=session)
        ctx, _, version, created = _build_and_keep(defs, duty, at, session=session, now=now())
        moment = resolve_as_of(at, duty.plan.timezone).instant
        mark_sent(defs, duty, version, at=moment, session=session, now=now(), note=note)
        row = queue_report_mail(
            version, ctx, final=True, to=recipients_of(defs, duty), cc=[compiler_of(defs, duty)],
            session=session, now=now(), domain=config.sender.domain, prefix=config.subject_prefix,
        )  # fmt: skip
        result = Assembled(duty.key, "sent", version.version, created, row is not None)
        log.info("report %s: marked sent as version %d, %s", duty.key, version.version,
                 "queued to its recipients" if row is not None else "already queued")  # fmt: skip
    delivery = send_outbox(factory, config, now=now) if deliver_now else None
    return result, delivery


def build_files(
    defs: Definitions,
    factory: sessionmaker[Session],
    plan_id: str,
    report_id: str,
    period: str | None,
    as_of: dt.date | dt.datetime,
    formats: Sequence[str],
    template: Path | None = None,
    unit: str | None = None,
) -> list[tuple[str, bytes]]:
    """Render one report without storing anything: (format, content) per format; with
    ``unit``, that unit's own input to it."""
    with factory() as session, session.begin():
        sync_definitions(defs, with_children(defs, plan_id), session=session, now=dt.datetime.now(dt.UTC))
        duty = find_duty(defs, plan_id, report_id, period, as_of, session=session)
        ctx = report_context(defs, duty, as_of, session=session, unit=unit)
    files = render_report(ctx, formats, template=template or template_path(defs.root))
    return [(f.format, f.content) for f in files]
