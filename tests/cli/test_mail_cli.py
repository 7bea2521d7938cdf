"""The notice and mail commands through the CLI."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

import pytest

from planflow.loader import load_definitions
from planflow.notifications.notices import mail_config, run_check
from planflow.settings import load_settings
from planflow.store.db import opened_store
from tests.cli.runner import PLANFLOW, run_cli
from tests.conftest import REPO
from tests.smtp import Recorder, SmtpServer


def test_notices_is_a_preview(defs_root: Path) -> None:
    """notices lists what is due without recording it: asking twice gives the same list."""
    args = ("notices", "-d", str(defs_root), "--as-of", "2026-03-24", "--json")
    code, out, _ = run_cli(*args)
    assert code == 0
    first = json.loads(out)["notices"]
    assert {n["recipient"] for n in first} == {
        "unit:demo/vhxh",
        "unit:demo/kt",
        "unit:demo/hcc",
        "signer:demo-2026",
    }
    tet = [n for n in first if n["occurrence"] == "demo-2026/tet"]
    # a first run catches up: the latest step only; the four before it would be skipped
    assert {(n["step"], n["recipient"]) for n in tet} == {("+7w", "signer:demo-2026")}
    assert json.loads(out)["skipped"] == 12
    assert json.loads(run_cli(*args)[1])["notices"] == first
    code, out, _ = run_cli(*args[:-1])
    assert "12 bước trước đó sẽ được bỏ qua (chạy bù: chỉ gửi bước mới nhất)." in " ".join(out.split())


def test_send_outbox_and_failed(defs_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Queued messages go out with `send`; a refused one is listed by `outbox --failed`."""
    server = SmtpServer(Recorder(reject_rcpt={"kt@demo.example"}))
    server.start()
    monkeypatch.setenv("PLANFLOW_SMTP_URL", server.url)
    monkeypatch.setenv("PLANFLOW_MAIL_FROM", "planflow <planflow@demo.example>")
    try:
        settings = load_settings(definitions=defs_root)
        with opened_store(settings.effective_database_url) as factory:
            run_check(load_definitions(defs_root), factory,
                      dt.date(2026, 3, 24), config=mail_config(settings), deliver_now=False,
                      now=lambda: dt.datetime(2026, 3, 24, 0, tzinfo=dt.UTC))  # fmt: skip
        code, out, _ = run_cli("outbox", "-d", str(defs_root), "--json")
        assert code == 0 and len(json.loads(out)) == 4
        code, out, _ = run_cli("send", "-d", str(defs_root), "--json")
        assert code == 0
        assert json.loads(out) | {"destination": ""} == {"sent": 2, "retried": 0, "failed": 1, "partial": 0,
                                                         "waiting": 0, "cause": "550 5.1.1 Không có hộp thư này",
                                                         "transport": "smtp", "destination": ""}  # fmt: skip
    finally:
        server.stop()
    code, out, _ = run_cli("outbox", "--failed", "-d", str(defs_root), "--json")
    failed = json.loads(out)
    assert sorted(f["recipient"] for f in failed) == ["unit:demo/hcc", "unit:demo/kt"]
    assert {f["last_error"] for f in failed} == {
        "kt@demo.example: 550 5.1.1 Không có hộp thư này",
        "không có địa chỉ e-mail cho 'Trung tâm Phục vụ hành chính công'",
    }
    assert len(server.recorder.messages) == 2
    code, out, _ = run_cli("outbox", "-d", str(defs_root))
    assert "12 bước nhắc việc được bỏ qua khi chạy bù (đã ghi nhận, không gửi)." in " ".join(out.split())


