"""When reports are due, as duty sentences word it: several reports per sentence, and no
deadline that says less than its words."""

from __future__ import annotations

import pytest

from planflow.importer.reporttime import _missing, cycle_words, read_cycle, read_duty_time
from planflow.importer.timing import ReadTime
from planflow.when import Cadence, DueAnchor, DueRule, RecurringWhen

SEVERAL = (
    "Các sở, ngành báo cáo kết quả thực hiện định kỳ hằng tháng trước ngày 16, 6 tháng trước ngày 16/6, "
    "hằng năm trước ngày 20/11 hoặc khi có yêu cầu gửi Sở Khoa học và Công nghệ tổng hợp."
)


def test_one_report_per_cycle_each_with_its_deadline() -> None:
    """Three cycles with three deadlines are three reports; "khi có yêu cầu" is an event."""
    time = read_duty_time(SEVERAL)
    assert [cycle_words(SEVERAL, c) for c in time.cycles] == [
        "định kỳ hằng tháng trước ngày 16",
        "6 tháng trước ngày 16/6",
        "hằng năm trước ngày 20/11",
    ]
    assert [c.cycles for c in time.cycles] == [[Cadence.MONTH], [Cadence.HALF], [Cadence.YEAR]]
    assert [[(d.day, d.month) for d in c.deadlines] for c in time.cycles] == [
        [(16, None)],
        [(16, 6)],
        [(20, 11)],
    ]
    assert time.events == ["khi có yêu cầu"]


@pytest.mark.parametrize(
    ("sentence", "words", "cycles", "days"),
    [
        # cycles listed together share the deadline after them
        (
            "Định kỳ hàng quý, 6 tháng, năm (chậm nhất vào ngày mùng 10 của tháng) hoặc đột xuất báo cáo về UBND xã.",
            "Định kỳ hàng quý, 6 tháng, năm (chậm nhất vào ngày mùng 10 của tháng)",
            [Cadence.QUARTER, Cadence.HALF, Cadence.YEAR],
            [(10, None)],
        ),
        # a cycle takes its deadline even with the recipient in between; the words between are left out
        (
            "Định kỳ hàng năm báo cáo kết quả thực hiện về Sở Nông nghiệp và Môi trường chậm nhất ngày 17 tháng 12.",
            "Định kỳ hàng năm chậm nhất ngày 17 tháng 12",
            [Cadence.YEAR],
            [(17, 12)],
        ),
        # two fixed days of a year
        (
            "Báo cáo định kỳ trước ngày 01/6 và 15/11 hằng năm (hoặc đột xuất khi có yêu cầu).",
            "trước ngày 01/6 và 15/11 hằng năm",
            [Cadence.YEAR],
            [(1, 6), (15, 11)],
        ),
        # a one-off deadline
        ("Báo cáo kết quả về Sở Khoa học và Công nghệ trước 30/10/2025.", "trước 30/10/2025", [], [(30, 10)]),
    ],
)  # fmt: skip
def test_shapes_of_report_times(
    sentence: str, words: str, cycles: list[Cadence], days: list[tuple[int, int | None]]
) -> None:
    """Each wording of a report's time is one report with its cycles and deadlines."""
    (cycle,) = read_duty_time(sentence).cycles
    assert cycle_words(sentence, cycle) == words
    assert cycle.cycles == cycles
    assert [(d.day, d.month) for d in cycle.deadlines] == days


def test_a_parse_that_drops_the_written_day_is_refused() -> None:
    """A yearly report read as due at the year's end, though the words say 20/11, is no answer."""
    sentence = "Sở Khoa học và Công nghệ báo cáo UBND tỉnh trước ngày 20/11 hằng năm."
    (cycle,) = read_duty_time(sentence).cycles
    year_end = RecurringWhen(every=(Cadence.YEAR,), due=DueRule(anchor=DueAnchor.PERIOD_END))
    assert _missing(ReadTime("trước ngày 20/11 hằng năm", year_end), cycle, False) == (
        "ngày trước ngày 20/11 không có trong kết quả"
    )
    time, doubt = read_cycle(sentence, cycle, False, 2026)
    assert time.text == "trước ngày 20/11 hằng năm"
    if time.when is None:  # the parser does not read a yearly fixed day yet: words kept, to review
        assert doubt is not None and doubt.startswith("chưa đọc được hạn báo cáo “trước ngày 20/11 hằng năm”")
    else:
        assert _missing(time, cycle, False) is None


def test_a_quarterly_report_is_not_a_monthly_one() -> None:
    """A parse with the wrong cycle is refused."""
    sentence = "Hằng quý báo cáo UBND tỉnh trước ngày 20 của tháng cuối quý."
    (cycle,) = read_duty_time(sentence).cycles
    monthly = RecurringWhen(every=(Cadence.MONTH,), due=DueRule(anchor=DueAnchor.LAST_MONTH_DAY, day=20))
    assert _missing(ReadTime("x", monthly), cycle, False) == "thiếu chu kỳ"
    time, doubt = read_cycle(sentence, cycle, False, 2026)
    assert isinstance(time.when, RecurringWhen) and time.when.every == (Cadence.QUARTER,)
    assert (time.when.due.anchor, time.when.due.day, doubt) == (DueAnchor.LAST_MONTH_DAY, 20, None)


