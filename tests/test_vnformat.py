"""planflow.vnformat: every figure, date, period and label as Vietnamese documents write it,
and the same figure printed the same way by the report, a mail, the board and the CLI."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from planflow import vnformat as vn
from planflow.check.monitor import Colour
from planflow.check.plans import plan_status
from planflow.coordination import STEP_KEY
from planflow.escalation import DEFAULT_POLICY, step_id
from planflow.loader import load_definitions
from planflow.notifications.render import environment as mail_environment
from planflow.reports.cycle import ReportState
from planflow.reports.render import _env as report_environment
from planflow.status import ProgressStatus, Status
from planflow.sync.definitions import sync_definitions
from planflow.web.board import build_board
from planflow.web.pages import environment as board_environment
from tests.cli.runner import run_cli
from tests.factories import demo_plan, write_definitions

pytestmark = pytest.mark.quick  # in `make quick` (CONTRIBUTING.md)

D = dt.date
ICT = dt.timezone(dt.timedelta(hours=7))

CASES: list[tuple[Callable[..., str], tuple[Any, ...], str]] = [
    # numbers: dot thousands, comma decimals, no trailing zeros
    (vn.number, (1200000,), "1.200.000"),
    (vn.number, (Decimal("1200000.00"),), "1.200.000"),
    (vn.number, (Decimal("12.5"),), "12,5"),
    (vn.number, (12.5,), "12,5"),
    (vn.number, (0,), "0"),
    (vn.number, (Decimal("-4430.25"),), "-4.430,25"),
    (vn.number, (Decimal("1E+3"),), "1.000"),  # an exponent from arithmetic prints in full
    (vn.number, (Decimal("2.345"), 2), "2,35"),  # rounding half up, as a spreadsheet does
    (vn.fixed, (1.04858, 1), "1,0"),  # a measure keeps its decimals
    (vn.fixed, (Decimal("1234.5"), 2), "1.234,50"),
    # percentages: the figure is already in percent
    (vn.percent, (12.5,), "12,5%"),
    (vn.percent, (60,), "60%"),
    (vn.percent, (Decimal("66.666"),), "66,7%"),
    (vn.ratio, (2, 3), "66,7%"),
    (vn.ratio, (0, 0), "0%"),  # nothing to count
    # money, in the unit the data gives (definitions: million VND)
    (vn.money, (Decimal("4430"),), "4.430 triệu đồng"),
    (vn.money, (Decimal("12.5"),), "12,5 triệu đồng"),
    (vn.money, (1200000, vn.VND), "1.200.000 đồng"),
    # dates
    (vn.day, (D(2026, 4, 7),), "07/04/2026"),
    (vn.day, (None,), "—"),
    (vn.day, (None, ""), ""),
    (vn.day_month, (D(2025, 10, 27),), "27/10"),
    (vn.moment, (dt.datetime(2026, 4, 7, 7, 30, tzinfo=dt.UTC), ICT), "07/04/2026 14:30"),
    (vn.clock, (dt.datetime(2026, 4, 7, 7, 30, tzinfo=dt.UTC), ICT), "14:30 07/04/2026"),
    # Decree 30/2020: a leading zero on days below 10 and on months 1 and 2 only
    (vn.document_date, (D(2026, 4, 7),), "ngày 07 tháng 4 năm 2026"),
    (vn.document_date, (D(2026, 2, 14),), "ngày 14 tháng 02 năm 2026"),
    (vn.place_date, ("Lộc Tấn", D(2025, 12, 5)), "Lộc Tấn, ngày 05 tháng 12 năm 2025"),
    (vn.weekday, (D(2026, 4, 6),), "Thứ Hai"),
    (vn.weekday, (D(2026, 4, 12),), "Chủ nhật"),
    (vn.week_span, (D(2025, 10, 29),), "từ 27/10 đến 02/11/2025"),
    # periods: in a sentence, as a heading, in a message
    (vn.period_phrase, ("2026-04",), "tháng 4 năm 2026"),
    (vn.period_phrase, ("2026-Q1",), "quý I năm 2026"),
    (vn.period_phrase, ("2026-H1",), "6 tháng đầu năm 2026"),
    (vn.period_phrase, ("2026-H2",), "6 tháng cuối năm 2026"),
    (vn.period_phrase, ("2026",), "năm 2026"),
    (vn.period_phrase, ("2026-06-01",), ""),  # a period ending on a day has no name
    (vn.cycle_label, ("2026-Q1",), "Quý I/2026"),
    (vn.cycle_label, ("2026-03",), "Tháng 3/2026"),
    (vn.cycle_label, ("2026-H2",), "6 tháng cuối năm 2026"),
    (vn.cycle_label, ("2026",), "Năm 2026"),
    (vn.cycle_label, (None,), "Một lần"),
    (vn.cycle_label, (None, "event"), "Khi có yêu cầu"),
    (vn.cycle_label, ("once",), "Một lần"),  # a one-off report's inputs: ".../once/<unit>"
    (vn.cycle_label, ("2025-10-31",), "Kỳ đến 31/10/2025"),  # a period that ends on a given day
    (vn.period_words, ("2026-Q2",), "quý II năm 2026"),
    (vn.period_words, ("2025-10-31",), "kỳ đến 31/10/2025"),
    (vn.period_words, ("once",), ""),
    (vn.roman, (4,), "IV"),
    # labels and durations
    (vn.status_label, ("done_on_time",), "Hoàn thành đúng hạn"),
    (vn.status_label, ("overdue",), "Quá hạn"),
    (vn.status_text, ("overdue", 16), "Quá hạn 16 ngày"),
    (vn.status_text, ("done_late", 3), "Hoàn thành trễ 3 ngày"),
    (vn.status_text, ("in_progress", None), "Đang thực hiện"),
    (vn.overdue, (16,), "quá hạn 16 ngày"),
    (vn.days_left, (3,), "còn 3 ngày"),
    (vn.days_left, (0,), "hôm nay"),
    (vn.undated, ("ongoing",), "Thường xuyên"),
    (vn.undated, ("due",), "—"),
    # ladder steps (planflow.escalation.step_id): w counts working days, d calendar days
    (vn.step, ("-7d",), "7 ngày trước hạn"),
    (vn.step, ("+1w",), "1 ngày làm việc sau hạn"),
    (vn.step, ("+0d",), "ngày đến hạn"),
    (vn.step, ("coord",), "đề nghị phối hợp"),
    (vn.step, ("later",), "later"),  # not a step key: left as it is
    (vn.comparator, (">=",), "≥"),
    (vn.comparator, ("<=",), "≤"),
    (vn.comparator, ("=",), "="),
]


@pytest.mark.parametrize(
    ("function", "args", "expected"), CASES, ids=[f"{c[0].__name__}-{c[2]}" for c in CASES]
)
def test_each_form_reads_as_officials_write_it(
    function: Callable[..., str], args: tuple[Any, ...], expected: str
) -> None:
    """Each function prints its value in the one agreed form."""
    assert function(*args) == expected


def test_every_status_and_state_has_a_label() -> None:
    """The enums' labels come from this module: none is missing, none is English."""
    labels = [s.label for s in Status] + [s.label for s in ReportState] + [c.label for c in Colour]
    labels += list(vn.PROGRESS_LABELS[p.value] for p in ProgressStatus)
    assert all(label and label[0].isupper() for label in labels)
    assert Status.DONE_LATE.label == "Hoàn thành trễ hạn" and ReportState.OVERDUE.label == "Quá hạn, chưa gửi"


