"""What the CLI prints for people shows values as labels (``planflow.vnformat``): no raw
status, kind, report state, period key, ladder step, delivery state or comparator, while
``--json`` keeps the stable keys."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from prefect.client.schemas.objects import StateType

from planflow import vnformat as vn
from planflow.cli.check import _print_plan
from planflow.cli.reports import print_assembled
from planflow.flows.results import AssembledRow, AssembleReportsResult, Attention, CheckPlanResult
from planflow.loader import load_definitions
from planflow.notifications.notices import mail_config, run_check
from planflow.settings import load_settings
from planflow.store.db import opened_store
from tests.cli.runner import run_cli

pytestmark = pytest.mark.quick  # in `make quick` (CONTRIBUTING.md)

RAW_WORDS = (
    # statuses (planflow.status.Status, ProgressStatus) and kinds of occurrence
    "not_started|in_progress|done|done_on_time|done_late|overdue|blocked|ongoing|waiting_event"
    "|task|report_input"
    # report states (planflow.reports.cycle.ReportState) and outbox states (OutboxRow.status)
    "|scheduled|assembling|sent|sent_late|on_request|pending|retry|partial|dead"
    # notice roles
    "|lead|support|signer"
)
RAW = re.compile(
    rf"(?<![\w/.:-])(?:{RAW_WORDS}"
    r"|\d{4}-(?:Q[1-4]|H[12]|\d{2})"  # a period key: 2026-Q1, 2026-H1, 2026-03
    r"|\d{4}-\d{2}-\d{2}"  # an ISO day
    r"|[+-]\d+[wd]|coord"  # a ladder step key
    r"|>=|<="  # a comparator as typed in a definition
    r")(?![\w/-])"
)


def raw_values(text: str) -> list[str]:
    """The raw values in a command's human output (ids such as plan/report/2026-Q1 excepted)."""
    return RAW.findall(" ".join(text.split()))


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Quá hạn 3 ngày", []),
        ("→ done", ["done"]),  # a status
        ("│ 2026-Q1 │", ["2026-Q1"]),  # a period key in a column
        ("demo-2026/bao-cao-quy/2026-Q1", []),  # inside an occurrence key: an id, not a value
        ("(cần >= 80%)", [">="]),
        ("bước +1w", ["+1w"]),
        ("hạn 2026-04-10", ["2026-04-10"]),
    ],
)
def test_the_check_finds_raw_values(text: str, found: list[str]) -> None:
    """The detector the tests below rely on finds raw values and leaves ids alone."""
    assert raw_values(text) == found


def test_status_table_shows_labels(defs_root: Path) -> None:
    """`status PLAN` writes statuses with their lateness as the board does, periods in words and
    a target's comparator as a document prints it (≥)."""
    code, out, _ = run_cli("status", "demo-2026", "-d", str(defs_root), "--as-of", "2026-04-20")
    assert code == 0
    assert raw_values(out) == []
    flat = " ".join(out.split())
    assert "Quá hạn 66 ngày" in flat  # the Tết review: "trước ngày 17/02/2026", a working day before
    assert "cần ≥ 80%" in flat
    assert "quý I năm 2026" in flat


def test_progress_says_the_status_in_words(defs_root: Path) -> None:
    """`progress` confirms with the status's label; --json keeps the key."""
    args = ("progress", "demo-2026", "ke-hoach", "--status", "done", "--by", "vhxh", "--at", "2026-03-20")
    code, out, _ = run_cli(*args, "-d", str(defs_root))
    assert (code, raw_values(out)) == (0, [])
    assert out.strip().endswith("demo-2026/ke-hoach → Hoàn thành")
    code, out, _ = run_cli(*args, "-d", str(defs_root), "--json")
    assert json.loads(out)["status"] == "done"


