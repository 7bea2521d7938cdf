"""Notices planned from the ladder, queued in the outbox and delivered to a real SMTP server."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from planflow.loader import load_definitions
from planflow.notifications.config import load_mail_config
from planflow.notifications.delivery import DeliveryReport
from planflow.notifications.notices import notices_due, queue_notices, send_outbox
from planflow.store.models import OutboxRow
from planflow.sync.definitions import sync_definitions
from tests.factories import demo_plan, write_definitions
from tests.smtp import SmtpServer

ICT = dt.timezone(dt.timedelta(hours=7))


def _check(factory: sessionmaker[Session], root: Path, day: dt.date, url: str | None, home: Path) -> int:
    """One run of the check: sync, plan the due notices, queue them; returns messages queued."""
    config = load_mail_config(home, url, "planflow <planflow@demo.example>")
    now = dt.datetime.combine(day, dt.time(7), tzinfo=ICT)
    defs = load_definitions(root)
    with factory() as s, s.begin():
        sync_definitions(defs, None, session=s, now=now)
        plan = notices_due(defs, sorted(defs.plans), day, session=s)
        return len(queue_notices(plan, session=s, now=now, config=config))


def _send(factory: sessionmaker[Session], url: str | None, home: Path, day: dt.date) -> DeliveryReport:
    config = load_mail_config(home, url, "planflow <planflow@demo.example>")
    moment = dt.datetime.combine(day, dt.time(7, 5), tzinfo=ICT)
    return send_outbox(factory, config, now=lambda: moment)


def test_reminders_and_escalations_are_delivered(
    sessions: sessionmaker[Session], defs_root: Path, smtp: SmtpServer, tmp_path: Path
) -> None:
    """A run on 24/03/2026 mails one digest per recipient; a second run the same day sends nothing."""
    day = dt.date(2026, 3, 24)
    queued = _check(sessions, defs_root, day, smtp.url, tmp_path)
    report = _send(sessions, smtp.url, tmp_path, day)
    assert (report.sent, report.failed) == (3, 0)
    by_rcpt = {
        tuple(rcpts): msg
        for (_, rcpts), msg in zip(smtp.recorder.envelopes, smtp.recorder.messages, strict=True)
    }
    # the signer's escalation is copied to the standing unit
    assert set(by_rcpt) == {
        ("vhxh@demo.example",),
        ("kt@demo.example",),
        ("pct@demo.example", "vhxh@demo.example"),
    }
    # the unit with no address is queued as a dead letter, visible, not silently dropped
    assert queued == 4
    with sessions() as s:
        failed = s.scalars(select(OutboxRow).where(OutboxRow.status == "dead")).all()
    assert [f.last_error for f in failed] == [
        "không có địa chỉ e-mail cho 'Trung tâm Phục vụ hành chính công'"
    ]
    standing = by_rcpt[("vhxh@demo.example",)]
    # a first run: the long-overdue items get their latest step only (to the signer, the
    # standing unit copied); the standing unit's own mail holds its two reminders
    assert (
        str(standing["Subject"])
        == "[planflow] Sắp đến hạn – Phòng Văn hóa - Xã hội, xã Demo – ngày 24/03/2026"
    )
    assert str(standing["From"]) == "planflow <planflow@demo.example>"
    text = standing.get_body(("plain",)).get_content()
    assert "Kính gửi: Phòng Văn hóa - Xã hội" in text
    signer = by_rcpt[("pct@demo.example", "vhxh@demo.example")]
    assert str(signer["Cc"]) == "Phòng Văn hóa - Xã hội <vhxh@demo.example>"
    escalation = signer.get_body(("plain",)).get_content()
    # "trước ngày 17/02/2026": due Friday 13/02, the last working day before Tết
    assert "Rà soát trước Tết" in escalation and "quá hạn 39 ngày" in escalation
    # each step's template: upward escalation to the signer, a reminder to the unit
    assert "Kính đề nghị chỉ đạo, đôn đốc" in escalation
    reminder = by_rcpt[("kt@demo.example",)].get_body(("plain",)).get_content()
    assert "Đề nghị gửi các báo cáo dưới đây đúng hạn" in reminder and "(còn 7 ngày)" in reminder
    assert "Kính gửi: Phó Chủ tịch Nguyễn Văn A" in signer.get_body(("plain",)).get_content()
    # every message says it is automatic (RFC 3834)
    assert all(m["Auto-Submitted"] == "auto-generated" for m in smtp.recorder.messages)
    # idempotent: the same day again queues and sends nothing
    assert _check(sessions, defs_root, day, smtp.url, tmp_path) == 0
    assert _send(sessions, smtp.url, tmp_path, day).sent == 0
    assert len(smtp.recorder.messages) == 3


def test_html_is_escaped_and_headers_cannot_be_injected(
    sessions: sessionmaker[Session], tmp_path: Path, smtp: SmtpServer
) -> None:
    """Titles are escaped in HTML; a unit name with CR/LF cannot add a header."""
    plan = demo_plan()
    plan["tasks"][1]["title"] = "Rà soát <script>alert(1)</script> & kiểm tra"
    root = write_definitions(tmp_path / "defs", plan)
    units = (root / "units" / "demo.yaml").read_text(encoding="utf-8")
    units = units.replace("name: Phòng Văn hóa - Xã hội", 'name: "Phòng VH\\r\\nBcc: evil@attacker.example"')
    (root / "units" / "demo.yaml").write_text(units, encoding="utf-8")
    day = dt.date(2026, 3, 24)
    _check(sessions, root, day, smtp.url, tmp_path)
    _send(sessions, smtp.url, tmp_path, day)
    assert all(m["Bcc"] is None for m in smtp.recorder.messages)
    assert all("evil@attacker.example" not in r for _, rcpts in smtp.recorder.envelopes for r in rcpts)
    html = [m.get_body(("html",)).get_content() for m in smtp.recorder.messages]
    assert any("Rà soát &lt;script&gt;alert(1)&lt;/script&gt; &amp; kiểm tra" in h for h in html)
    assert not any("<script>" in h for h in html)


def test_file_outbox_without_smtp(sessions: sessionmaker[Session], defs_root: Path, tmp_path: Path) -> None:
    """With no SMTP configured, each message is an .eml file under PLANFLOW_HOME/outbox."""
    day = dt.date(2026, 3, 24)
    _check(sessions, defs_root, day, None, tmp_path)
    report = _send(sessions, None, tmp_path, day)
    assert (report.sent, report.transport) == (3, "file")
    files = sorted((tmp_path / "outbox").glob("*.eml"))
    assert len(files) == 3
    parsed = email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default)
    assert str(parsed["Subject"]).startswith("[planflow] ")
    assert b"\nSubject:" in files[0].read_bytes() and b"=?utf-8?" in files[0].read_bytes()
