"""Time expressions: the canonical models, the Vietnamese parser and the YAML shorthands."""

from planflow.when.coerce import coerce_when
from planflow.when.model import (
    BeforeRule,
    Cadence,
    DayWhen,
    DeadlineWhen,
    DueAnchor,
    DueRule,
    EventWhen,
    Frequency,
    MonthPart,
    MonthWhen,
    OngoingWhen,
    QuarterWhen,
    RecurringWhen,
    When,
    WindowWhen,
    YearDay,
)
from planflow.when.parse import normalize, parse_when
from planflow.when.reading import Reading, read_when
from planflow.when.spans import month_window

__all__ = [
    "BeforeRule",
    "Cadence",
    "DayWhen",
    "DeadlineWhen",
    "DueAnchor",
    "DueRule",
    "EventWhen",
    "Frequency",
    "MonthPart",
    "MonthWhen",
    "OngoingWhen",
    "QuarterWhen",
    "Reading",
    "RecurringWhen",
    "When",
    "WindowWhen",
    "YearDay",
    "coerce_when",
    "month_window",
    "normalize",
    "parse_when",
    "read_when",
]
