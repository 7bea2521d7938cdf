"""Delivery answers per recipient and per message from a real SMTP server: partial
refusals, dead letters and their resend, retries that run out, a login refused then
fixed, dropped and silent connections, no cap on a run, a run killed mid-delivery."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from planflow.loader import load_definitions
from planflow.notifications.config import load_mail_config
from planflow.notifications.delivery import RETRY_DELAYS, backlog
from planflow.notifications.notices import mail_config, run_check, send_outbox
from planflow.notifications.outbox import queue_once
from planflow.notifications.render import Rendered
from planflow.settings import load_settings
from planflow.store.db import opened_store
from planflow.store.models import DeliveryAttemptRow, OutboxRow
from tests.cli.runner import PLANFLOW, run_cli
from tests.smtp import Recorder, SmtpServer

ICT = dt.timezone(dt.timedelta(hours=7))
DAY = dt.date(2026, 3, 24)
AT = dt.datetime.combine(DAY, dt.time(7, 5), tzinfo=ICT)
SENDER = "planflow <planflow@demo.example>"
FULL = "451 4.2.1 Hộp thư tạm đầy"
NO_BOX = "550 5.1.1 Không có hộp thư này"


def _queue(factory: sessionmaker[Session], root: Path, home: Path, url: str | None) -> int:
    """The demo plan's notices of DAY, queued (4 messages: one without an address)."""
    config = load_mail_config(home, url, SENDER)
    at = dt.datetime.combine(DAY, dt.time(7), tzinfo=ICT)
    return run_check(
        load_definitions(root), factory, DAY, config=config, deliver_now=False, now=lambda: at
    ).queued


def _send(factory: sessionmaker[Session], home: Path, url: str, at: dt.datetime) -> tuple[int, int, int]:
    report = send_outbox(factory, load_mail_config(home, url, SENDER), now=lambda: at)
    return report.sent, report.retried, report.failed


def _rows(factory: sessionmaker[Session]) -> dict[str, OutboxRow]:
    with factory() as s:
        return {r.recipient: r for r in s.scalars(select(OutboxRow))}


def _attempts(
    factory: sessionmaker[Session], outbox_id: int
) -> list[tuple[int | None, str, dict[str, object]]]:
    with factory() as s:
        rows = s.scalars(select(DeliveryAttemptRow).where(DeliveryAttemptRow.outbox_id == outbox_id)
                         .order_by(DeliveryAttemptRow.id))  # fmt: skip
        return [(a.code, a.answer, a.refused) for a in rows]


def test_one_refused_copy_is_retried_alone(
    sessions: sessionmaker[Session], defs_root: Path, tmp_path: Path
) -> None:
    """451 for the Cc of the signer's escalation: the To gets it now, the Cc alone is tried
    again later; each attempt's answers are kept."""
    server = SmtpServer(Recorder(rcpt_answers={"vhxh@demo.example": FULL}))
    server.start()
    try:
        assert _queue(sessions, defs_root, tmp_path, server.url) == 4
        assert _send(sessions, tmp_path, server.url, AT) == (
            1,
            2,
            0,
        )  # kt sent; vhxh's own and the signer's wait
        signer = _rows(sessions)["signer:demo-2026"]
        assert signer.status == "retry" and signer.last_error == f"vhxh@demo.example: {FULL}"
        assert (
            signer.recipient_states is not None
            and signer.recipient_states["pct@demo.example"]["state"] == "sent"
        )
        server.recorder.rcpt_answers.clear()
        assert _send(sessions, tmp_path, server.url, AT + dt.timedelta(seconds=RETRY_DELAYS[0])) == (2, 0, 0)
    finally:
        server.stop()
    by_id: dict[str, list[list[str]]] = {}
    for message_id, (_, rcpts) in zip(server.recorder.message_ids(), server.recorder.envelopes, strict=True):
        by_id.setdefault(message_id, []).append(rcpts)
    assert by_id[signer.message_id] == [["pct@demo.example"], ["vhxh@demo.example"]]
    assert _rows(sessions)["signer:demo-2026"].status == "sent"
    assert _attempts(sessions, signer.id) == [
        (250, "2.0.0 Đã nhận", {"vhxh@demo.example": [451, "4.2.1 Hộp thư tạm đầy"]}),
        (250, "2.0.0 Đã nhận", {}),
    ]


