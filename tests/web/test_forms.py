"""The progress and report forms read measured values as people write them, and refuse what no
measurement can be: not finite, absurdly long, negative, or over 100 on a percentage."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from planflow.intake.forms import FigureField
from planflow.loader import load_definitions
from planflow.schema import Plan
from planflow.status import TargetView
from planflow.web.forms import parse_progress, parse_report_input

pytestmark = pytest.mark.quick  # in `make quick` (CONTRIBUTING.md)

NOW = dt.datetime(2026, 3, 24, 9, tzinfo=dt.UTC)
SHARE = TargetView("ty-le", "Tỷ lệ hồ sơ số hóa", ">=", Decimal(80), "%", None)
PEOPLE = TargetView("so-nguoi", "Số người được tập huấn", ">=", Decimal(200), "người", None)
GROWTH = TargetView("tang", "Tăng trưởng thuê bao", ">=", Decimal(120), "%", None)
LONG = "9" * 5000


@pytest.mark.parametrize(
    ("target", "raw", "message"),
    [
        # an exponent: Decimal reads 1e400 as a finite number, and it counted as met
        (SHARE, "1e400", "Tỷ lệ hồ sơ số hóa: '1e400' không phải một số; ghi ví dụ 85 hoặc 85,5"),
        (SHARE, "NaN", "Tỷ lệ hồ sơ số hóa: 'NaN' không phải một số; ghi ví dụ 85 hoặc 85,5"),
        (PEOPLE, "inf", "Số người được tập huấn: 'inf' không phải một số; ghi ví dụ 85 hoặc 85,5"),
        (PEOPLE, "-Infinity", "Số người được tập huấn: '-Infinity' không phải một số; ghi ví dụ 85 hoặc 85,5"),
        # 5,000 digits: only the start is echoed back
        (PEOPLE, LONG, "Số người được tập huấn: '99999999999999999999…' có 5000 chữ số; số đo ghi tối đa 15 chữ số"),
        # a percentage cannot pass 100 when its target is a share (≥ 80 %)
        (SHARE, "150", "Tỷ lệ hồ sơ số hóa: '150' vượt quá 100 %; tỷ lệ ghi từ 0 đến 100"),
        (SHARE, "100,5%", "Tỷ lệ hồ sơ số hóa: '100,5%' vượt quá 100 %; tỷ lệ ghi từ 0 đến 100"),
        # a count, an amount or a share is never negative
        (PEOPLE, "-5", "Số người được tập huấn: '-5' là số âm; số đo của chỉ tiêu không âm"),
        (SHARE, "-0,5", "Tỷ lệ hồ sơ số hóa: '-0,5' là số âm; số đo của chỉ tiêu không âm"),
    ],
)  # fmt: skip
def test_impossible_measured_values_are_refused(
    plan: Plan, target: TargetView, raw: str, message: str
) -> None:
    """Each impossible value gives one message on its field and no value to record."""
    parsed = parse_progress({"status": "in_progress", f"t:{target.key}": raw}, [target], plan, NOW)
    assert parsed.errors == {f"t:{target.key}": message}
    assert parsed.values == {}


@pytest.mark.parametrize(
    ("target", "raw", "value"),
    [
        (SHARE, "85,5", Decimal("85.5")),  # a decimal comma
        (SHARE, "100%", Decimal(100)),  # the whole share
        (SHARE, "0", Decimal(0)),
        (PEOPLE, "1.250", Decimal(1250)),  # dot thousands
        (PEOPLE, "123.456.789.012.345", Decimal(123456789012345)),  # fifteen digits
        (GROWTH, "135", Decimal(135)),  # a growth rate whose own target passes 100 %
    ],
)  # fmt: skip
def test_real_measured_values_are_read(plan: Plan, target: TargetView, raw: str, value: Decimal) -> None:
    """Values as officials write them are read exactly."""
    parsed = parse_progress({"status": "in_progress", f"t:{target.key}": raw}, [target], plan, NOW)
    assert (parsed.errors, parsed.values) == ({}, {target.key: value})


def test_report_figures_are_checked_the_same_way() -> None:
    """A unit's part of a report refuses the same impossible figures, field by field."""
    share = FigureField("so-hoa/ty-le", None, "Số hóa hồ sơ", "Tỷ lệ hồ sơ số hóa", ">=", Decimal(80), "%")
    parsed = parse_report_input({"text": "Quý I", "f:so-hoa/ty-le": "1e400"}, [share], NOW)
    assert parsed.errors == {
        "f:so-hoa/ty-le": "Tỷ lệ hồ sơ số hóa: '1e400' không phải một số; ghi ví dụ 85 hoặc 85,5"
    }
    parsed = parse_report_input({"text": "Quý I", "f:so-hoa/ty-le": "150"}, [share], NOW)
    assert parsed.errors == {
        "f:so-hoa/ty-le": "Tỷ lệ hồ sơ số hóa: '150' vượt quá 100 %; tỷ lệ ghi từ 0 đến 100"
    }


@pytest.fixture
def plan(defs_root: Path) -> Plan:
    """The demo plan, read from its definition files."""
    return load_definitions(defs_root).plan("demo-2026")