def test_weekly_reports_and_bare_years_are_marked_for_review() -> None:
    """No plan form has a weekly cycle, and "(năm 2030)" names a year, not a day: both keep their words."""
    sentence = "Báo cáo định kỳ hằng tuần về Văn phòng UBND tỉnh."
    (cycle,) = read_duty_time(sentence).cycles
    time, doubt = read_cycle(sentence, cycle, True, 2026)
    assert (time.text, time.when, doubt) == (
        "định kỳ hằng tuần",
        None,
        "chưa đọc được chu kỳ “định kỳ hằng tuần”; ghi lại hạn báo cáo",
    )
    sentence = "Báo cáo tổng kết thực hiện Kế hoạch (năm 2030), gửi UBND tỉnh."
    (cycle,) = read_duty_time(sentence).cycles
    time, doubt = read_cycle(sentence, cycle, False, 2026)
    assert (cycle.year, time.text) == (2030, "(năm 2030)")
    assert doubt is not None and "2030" in doubt


@pytest.mark.parametrize(
    ("sentence", "reports"),
    [
        # the report named after its deadline, in parentheses
        (
            "Định kỳ trước ngày 15/6 (báo cáo 6 tháng) và trước ngày 15/12 (báo cáo năm), các cơ quan báo cáo về Sở Nội vụ.",
            [("trước ngày 15/6 (báo cáo 6 tháng)", (Cadence.HALF,)), ("trước ngày 15/12 (báo cáo năm)", (Cadence.YEAR,))],
        ),
        # "báo cáo quý", "báo cáo năm" name the cycle
        (
            "Các đơn vị gửi báo cáo quý trước ngày 20 của tháng cuối quý, báo cáo năm trước ngày 20/11 về Văn phòng UBND tỉnh.",
            [("quý trước ngày 20 của tháng cuối quý", (Cadence.QUARTER,)), ("năm trước ngày 20/11", (Cadence.YEAR,))],
        ),
        # a six-month report with a full date is a one-off
        (
            "Báo cáo sơ kết 6 tháng đầu năm trước ngày 10/6/2026 và báo cáo tổng kết năm trước ngày 10/12/2026.",
            [("6 tháng đầu năm trước ngày 10/6/2026", ()), ("trước ngày 10/12/2026", ())],
        ),
        # cycles listed with "và", and each cycle with its own deadline in parentheses
        (
            "Báo cáo định kỳ hằng quý, 6 tháng và năm (trước ngày 10 của tháng sau); hằng quý (trước ngày 15 "
            "của tháng cuối quý), 6 tháng (trước ngày 15/6), năm (trước ngày 15/12).",
            [
                ("định kỳ hằng quý, 6 tháng và năm (trước ngày 10 của tháng sau)", (Cadence.HALF, Cadence.QUARTER, Cadence.YEAR)),
                ("hằng quý (trước ngày 15 của tháng cuối quý)", (Cadence.QUARTER,)),
                ("6 tháng (trước ngày 15/6)", (Cadence.HALF,)),
                ("năm (trước ngày 15/12)", (Cadence.YEAR,)),
            ],
        ),
        # "báo cáo tháng trước" is last month's report, not a cycle
        ("Các đơn vị rà soát báo cáo tháng trước để tổng hợp.", []),
    ],
)  # fmt: skip
def test_reports_named_by_their_cycle(sentence: str, reports: list[tuple[str, tuple[Cadence, ...]]]) -> None:
    """Cycles named after "báo cáo" or in parentheses join their deadline; a full date is once."""
    time = read_duty_time(sentence)
    assert [(cycle_words(sentence, c), c.cadences(time.regular)) for c in time.cycles] == reports


def test_a_deadline_of_another_clause_is_not_the_reports() -> None:
    """A yearly report keeps no date of a task in the next clause ("; hoàn thành … trước ngày …")."""
    sentence = "Định kỳ hằng năm báo cáo kết quả về Sở Nội vụ; hoàn thành rà soát trước ngày 30/6/2026."
    yearly, task = read_duty_time(sentence).cycles
    assert (cycle_words(sentence, yearly), yearly.deadlines) == ("Định kỳ hằng năm", [])
    assert cycle_words(sentence, task) == "trước ngày 30/6/2026"


def test_listed_cycles_take_as_many_listed_deadlines_in_order() -> None:
    """ "6 tháng, hằng năm (trước ngày 15/6 và 15/12)": the six-month report on 15/6, the yearly
    on 15/12, each read by the parser with its own day; one deadline for the list stays shared."""
    sentence = "Định kỳ 6 tháng, hằng năm (trước ngày 15/6 và 15/12) báo cáo kết quả gửi Sở Tài chính."
    time = read_duty_time(sentence)
    assert [c.cycles for c in time.cycles] == [[Cadence.HALF], [Cadence.YEAR]]
    assert [[(d.day, d.month) for d in c.deadlines] for c in time.cycles] == [[(15, 6)], [(15, 12)]]
    for cycle, day in zip(time.cycles, [(6, 15), (12, 15)], strict=True):
        read, doubt = read_cycle(sentence, cycle, time.regular, 2026)
        assert doubt is None and isinstance(read.when, RecurringWhen)
        assert [(d.month, d.day) for d in read.when.on] == [day]
    shared = read_duty_time("Định kỳ 6 tháng, hằng năm (trước ngày 15/12) báo cáo kết quả gửi Sở Tài chính.")
    assert [c.cycles for c in shared.cycles] == [[Cadence.HALF, Cadence.YEAR]]
