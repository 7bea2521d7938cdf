"""The Vietnamese time parser reads every expression of DESIGN.md §3."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planflow.errors import TimeExpressionError
from planflow.when import Cadence, DueAnchor, MonthPart, YearDay, parse_when

D = dt.date

CASES: list[tuple[str, dict[str, Any]]] = [
    # one day
    ("ngày 08/10/2025", {"kind": "day", "date": D(2025, 10, 8)}),
    ("Dự kiến ngày 09/10/2025", {"kind": "day", "date": D(2025, 10, 9), "tentative": True}),
    ("30/9/2025", {"kind": "day", "date": D(2025, 9, 30)}),
    ("ngày 22 tháng 9 năm 2025", {"kind": "day", "date": D(2025, 9, 22)}),
    # windows; a missing year comes from the later date, else from the plan
    ("Từ ngày 01/10/2025 - 01/11/2025", {"kind": "window", "start": D(2025, 10, 1), "end": D(2025, 11, 1)}),
    ("từ ngày 29/9 - 31/10/2025", {"kind": "window", "start": D(2025, 9, 29), "end": D(2025, 10, 31)}),
    ("06/10 - 10/10", {"kind": "window", "start": D(2025, 10, 6), "end": D(2025, 10, 10)}),
    ("trong 10 ngày (01/10/2025 - 10/10/2025)", {"kind": "window", "start": D(2025, 10, 1), "end": D(2025, 10, 10)}),
    # a month or part of it
    ("Trong tháng 10/2025", {"kind": "month", "year": 2025, "month": 10, "part": MonthPart.WHOLE}),
    ("đầu tháng 11/2025", {"kind": "month", "year": 2025, "month": 11, "part": MonthPart.EARLY}),
    ("trong tháng 10/2025 và thường xuyên", {"kind": "month", "month": 10, "then_ongoing": True}),
    # deadlines
    ("trước ngày 05/10/2025", {"kind": "deadline", "by": D(2025, 10, 5)}),
    ("trước 30/10/2025", {"kind": "deadline", "by": D(2025, 10, 30)}),
    ("chậm nhất vào ngày mùng 10 của tháng",
     {"kind": "recurring", "every": (Cadence.MONTH,), "due.anchor": DueAnchor.NEXT_MONTH_DAY, "due.day": 10}),
    # quarters
    ("Quý II/2026", {"kind": "quarter", "year": 2026, "quarter": 2}),
    ("Quý II", {"kind": "quarter", "year": 2025, "quarter": 2}),
    # recurrence
    ("Hàng tháng", {"kind": "recurring", "every": (Cadence.MONTH,)}),
    ("Hàng quý", {"kind": "recurring", "every": (Cadence.QUARTER,)}),
    ("định kỳ hàng quý, 6 tháng, năm",
     {"kind": "recurring", "every": (Cadence.QUARTER, Cadence.HALF, Cadence.YEAR)}),
    ("≥ 2 tin/tháng", {"kind": "recurring", "every": (Cadence.MONTH,), "times.min": 2, "times.unit": "tin"}),
    ("2-3 đợt/năm", {"kind": "recurring", "every": (Cadence.YEAR,), "times.min": 2, "times.max": 3}),
    ("vào tuần cuối của tháng cuối trong quý",
     {"kind": "recurring", "every": (Cadence.QUARTER,), "due.anchor": DueAnchor.LAST_WEEK}),
    ("Định kỳ hàng quý, 6 tháng, năm (chậm nhất vào ngày mùng 10 của tháng)",
     {"every": (Cadence.QUARTER, Cadence.HALF, Cadence.YEAR), "due.anchor": DueAnchor.NEXT_MONTH_DAY}),
    # peak, then ongoing
    ("Cao điểm từ đầu tháng 10/2025 đến 08/11/2025 và thường xuyên",
     {"kind": "window", "start": D(2025, 10, 1), "end": D(2025, 11, 8), "then_ongoing": True}),
    ("Đang thực hiện, trọng tâm từ 01/10 – 01/11/2025 và thường xuyên",
     {"kind": "window", "start": D(2025, 10, 1), "end": D(2025, 11, 1), "then_ongoing": True}),
    # open-ended
    ("Thường xuyên", {"kind": "ongoing", "start": None}),
    ("Thực hiện thường xuyên trong năm", {"kind": "ongoing", "start": D(2025, 1, 1), "end": D(2025, 12, 31)}),
    ("trong năm 2025", {"kind": "ongoing", "start": D(2025, 1, 1), "end": D(2025, 12, 31)}),
    ("từ 10/2025", {"kind": "ongoing", "start": D(2025, 10, 1)}),
    ("từ tháng 10/2025", {"kind": "ongoing", "start": D(2025, 10, 1)}),
    ("từ ngày 23/9/2025 cho đến khi hoàn thành nghiệm thu",
     {"kind": "ongoing", "start": D(2025, 9, 23), "until": "hoàn thành nghiệm thu"}),
    # set up, then keep running
    ("Thành lập Tổ trước ngày 05/10/2025; hoạt động liên tục, thường xuyên",
     {"kind": "deadline", "by": D(2025, 10, 5), "then_ongoing": True}),
    # event-driven
    ("Theo Kế hoạch và Giấy mời từng sự kiện", {"kind": "event"}),
    ("sau khi Bộ Khoa học và Công nghệ phê duyệt thông điệp", {"kind": "event"}),
]  # fmt: skip

# The wordings of issue 14 and of the portal plans (the "Thời gian" columns of the corpus).
GENERAL: list[tuple[str, dict[str, Any]]] = [
    # a fixed day of every year: due that day, each year of the plan
    ("trước ngày 30/11 hằng năm", {"kind": "recurring", "every": (Cadence.YEAR,), "on": (YearDay(month=11, day=30),)}),
    # "hàng" spelling, no space after "ngày"
    ("trước ngày30/11 hàng năm", {"kind": "recurring", "on": (YearDay(month=11, day=30),)}),
    # two fixed days of every year
    ("trước ngày 01/6 và 15/11 hằng năm",
     {"kind": "recurring", "on": (YearDay(month=6, day=1), YearDay(month=11, day=15))}),
    # the long form of a yearly day
    ("chậm nhất ngày 20 tháng 11 hằng năm", {"kind": "recurring", "on": (YearDay(month=11, day=20),)}),
    # a whole month of every year
    ("Tháng 12 hằng năm", {"kind": "recurring", "every": (Cadence.YEAR,), "on": (YearDay(month=12),)}),
    # a fixed day of every month: that day of the month itself
    ("trước ngày 15 hằng tháng",
     {"kind": "recurring", "every": (Cadence.MONTH,), "due.anchor": DueAnchor.LAST_MONTH_DAY, "due.day": 15}),
    # "chậm nhất" and "hàng"
    ("chậm nhất ngày 20 hàng tháng", {"every": (Cadence.MONTH,), "due.anchor": DueAnchor.LAST_MONTH_DAY, "due.day": 20}),
    # a quarter range across years
    ("Quý IV/2025 - Quý II/2026", {"kind": "window", "start": D(2025, 10, 1), "end": D(2026, 6, 30)}),
    # the same with an en dash and "Quí"
    ("Quí IV/2025 – Quí II/2026", {"kind": "window", "start": D(2025, 10, 1), "end": D(2026, 6, 30)}),
    # "Quí", the year after a dash
    ("Quí IV-2025", {"kind": "quarter", "year": 2025, "quarter": 4}),
    # two quarters sharing one year
    ("Quý I, II/2026", {"kind": "window", "start": D(2026, 1, 1), "end": D(2026, 6, 30)}),
    # "đến" between quarters
    ("Quý III đến Quý IV năm 2026", {"kind": "window", "start": D(2026, 7, 1), "end": D(2026, 12, 31)}),
    # a bare year: the whole year, due 31/12
    ("2025", {"kind": "window", "start": D(2025, 1, 1), "end": D(2025, 12, 31)}),
    # "Năm 2028", as the portal plans write a yearly column
    ("Năm 2028", {"kind": "window", "start": D(2028, 1, 1), "end": D(2028, 12, 31)}),
    # a period of years
    ("2026 - 2030", {"kind": "window", "start": D(2026, 1, 1), "end": D(2030, 12, 31)}),
    # "giai đoạn", no spaces around the dash
    ("giai đoạn 2026-2030", {"kind": "window", "start": D(2026, 1, 1), "end": D(2030, 12, 31)}),
    # "Năm" before a period
    ("Năm 2025-2030", {"kind": "window", "start": D(2025, 1, 1), "end": D(2030, 12, 31)}),
    # "đến" between the years, an em dash in the portal's own heading style
    ("từ năm 2026 đến năm 2028", {"kind": "window", "start": D(2026, 1, 1), "end": D(2028, 12, 31)}),
    ("2025 — 2035", {"kind": "window", "start": D(2025, 1, 1), "end": D(2035, 12, 31)}),
    # ongoing, with a yearly duty
    ("Thường xuyên, hằng năm", {"kind": "recurring", "every": (Cadence.YEAR,)}),
    # ongoing, with a quarterly report
    ("Thường xuyên, định kỳ hằng quý báo cáo kết quả về Ủy ban nhân dân tỉnh",
     {"kind": "recurring", "every": (Cadence.QUARTER,), "due.anchor": DueAnchor.PERIOD_END}),
    # a monthly cadence, then the day
    ("báo cáo hằng tháng chậm nhất ngày 20",
     {"every": (Cadence.MONTH,), "due.anchor": DueAnchor.LAST_MONTH_DAY, "due.day": 20, "before": False}),
    ("hằng tháng, trước ngày 16", {"every": (Cadence.MONTH,), "due.day": 16, "before": True}),
    # "trước" is noted, so a plan can read it as the day before; "chậm nhất" is not
    ("trước ngày 05/10/2025", {"kind": "deadline", "by": D(2025, 10, 5), "before": True}),
    ("chậm nhất ngày 05/10/2025", {"kind": "deadline", "by": D(2025, 10, 5), "before": False}),
    # event-driven items
    ("Khi có phát sinh", {"kind": "event", "description": "Khi có phát sinh"}),
    ("Theo Kế hoạch riêng", {"kind": "event"}),
    ("Sau khi có Quy chế của Trung ương", {"kind": "event"}),
    ("Khi có yêu cầu", {"kind": "event"}),
    # long forms of a month and a day, without "ngày"
    ("tháng 4 năm 2026", {"kind": "month", "year": 2026, "month": 4}),
    ("19 tháng 11 năm 2025", {"kind": "day", "date": D(2025, 11, 19)}),
    # a range of days in one month, short and long
    ("ngày 08-10/12/2025", {"kind": "window", "start": D(2025, 12, 8), "end": D(2025, 12, 10)}),
    ("trong 03 ngày làm việc (từ ngày 08 đến ngày 10 tháng 12 năm 2025)",
     {"kind": "window", "start": D(2025, 12, 8), "end": D(2025, 12, 10)}),
    # a yearly day in the long form
    ("ngày 10 tháng 10 hằng năm", {"kind": "recurring", "on": (YearDay(month=10, day=10),)}),
    # a range of months, within a year and across New Year
    ("tháng 10 - 12/2025", {"kind": "window", "start": D(2025, 10, 1), "end": D(2025, 12, 31)}),
    ("từ tháng 11 đến tháng 02/2026", {"kind": "window", "start": D(2025, 11, 1), "end": D(2026, 2, 28)}),
    # half a year
    ("6 tháng đầu năm 2026", {"kind": "window", "start": D(2026, 1, 1), "end": D(2026, 6, 30)}),
    ("6 tháng cuối năm 2025", {"kind": "window", "start": D(2025, 7, 1), "end": D(2025, 12, 31)}),
    # from a year on: open-ended
    ("từ năm 2026 trở đi", {"kind": "ongoing", "start": D(2026, 1, 1), "end": None}),
    ("Năm 2025 và các năm tiếp theo", {"kind": "ongoing", "start": D(2025, 1, 1), "end": None}),
    # a window across New Year: the start is in the year before the written one
    ("từ 15/12 - 15/01/2026", {"kind": "window", "start": D(2025, 12, 15), "end": D(2026, 1, 15)}),
    # "đến khi": ongoing from the month, until the event
    ("tháng 10/2025 đến khi tổ chức thành công Đại hội",
     {"kind": "ongoing", "start": D(2025, 10, 1), "until": "tổ chức thành công đại hội"}),
]  # fmt: skip


def _get(obj: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        obj = getattr(obj, part)
    return obj


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0] for c in CASES])
def test_parses_seed_expressions(text: str, expected: dict[str, Any]) -> None:
    """Each time expression of the seeds parses to the canonical form a person expects."""
    when = parse_when(text, 2025)
    for name, value in expected.items():
        assert _get(when, name) == value, name
    assert when.text == text


@pytest.mark.parametrize(("text", "expected"), GENERAL, ids=[c[0] for c in GENERAL])
def test_parses_general_expressions(text: str, expected: dict[str, Any]) -> None:
    """Yearly and monthly fixed days, quarter ranges, years, periods and events parse as written."""
    when = parse_when(text, 2025)
    for name, value in expected.items():
        assert _get(when, name) == value, name


@pytest.mark.parametrize(
    ("text", "message"),
    [
        # the real defect of seed 003, Appendix I row 12
        ("Quý VI/2026", "'Quý VI/2026': quý VI không tồn tại, một năm chỉ có quý I, II, III, IV"),
        # a quarter range with an impossible end
        ("Quý IV/2025 - Quý V/2026", "'Quý IV/2025 - Quý V/2026': quý V không tồn tại, một năm chỉ có quý I, II, III, IV"),
        # a reversed window
        ("10/10 - 06/10/2025",
         "'10/10 - 06/10/2025': khoảng thời gian kết thúc (06/10/2025) trước khi bắt đầu (10/10/2025); kiểm tra lại ngày"),
        # a reversed period of years
        ("2030 - 2026",
         "'2030 - 2026': khoảng thời gian kết thúc (31/12/2026) trước khi bắt đầu (01/01/2030); kiểm tra lại ngày"),
        # a range of months that ends before it starts (more than half a year back)
        ("tháng 12 - 10/2025",
         "'tháng 12 - 10/2025': khoảng thời gian kết thúc (31/10/2025) trước khi bắt đầu (01/12/2025); kiểm tra lại ngày"),
        # a yearly day that no year has
        ("trước ngày 31/11 hằng năm", "'trước ngày 31/11 hằng năm': ngày 31/11 không tồn tại"),
        ("31/02/2026", "'31/02/2026': ngày 31/02/2026 không tồn tại"),
        ("tháng 13/2025", "'tháng 13/2025': tháng 13 không tồn tại"),
        ("", "thời gian trống: hãy ghi ngày, khoảng thời gian hoặc chu kỳ"),
    ],
)  # fmt: skip
def test_rejects_impossible_dates(text: str, message: str) -> None:
    """Impossible dates are refused with a message naming the text."""
    with pytest.raises(TimeExpressionError) as info:
        parse_when(text, 2026)
    assert str(info.value) == message


def test_missing_year_without_plan_year() -> None:
    """A date without a year and no plan year asks for the year."""
    with pytest.raises(TimeExpressionError, match="thiếu năm"):
        parse_when("06/10 - 10/10")


def test_garbage_is_rejected_with_guidance() -> None:
    """Text that is no time expression gets a message listing the accepted forms."""
    with pytest.raises(TimeExpressionError) as info:
        parse_when("asdf qwerty", 2025)
    assert str(info.value).startswith("không hiểu thời gian 'asdf qwerty': hãy ghi ngày (08/10/2025)")


def _parse_or_explain(text: str) -> None:
    try:
        parse_when(text, 2025)
    except TimeExpressionError as exc:
        assert str(exc).strip(), "a refusal must say why"


_ALPHABET = list("0123456789/-–: ,.;()≥abcdđghiklmnpqrstuvxyôơưăâêáàảãạQIVuýỳ ")


@settings(max_examples=400, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list("0123456789/-–: ,.;()≥abcdđghiklmnpqrstuvxyôơưăâêáàảãạQIVuýỳ ")),
        max_size=60,
    )
)
def test_parser_never_crashes(text: str) -> None:
    """Any text either parses or raises TimeExpressionError: never another exception."""
    _parse_or_explain(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_parser_never_crashes_on_unicode(text: str) -> None:
    """Arbitrary Unicode never crashes the parser."""
    _parse_or_explain(text)
