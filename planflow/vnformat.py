"""Numbers, dates, periods and labels as Vietnamese officials write them, in one place.

Mails, reports, the board, spreadsheets, calendars and the CLI all print through these
functions (and the Jinja filters of ``FILTERS``), so a figure reads the same everywhere:

    number(1200000)            "1.200.000"        number(Decimal("12.5"))  "12,5"
    percent(12.5)              "12,5%"            money(4430)              "4.430 triệu đồng"
    day(date(2026, 4, 7))      "07/04/2026"       document_date(...)       "ngày 07 tháng 4 năm 2026"
    weekday(date(2026, 4, 7))  "Thứ Ba"           period_phrase("2026-Q1") "quý I năm 2026"
    cycle_label("2026-Q1")     "Quý I/2026"       cycle_label("2026-H1")   "6 tháng đầu năm 2026"
    status_label("overdue")    "Quá hạn"          overdue(16)              "quá hạn 16 ngày"
    step("+1w")                "1 ngày làm việc sau hạn"                   comparator(">=")  "≥"

Only the standard library: every other module may import it. Parsing is the reverse and
lives in ``planflow.numbers`` (figures) and ``planflow.when`` (dates).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

MISSING = "—"
"""What a table shows for a date or figure it does not have."""

MILLION_VND = "triệu đồng"
"""Budgets and spending in definitions are in million VND (``schema.MillionVnd``)."""
VND = "đồng"

ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")

WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")

STATUS_LABELS = {
    "not_started": "Chưa bắt đầu",
    "upcoming": "Sắp đến hạn",
    "in_progress": "Đang thực hiện",
    "done_on_time": "Hoàn thành đúng hạn",
    "done_late": "Hoàn thành trễ hạn",
    "overdue": "Quá hạn",
    "blocked": "Bị chặn",
    "ongoing": "Thường xuyên",
    "waiting_event": "Chờ sự kiện",
}
"""An occurrence's status (``planflow.status.Status`` values)."""

PROGRESS_LABELS = {"not_started": "Chưa bắt đầu", "in_progress": "Đang thực hiện", "done": "Hoàn thành"}
"""What a unit reports (``planflow.status.ProgressStatus`` values)."""

REPORT_STATE_LABELS = {
    "scheduled": "Chưa đến kỳ lập",
    "assembling": "Đang lập dự thảo",
    "overdue": "Quá hạn, chưa gửi",
    "sent": "Đã gửi đúng hạn",
    "sent_late": "Đã gửi trễ hạn",
    "on_request": "Khi có yêu cầu",
}
"""A mandatory report's state (``planflow.reports.cycle.ReportState`` values)."""

COLOUR_LABELS = {"xanh": "Xanh", "vang": "Vàng", "do": "Đỏ"}
"""A child plan's grade (``planflow.check.monitor.Colour`` values)."""

OUTBOX_LABELS = {
    "pending": "chờ gửi",
    "retry": "chờ gửi lại",
    "sent": "đã gửi",
    "partial": "gửi được một phần",
    "dead": "thất bại",
}
"""An outbox message's state (``OutboxRow.status``), as ``planflow outbox`` and an item's
page on the board name it (in lower case: both use it inside a sentence too)."""

KIND_LABELS = {"task": "Nhiệm vụ", "report": "Báo cáo", "report_input": "Phần báo cáo của đơn vị"}
"""What an occurrence is (``planflow.compiler.OccurrenceKind`` values): ``planflow compile``,
the calendar feed, the board (whose unit page lists "Phần báo cáo đơn vị phải gửi")."""

RECIPIENT_ROLE_LABELS = {
    "lead": "chủ trì",
    "support": "phối hợp",
    "unit": "đơn vị",
    "head": "thủ trưởng",
    "signer": "người ký",
}
"""A notice's recipient, by its relation to the item (``planflow.escalation.recipient_role``)."""

ACCOUNT_ROLE_LABELS = {
    "officer": "Cán bộ đơn vị",
    "standing": "Cơ quan thường trực",
    "leader": "Lãnh đạo",
    "reviewer": "Chuyên viên cấp tỉnh",
}
"""A board account's role (``planflow.accounts.Role`` values)."""

RUN_STATE_LABELS = {
    "SCHEDULED": "đã lên lịch",
    "PENDING": "chờ chạy",
    "RUNNING": "đang chạy",
    "PAUSED": "tạm dừng",
    "COMPLETED": "hoàn thành",
    "FAILED": "lỗi",
    "CRASHED": "dừng đột ngột",
    "CANCELLING": "đang huỷ",
    "CANCELLED": "đã huỷ",
}
"""A Prefect flow run's state (its ``StateType`` value), as ``planflow serve`` reports each run."""