def test_half_configured_smtp_is_refused(defs_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An SMTP URL without a sender address is an error that says what to set."""
    monkeypatch.setenv("PLANFLOW_SMTP_URL", "smtp://user:secret@127.0.0.1:2525")
    code, _, err = run_cli("send", "-d", str(defs_root))
    assert code == 1
    assert err.strip() == "Lỗi: đã đặt PLANFLOW_SMTP_URL nhưng thiếu PLANFLOW_MAIL_FROM (địa chỉ người gửi)"
    assert "secret" not in err


def test_simulate_writes_nothing(defs_root: Path) -> None:
    """simulate replays days on a copy: the real outbox stays empty."""
    code, out, _ = run_cli("simulate", "demo-2026", "--from", "2026-03-20", "--to", "2026-04-02",
                        "-d", str(defs_root), "--json")  # fmt: skip
    assert code == 0
    days = json.loads(out)
    assert days[0]["day"] == "2026-03-20" and len(days) == 14
    assert sum(d["messages"] for d in days) > 0
    code, out, _ = run_cli("outbox", "-d", str(defs_root), "--json")
    assert json.loads(out) == []


_JARGON = re.compile(r"ngày làm việc|Bước|[+-]\d+[wd]\b|/once/|\b\d{4}-(Q\d|H\d|\d\d)\b|unit:|signer:")
"""What a person should never read in a table: working-day steps, step keys, occurrence
keys, raw periods and recipient ids."""


def test_notice_tables_read_as_the_mails(defs_root: Path) -> None:
    """`notices` and `simulate` word each notice as its message does: the heading it stands
    under, a report as a request, lateness in calendar days; no step key nor raw value."""
    code, out, _ = run_cli("notices", "-d", str(defs_root), "--as-of", "2026-04-01")
    text = " ".join(out.split())
    assert code == 0 and not _JARGON.search(out), _JARGON.search(out)
    assert "Quá hạn" in text and "31/03/2026 (quá hạn 1 ngày)" in text and "Báo cáo cần gửi" in text
    assert "Đề nghị gửi báo cáo kết quả thực hiện Kế hoạch về Phòng Văn hóa - Xã hội (quý I năm 2026)" in text
    code, out, _ = run_cli("simulate", "demo-2026", "--from", "2026-03-20", "--to", "2026-04-02",
                           "-d", str(defs_root))  # fmt: skip
    assert code == 0 and not _JARGON.search(out), _JARGON.search(out)
    summary = " ".join(out.split()).rsplit("Từ 20/03/2026 đến 02/04/2026: ", 1)[1]
    assert re.fullmatch(
        r"\d+ thư, \d+ thông báo \(Quá hạn: \d+, Sắp đến hạn: \d+, Báo cáo cần gửi: \d+\); "
        r"bước nhắc bỏ qua khi chạy bù: \d+\.",
        summary,
    ), summary


def test_example_notices_are_flagged_as_not_sent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The province example's notices show in the tables, marked as not sent."""
    monkeypatch.setenv("PLANFLOW_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("PLANFLOW_SEND_EXAMPLES", raising=False)
    code, out, _ = run_cli(
        "notices", "dong-nai-99-2025", "-d", str(REPO / "definitions"), "--as-of", "2025-10-24"
    )
    text = " ".join(out.split())
    assert code == 0 and "UBND các xã, phường" in text
    assert (
        "1 thông báo của kế hoạch ví dụ dong-nai-99-2025: không gửi (PLANFLOW_SEND_EXAMPLES=true để gửi)."
        in text
    )
    assert not _JARGON.search(out), _JARGON.search(out)


def _env(tmp_path: Path, prefect_api_url: str) -> dict[str, str]:
    """The CLI's environment for the example definitions, running its flows on the test
    process's Prefect server; the example province plan (dong-nai-99-2025) sends too, so
    every notice is recorded."""
    env = {**os.environ, "PLANFLOW_DEFINITIONS": str(REPO / "definitions"), "PLANFLOW_HOME": str(tmp_path / "home"),
           "PLANFLOW_SEND_EXAMPLES": "true", "PREFECT_API_URL": prefect_api_url}  # fmt: skip
    for name in ("PREFECT_HOME", "PLANFLOW_SMTP_URL"):
        env.pop(name, None)
    return env


@pytest.mark.prefect
def test_check_all_plans_flow(tmp_path: Path, prefect_api_url: str) -> None:
    """`planflow check` without a plan runs check_plans: notices queued and written as .eml."""
    env = _env(tmp_path, prefect_api_url)
    done = subprocess.run([str(PLANFLOW), "check", "--as-of", "2025-10-20", "--json"], env=env,
                          capture_output=True, text=True, check=False, cwd=tmp_path, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    result = json.loads(done.stdout)
    assert [p["plan"] for p in result["plans"]] == ["dai-phuoc-2025", "dong-nai-99-2025", "lang-son-2025",
                                                    "loc-tan-2025", "thach-ha-2025"]  # fmt: skip
    assert result["quiet_plans"] == 1  # loc-tan-2026: nothing of next year's plan is due yet
    assert result["notices"] == sum(result["notices_by_step"].values()) > 0
    assert result["delivery"]["transport"] == "file"
    emls = list((tmp_path / "home" / "outbox").glob("*.eml"))
    assert len(emls) == result["delivery"]["sent"] > 0
    again = subprocess.run([str(PLANFLOW), "check", "--as-of", "2025-10-20", "--json", "--dry-run"], env=env,
                           capture_output=True, text=True, check=True, cwd=tmp_path, timeout=300)  # fmt: skip
    assert json.loads(again.stdout)["notices"] == 0  # all recorded by the first run


@pytest.mark.prefect
def test_check_in_chunks_finds_the_notices_due(tmp_path: Path, prefect_api_url: str) -> None:
    """One task run per plan (--chunk-plans 1): exactly the notices the preview lists, each
    recorded once, whatever the cut."""
    env = _env(tmp_path, prefect_api_url)
    preview = subprocess.run([str(PLANFLOW), "notices", "--as-of", "2025-10-24", "--json"], env=env,
                             capture_output=True, text=True, check=True, cwd=tmp_path)  # fmt: skip
    due = json.loads(preview.stdout)["notices"]
    done = subprocess.run([str(PLANFLOW), "check", "--as-of", "2025-10-24", "--json", "--chunk-plans", "1"],
                          env=env, capture_output=True, text=True, check=False, cwd=tmp_path, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["chunks"] == len(result["plans"]) + result["quiet_plans"] == 6
    assert result["notices"] == len(due) > 0
    by_step: dict[str, int] = {}
    for notice in due:
        by_step[notice["step"]] = by_step.get(notice["step"], 0) + 1
    assert result["notices_by_step"] == dict(sorted(by_step.items()))
    with closing(sqlite3.connect(tmp_path / "home" / "planflow.db")) as db:
        recorded = db.execute(
            "SELECT occurrence_key, step, recipient FROM notices WHERE state = 'queued'"
        ).fetchall()
        skipped = db.execute("SELECT count(*) FROM notices WHERE state = 'skipped'").fetchone()[0]
    assert sorted(recorded) == sorted((n["occurrence"], n["step"], n["recipient"]) for n in due)
    assert skipped == json.loads(preview.stdout)["skipped"]