@pytest.mark.parametrize(
    ("command", "labels"),
    [
        (("progress", "--help"), vn.PROGRESS_LABELS),  # --status
        (("user", "add", "--help"), vn.ACCOUNT_ROLE_LABELS),  # --role
        (("reports", "--help"), vn.REPORT_STATE_LABELS),  # --state
    ],
)
def test_help_names_each_value_an_option_takes(
    command: tuple[str, ...], labels: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An option that takes one of a few values lists each with the label people see for it."""
    monkeypatch.setenv("COLUMNS", "400")  # the help on one line per option
    code, out, _ = run_cli(*command)
    flat = " ".join(out.split())
    assert code == 0
    for value, label in labels.items():
        assert f"{value} ({label})" in flat


def test_reports_table_names_periods(defs_root: Path) -> None:
    """`reports` names each cycle as a report heading does (Quý I/2026, 6 tháng đầu năm 2026),
    and its states by label; --json keeps the period keys and state values."""
    args = ("reports", "demo-2026", "-d", str(defs_root), "--as-of", "2026-04-07")
    code, out, _ = run_cli(*args)
    assert code == 0
    assert raw_values(out) == []
    flat = " ".join(out.split())
    for label in ("Quý I/2026", "6 tháng đầu năm 2026", "Năm 2026", "Đang lập dự thảo", "Chưa đến kỳ lập"):
        assert label in flat
    code, out, _ = run_cli(*args, "--json")
    assert {r["period"] for r in json.loads(out)["reports"]} >= {"2026-Q1", "2026-H1", "2026"}


def test_reports_state_option_lists_labels(defs_root: Path) -> None:
    """A wrong --state lists the values with what each means."""
    code, _, err = run_cli("reports", "-d", str(defs_root), "--state", "late")
    assert code == 1
    assert "scheduled (Chưa đến kỳ lập); assembling (Đang lập dự thảo)" in " ".join(err.split())


def test_compile_shows_kinds_as_labels(defs_root: Path) -> None:
    """`compile` names what each occurrence is, as the board and the calendar do."""
    code, out, _ = run_cli("compile", "demo-2026", "-d", str(defs_root))
    assert (code, raw_values(out)) == (0, [])
    flat = " ".join(out.split())
    assert all(label in flat for label in vn.KIND_LABELS.values())


def test_outbox_shows_delivery_states(defs_root: Path) -> None:
    """`outbox` names each message's state in words; --json keeps the state values."""
    settings = load_settings(definitions=defs_root)
    with opened_store(settings.effective_database_url) as factory:
        run_check(load_definitions(defs_root), factory,
                  dt.date(2026, 3, 24), config=mail_config(settings), deliver_now=False,
                  now=lambda: dt.datetime(2026, 3, 24, 0, tzinfo=dt.UTC))  # fmt: skip
    code, out, _ = run_cli("outbox", "-d", str(defs_root))
    assert (code, raw_values(out)) == (0, [])
    assert "chờ gửi" in out and "thất bại" in out  # the centre has no address: dead at once
    code, out, _ = run_cli("outbox", "-d", str(defs_root), "--json")
    assert {m["status"] for m in json.loads(out)} == {"pending", "dead"}


def test_notices_and_simulate_show_labels(defs_root: Path) -> None:
    """The notice tables show headings and days, not step keys or roles."""
    for args in (
        ("notices", "--as-of", "2026-03-24"),
        ("simulate", "--from", "2026-03-23", "--to", "2026-03-24"),
    ):
        code, out, _ = run_cli(*args, "-d", str(defs_root))
        assert (code, raw_values(out)) == (0, [])


def test_check_plan_lists_the_late_as_the_board_does(capsys: pytest.CaptureFixture[str]) -> None:
    """`check PLAN`'s table of items to chase words lateness as the board: "Hoàn thành trễ 3 ngày",
    not the label with the days stuck on."""
    late = [
        Attention(key="p/a", title="Việc A", lead=["kt"], lead_names=["Phòng Kinh tế"], due="2026-03-01",
                  status="overdue", status_label="Quá hạn", days_overdue=5),
        Attention(key="p/b", title="Việc B", period="2026-Q1", lead=["kt"], due="2026-03-31",
                  status="done_late", status_label="Hoàn thành trễ hạn", days_overdue=3),
    ]  # fmt: skip
    summary = {s: 0 for s in vn.STATUS_LABELS} | {"overdue": 1, "done_late": 1}
    _print_plan(CheckPlanResult(plan="p", title="P", as_of="2026-04-07", summary=summary, window=summary,
                                task_runs=2, states={}, attention=late))  # fmt: skip
    out = capsys.readouterr().out
    flat = " ".join(out.split())
    assert raw_values(out) == []
    assert "Quá hạn 5 ngày" in flat and "Hoàn thành trễ 3 ngày" in flat
    assert "Việc B (quý I năm 2026)" in flat and "31/03/2026" in flat


def test_assembled_reports_show_days(capsys: pytest.CaptureFixture[str]) -> None:
    """`report assemble`'s table gives the due day as dd/mm/yyyy and the state as its label."""
    row = AssembledRow(key="p/bc/2026-Q1", state=vn.REPORT_STATE_LABELS["assembling"], version=2,
                       new_version=True, mailed=False, due="2026-04-10")  # fmt: skip
    print_assembled(AssembleReportsResult(as_of=dt.date(2026, 4, 7), reports=[row]))
    out = capsys.readouterr().out
    assert raw_values(out) == []
    assert "10/04/2026" in out and "Đang lập dự thảo" in out


def test_every_prefect_run_state_has_a_label() -> None:
    """`serve` reports how each run ended in words ("kết thúc: hoàn thành"), whatever Prefect's
    state: a new state type in a Prefect upgrade fails here, not as English on the console."""
    assert [s.value for s in StateType if s.value not in vn.RUN_STATE_LABELS] == []


def test_link_names_the_unit(defs_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`link` says whom the link is for by the unit's name, its id beside it."""
    monkeypatch.setenv("PLANFLOW_SECRET", "a-secret-of-thirty-two-characters-or-more")
    monkeypatch.setenv("PLANFLOW_PUBLIC_URL", "https://planflow.demo.example")
    code, _, err = run_cli("link", "demo-2026", "--unit", "kt", "--as-of", "2026-03-01", "-d", str(defs_root))
    assert code == 0
    assert " ".join(err.split()) == "Dùng được đến 31/03/2026 12:00 cho Phòng Kinh tế (kt)."
