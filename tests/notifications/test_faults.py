"""Delivery under faults: server down, temporary and permanent refusals, crashes, races."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import random
import threading
import time
from collections import Counter
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from planflow.loader import load_definitions
from planflow.notifications.config import load_mail_config
from planflow.notifications.delivery import RETRY_DELAYS
from planflow.notifications.notices import notices_due, queue_notices, send_outbox
from planflow.store.db import opened_store
from planflow.store.models import NoticeRow, OutboxRow
from planflow.sync.definitions import sync_definitions
from tests.smtp import Recorder, SmtpServer

ICT = dt.timezone(dt.timedelta(hours=7))
DAY = dt.date(2026, 3, 24)
SENDER = "planflow <planflow@demo.example>"


def _queue(factory: sessionmaker[Session], root: Path, day: dt.date, home: Path, url: str | None) -> int:
    config = load_mail_config(home, url, SENDER)
    now = dt.datetime.combine(day, dt.time(7), tzinfo=ICT)
    defs = load_definitions(root)
    with factory() as s, s.begin():
        sync_definitions(defs, None, session=s, now=now)
        return len(queue_notices(notices_due(defs, sorted(defs.plans), day, session=s), session=s,
                                 now=now, config=config))  # fmt: skip


def _send_at(
    factory: sessionmaker[Session], home: Path, url: str, moment: dt.datetime
) -> tuple[int, int, int]:
    report = send_outbox(factory, load_mail_config(home, url, SENDER), now=lambda: moment)
    return report.sent, report.retried, report.failed


def _statuses(factory: sessionmaker[Session]) -> Counter[str]:
    with factory() as s:
        return Counter(s.scalars(select(OutboxRow.status)).all())


AT = dt.datetime.combine(DAY, dt.time(7, 5), tzinfo=ICT)


def test_server_down_then_up(sessions: sessionmaker[Session], defs_root: Path, tmp_path: Path) -> None:
    """Connection refused: messages wait for their retry time, then go out once each."""
    server = SmtpServer()
    _queue(sessions, defs_root, DAY, tmp_path, server.url)
    assert _send_at(sessions, tmp_path, server.url, AT) == (0, 3, 0)
    # not before the retry delay
    assert _send_at(sessions, tmp_path, server.url, AT + dt.timedelta(seconds=30)) == (0, 0, 0)
    server.start()
    try:
        later = AT + dt.timedelta(seconds=RETRY_DELAYS[0] + 1)
        assert _send_at(sessions, tmp_path, server.url, later) == (3, 0, 0)
        assert _send_at(sessions, tmp_path, server.url, later + dt.timedelta(hours=1)) == (0, 0, 0)
    finally:
        server.stop()
    assert len(server.recorder.messages) == len(set(server.recorder.message_ids())) == 3
    with sessions() as s:
        row = s.scalars(select(OutboxRow).where(OutboxRow.status == "sent")).first()
    assert row is not None and row.attempts == 2 and row.smtp_response and "Đã nhận" in row.smtp_response


def test_temporary_refusal_then_success(
    sessions: sessionmaker[Session], defs_root: Path, tmp_path: Path
) -> None:
    """451 on the first message: retried later and delivered; the others go at once."""
    server = SmtpServer(Recorder(temp_fail_data=1))
    server.start()
    try:
        _queue(sessions, defs_root, DAY, tmp_path, server.url)
        sent, retried, failed = _send_at(sessions, tmp_path, server.url, AT)
        assert (sent, retried, failed) == (2, 1, 0)
        with sessions() as s:
            retry = s.scalars(select(OutboxRow).where(OutboxRow.status == "retry")).one()
        assert retry.last_error is not None and retry.last_error.endswith(": 451 4.3.0 Thử lại sau")
        later = AT + dt.timedelta(seconds=RETRY_DELAYS[0] + 1)
        assert _send_at(sessions, tmp_path, server.url, later) == (1, 0, 0)
    finally:
        server.stop()
    assert len(set(server.recorder.message_ids())) == len(server.recorder.messages) == 3


def test_permanent_refusal_is_marked_not_retried(
    sessions: sessionmaker[Session], defs_root: Path, tmp_path: Path
) -> None:
    """550 for one recipient: that message is failed with the server's answer; others delivered."""
    server = SmtpServer(Recorder(reject_rcpt={"kt@demo.example"}))
    server.start()
    try:
        _queue(sessions, defs_root, DAY, tmp_path, server.url)
        assert _send_at(sessions, tmp_path, server.url, AT) == (2, 0, 1)
        assert _send_at(sessions, tmp_path, server.url, AT + dt.timedelta(days=1)) == (0, 0, 0)
    finally:
        server.stop()
    with sessions() as s:
        failed = s.scalars(select(OutboxRow).where(OutboxRow.recipient == "unit:demo/kt")).one()
    assert failed.status == "dead"
    assert failed.last_error == "kt@demo.example: 550 5.1.1 Không có hộp thư này"


def _check(url: str, root: str, home: str, smtp: str, day: dt.date, at: dt.datetime, gap: float,
           queued: Connection) -> None:  # fmt: skip
    """One check in a process of its own: queue the day's notices, say so on ``queued``,
    wait ``gap`` seconds (the window between outbox write and delivery), then send."""
    with opened_store(url) as factory:
        _queue(factory, Path(root), day, Path(home), smtp)
        queued.send("queued")
        time.sleep(gap)
        _send_at(factory, Path(home), smtp, at)


