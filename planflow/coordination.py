"""Coordination requests: the one polite message a plan may send a superior or an outside
body that leads or supports one of its items (``Plan.coordination``, off by default).

A commune does not remind the Sở nor urge an enterprise: the ladder never names them
(``planflow.escalation.addressees_for_plan``). What it may do, as officials write to a
superior or a partner, is ask once for their coordination ("Đề nghị phối hợp …") before
the item is due: on the day of the ladder's first reminder (or on the due date when the
ladder has none), or on the next check while the item is still not due. It is never
sent after the due date, never repeated and never copied to anyone but the standing unit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from planflow import vnformat as vn
from planflow.escalation import Addressee, Notice, NoticeKey, Resolver, fire_date
from planflow.schema import EscalationPolicy, EscalationStep
from planflow.status import OccurrenceStatus
from planflow.workdays import WorkCalendar

COORDINATION = "coordination"
STEP_KEY = vn.COORDINATION_STEP
"""The step a coordination request is recorded under: one per (occurrence, due, unit, role)."""

_ON_DUE = EscalationStep(offset=0, to=["lead"])


@dataclass(frozen=True)
class CoordinationNotice(Notice):
    """A request for coordination to a superior or an outside unit."""

    @property
    def kind(self) -> str:
        return COORDINATION

    @property
    def step_key(self) -> str:
        return STEP_KEY


def coordination_notices(
    items: Iterable[OccurrenceStatus],
    policies: Mapping[str, EscalationPolicy],
    coordinate: Resolver,
    standing: Addressee,
    today: dt.date,
    cal: WorkCalendar,
    recorded: frozenset[NoticeKey] | set[NoticeKey] = frozenset(),
) -> list[Notice]:
    """The requests due by ``today`` and not in ``recorded``; ``coordinate`` resolves
    ``lead`` and ``support`` to the superior and outside units only."""
    notices: list[Notice] = []
    for item in items:
        due = item.facts.due
        if due is None or item.status.is_done or today > due:
            continue
        step = next((s for s in policies[item.facts.item_id].steps if s.offset <= 0), _ON_DUE)
        when = fire_date(due, step, cal)
        if when > today:
            continue
        units = {a.id: a for role in ("lead", "support") for a in coordinate(role, item)}
        for unit in units.values():
            notice = CoordinationNotice(item, step, when, unit, (standing,))
            if notice.key not in recorded:
                notices.append(notice)
    return notices
