"""Typer's and Click's own words (help headings, usage errors) are Vietnamese."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from planflow.cli import app
from tests.cli.runner import run_cli

pytestmark = pytest.mark.quick  # in `make quick` (CONTRIBUTING.md)

# Click's and Typer's English words that must not reach the user.
ENGLISH = re.compile(
    r"Usage:|\bOptions\b|\bCommands\b|\bArguments\b|Show this message|Missing argument|No such option"
    r"|\bError\b|Invalid value|unexpected extra|Try '|for help|Input should be|\[default:|\[required\]"
    # the usage line's placeholders and the kinds of value beside each option
    r"|\[OPTIONS\]|\bCOMMAND\b|\[ARGS\]|<str>|<int>|<float>|<bool>|<path>|<list\[|<int range>|<float range>"
)


def test_help_is_vietnamese() -> None:
    """`planflow --help` and a command's help show Vietnamese headings and help option."""
    code, out, _ = run_cli("--help")
    assert code == 0
    assert "Cách dùng: planflow [TÙY CHỌN] LỆNH [ĐỐI SỐ]..." in out
    assert "─ Tùy chọn ─" in out and "─ Lệnh ─" in out
    assert "Hiện hướng dẫn này rồi thoát." in out
    assert not ENGLISH.search(out), ENGLISH.search(out)
    code, out, _ = run_cli("progress", "--help")
    assert code == 0
    assert "─ Đối số ─" in out and "[bắt buộc]" in out
    assert "<chữ>" in out and "<số>" in out and "<chữ>…" in out  # --by, --percent, --value (repeatable)
    assert not ENGLISH.search(out), ENGLISH.search(out)
    for group in ("report", "outbox", "user"):
        code, out, _ = run_cli(group, "--help")
        assert code == 0 and not ENGLISH.search(out), ENGLISH.search(out)
    code, out, _ = run_cli("web", "--help")  # --port: a number within a range
    assert code == 0 and not ENGLISH.search(out), ENGLISH.search(out)


def test_a_flag_shows_no_kind_of_value(monkeypatch: pytest.MonkeyPatch) -> None:
    """A flag takes no value: its line shows none (Typer wrote <bool>)."""
    monkeypatch.setenv("COLUMNS", "200")
    code, out, _ = run_cli("outbox", "--help")
    line = next(line for line in out.splitlines() if "--failed" in line)
    assert code == 0 and "<" not in line, line


# (arguments, the error's message): each kind of usage error Click raises
ERRORS = [
    (("status", "--bogus"), "Không có tùy chọn --bogus"),  # unknown option
    (("status", "--as-o"), "Không có tùy chọn --as-o (có phải: --as-of, --json?)"),  # a near miss
    (("status", "a", "b", "c"), "Thừa đối số: b c"),  # extra arguments
    (("progress",), "Thiếu đối số 'PLAN'."),  # missing argument
    (("stat",), "Không có lệnh 'stat'."),  # unknown command
    (
        ("check", "--chunk-plans", "x"),
        "Giá trị không hợp lệ cho '--chunk-plans': cần một số nguyên",
    ),  # a type
    (
        ("check", "--chunk-plans", "0"),
        "Giá trị không hợp lệ cho '--chunk-plans': cần từ 1 trở lên",
    ),  # a bound
]


@pytest.mark.parametrize(("args", "message"), ERRORS)
def test_usage_errors_are_vietnamese(args: tuple[str, ...], message: str) -> None:
    """A usage error shows 'Lỗi', the usage line and the hint in Vietnamese, and no English."""
    code, out, err = run_cli(*args)
    assert code == 2
    text = " ".join(err.replace("│", " ").split())
    assert f"Cách dùng: planflow {args[0] if args[0] != 'stat' else ''}".rstrip() in text
    assert "─ Lỗi ─" in err and "để biết cách dùng." in text
    assert message in text, text
    assert not ENGLISH.search(out + err), ENGLISH.search(out + err)


def test_compile_table_shows_labels_not_raw_values(defs_root: Path) -> None:
    """`planflow compile` names an occurrence's kind and an undated item's timing in words
    ("Nhiệm vụ", "Báo cáo", "Thường xuyên"), not as the raw values task/report/ongoing."""
    code, out, _ = run_cli("compile", "demo-2026", "-d", str(defs_root))
    assert code == 0
    assert "│ Nhiệm vụ" in out and "│ Báo cáo" in out and "Thường xuyên" in out
    assert not re.search(r"│ (task|report|report_input|ongoing|event|due) +│", out), out


def test_password_prompts_are_vietnamese(defs_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`planflow user add` asks the password twice in Vietnamese; two answers that differ are
    refused in Vietnamese and asked again."""
    monkeypatch.setenv("PLANFLOW_DEFINITIONS", str(defs_root))
    typed = "mat-khau-rieng-123\nmat-khau-khac-456\nmat-khau-rieng-123\nmat-khau-rieng-123\n"
    result = CliRunner().invoke(
        app, ["user", "add", "vp", "--role", "standing", "--directory", "demo"], input=typed
    )
    shown = result.stdout + result.stderr
    assert result.exit_code == 0, shown
    assert shown.count("Mật khẩu: ") == 2 and shown.count("Nhập lại để xác nhận: ") == 2, shown
    assert "Lỗi: hai lần nhập không khớp nhau; nhập lại." in shown
    assert "Đã thêm tài khoản vp" in shown
    assert "Repeat" not in shown and not ENGLISH.search(shown), shown