# The checks run in processes forked from one that has imported planflow once
# (multiprocessing's forkserver, preloaded with this module): each starts in milliseconds,
# not in the seconds a new interpreter spends on imports, so a run costs what the check
# costs, and the random kills land in the check's own work rather than in its imports. A
# kill is still SIGKILL to a process that holds its own database and SMTP connections.
_FORKS = multiprocessing.get_context("forkserver")
KILLED_DAYS = [DAY + dt.timedelta(days=i) for i in range(12)]


def _kill_runs(
    database_url: str,
    defs_root: Path,
    home: Path,
    server: SmtpServer,
    pick_kill: Callable[[random.Random], tuple[bool, float]],
) -> None:
    """Three runs per day, each killed (SIGKILL) at a point chosen by ``pick_kill``;
    then, a day later when leases have expired, one run per day that is let finish."""
    rng = random.Random(20261123)
    _FORKS.set_forkserver_preload([__name__])
    where = (database_url, str(defs_root), str(home), server.url)

    def start(day: dt.date, at: dt.datetime, gap: float) -> tuple[BaseProcess, Connection]:
        reader, writer = _FORKS.Pipe(duplex=False)
        proc = _FORKS.Process(target=_check, args=(*where, day, at, gap, writer))
        proc.start()
        writer.close()  # the child's copy only: reading sees the end when the child dies
        return proc, reader

    for day in KILLED_DAYS:
        at = dt.datetime.combine(day, dt.time(7), tzinfo=ICT)
        for _ in range(3):
            after_queued, delay = pick_kill(rng)
            proc, reader = start(day, at, 0.6)
            if after_queued:
                reader.poll(120)  # the outbox is written (or the child is gone)
            time.sleep(delay)
            proc.kill()
            proc.join()
            reader.close()
    for day in KILLED_DAYS:
        after = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(7), tzinfo=ICT)
        proc, reader = start(day, after, 0)
        proc.join(120)
        reader.close()
        if proc.exitcode is None:
            proc.kill()
        assert proc.exitcode == 0, f"the run of {day} that is let finish ended with {proc.exitcode}"


def _delivered(database_url: str, server: SmtpServer) -> tuple[list[OutboxRow], Counter[str]]:
    with opened_store(database_url) as factory, factory() as s:
        rows = list(s.scalars(select(OutboxRow)).all())
        assert s.scalar(select(func.count()).select_from(NoticeRow))
    sendable = [r for r in rows if r.to_addrs]
    assert sendable
    assert all(r.status == "sent" for r in sendable), Counter(r.status for r in sendable)
    received = Counter(server.recorder.message_ids())
    assert sorted(received) == sorted(r.message_id for r in sendable)  # nothing lost, nothing foreign
    return sendable, received


@pytest.mark.slow
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_killed_between_outbox_write_and_delivery(database_url: str, defs_root: Path, tmp_path: Path) -> None:
    """36 checks killed at random points after their outbox write and before delivery:
    in the end every message is delivered exactly once."""
    server = SmtpServer()
    server.start()
    try:
        _kill_runs(database_url, defs_root, tmp_path, server, lambda rng: (True, rng.uniform(0.0, 0.55)))
    finally:
        server.stop()
    _, received = _delivered(database_url, server)
    assert set(received.values()) == {1}


@pytest.mark.slow
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_killed_anywhere_loses_nothing(database_url: str, defs_root: Path, tmp_path: Path) -> None:
    """36 checks killed at any point of their life, sending included: nothing is lost and
    nothing is queued twice. A kill between the server's 250 and the commit of that
    answer can make the message go again; it then carries the same Message-ID, which
    mail clients show once (at-least-once delivery; see notifications/outbox.py)."""
    server = SmtpServer()
    server.start()
    try:
        _kill_runs(
            database_url, defs_root, tmp_path, server, lambda rng: (rng.random() < 0.5, rng.uniform(0.0, 1.8))
        )
    finally:
        server.stop()
    with opened_store(database_url) as factory, factory() as s:
        keys = s.execute(select(NoticeRow.occurrence_key, NoticeRow.step, NoticeRow.recipient)).all()
    assert len(keys) == len(set(keys))
    _delivered(database_url, server)


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_two_checks_at_once_on_postgres(database_url: str, defs_root: Path, tmp_path: Path) -> None:
    """Two checks planning the same day at the same moment record each notice once."""
    with opened_store(database_url) as factory, factory() as s, s.begin():  # stored before the race
        sync_definitions(load_definitions(defs_root), None, session=s, now=AT)
    barrier = threading.Barrier(4)
    results: list[int] = []

    def run() -> None:
        with opened_store(database_url) as own:
            barrier.wait()
            results.append(_queue(own, defs_root, DAY, tmp_path, None))

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with opened_store(database_url) as factory, factory() as s:
        keys = s.execute(select(NoticeRow.occurrence_key, NoticeRow.step, NoticeRow.recipient)).all()
        outbox = s.scalars(select(OutboxRow.idempotency_key)).all()
    assert len(keys) == len(set(keys))
    assert len(outbox) == len(set(outbox))
    assert len(results) == 4
    assert sum(results) == len(outbox) == 4  # four digests in all, each queued by one racer
