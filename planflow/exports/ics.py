"""A plan's deadlines as an iCalendar feed (RFC 5545), written with the ``icalendar`` package.

One all-day event per occurrence due date (tasks, reports and unit inputs to reports),
with a reminder (VALARM) for every step of its escalation ladder, at 08:00 of the day
the step fires (working days counted as the ladder counts them). Occurrences already done
at the as-of time keep their event, without alarms. For one unit the feed holds what it
leads or supports, and only the ladder steps addressed to it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Mapping

from icalendar import Alarm, Calendar, Event

from planflow import vnformat as vn
from planflow.check.plans import PlanStatus
from planflow.compiler import calendar_for
from planflow.escalation import fire_date, policy_for, step_label
from planflow.schema import EscalationStep, Plan
from planflow.status import OccurrenceStatus

ALARM_TIME = dt.time(8)  # reminders pop up at the start of the working day


def _concerns(item: OccurrenceStatus, unit_id: str) -> bool:
    return unit_id in item.facts.lead or unit_id in item.facts.support


def addresses(step: EscalationStep, item: OccurrenceStatus, unit_id: str, standing: str) -> bool:
    """Whether a ladder step's message goes to (or is copied to) ``unit_id``."""
    for audience in (*step.to, *step.cc):
        if audience in ("lead", "head") and unit_id in item.facts.lead:
            return True
        if audience == "support" and unit_id in item.facts.support:
            return True
        if audience == "standing" and unit_id == standing:
            return True
        if audience == f"unit:{unit_id}":
            return True
    return False


def uid(key: str) -> str:
    """Stable across exports, so a calendar updates an event instead of duplicating it."""
    return f"{hashlib.sha256(key.encode()).hexdigest()[:32]}@planflow"


def plan_calendar(
    status: PlanStatus,
    plan: Plan,
    names: Mapping[str, str],
    *,
    unit_id: str | None,
    standing: str,
    now: dt.datetime,
    link: Callable[[OccurrenceStatus], str | None] = lambda item: None,
) -> bytes:
    """The feed of one plan (or of one unit's part of it) at the status's as-of time."""
    cal = Calendar()
    cal.add("prodid", "-//planflow//Ke hoach//VI")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    who = f" — {names.get(unit_id, unit_id)}" if unit_id else ""
    cal.add("x-wr-calname", f"{plan.title}{who}")
    cal.add("x-wr-timezone", plan.timezone)
    work = calendar_for(plan)
    for item in status.items:
        due = item.facts.due
        if due is None or (unit_id is not None and not _concerns(item, unit_id)):
            continue
        event = _event(item, due, plan, names, now, status.as_of.day, link(item))
        if not item.status.is_done:
            for step in policy_for(plan, item.facts.item_id).steps:
                if unit_id is None or addresses(step, item, unit_id, standing):
                    fire = fire_date(due, step, work)
                    event.add_component(_alarm(item, step, fire, due))
        cal.add_component(event)
    return bytes(cal.to_ical())


def _event(
    item: OccurrenceStatus, due: dt.date, plan: Plan, names: Mapping[str, str], now: dt.datetime,
    as_of: dt.date, url: str | None,
) -> Event:  # fmt: skip
    f = item.facts
    period = f" (kỳ {f.period})" if f.period else ""
    done = "✓ " if item.status.is_done else ""
    lines = [
        f"Kế hoạch: {plan.title}",
        f"Loại: {vn.KIND_LABELS.get(f.kind, f.kind)}",
        f"Chủ trì: {', '.join(names.get(u, u) for u in f.lead)}",
    ]
    if f.support:
        lines.append(f"Phối hợp: {', '.join(names.get(u, u) for u in f.support)}")
    lines += [f"Tình trạng ngày {vn.day(as_of)}: {item.status.label}", f"Mã: {f.key}"]
    if url:
        lines.append(f"Xem trên bảng theo dõi: {url}")
    event = Event()
    event.add("uid", uid(f.key))
    event.add("dtstamp", now.astimezone(dt.UTC))
    event.add("dtstart", due)
    event.add("dtend", due + dt.timedelta(days=1))
    event.add("summary", f"{done}Hạn: {f.title}{period}")
    event.add("description", "\n".join(lines))
    event.add("categories", [vn.KIND_LABELS.get(f.kind, f.kind)])
    event.add("transp", "TRANSPARENT")
    if url:
        event.add("url", url)
    return event


def _alarm(item: OccurrenceStatus, step: EscalationStep, fire: dt.date, due: dt.date) -> Alarm:
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", f"{step_label(step, due, fire)}: {item.facts.title}")
    alarm.add("trigger", dt.datetime.combine(fire, ALARM_TIME) - dt.datetime.combine(due, dt.time()))
    return alarm