def test_refused_only_to_is_not_sent(defs_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """550 for the only To of a message whose Cc accepted it: the message is a dead letter,
    listed with the refused address and its cause, not counted as sent."""
    server = SmtpServer(Recorder(rcpt_answers={"pct@demo.example": NO_BOX}))
    server.start()
    monkeypatch.setenv("PLANFLOW_SMTP_URL", server.url)
    monkeypatch.setenv("PLANFLOW_MAIL_FROM", SENDER)
    try:
        settings = load_settings(definitions=defs_root)
        with opened_store(settings.effective_database_url) as factory:
            _queue(factory, defs_root, settings.home, server.url)
        code, out, _ = run_cli("send", "-d", str(defs_root))
    finally:
        server.stop()
    assert code == 0
    assert out.splitlines()[-1] == (
        f"Đã gửi 2 thư, hoãn gửi lại 0, thất bại 1, còn chờ 0 — qua smtp plain 127.0.0.1:{server.port}."
    )
    code, out, _ = run_cli("outbox", "--failed", "-d", str(defs_root), "--json")
    listed = {m["recipient"]: m for m in json.loads(out)}
    assert listed["signer:demo-2026"]["status"] == "dead"
    assert listed["signer:demo-2026"]["failed_recipients"] == {"pct@demo.example": NO_BOX}
    assert listed["signer:demo-2026"]["last_error"] == f"pct@demo.example: {NO_BOX}"
    assert [rcpts for _, rcpts in server.recorder.envelopes].count(["vhxh@demo.example"]) == 2  # own + Cc


def test_policy_refusal_then_resend(defs_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """550 at DATA for every message: `send` exits 1 saying why in one line; once the
    cause is fixed, `outbox --retry` delivers the dead letters."""
    policy = "550 5.7.1 Nội dung bị chặn theo chính sách"
    server = SmtpServer(Recorder(data_answers=[policy] * 3))
    server.start()
    monkeypatch.setenv("PLANFLOW_SMTP_URL", server.url)
    monkeypatch.setenv("PLANFLOW_MAIL_FROM", SENDER)
    try:
        settings = load_settings(definitions=defs_root)
        with opened_store(settings.effective_database_url) as factory:
            _queue(factory, defs_root, settings.home, server.url)
        code, out, err = run_cli("send", "-d", str(defs_root))
        assert code == 1
        assert err.strip() == (
            f"Lỗi: không gửi được thư nào trong 3 thư: {policy}; sửa nguyên nhân rồi chạy 'planflow outbox --retry'."
        )
        assert out.splitlines()[-1].startswith("Đã gửi 0 thư, hoãn gửi lại 0, thất bại 3, còn chờ 0")
        assert len(json.loads(run_cli("outbox", "--failed", "-d", str(defs_root), "--json")[1])) == 4
        code, out, _ = run_cli("outbox", "--retry", "-d", str(defs_root))
    finally:
        server.stop()
    assert code == 0
    assert out.splitlines()[:3] == [
        "Gửi lại 3 thư thất bại.",
        "1 thư không có địa chỉ e-mail: bổ sung địa chỉ trong danh bạ đơn vị.",
        "Hộp thư đi còn 3 thư chờ gửi từ trước: gửi trong lần này.",
    ]
    assert out.splitlines()[-1].startswith("Đã gửi 3 thư, hoãn gửi lại 0, thất bại 0, còn chờ 0")
    assert len(server.recorder.messages) == 3


def test_wrong_password_then_fixed(defs_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """535 at login: nothing is sent, the server is not asked once per message, `send`
    exits 1; with the password fixed, `outbox --retry` delivers everything once."""
    server = SmtpServer(Recorder(password="dung-mat-khau"), auth=True)
    server.start()
    monkeypatch.setenv("PLANFLOW_SMTP_URL", server.url_with("planflow", "sai-mat-khau"))
    monkeypatch.setenv("PLANFLOW_MAIL_FROM", SENDER)
    try:
        settings = load_settings(definitions=defs_root)
        with opened_store(settings.effective_database_url) as factory:
            _queue(factory, defs_root, settings.home, None)
        code, _, err = run_cli("send", "-d", str(defs_root))
        assert code == 1
        assert err.strip() == ("Lỗi: không gửi được thư nào trong 3 thư: 535 5.7.8 Authentication credentials "
                               "invalid; sửa nguyên nhân rồi chạy 'planflow outbox --retry'.")  # fmt: skip
        assert server.recorder.logins <= 4  # two connections, each trying PLAIN then LOGIN; not per message
        monkeypatch.setenv("PLANFLOW_SMTP_URL", server.url_with("planflow", "dung-mat-khau"))
        code, out, _ = run_cli("outbox", "--retry", "-d", str(defs_root))
    finally:
        server.stop()
    assert code == 0 and out.splitlines()[0] == "Gửi lại 3 thư thất bại."
    assert Counter(server.recorder.message_ids()).most_common(1)[0][1] == 1
    assert len(server.recorder.messages) == 3


def test_retries_run_out(sessions: sessionmaker[Session], defs_root: Path, tmp_path: Path) -> None:
    """A recipient answering 451 at every attempt is failed after the last retry, with its
    answer and the number of retries; the message is then a dead letter."""
    server = SmtpServer(Recorder(rcpt_answers={"kt@demo.example": FULL}))
    server.start()
    try:
        _queue(sessions, defs_root, tmp_path, server.url)
        at = AT
        results = [_send(sessions, tmp_path, server.url, at)]
        for delay in RETRY_DELAYS:
            at += dt.timedelta(seconds=delay)
            results.append(_send(sessions, tmp_path, server.url, at))
    finally:
        server.stop()
    assert results == [(2, 1, 0)] + [(0, 1, 0)] * 5 + [(0, 0, 1)]
    kt = _rows(sessions)["unit:demo/kt"]
    assert (kt.status, kt.last_error) == ("dead", f"kt@demo.example: {FULL} (hết 6 lần gửi lại)")
    assert len(_attempts(sessions, kt.id)) == 7


def test_dropped_and_silent_connections_are_retried(
    sessions: sessionmaker[Session], defs_root: Path, tmp_path: Path
) -> None:
    """A connection closed mid-DATA and a server that never answers are temporary: the
    messages go later, once each, with their Message-ID."""
    server = SmtpServer(Recorder(drop_data=1))
    server.start()
    url = server.url_with("", "", timeout=1).replace("smtp://:@", "smtp://")
    try:
        _queue(sessions, defs_root, tmp_path, url)
        assert _send(sessions, tmp_path, url, AT) == (2, 1, 0)
        dropped = next(r for r in _rows(sessions).values() if r.status == "retry")
        assert dropped.last_error is not None and "SMTPServerDisconnected" in dropped.last_error
        server.recorder.stall_data = 3
        later = AT + dt.timedelta(seconds=RETRY_DELAYS[0])
        assert _send(sessions, tmp_path, url, later) == (0, 1, 0)
        timed_out = _rows(sessions)[dropped.recipient]
        assert timed_out.last_error is not None and "SMTPReadTimeoutError" in timed_out.last_error
        server.recorder.stall_data = 0
        assert _send(sessions, tmp_path, url, later + dt.timedelta(seconds=RETRY_DELAYS[1])) == (1, 0, 0)
    finally:
        server.stop()
    time.sleep(3)  # the stalled DATA finishes on the server side: it must not count as delivered
    ids = Counter(server.recorder.message_ids())
    assert ids[dropped.message_id] >= 1 and len(ids) == 3


def test_no_cap_on_a_run(defs_root: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """1,146 messages waiting: one `send` delivers all of them, in batches, and says so."""
    settings = load_settings(definitions=defs_root)
    config = mail_config(settings)
    rendered = Rendered("Thử", "Nội dung", "<p>Nội dung</p>")
    with opened_store(settings.effective_database_url) as factory, factory() as s, s.begin():
        for i in range(1146):
            queue_once(f"bulk/{i}", recipient="unit:demo/kt", names="Phòng Kinh tế",
                       to=[("Phòng Kinh tế", "kt@demo.example")], cc=[], rendered=rendered, session=s,
                       now=AT, domain=config.sender.domain)  # fmt: skip
    code, out, _ = run_cli("send", "-d", str(defs_root))
    assert code == 0
    assert out.splitlines() == [
        "Hộp thư đi còn 1146 thư chờ gửi từ trước: gửi trong lần này.",
        f"Đã gửi 1146 thư, hoãn gửi lại 0, thất bại 0, còn chờ 0 — qua thư mục {settings.home / 'outbox'} (.eml).",
    ]
    assert len(list((settings.home / "outbox").glob("*.eml"))) == 1146


def test_killed_mid_delivery_next_run_says_and_sends(
    defs_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`send` killed (SIGKILL) while delivering: the next run says how many messages wait
    and how many were in flight, and delivers them; a copy only for those in flight, with
    the same Message-ID."""
    server = SmtpServer(Recorder(stall_data=0.15))
    server.start()
    monkeypatch.setenv("PLANFLOW_SMTP_URL", server.url)
    monkeypatch.setenv("PLANFLOW_MAIL_FROM", SENDER)
    settings = load_settings(definitions=defs_root)
    rendered = Rendered("Thử", "Nội dung", "<p>Nội dung</p>")
    with opened_store(settings.effective_database_url) as factory:
        with factory() as s, s.begin():
            for i in range(40):
                queue_once(f"kill/{i}", recipient="unit:demo/kt", names="Phòng Kinh tế",
                           to=[("Phòng Kinh tế", "kt@demo.example")], cc=[], rendered=rendered, session=s,
                           now=AT, domain="demo.example")  # fmt: skip
        try:
            proc = subprocess.Popen([str(PLANFLOW), "send", "-d", str(defs_root)], env=dict(os.environ),
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
            deadline = time.monotonic() + 60
            while len(server.recorder.messages) < 6 and time.monotonic() < deadline:
                time.sleep(0.02)
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            with factory() as s:
                left = backlog(s, dt.datetime.now(dt.UTC))
            assert left.in_flight >= 1
            code, out, _ = run_cli("send", "-d", str(defs_root))
        finally:
            server.stop()
        assert code == 0
        assert out.splitlines()[0] == (
            f"Hộp thư đi còn {left.waiting} thư chờ gửi từ trước ({left.in_flight} thư đang gửi dở khi một lần "
            "chạy trước bị ngắt): gửi trong lần này."
        )
        copies = Counter(server.recorder.message_ids())
        with factory() as s:
            rows = list(s.scalars(select(OutboxRow)))
        assert all(r.status == "sent" for r in rows) and set(copies) == {r.message_id for r in rows}
        assert sum(n - 1 for n in copies.values()) <= left.in_flight  # copies only of those in flight


@pytest.mark.prefect
def test_check_exits_1_when_nothing_got_through(
    defs_root: Path, tmp_path: Path, prefect_api_url: str
) -> None:
    """`planflow check` with a wrong SMTP password: the summary counts the dead letters and
    the command exits 1 with one line saying why. Its flow runs on the test process's Prefect
    server (a command's own local server is proved by tests/flows/test_check_plan.py)."""
    server = SmtpServer(Recorder(password="dung-mat-khau"), auth=True)
    server.start()
    env = {**os.environ, "PLANFLOW_DEFINITIONS": str(defs_root), "PLANFLOW_HOME": str(tmp_path / "home"),
           "PLANFLOW_SMTP_URL": server.url_with("planflow", "sai-mat-khau"), "PLANFLOW_MAIL_FROM": SENDER,
           "PREFECT_API_URL": prefect_api_url}  # fmt: skip
    env.pop("PREFECT_HOME", None)
    try:
        done = subprocess.run([str(PLANFLOW), "check", "--as-of", "2026-03-24"], env=env, capture_output=True,
                              text=True, check=False, cwd=tmp_path, timeout=300)  # fmt: skip
    finally:
        server.stop()
    assert done.returncode == 1, done.stderr
    assert done.stderr.strip() == ("Lỗi: không gửi được thư nào trong 3 thư: 535 5.7.8 Authentication credentials "
                                   "invalid; sửa nguyên nhân rồi chạy 'planflow outbox --retry'.")  # fmt: skip
    assert done.stdout.splitlines()[-2:] == [
        "Đã gửi 0 thư, hoãn gửi lại 0, thất bại 3, còn chờ 0 — qua máy chủ SMTP.",
        "Xem thư thất bại: planflow outbox --failed; gửi lại: planflow outbox --retry.",
    ]
