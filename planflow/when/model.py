"""The canonical forms of a time expression ("when").

Every expression of DESIGN.md §3 is one of these models; the hand-written YAML forms
and the document's Vietnamese wording are both turned into them by
:func:`planflow.when.coerce_when`. All dates are calendar days in the plan's time
zone; an occurrence is due at the end of its due day.
"""

from __future__ import annotations

import calendar
import datetime as dt
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from planflow import vnformat as vn


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Cadence(StrEnum):
    """Length of a recurring period."""

    MONTH = "month"
    QUARTER = "quarter"
    HALF = "half"
    YEAR = "year"


class MonthPart(StrEnum):
    """Part of a month: "đầu tháng" (1–10), "giữa tháng" (11–20), "cuối tháng" (21–end)."""

    WHOLE = "whole"
    EARLY = "early"
    MIDDLE = "middle"
    LATE = "late"


class DueAnchor(StrEnum):
    """What a recurring due date is counted from.

    - ``period_end``: the last day of the period;
    - ``next_month_day``: day ``day`` of the month after the period ("chậm nhất vào ngày
      mùng 10 của tháng");
    - ``last_month_day``: day ``day`` of the period's last month ("trước ngày 25 của
      tháng cuối kỳ");
    - ``last_week``: the last week of the period's last month ("vào tuần cuối của tháng
      cuối trong quý"): the week is the window, its last day the due date.
    """

    PERIOD_END = "period_end"
    NEXT_MONTH_DAY = "next_month_day"
    LAST_MONTH_DAY = "last_month_day"
    LAST_WEEK = "last_week"


class YearDay(_Frozen):
    """A day of every year ("30/11"), or a whole month of every year ("Tháng 12") when
    ``day`` is None. 29/02 falls on 28/02 in other years."""

    month: int = Field(ge=1, le=12)
    day: int | None = Field(default=None, ge=1, le=31)

    @model_validator(mode="after")
    def _exists(self) -> YearDay:
        if self.day is not None and self.day > calendar.monthrange(2024, self.month)[1]:
            raise ValueError(f"ngày {self.day:02d}/{self.month:02d} không tồn tại")
        return self


class DueRule(_Frozen):
    """When each period of a recurring item is due."""

    anchor: DueAnchor = DueAnchor.PERIOD_END
    day: int | None = Field(default=None, ge=1, le=31, description="day of month for *_day")
    offset: int = Field(default=0, ge=-366, le=366, description="days added to the anchor")
    working_days: bool = Field(default=False, description="count the offset in working days")

    @model_validator(mode="after")
    def _day_matches_anchor(self) -> DueRule:
        needs_day = self.anchor in (DueAnchor.NEXT_MONTH_DAY, DueAnchor.LAST_MONTH_DAY)
        if needs_day and self.day is None:
            raise ValueError(f"due rule '{self.anchor}' cần 'day' (ngày trong tháng)")
        if not needs_day and self.day is not None:
            raise ValueError(f"due rule '{self.anchor}' không dùng 'day'")
        return self


class Frequency(_Frozen):
    """How many times per period ("≥ 2 tin/tháng", "2-3 đợt/năm")."""

    min: int = Field(ge=0)
    max: int | None = Field(default=None, ge=0)
    unit: str = Field(min_length=1, description="what is counted: tin, đợt, báo cáo …")


class _Base(_Frozen):
    text: str | None = Field(default=None, description="the document's own wording")
    tentative: bool = Field(default=False, description="'Dự kiến': a date that may move")


class _Dated(_Base):
    then_ongoing: bool = Field(
        default=False, description="'… và thường xuyên': keeps running after the dated part"
    )


class DayWhen(_Dated):
    """One day: "ngày 08/10/2025", "Dự kiến ngày 09/10/2025"."""

    kind: Literal["day"] = "day"
    date: dt.date


class WindowWhen(_Dated):
    """A window, due on its last day: "Từ ngày 01/10/2025 - 01/11/2025"."""

    kind: Literal["window"] = "window"
    start: dt.date
    end: dt.date

    @model_validator(mode="after")
    def _ordered(self) -> WindowWhen:
        if self.end < self.start:
            raise ValueError(
                f"khoảng thời gian kết thúc ({vn.day(self.end)}) trước khi bắt đầu ({vn.day(self.start)})"
            )
        return self