def test_every_step_the_ladders_record_has_a_label() -> None:
    """The step keys the escalation module and the coordination requests record read as words
    (the board's history of an item lists them)."""
    keys = [step_id(step) for step in DEFAULT_POLICY.steps] + [STEP_KEY]
    keys += [
        step_id(step.model_copy(update={"working_days": not step.working_days}))
        for step in DEFAULT_POLICY.steps
    ]
    assert all(vn.step(key) != key for key in keys)


def test_every_environment_has_the_same_filters() -> None:
    """Mail, report and board templates print a figure through the same filters."""
    template = "{{ x | number }}; {{ p | percent }}; {{ d | day }}; {{ n | overdue }}"
    values = {"x": Decimal("1200000"), "p": 12.5, "d": D(2026, 4, 7), "n": 16}
    printed = {
        env().from_string(template).render(values)
        for env in (mail_environment, report_environment, board_environment)
    }
    assert printed == {"1.200.000; 12,5%; 07/04/2026; quá hạn 16 ngày"}


def _big_figures(root: Path) -> Path:
    """The demo plan with a budget and a target of 1,200,000 (a figure that needs separators)."""
    plan = demo_plan()
    plan["tasks"][0]["budget"] = 1200000
    plan["tasks"][2]["targets"].append(
        {"id": "luot", "metric": "Lượt truy cập", "comparator": "≥", "value": 1200000, "unit": "lượt"}
    )
    return write_definitions(root, plan)


