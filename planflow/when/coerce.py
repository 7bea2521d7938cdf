"""Turn what a person writes under ``when:`` into a canonical :data:`When`.

Accepted forms (a string is always read as the document's Vietnamese wording)::

    when: "Từ ngày 01/10/2025 - 01/11/2025"        # the document's words
    when: {date: 2025-10-08}                         # one day
    when: {date: 2025-10-09, tentative: true}        # "Dự kiến ngày 09/10/2025"
    when: {from: 2025-10-01, to: 2025-11-01}         # a window
    when: {by: 2025-10-05}                           # a deadline
    when: {by: 2025-10-05, then: ongoing}            # set up, then keep running
    when: {month: 2025-10, part: early}              # "đầu tháng 10/2025"
    when: {quarter: 2026-Q2}                         # or {quarter: Q2}: plan year
    when: {every: quarter, due: last_week}           # "Hàng quý … tuần cuối …"
    when: {every: [quarter, half, year], due: {day_of_next_month: 10}}
    when: {every: month, times: {min: 2, unit: tin}} # "≥ 2 tin/tháng"
    when: {every: month, due: {day_of_month: 15}}    # "trước ngày 15 hằng tháng"
    when: {every: year, on: ["01/06", "15/11"]}      # "trước ngày 01/6 và 15/11 hằng năm"
    when: {every: year, on: [12]}                    # "Tháng 12 hằng năm": all December
    when: {from: 2026-01-01, to: 2030-12-31}         # "giai đoạn 2026-2030"
    when: ongoing                                    # "Thường xuyên"
    when: {ongoing: {from: 2025-09-23, until: "nghiệm thu"}}
    when: {event: "Theo Kế hoạch và Giấy mời từng sự kiện"}

The canonical form (``{kind: window, start: …, end: …}``) is accepted as well.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pydantic import TypeAdapter

from planflow.errors import TimeExpressionError
from planflow.hints import did_you_mean, hint, when_hint
from planflow.when.model import DueAnchor, When
from planflow.when.parse import parse_when

_ADAPTER: TypeAdapter[When] = TypeAdapter(When)
_COMMON = {"text", "tentative"}
_ONGOING_WORDS = {"ongoing", "thường xuyên"}


def coerce_when(value: Any, year: int | None = None) -> Any:
    """Return a When for strings and shorthand mappings; other values pass through to pydantic."""
    if isinstance(value, str):
        if value.strip().lower() in _ONGOING_WORDS:
            return _ADAPTER.validate_python({"kind": "ongoing", "text": value})
        meant = when_hint(value)
        if meant is not None:
            raise TimeExpressionError(
                f"'{value.strip()}' không phải cách ghi thời gian của planflow; có phải ý bạn là {meant}?"
            )
        return parse_when(value, year)
    if not isinstance(value, Mapping) or "kind" in value:
        return value
    data = dict(value)
    then = data.pop("then", None)
    if then is not None and then != "ongoing":
        raise TimeExpressionError(f"'then: {then}' không hợp lệ; chỉ có 'then: ongoing'")
    canonical = _shorthand(data, year)
    if then:
        canonical["then_ongoing"] = True
    return canonical


def _shorthand(data: dict[str, Any], year: int | None) -> dict[str, Any]:
    keys = set(data) - _COMMON
    common = {k: data[k] for k in _COMMON & set(data)}
    if "date" in keys:
        return {"kind": "day", **data}
    if keys >= {"from", "to"}:
        rest = {k: v for k, v in data.items() if k not in ("from", "to")}
        return {"kind": "window", "start": data["from"], "end": data["to"], **rest}
    if "by" in keys:
        rest = {k: v for k, v in data.items() if k != "from"}
        return {"kind": "deadline", "start": data.get("from"), **rest}
    if "month" in keys:
        y, m = _year_month(data.pop("month"), year)
        return {"kind": "month", "year": y, "month": m, **data}
    if "quarter" in keys:
        y, q = _year_quarter(data.pop("quarter"), year)
        return {"kind": "quarter", "year": y, "quarter": q, **data}
    if "every" in keys:
        every = data.pop("every")
        due = data.pop("due", None)
        if "from" in data:
            data["start"] = data.pop("from")
        if "to" in data:
            data["end"] = data.pop("to")
        if "on" in data:
            on = data.pop("on")
            data["on"] = [_year_day(v) for v in (on if isinstance(on, list | tuple) else [on])]
        return {
            "kind": "recurring",
            "every": [every] if isinstance(every, str) else every,
            "due": _due(due),
            **data,
        }
    if "ongoing" in keys:
        spec = data.pop("ongoing")
        body = dict(spec) if isinstance(spec, Mapping) else {}
        if "from" in body:
            body["start"] = body.pop("from")
        if "to" in body:
            body["end"] = body.pop("to")
        return {"kind": "ongoing", **body, **data}
    if "event" in keys:
        return {"kind": "event", "description": data.pop("event"), **data}
    guesses = (did_you_mean(str(key), _FORM_KEYS, _WHEN_SYNONYMS) for key in sorted(keys))
    meant = next((guess for guess in guesses if guess is not None), None)
    raise TimeExpressionError(
        f"không nhận ra dạng thời gian với các khoá {sorted(keys) or '(trống)'}; dùng một trong: "
        "date, from/to, by, month, quarter, every, ongoing, event"
        + (f" (kèm {sorted(common)})" if common else "")
        + hint(meant)
    )


_FORM_KEYS = ("date", "from", "to", "by", "month", "quarter", "every", "ongoing", "event")
_WHEN_SYNONYMS = {
    "deadline": "by",
    "due_date": "by",
    "due": "by",
    "until": "by",
    "start": "from",
    "end": "to",
    "day": "date",
    "frequency": "every",
    "cadence": "every",
    "repeat": "every",
}


def _year_month(value: Any, year: int | None) -> tuple[int, int]:
    text = str(value)
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", text) or re.fullmatch(r"(\d{1,2})", text)
    if match is None:
        raise TimeExpressionError(f"tháng '{text}' không hợp lệ; ghi dạng 2025-10")
    if len(match.groups()) == 2:
        return int(match.group(1)), int(match.group(2))
    if year is None:
        raise TimeExpressionError(f"tháng '{text}' thiếu năm; ghi dạng 2025-10")
    return year, int(match.group(1))


def _year_quarter(value: Any, year: int | None) -> tuple[int, int]:
    text = str(value).upper()
    match = re.fullmatch(r"(?:(\d{4})-)?Q(\d+)", text)
    if match is None:
        raise TimeExpressionError(f"quý '{value}' không hợp lệ; ghi dạng 2026-Q2 hoặc Q2")
    quarter = int(match.group(2))
    if not 1 <= quarter <= 4:
        raise TimeExpressionError(f"quý '{value}' không tồn tại; một năm chỉ có quý 1 đến 4")
    if match.group(1):
        return int(match.group(1)), quarter
    if year is None:
        raise TimeExpressionError(f"quý '{value}' thiếu năm; ghi dạng 2026-Q2")
    return year, quarter


def _year_day(value: Any) -> Any:
    """ "30/11" (a day of every year), 12 or "tháng 12" (a whole month); mappings pass."""
    if isinstance(value, Mapping):
        return value
    text = str(value).strip().lower()
    day = re.fullmatch(r"(\d{1,2})\s*/\s*(\d{1,2})", text)
    if day:
        return {"month": int(day.group(2)), "day": int(day.group(1))}
    month = re.fullmatch(r"(?:tháng\s*)?(\d{1,2})", text)
    if month:
        return {"month": int(month.group(1))}
    raise TimeExpressionError(
        f"ngày hằng năm '{value}' không hợp lệ; ghi dạng \"30/11\" hoặc 12 (cả tháng 12)"
    )


def _due(value: Any) -> Any:
    """Due-rule shorthands: ``end``, ``last_week``, ``{day_of_next_month: 10}``,
    ``{day_of_last_month: 25}``, ``{day_of_month: 15}`` (the same as day_of_last_month:
    for a monthly duty, that day of the month), ``{days_after_end: 5, working: true}``."""
    if value is None or value == "end":
        return {"anchor": DueAnchor.PERIOD_END}
    if value == "last_week":
        return {"anchor": DueAnchor.LAST_WEEK}
    if isinstance(value, Mapping) and "anchor" not in value:
        data = dict(value)
        if "day_of_next_month" in data:
            return {
                "anchor": DueAnchor.NEXT_MONTH_DAY,
                "day": data.pop("day_of_next_month"),
                **_offset(data),
            }
        for key in ("day_of_last_month", "day_of_month"):
            if key in data:
                return {"anchor": DueAnchor.LAST_MONTH_DAY, "day": data.pop(key), **_offset(data)}
        return {"anchor": DueAnchor.PERIOD_END, **_offset(data)}
    return value


def _offset(data: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "days_after_end" in data:
        out["offset"] = data.pop("days_after_end")
    if "working" in data:
        out["working_days"] = data.pop("working")
    out.update(data)
    return out