COMPARATORS = {">=": "≥", ">": ">", "=": "=", "<=": "≤", "<": "<"}
"""A target's comparator as printed: "≥ 100%" rather than ">= 100%"."""

COORDINATION_STEP = "coord"
"""The step key of a coordination request (``planflow.coordination.STEP_KEY``)."""

UNDATED_LABELS = {"ongoing": "Thường xuyên", "event": "Theo sự kiện"}
"""What stands in the due column of an item without a due date, by its timing."""

Number = Decimal | int | float


def _decimal(value: Number) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def number(value: Number, places: int | None = None) -> str:
    """Dot thousands, comma decimals, no trailing zeros: 1200000 → "1.200.000", 12.5 → "12,5";
    ``places`` rounds first (half up, as a spreadsheet does)."""
    exact = _decimal(value)
    if places is not None:
        exact = exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    sign = "-" if exact < 0 else ""
    whole, _, fraction = f"{abs(exact).normalize():f}".partition(".")
    grouped = f"{int(whole):,}".replace(",", ".")
    return sign + grouped + (f",{fraction}" if fraction else "")


def fixed(value: Number, places: int) -> str:
    """Exactly ``places`` decimals, zeros kept, as a measure reads: 1.0486 MB → "1,0"."""
    exact = _decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    whole, _, fraction = f"{abs(exact):f}".partition(".")
    sign = "-" if exact < 0 else ""
    return sign + f"{int(whole):,}".replace(",", ".") + (f",{fraction}" if fraction else "")


def percent(value: Number, places: int = 1) -> str:
    """A percentage, the figure already in percent: 12.5 → "12,5%", 60 → "60%"."""
    return number(value, places) + "%"


def ratio(part: int, whole: int) -> str:
    """``part`` of ``whole`` as a percentage ("33,3%"); "0%" when there is nothing to count."""
    return percent(Decimal(part) * 100 / whole if whole else 0)


def money(value: Number, unit: str = MILLION_VND) -> str:
    """An amount and its unit as the data gives it: "4.430 triệu đồng", "1.200.000 đồng"."""
    return f"{number(value)} {unit}"


def day(value: dt.date | None, missing: str = MISSING) -> str:
    """dd/mm/yyyy ("07/04/2026"); ``missing`` when there is no date."""
    return f"{value:%d/%m/%Y}" if value is not None else missing


def day_month(value: dt.date) -> str:
    """dd/mm ("27/10"), for the first day of a span within one year."""
    return f"{value:%d/%m}"


def moment(value: dt.datetime, zone: dt.tzinfo | None = None) -> str:
    """dd/mm/yyyy HH:MM, in ``zone`` when given ("07/04/2026 14:30")."""
    local = value.astimezone(zone) if zone is not None else value
    return f"{local:%d/%m/%Y %H:%M}"


def clock(value: dt.datetime, zone: dt.tzinfo | None = None) -> str:
    """HH:MM dd/mm/yyyy, the time first, as a queue lists when it will try again."""
    local = value.astimezone(zone) if zone is not None else value
    return f"{local:%H:%M %d/%m/%Y}"


def document_date(value: dt.date) -> str:
    """ "ngày 07 tháng 4 năm 2026" — Decree 30/2020: a leading zero on days below 10 and on
    months 1 and 2 only."""
    month = f"{value.month:02d}" if value.month <= 2 else str(value.month)
    return f"ngày {value.day:02d} tháng {month} năm {value.year}"


def place_date(place: str, value: dt.date) -> str:
    """The place and date line of a document: "Lộc Tấn, ngày 05 tháng 12 năm 2025"."""
    return f"{place}, {document_date(value)}"


def weekday(value: dt.date) -> str:
    """ "Thứ Hai" … "Thứ Bảy", "Chủ nhật"."""
    return WEEKDAYS[value.weekday()]


def week_span(value: dt.date) -> str:
    """The Monday–Sunday week holding ``value``: "từ 27/10 đến 02/11/2025"."""
    monday = value - dt.timedelta(days=value.weekday())
    return f"từ {day_month(monday)} đến {day(monday + dt.timedelta(days=6))}"


def roman(position: int) -> str:
    """Heading numbers I, II, III … as documents number their parts (1-based)."""
    return ROMAN[position - 1]


_PERIOD = re.compile(r"^(?P<year>\d{4})(?:-(?:(?P<month>\d{2})|Q(?P<quarter>[1-4])|H(?P<half>[12])))?$")


def period_phrase(label: str | None) -> str:
    """An occurrence's period label in words, as it ends a sentence: "tháng 4 năm 2026",
    "quý I năm 2026", "6 tháng đầu năm 2026", "năm 2026"; "" for none or a dated period."""
    match = _PERIOD.match(label or "")
    if match is None:
        return ""
    year = match["year"]
    if match["month"]:
        return f"tháng {int(match['month'])} năm {year}"
    if match["quarter"]:
        return f"quý {ROMAN[int(match['quarter']) - 1]} năm {year}"
    if match["half"]:
        return f"6 tháng {'đầu' if match['half'] == '1' else 'cuối'} năm {year}"
    return f"năm {year}"


