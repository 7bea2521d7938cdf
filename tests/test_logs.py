"""The library's log: the key events of sync, check, delivery and assembly reach the
standard library's ``planflow`` logger, and the CLI shows them only when asked."""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from planflow.errors import DefinitionError
from planflow.loader import load_definitions
from planflow.logs import LOGGER
from planflow.notifications.config import load_mail_config
from planflow.notifications.notices import notices_due, queue_notices, send_outbox
from planflow.reports.assembly import assemble_reports
from planflow.sync.definitions import sync_definitions
from tests.cli.runner import run_cli
from tests.factories import demo_plan, write_definitions
from tests.smtp import SmtpServer

ICT = dt.timezone(dt.timedelta(hours=7))
NOW = dt.datetime(2026, 3, 24, 7, tzinfo=ICT)
SENDER = "planflow <planflow@demo.example>"


@pytest.fixture
def info(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.INFO, logger=LOGGER)
    return caplog


@pytest.fixture(autouse=True)
def _cli_logging_restored() -> Iterator[None]:
    """The CLI configures the ``planflow`` logger in this process: put it back after each test."""
    logger = logging.getLogger(LOGGER)
    handlers, level = list(logger.handlers), logger.level
    yield
    logger.handlers[:] = handlers
    logger.setLevel(level)


def _messages(caplog: pytest.LogCaptureFixture, name: str) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == name]


def test_sync_logs_added_changed_unchanged(
    sessions: sessionmaker[Session], defs_root: Path, info: pytest.LogCaptureFixture
) -> None:
    """Each sync says how many plans it added, changed and left alone, and names the changed ones."""
    for _ in range(2):
        with sessions() as s, s.begin():
            sync_definitions(load_definitions(defs_root), None, session=s, now=NOW)
    write_definitions(defs_root, demo_plan(title="Kế hoạch chuyển đổi số năm 2026 (sửa đổi)"))
    with sessions() as s, s.begin():
        sync_definitions(load_definitions(defs_root), None, session=s, now=NOW)
    assert _messages(info, "planflow.sync.definitions") == [
        "sync: 1 plan(s) added, 0 changed, 0 unchanged",
        "sync: 0 plan(s) added, 0 changed, 1 unchanged",
        "sync: 0 plan(s) added, 1 changed, 0 unchanged",
        "sync: changed plans: demo-2026",
    ]


def test_a_refused_sync_is_logged(
    sessions: sessionmaker[Session], defs_root: Path, info: pytest.LogCaptureFixture
) -> None:
    """A strict store refuses a plan with a unit nobody can mail; the log says so before the error."""
    with sessions() as s, s.begin(), pytest.raises(DefinitionError):
        sync_definitions(load_definitions(defs_root, strict=True), None, session=s, now=NOW)
    (refused,) = [
        r for r in info.records if r.name == "planflow.sync.definitions" and "refused" in r.getMessage()
    ]
    assert refused.levelno == logging.INFO
    assert re.fullmatch(r"sync refused: \d+ problem\(s\) in demo-2026 \(strict store\)", refused.getMessage())


def test_check_logs_what_it_read_and_found(
    sessions: sessionmaker[Session], defs_root: Path, info: pytest.LogCaptureFixture
) -> None:
    """The check logs its plans with something due and their occurrences, the plans with nothing
    due, the notices due and skipped, and its time."""
    defs = load_definitions(defs_root)
    with sessions() as s, s.begin():
        sync_definitions(defs, None, session=s, now=NOW)
        plan = notices_due(defs, ["demo-2026"], NOW.date(), session=s)
        queued = queue_notices(plan, session=s, now=NOW, config=load_mail_config(defs_root, None, SENDER))
    occurrences = sum(sum(c.summary.values()) for c in plan.reports)
    first, second = _messages(info, "planflow.notifications.notices")
    assert re.fullmatch(
        rf"check 2026-03-24: 1 plan\(s\) with something due \({occurrences} occurrence\(s\)\), 0 with nothing "
        rf"due, {len(plan.notices)} notice\(s\) due, {len(plan.skipped)} skipped, in \d+\.\d\d s",
        first,
    )
    assert occurrences > 12 and plan.notices
    assert second == f"check: {len(queued)} message(s) queued for {len(plan.notices)} notice(s)"


