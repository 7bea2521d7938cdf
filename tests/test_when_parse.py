"""The Vietnamese time parser reads every expression of DESIGN.md §3."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planflow.errors import TimeExpressionError
from planflow.when import Cadence, DueAnchor, MonthPart, parse_when

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
    ("2026", {"kind": "ongoing", "start": D(2026, 1, 1), "end": D(2026, 12, 31)}),
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


@pytest.mark.parametrize(
    ("text", "message"),
    [
        # the real defect of seed 003, Appendix I row 12
        ("Quý VI/2026", "'Quý VI/2026': quý VI không tồn tại, một năm chỉ có quý I, II, III, IV"),
        ("31/02/2026", "'31/02/2026': ngày 31/02/2026 không tồn tại"),
        ("tháng 13/2025", "'tháng 13/2025': tháng 13 không tồn tại"),
        ("", "thời gian trống: hãy ghi ngày, khoảng thời gian hoặc chu kỳ"),
    ],
)
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