def test_report_board_mail_and_cli_print_a_figure_alike(
    tmp_path: Path, database_url: str, sessions: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    """1,200,000 reads "1.200.000" in the report, on the board, in a mail and in the CLI table
    (the CLI used to print 1200000)."""
    root = _big_figures(tmp_path / "d")
    monkeypatch.setenv("PLANFLOW_DATABASE_URL", database_url)
    code, report, err = run_cli("report", "build", "demo-2026/bao-cao-quy", "--period", "2026-Q1",
                                "--as-of", "2026-04-08", "-d", str(root))  # fmt: skip
    assert code == 0, err
    assert "dự toán 1.200.000 triệu đồng" in report and "1200000" not in report

    code, table, err = run_cli("status", "demo-2026", "--as-of", "2026-04-08", "-d", str(root))
    assert code == 0, err
    assert "1.200.000" in table and "1200000" not in table

    defs = load_definitions(root)
    now = dt.datetime(2026, 4, 8, 9, tzinfo=ICT)
    with sessions() as s, s.begin():
        sync_definitions(defs, None, session=s, now=now)
        status = plan_status("demo-2026", now, session=s)
    board = build_board(status, defs.plan("demo-2026"), {}, {})
    row = next(r for section in board.sections for r in section.rows if r.item_id == "so-hoa")
    assert [t.required for t in row.targets] == ["80", "1.200.000"]
    assert board.budget_tasks == "1.200.000"

    mail = (
        mail_environment()
        .from_string("Dự toán {{ b | money }}")
        .render(b=defs.plan("demo-2026").tasks[0].budget)
    )
    assert mail == "Dự toán 1.200.000 triệu đồng"


def test_keywords_and_periods_are_shown_as_words() -> None:
    """A definition's own keywords and period labels never reach a page or a sheet raw: "ongoing"
    reads "Thường xuyên", "2026-Q1" reads "quý I năm 2026"; a document's wording is kept."""
    assert vn.when_words("ongoing") == "Thường xuyên"
    assert vn.when_words("event") == "Theo sự kiện"
    assert vn.when_words("Trước ngày 15/3/2026") == "Trước ngày 15/3/2026"
    assert vn.when_words(None) == ""
    heading = board_environment().from_string('{% import "_macros.html.j2" as m %}{{ m.item_heading(item) }}')
    item = {"label": "1.", "title": "Báo cáo quý", "period": "2026-Q1"}
    assert "(Quý I/2026)" in heading.render(item=item)
    assert "2026-Q1" not in heading.render(item=item)
    assert "period" not in heading.render(item={**item, "period": None})