def test_delivery_logs_sent_retried_and_failed_with_the_answer(
    sessions: sessionmaker[Session],
    defs_root: Path,
    smtp: SmtpServer,
    tmp_path: Path,
    info: pytest.LogCaptureFixture,
) -> None:
    """Against a real SMTP server: a message sent, one to retry (451) and one refused (550),
    each logged with the server's answer, then the run's totals."""
    smtp.recorder.rcpt_answers["kt@demo.example"] = "451 4.2.1 Hộp thư tạm bận"
    smtp.recorder.reject_rcpt.add("pct@demo.example")
    config = load_mail_config(tmp_path, smtp.url, SENDER)
    defs = load_definitions(defs_root)
    with sessions() as s, s.begin():
        sync_definitions(defs, None, session=s, now=NOW)
        queue_notices(
            notices_due(defs, ["demo-2026"], NOW.date(), session=s), session=s, now=NOW, config=config
        )
    report = send_outbox(sessions, config, now=lambda: NOW)
    records = [r for r in info.records if r.name == "planflow.notifications.delivery"]
    text = [(r.levelname, r.getMessage()) for r in records]
    assert sum(1 for _, m in text if re.fullmatch(r"mail \d+ sent \(smtp\)", m)) == report.sent == 1
    assert any(
        lvl == "INFO"
        and re.fullmatch(r"mail \d+ will be retried \(smtp\): .*451 4\.2\.1 Hộp thư tạm bận.*", m)
        for lvl, m in text
    )
    assert any(
        lvl == "INFO" and re.fullmatch(r"mail \d+ (failed|sent, some recipients failed) \(smtp\): .*550.*", m)
        for lvl, m in text
    )
    assert text[-1] == (
        "INFO",
        f"delivery (smtp): {report.sent} sent, {report.retried} retried, {report.failed} failed, "
        f"{report.waiting} waiting",
    )


def test_assembly_logs_versions_stored_mailed_and_kept(
    sessions: sessionmaker[Session], defs_root: Path, tmp_path: Path, info: pytest.LogCaptureFixture
) -> None:
    """On its draft day a report is built, stored as version 1 and mailed; the next run keeps it."""
    defs = load_definitions(defs_root)
    config = load_mail_config(tmp_path, None, SENDER)
    moment = dt.datetime(2026, 4, 7, 6, 30, tzinfo=ICT)
    for _ in range(2):
        assemble_reports(
            defs, sessions, dt.date(2026, 4, 7), config=config, now=lambda: moment, deliver_now=False
        )
    assert _messages(info, "planflow.reports.assembly") == [
        "report demo-2026/bao-cao-quy/2026-Q1: version 1 stored and mailed to the compiler",
        "assembly 2026-04-07: 1 report(s) due, 1 built, 1 new version(s), 1 mailed",
        "report demo-2026/bao-cao-quy/2026-Q1: unchanged, still version 1",
        "assembly 2026-04-07: 1 report(s) due, 1 built, 0 new version(s), 0 mailed",
    ]


def test_the_cli_shows_the_log_only_when_asked(
    tmp_path: Path, defs_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """By default a command's output is unchanged; -v or PLANFLOW_LOG_LEVEL=info adds the log
    on stderr; a level that does not exist is refused with what to write instead."""
    monkeypatch.setenv("PLANFLOW_DATABASE_URL", f"sqlite:///{tmp_path / 'store.db'}")
    code, _, err = run_cli("sync", "-d", str(defs_root))
    assert code == 0 and "planflow.sync" not in err
    code, _, err = run_cli("-v", "sync", "-d", str(defs_root))
    assert code == 0
    assert re.search(
        r"INFO planflow\.sync\.definitions: sync: 0 plan\(s\) added, 0 changed, 1 unchanged", err
    )
    monkeypatch.setenv("PLANFLOW_LOG_LEVEL", "info")
    code, _, err = run_cli("sync", "-d", str(defs_root))
    assert code == 0 and "INFO planflow.sync.definitions: sync: 0 plan(s) added" in err
    monkeypatch.setenv("PLANFLOW_LOG_LEVEL", "loud")
    code, _, err = run_cli("sync", "-d", str(defs_root))
    assert (code, err) == (
        1,
        "Lỗi: PLANFLOW_LOG_LEVEL='loud' không hợp lệ; chọn một trong: DEBUG, INFO, WARNING, ERROR\n",
    )
