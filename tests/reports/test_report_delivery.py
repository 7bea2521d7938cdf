"""A simulated month of report work delivered to a real SMTP server (aiosmtpd): drafts to the
compiling unit from the draft day, new versions only when the content changes, the final to
the recipients on the day it is sent — with the files attached."""

from __future__ import annotations

import datetime as dt
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from planflow.loader import load_definitions
from planflow.notifications.config import load_mail_config
from planflow.reports.assembly import assemble_reports, send_report
from tests.factories import write_definitions
from tests.reports.test_report_build import demo_with_budget, record_quarter
from tests.smtp import SmtpServer

ICT = dt.timezone(dt.timedelta(hours=7))


def _attachments(message: EmailMessage) -> dict[str, str]:
    return {str(part.get_filename()): part.get_content_type() for part in message.iter_attachments()}


def test_a_month_of_drafts_and_a_final(
    sessions: sessionmaker[Session],
    database_url: str,
    tmp_path: Path,
    smtp: SmtpServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PLANFLOW_DATABASE_URL", database_url)  # the CLI writes to the same store
    root = demo_with_budget(tmp_path / "d")
    config = load_mail_config(tmp_path / "home", smtp.url, "planflow <planflow@demo.example>")
    mailed: dict[dt.date, list[EmailMessage]] = {}
    day = dt.date(2026, 4, 1)
    while day <= dt.date(2026, 4, 30):
        clock = dt.datetime.combine(day, dt.time(6, 30), tzinfo=ICT)
        defs = load_definitions(root)
        before = len(smtp.recorder.messages)
        if day == dt.date(2026, 4, 8):
            record_quarter(root)  # new progress arrives: the next draft is a new version
        outcome = assemble_reports(defs, sessions, day, config=config, now=lambda c=clock: c)
        assert all(r.error is None for r in outcome.reports)
        if day == dt.date(2026, 4, 9):
            send_report(defs, sessions, "demo-2026", "bao-cao-quy", "2026-Q1", clock, config=config,
                        now=lambda c=clock: c, note="Số 21/BC-UBND")  # fmt: skip
        mailed[day] = smtp.recorder.messages[before:]
        day += dt.timedelta(days=1)

    days = {d: [str(m["Subject"]) for m in msgs] for d, msgs in mailed.items() if msgs}
    assert days == {
        # The draft day is 3 working days before the due date (Fri 10/04): Tue 07/04.
        dt.date(2026, 4, 7): [
            "[planflow] Dự thảo báo cáo (bản 1): Kết quả thực hiện Kế hoạch (quý I năm 2026)"
        ],
        # 08/04: progress came in, the content changed: version 2.
        dt.date(2026, 4, 8): [
            "[planflow] Dự thảo báo cáo (bản 2): Kết quả thực hiện Kế hoạch (quý I năm 2026)"
        ],
        # 09/04: sent — the final goes to the recipients; nothing after.
        dt.date(2026, 4, 9): ["[planflow] Báo cáo: Kết quả thực hiện Kế hoạch (quý I năm 2026)"],
    }
    draft = mailed[dt.date(2026, 4, 7)][0]
    assert str(draft["To"]) == "Phòng Văn hóa - Xã hội <vhxh@demo.example>"
    assert _attachments(draft) == {
        "bao-cao-demo-2026-bao-cao-quy-2026-Q1.docx":
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "bao-cao-demo-2026-bao-cao-quy-2026-Q1.html": "text/html",
        "bao-cao-demo-2026-bao-cao-quy-2026-Q1.md": "text/markdown",
    }  # fmt: skip
    body = draft.get_body(("plain",))
    assert body is not None
    text = body.get_content()
    assert "Chưa nhận báo cáo của: Phòng Kinh tế, Trung tâm Phục vụ hành chính công." in text
    assert "planflow report send demo-2026/bao-cao-quy --period 2026-Q1" in text
    final = mailed[dt.date(2026, 4, 9)][0]
    assert str(final["To"]) == "UBND tỉnh <ubnd@tinh.example>"
    assert str(final["Cc"]) == "Phòng Văn hóa - Xã hội <vhxh@demo.example>"
    docx_part = next(p for p in final.iter_attachments() if str(p.get_filename()).endswith(".docx"))
    content = docx_part.get_content()
    assert isinstance(content, bytes) and content.startswith(b"PK")  # a real .docx (zip)
    assert smtp.recorder.envelopes[-1][1] == ["ubnd@tinh.example", "vhxh@demo.example"]


def test_a_broken_officer_template_is_reported_not_raised(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    """An officer's Word template that no longer renders: a clear error for that report,
    nothing stored, no traceback; removing it brings the default back."""
    root = write_definitions(tmp_path / "d")
    template = root / "templates" / "report.docx"
    template.parent.mkdir(parents=True)
    template.write_bytes(b"not a word file")
    config = load_mail_config(tmp_path / "home", None, "planflow <planflow@demo.example>")
    clock = dt.datetime(2026, 4, 7, 6, 30, tzinfo=ICT)
    outcome = assemble_reports(load_definitions(root), sessions, dt.date(2026, 4, 7), config=config,
                               now=lambda: clock, deliver_now=False)  # fmt: skip
    [result] = outcome.reports
    assert (
        result.error is not None
        and "mẫu báo cáo" in result.error
        and "planflow report template" in result.error
    )
    template.unlink()
    outcome = assemble_reports(load_definitions(root), sessions, dt.date(2026, 4, 7), config=config,
                               now=lambda: clock, deliver_now=False)  # fmt: skip
    assert [(r.version, r.error) for r in outcome.reports] == [(1, None)]