class BeforeRule(StrEnum):
    """What a plan means by "trước ngày X" (a plan's ``before`` setting).

    - ``day_before``: strictly before X, so due the day before — what the words say, and the
      default of a definition ("chậm nhất ngày X" and "hạn X" always include X);
    - ``that_day``: done by the end of X, for an office that reads it so (``before: that_day``).
    """

    THAT_DAY = "that_day"
    DAY_BEFORE = "day_before"


class DeadlineWhen(_Dated):
    """A deadline: "trước ngày 05/10/2025". ``start`` is when work may begin, if known.
    ``before``: written "trước" (before) the day, which the plan's ``before`` rule reads."""

    kind: Literal["deadline"] = "deadline"
    by: dt.date
    start: dt.date | None = None
    before: bool = False


class MonthWhen(_Dated):
    """A month or a part of one: "Trong tháng 10/2025", "đầu tháng 11/2025"."""

    kind: Literal["month"] = "month"
    year: int = Field(ge=1900, le=2200)
    month: int = Field(ge=1, le=12)
    part: MonthPart = MonthPart.WHOLE


class QuarterWhen(_Dated):
    """A calendar quarter: "Quý II/2026"."""

    kind: Literal["quarter"] = "quarter"
    year: int = Field(ge=1900, le=2200)
    quarter: int = Field(ge=1, le=4)


class RecurringWhen(_Base):
    """A repeating duty: "Hàng quý", "định kỳ hàng quý, 6 tháng, năm", "≥ 2 tin/tháng".

    With several cadences, a longer period supersedes the shorter one that ends on the
    same day (Q2 → 6-month report, Q4 and H2 → annual report), as offices do.
    ``start``/``end`` bound the series; by default it runs over the plan period.

    ``on`` names fixed days of every year ("trước ngày 01/6 và 15/11 hằng năm": two
    occurrences a year, due 01/6 and 15/11; "Tháng 12 hằng năm": the whole of December);
    it goes with ``every: [year]`` and the default due rule only. Each occurrence runs
    from the day after the previous fixed day (or the whole month).
    """

    kind: Literal["recurring"] = "recurring"
    every: tuple[Cadence, ...] = Field(min_length=1)
    due: DueRule = DueRule()
    times: Frequency | None = None
    on: tuple[YearDay, ...] = Field(default=(), description="fixed days of every year")
    before: bool = Field(default=False, description="'trước ngày N': see BeforeRule")
    start: dt.date | None = None
    end: dt.date | None = None

    @model_validator(mode="after")
    def _unique(self) -> RecurringWhen:
        if len(set(self.every)) != len(self.every):
            raise ValueError("'every' lặp lại cùng một chu kỳ")
        if self.on and (self.every != (Cadence.YEAR,) or self.due != DueRule()):
            raise ValueError("'on' (ngày cố định hằng năm) chỉ dùng với 'every: year' và không kèm 'due'")
        if len(set(self.on)) != len(self.on):
            raise ValueError("'on' lặp lại cùng một ngày")
        if self.start and self.end and self.end < self.start:
            raise ValueError("chu kỳ kết thúc trước khi bắt đầu")
        return self


class OngoingWhen(_Base):
    """No deadline: "Thường xuyên", "từ 10/2025", "từ ngày 23/9/2025 cho đến khi … nghiệm thu".

    ``until`` names the event that ends it, when the document gives one.
    """

    kind: Literal["ongoing"] = "ongoing"
    start: dt.date | None = None
    end: dt.date | None = None
    until: str | None = None


class EventWhen(_Base):
    """Happens when something else happens: "Theo Kế hoạch và Giấy mời từng sự kiện",
    "sau khi Bộ Khoa học và Công nghệ phê duyệt thông điệp". ``after`` may name the task
    id of that event within the plan."""

    kind: Literal["event"] = "event"
    description: str = Field(min_length=1)
    after: str | None = None


When = Annotated[
    DayWhen | WindowWhen | DeadlineWhen | MonthWhen | QuarterWhen | RecurringWhen | OngoingWhen | EventWhen,
    Field(discriminator="kind"),
]
