"""Mandatory reports: their cycle, windows and state, and the header of a report (number,
place and date, summary line). Pure functions of the definitions and the statuses; what a
report says is ``planflow.reports.content``, rendering ``planflow.reports.render``.

A report occurrence (compiled from a ``reports:`` entry) has:

- a **data window** (``data_from``–``data_to``): the days its figures cover — Decree
  09/2019 Art. 12 by default, the calendar period (``cutoff: calendar``) or the plan from
  its start to the due date (``cutoff: plan``, and any one-off report);
- an **assembly day**: ``draft_lead_days`` working days before the due date, from which a
  draft is assembled every day until the report is marked final;
- a **state**: scheduled, assembling, overdue (not sent after its due day), sent (on time
  or late), or on request (ad hoc, no date).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from planflow import vnformat as vn
from planflow.periods import Period, data_window, period_containing
from planflow.reports.model import ReportContext as ReportContext  # rendering imports it from here
from planflow.schema import Plan, ReportObligation
from planflow.status import OccurrenceStatus, Status
from planflow.when import Cadence
from planflow.workdays import WorkCalendar

SPENT_KEY = "spent"
"""The progress value that records money spent on an occurrence (million VND)."""


class ReportState(StrEnum):
    SCHEDULED = "scheduled"
    ASSEMBLING = "assembling"
    OVERDUE = "overdue"
    SENT = "sent"
    SENT_LATE = "sent_late"
    ON_REQUEST = "on_request"

    @property
    def label(self) -> str:
        return vn.REPORT_STATE_LABELS[self.value]


_LABEL = re.compile(r"^(?P<year>\d{4})(?:-(?:(?P<month>\d{2})|Q(?P<quarter>[1-4])|H(?P<half>[12])))?$")


def period_of(label: str | None) -> Period | None:
    """The calendar period named by an occurrence's period label (``2026-Q1``, ``2026-03``,
    ``2026-H1``, ``2026``); None for one-off items."""
    if label is None:
        return None
    match = _LABEL.match(label)
    if match is None:
        return None
    year = int(match["year"])
    if match["month"]:
        return period_containing(dt.date(year, int(match["month"]), 1), Cadence.MONTH)
    if match["quarter"]:
        return period_containing(dt.date(year, 3 * int(match["quarter"]) - 2, 1), Cadence.QUARTER)
    if match["half"]:
        return period_containing(dt.date(year, 6 * int(match["half"]) - 5, 1), Cadence.HALF)
    return period_containing(dt.date(year, 1, 1), Cadence.YEAR)


@dataclass(frozen=True)
class ReportWindow:
    """When a report occurrence is assembled and what data it covers."""

    data_from: dt.date
    data_to: dt.date
    assemble_from: dt.date | None
    due: dt.date | None


def report_window(
    plan: Plan, report: ReportObligation, period_label: str | None, due: dt.date | None, cal: WorkCalendar
) -> ReportWindow:
    period = period_of(period_label)
    end_of_data = due or plan.period.end
    if period is None or report.cutoff == "plan":
        data = (plan.period.start, min(end_of_data, plan.period.end) if due else plan.period.end)
    else:
        data = data_window(period, report.cutoff)
    assemble = cal.add_working_days(due, -report.draft_lead_days) if due else None
    return ReportWindow(data[0], data[1], assemble, due)


def report_state(item: OccurrenceStatus, window: ReportWindow, today: dt.date) -> ReportState:
    """Where a report occurrence stands; sent means its occurrence was marked done."""
    if item.status is Status.DONE_ON_TIME:
        return ReportState.SENT
    if item.status is Status.DONE_LATE:
        return ReportState.SENT_LATE
    if window.due is None:
        return ReportState.ON_REQUEST
    if today > window.due:
        return ReportState.OVERDUE
    if window.assemble_from is not None and today >= window.assemble_from:
        return ReportState.ASSEMBLING
    return ReportState.SCHEDULED


_WORST_FIRST = (Status.OVERDUE, Status.BLOCKED, Status.UPCOMING, Status.IN_PROGRESS, Status.NOT_STARTED,
                Status.WAITING_EVENT, Status.ONGOING, Status.DONE_LATE, Status.DONE_ON_TIME)  # fmt: skip


def worst_input(inputs: Sequence[OccurrenceStatus]) -> Status | None:
    """The state a report's row on the board shows for its inputs: the worst of them (one
    unit overdue makes the report's inputs overdue); None when it has no inputs."""
    if not inputs:
        return None
    return min((s.status for s in inputs), key=_WORST_FIRST.index)


def issuer_lines(issuer: str) -> list[str]:
    """The issuing body in capitals, a People's Committee on two lines (Decree 30)."""
    for prefix in ("ủy ban nhân dân ", "uỷ ban nhân dân ", "ubnd "):
        if issuer.casefold().startswith(prefix):
            return ["ỦY BAN NHÂN DÂN", issuer[len(prefix) :].strip().upper()]
    return [issuer.upper()]


def document_symbol(issuer: str) -> str:
    """``BC-UBND`` for a People's Committee, else BC- and the initials of the body."""
    if len(issuer_lines(issuer)) == 2:
        return "BC-UBND"
    words = [w for w in re.split(r"\s+", issuer) if w and w.casefold() not in ("và", "của")]
    return "BC-" + "".join(w[0] for w in words).upper()


def summary_line(report: ReportObligation, period_label: str | None) -> str:
    """The summary under "BÁO CÁO": the report's title without the type name, and the period."""
    title = re.sub(r"^báo cáo\s+", "", report.title.strip(), flags=re.IGNORECASE)
    title = re.sub(r"\s*\(định kỳ[^)]*\)\s*$", "", title)
    title = title[:1].upper() + title[1:]
    phrase = vn.period_phrase(period_label)
    return f"{title} ({phrase})" if phrase else title
