"""Reading the two forms a unit fills in, field by field, with a Vietnamese message per
field for anything wrong. Pure: no request, no store."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from planflow.intake.forms import FigureField, happened_at, measured_value, parse_percent
from planflow.schema import Plan
from planflow.status import ProgressStatus, TargetView

MAX_TEXT = 4000  # characters of a note or a report text


@dataclass
class Parsed:
    """What a form said, and the problems found, keyed by field name."""

    errors: dict[str, str] = field(default_factory=dict)
    status: ProgressStatus = ProgressStatus.IN_PROGRESS
    percent: int | None = None
    values: dict[str, Decimal] = field(default_factory=dict)
    text: str = ""
    at: dt.datetime | None = None


def _text(fields: Mapping[str, str], name: str, label: str, parsed: Parsed) -> str:
    text = fields.get(name, "").strip()
    if len(text) > MAX_TEXT:
        parsed.errors[name] = f"{label} dài {len(text)} ký tự; tối đa {MAX_TEXT}"
    return text


@dataclass(frozen=True)
class Metric:
    """What a figure field needs of its target: its label and the range of its values."""

    label: str
    unit: str | None
    required: Decimal


def _figures(fields: Mapping[str, str], prefix: str, metrics: Mapping[str, Metric], parsed: Parsed) -> None:
    for key, metric in metrics.items():
        raw = fields.get(prefix + key, "").strip()
        if not raw:
            continue
        try:
            parsed.values[key] = measured_value(raw, metric.unit, metric.required)
        except ValueError as exc:
            parsed.errors[prefix + key] = f"{metric.label}: {exc}"


def _day(fields: Mapping[str, str], plan: Plan, now: dt.datetime, parsed: Parsed) -> None:
    raw = fields.get("day", "").strip()
    try:
        day = dt.date.fromisoformat(raw) if raw else None
    except ValueError:
        parsed.errors["day"] = f"ngày '{raw}' không hợp lệ; chọn ngày trên lịch"
        return
    try:
        parsed.at = happened_at(day, now, plan)
    except ValueError as exc:
        parsed.errors["day"] = str(exc)


def parse_progress(
    fields: Mapping[str, str], targets: Sequence[TargetView], plan: Plan, now: dt.datetime
) -> Parsed:
    """The progress form: status, percent, a measured value per target, note, the day."""
    parsed = Parsed()
    try:
        parsed.status = ProgressStatus(fields.get("status", ""))
    except ValueError:
        parsed.errors["status"] = "chọn một tình trạng: Chưa bắt đầu, Đang thực hiện hoặc Hoàn thành"
    raw_percent = fields.get("percent", "").strip()
    if raw_percent:
        try:
            parsed.percent = parse_percent(raw_percent)
        except ValueError as exc:
            parsed.errors["percent"] = str(exc)
    if "status" not in parsed.errors and "percent" not in parsed.errors and parsed.percent is not None:
        if parsed.status is ProgressStatus.DONE and parsed.percent != 100:
            parsed.errors["percent"] = "đã chọn Hoàn thành thì phần trăm là 100 (hoặc để trống)"
        elif parsed.status is ProgressStatus.NOT_STARTED and parsed.percent > 0:
            parsed.errors["percent"] = "chưa bắt đầu thì phần trăm là 0 (hoặc để trống)"
    _figures(fields, "t:", {t.key: Metric(t.metric, t.unit, t.required) for t in targets}, parsed)
    parsed.text = _text(fields, "note", "Ghi chú", parsed)
    _day(fields, plan, now, parsed)
    return parsed


def parse_report_input(fields: Mapping[str, str], figures: Sequence[FigureField], now: dt.datetime) -> Parsed:
    """A unit's part of a report: a figure per target it reports on, and its text."""
    parsed = Parsed(status=ProgressStatus.DONE, at=now)
    _figures(fields, "f:", {f.key: Metric(f.metric, f.unit, f.required) for f in figures}, parsed)
    parsed.text = _text(fields, "text", "Nội dung báo cáo", parsed)
    if not parsed.text and not parsed.values and "text" not in parsed.errors:
        parsed.errors["text"] = "ghi nội dung báo cáo hoặc ít nhất một số liệu"
    return parsed