def cycle_label(label: str | None, timing: str = "due") -> str:
    """A period as a report heading, a table cell or a list names it: "Quý I/2026", "Tháng
    4/2026", "6 tháng đầu năm 2026", "Năm 2026", "Kỳ đến 31/10/2025" (a period ending on a
    given day); "Một lần" or "Khi có yêu cầu" without one."""
    if label is None or label == "once":
        return "Khi có yêu cầu" if timing == "event" else "Một lần"
    words = period_phrase(label)
    if not words:
        words = period_words(label)
    elif words.startswith(("tháng", "quý")):
        words = words.replace(" năm ", "/")
    return words[:1].upper() + words[1:]


def period_words(label: str | None) -> str:
    """The period as a message names it: "quý I năm 2026"; a period that ends on a given day
    reads "kỳ đến 31/10/2025"; one-off items have none."""
    if label is None or label == "once":
        return ""
    words = period_phrase(label)
    if words:
        return words
    try:
        return f"kỳ đến {day(dt.date.fromisoformat(label))}"
    except ValueError:
        return f"kỳ {label}"


def status_label(status: str) -> str:
    """An occurrence status's label ("Hoàn thành đúng hạn", "Quá hạn" …)."""
    return STATUS_LABELS[status]


def status_text(status: str, days_overdue: int | None) -> str:
    """The label with its lateness, as a board row reads: "Quá hạn 16 ngày", "Hoàn thành trễ 3
    ngày"; the plain label otherwise."""
    if status == "overdue" and days_overdue:
        return f"Quá hạn {days_overdue} ngày"
    if status == "done_late" and days_overdue:
        return f"Hoàn thành trễ {days_overdue} ngày"
    return STATUS_LABELS[status]


def quiet_plans(count: int) -> str:
    """The line under a check's table for the plans it counts without listing."""
    return (f"{number(count)} kế hoạch khác không có việc quá hạn, bị chặn hay sắp đến hạn và không có "
            "thông báo đến hạn (không liệt kê).")  # fmt: skip


def overdue(days: int) -> str:
    """ "quá hạn 16 ngày" (calendar days after the due day)."""
    return f"quá hạn {days} ngày"


def days_left(days: int) -> str:
    """ "còn 3 ngày"; "hôm nay" on the due day."""
    return "hôm nay" if days == 0 else f"còn {days} ngày"


def comparator(symbol: str) -> str:
    """A target's comparator as documents print it: ">=" → "≥", "<=" → "≤"."""
    return COMPARATORS.get(symbol, symbol)


_STEP = re.compile(r"^(?P<days>[+-]\d+)(?P<unit>[wd])$")


def step(key: str) -> str:
    """A ladder step's key (``planflow.escalation.step_id``: the offset from the due day, in
    working days ``w`` or calendar days ``d``) as a person reads it: "-7d" → "7 ngày trước
    hạn", "+1w" → "1 ngày làm việc sau hạn", "+0d" → "ngày đến hạn", "coord" → "đề nghị
    phối hợp"; an unknown key is returned as it is."""
    if key == COORDINATION_STEP:
        return "đề nghị phối hợp"
    match = _STEP.match(key)
    if match is None:
        return key
    days = int(match["days"])
    if days == 0:
        return "ngày đến hạn"
    unit = "ngày làm việc" if match["unit"] == "w" else "ngày"
    return f"{abs(days)} {unit} {'trước' if days < 0 else 'sau'} hạn"


def undated(timing: str) -> str:
    """What the due column says of an item without a due date ("Thường xuyên")."""
    return UNDATED_LABELS.get(timing, MISSING)


def when_words(text: str | None) -> str:
    """An item's time as the definition wrote it, with planflow's own keywords ("ongoing",
    "event") given as their labels: a document's wording is shown as it is."""
    if not text:
        return ""
    return UNDATED_LABELS.get(text.strip().lower(), text)


def _optional_day(value: dt.date | None) -> str:
    return day(value)


FILTERS: dict[str, Callable[..., Any]] = {
    "number": number,
    "percent": percent,
    "money": money,
    "day": _optional_day,
    "moment": moment,
    "document_date": document_date,
    "weekday": weekday,
    "period": period_words,
    "cycle": cycle_label,
    "status_label": status_label,
    "comparator": comparator,
    "step": step,
    "roman": roman,
    "overdue": overdue,
    "days_left": days_left,
}
"""The Jinja filters every environment (mail, report, board) registers: ``{{ x | number }}``."""
