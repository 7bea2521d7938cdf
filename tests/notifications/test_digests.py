"""One clear message per recipient and day: items under their headings, each once; a late
or first check catches up quietly; messages about one occurrence keep one thread; every
message says it is automatic. Delivered to a real SMTP server, stored in SQLite and
PostgreSQL."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections import Counter
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from planflow.errors import MailConfigError
from planflow.loader import load_definitions
from planflow.notifications.config import load_mail_config
from planflow.notifications.notices import mail_config, notices_due, queue_notices, send_outbox
from planflow.notifications.simulate import SimulatedDay, simulate
from planflow.settings import load_settings
from planflow.store.models import NoticeRow
from planflow.store.notices import skipped_count
from planflow.sync.definitions import sync_definitions
from tests.conftest import REPO
from tests.factories import demo_plan, write_definitions
from tests.smtp import SmtpServer

ICT = dt.timezone(dt.timedelta(hours=7))
SENDER = "planflow <planflow@demo.example>"
HEADINGS = {"QUÁ HẠN": "Quá hạn", "SẮP ĐẾN HẠN": "Sắp đến hạn", "BÁO CÁO CẦN GỬI": "Báo cáo cần gửi"}
_HEADING = re.compile(r"^(?P<roman>[IVX]+)\. (?P<name>[^\n]+)$", re.MULTILINE)
_ITEM = re.compile(r"^(?P<n>\d+)\. (?P<title>.+)$", re.MULTILINE)


def _run_days(
    factory: sessionmaker[Session], root: Path, days: list[dt.date], smtp: SmtpServer, home: Path,
    prefix: str | None = None,
) -> None:  # fmt: skip
    """A morning check, then delivery, on each day."""
    config = load_mail_config(home, smtp.url, SENDER, prefix)
    defs = load_definitions(root)
    for day in days:
        now = dt.datetime.combine(day, dt.time(7), tzinfo=ICT)
        with factory() as s, s.begin():
            sync_definitions(defs, None, session=s, now=now)
            queue_notices(
                notices_due(defs, sorted(defs.plans), day, session=s), session=s, now=now, config=config
            )
        sent_at = now + dt.timedelta(minutes=5)
        send_outbox(factory, config, now=lambda at=sent_at: at)


def _text(message: EmailMessage) -> str:
    return str(message.get_body(("plain",)).get_content()).replace("\r\n", "\n")  # type: ignore[union-attr]


def sections(text: str) -> list[tuple[str, list[str]]]:
    """(heading, item titles) of a digest's text, in order."""
    marks = list(_HEADING.finditer(text))
    out = []
    for i, mark in enumerate(marks):
        body = text[mark.end() : marks[i + 1].start() if i + 1 < len(marks) else len(text)]
        out.append((mark["name"], [m["title"] for m in _ITEM.finditer(body)]))
    return out


_AS_OF = re.compile(r"tính đến ngày (\d\d/\d\d/\d{4})")
_RECIPIENT = re.compile(r"^Kính gửi: (.+)$", re.MULTILINE)


def assert_clear_digest(subject: str, text: str, prefix: str = "[planflow]") -> None:
    """Headings known and in order of urgency, each item once, the subject naming the most
    urgent heading, the recipient and the day and no count, no internal key, one way of
    counting days."""
    found = sections(text)
    assert found, text
    names = [HEADINGS[h] for h, _ in found]
    assert names == sorted(names, key=list(HEADINGS.values()).index)
    titles = [t for _, items in found for t in items]
    assert len(titles) == len(set(titles)), titles
    day, recipient = _AS_OF.search(text), _RECIPIENT.search(text)
    assert day is not None and recipient is not None, text
    assert subject.startswith(f"{prefix} {names[0]} – {recipient[1][:40]}"), (subject, recipient[1])
    assert subject.endswith(f" – ngày {day[1]}"), subject
    assert not re.search(r"\d", subject.removesuffix(day[1])), subject  # no count to disagree with the body
    assert "Bước:" not in text and "ngày làm việc" not in text and "Mã:" not in text
    assert "/once/" not in text and not re.search(r"\b\d{4}-(Q\d|H\d|\d\d)\b", text)
    # items and headings stand apart: a blank line before every numbered item but the first
    # of its group and before every heading but the first
    assert not re.search(r"\n {3}\S[^\n]*\n(\d+|[IVX]+)\. ", text), text


def test_digest_groups_items_under_headings(
    sessions: sessionmaker[Session], tmp_path: Path, smtp: SmtpServer
) -> None:
    """Day by day through March and April 2026: every digest lists its items once under
    Quá hạn / Sắp đến hạn / Báo cáo cần gửi; report inputs are report requests."""
    root = write_definitions(tmp_path / "defs")
    days = [dt.date(2026, 3, 1) + dt.timedelta(days=i) for i in range(61)]
    _run_days(sessions, root, days, smtp, tmp_path)
    messages = smtp.recorder.messages
    assert messages
    for message in messages:
        assert_clear_digest(str(message["Subject"]), _text(message))
    kt = [_text(m) for m in messages if "kt@demo.example" in str(m["To"])]
    assert any(". BÁO CÁO CẦN GỬI" in t for t in kt)
    requests = [t for t in kt if "Đề nghị gửi báo cáo kết quả thực hiện Kế hoạch" in t]
    assert requests and all("về Phòng Văn hóa - Xã hội" in t for t in requests)
    assert not any("nhiệm vụ" in str(m["Subject"]) for m in messages if "kt@demo.example" in str(m["To"]))
    # one recipient, one message a day
    per_day = Counter((str(m["To"]), str(m["Date"])[:16]) for m in messages)
    assert max(per_day.values()) == 1


def test_overdue_and_reminders_never_share_a_heading(
    sessions: sessionmaker[Session], tmp_path: Path, smtp: SmtpServer
) -> None:
    """01/04/2026: the standing unit's Q1 task and March news item are overdue while its
    quarterly report is due on 10/04: two headings, the subject naming the overdue one, the
    unit with its commune, and the day."""
    root = write_definitions(tmp_path / "defs")
    _run_days(
        sessions, root, [dt.date(2026, 3, 20), dt.date(2026, 3, 30), dt.date(2026, 4, 1)], smtp, tmp_path
    )
    last = [
        m for m in smtp.recorder.messages if str(m["To"]) == "Phòng Văn hóa - Xã hội <vhxh@demo.example>"
    ][-1]
    found = sections(_text(last))
    assert found == [
        ("QUÁ HẠN", ["Ban hành kế hoạch", "Đăng tin (tháng 3 năm 2026)"]),
        ("BÁO CÁO CẦN GỬI", ["Đề nghị gửi báo cáo kết quả thực hiện Kế hoạch (quý I năm 2026)"]),
    ]
    assert str(last["Subject"]) == "[planflow] Quá hạn – Phòng Văn hóa - Xã hội, xã Demo – ngày 01/04/2026"
    assert "Hạn: 31/03/2026 (quá hạn 1 ngày)" in _text(last) and "Hạn: 10/04/2026 (còn 9 ngày)" in _text(last)


def test_digest_subject_is_the_same_on_every_send(
    sessions: sessionmaker[Session], tmp_path: Path, smtp: SmtpServer
) -> None:
    """A daily digest deferred by a temporary failure is sent later with the subject and
    Message-ID it was queued with, which a fresh replay of that day (another store) also
    gives; the next day's digest is a new message with its own day in the subject and no
    reference to the day before."""
    root = write_definitions(tmp_path / "defs")
    config = load_mail_config(tmp_path, smtp.url, SENDER)
    defs = load_definitions(root)
    day = dt.date(2026, 3, 30)
    now = dt.datetime.combine(day, dt.time(7), tzinfo=ICT)
    with sessions() as s, s.begin():
        sync_definitions(defs, None, session=s, now=now)
        queued = queue_notices(notices_due(defs, sorted(defs.plans), day, session=s), session=s, now=now,
                               config=config)  # fmt: skip
        stored = {row.recipient: (row.subject, row.message_id) for row in queued if row.to_addrs}
        unaddressed = {row.recipient: row.subject for row in queued if not row.to_addrs}
    smtp.recorder.temp_fail_data = len(stored)  # every first attempt: 451
    first = send_outbox(sessions, config, now=lambda: now)
    assert (first.sent, first.retried) == (0, len(stored))
    later = now + dt.timedelta(minutes=2)
    assert send_outbox(sessions, config, now=lambda: later).sent == len(stored)
    sent = {str(m["Subject"]): str(m["Message-ID"]) for m in smtp.recorder.messages}
    assert sent == dict(stored.values())
    replay = simulate(defs, None, day, day, config=load_mail_config(tmp_path, None, SENDER))
    expected = {r: subj for r, (subj, _) in stored.items()} | unaddressed
    assert {m.recipient: m.subject for m in replay[0].mail} == expected
    _run_days(sessions, root, [dt.date(2026, 4, 1)], smtp, tmp_path)
    next_day = smtp.recorder.messages[len(sent) :]
    assert next_day and all(str(m["Subject"]).endswith("– ngày 01/04/2026") for m in next_day)
    assert "[planflow] Quá hạn – Phòng Văn hóa - Xã hội, xã Demo – ngày 01/04/2026" in {
        str(m["Subject"]) for m in next_day
    }
    assert all(m["In-Reply-To"] is None and str(m["Message-ID"]) not in sent.values() for m in next_day)


SKIPPED_ON_24_03 = 3 * 4
"""On 24/03/2026 three occurrences have climbed the whole ladder (the Tết review, the news
items of January and February): for each, four earlier steps are passed over for +7w."""


def test_first_run_catches_up_quietly(
    sessions: sessionmaker[Session], tmp_path: Path, smtp: SmtpServer
) -> None:
    """The first check on 24/03/2026 (the Tết review due 17/02 long overdue): only its latest
    step (+7w, to the signer) goes out; the two reminders, +1w and +3w are recorded as
    skipped and never sent, not that day nor later."""
    root = write_definitions(tmp_path / "defs")
    _run_days(sessions, root, [dt.date(2026, 3, 24)], smtp, tmp_path)
    with sessions() as s:
        rows = s.scalars(select(NoticeRow).where(NoticeRow.occurrence_key == "demo-2026/tet")).all()
        assert sorted((r.step, r.state) for r in rows) == [
            ("+1w", "skipped"), ("+3w", "skipped"), ("+7w", "queued"), ("-1w", "skipped"), ("-7w", "skipped"),
        ]  # fmt: skip
        assert all((r.outbox_id is None) == (r.state == "skipped") for r in rows)
        assert skipped_count(session=s) == SKIPPED_ON_24_03
    tet = [m for m in smtp.recorder.messages if "Rà soát trước Tết" in _text(m)]
    assert [str(m["To"]) for m in tet] == ["Phó Chủ tịch Nguyễn Văn A <pct@demo.example>"]
    _run_days(sessions, root, [dt.date(2026, 3, 25), dt.date(2026, 3, 26)], smtp, tmp_path)
    assert len([m for m in smtp.recorder.messages if "Rà soát trước Tết" in _text(m)]) == 1


def test_threads_subject_prefix_and_auto_submitted(
    sessions: sessionmaker[Session], tmp_path: Path, smtp: SmtpServer
) -> None:
    """A plan without digests: the three steps about the Q1 input to Phòng Kinh tế share one
    subject with the configured prefix; the first message is the thread root, the later
    ones answer it; every message is marked Auto-Submitted."""
    root = write_definitions(tmp_path / "defs", demo_plan(digest=False))
    days = [dt.date(2026, 3, 20), dt.date(2026, 3, 30), dt.date(2026, 4, 1)]
    _run_days(sessions, root, days, smtp, tmp_path, prefix="[VP UBND xã Demo]")
    to_kt = [m for m in smtp.recorder.messages if str(m["To"]) == "Phòng Kinh tế <kt@demo.example>"]
    assert len(to_kt) == 3
    assert {str(m["Subject"]) for m in to_kt} == {
        "[VP UBND xã Demo] Đề nghị gửi báo cáo kết quả thực hiện Kế hoạch về Phòng Văn hóa - Xã hội "
        "(quý I năm 2026)"
    }
    root_id = str(to_kt[0]["Message-ID"])
    assert to_kt[0]["In-Reply-To"] is None and to_kt[0]["References"] is None
    assert [(str(m["In-Reply-To"]), str(m["References"])) for m in to_kt[1:]] == [(root_id, root_id)] * 2
    assert all(m["Auto-Submitted"] == "auto-generated" for m in smtp.recorder.messages)
    assert all(str(m["Subject"]).startswith("[VP UBND xã Demo] ") for m in smtp.recorder.messages)


def test_digests_refer_to_no_message(
    sessions: sessionmaker[Session], tmp_path: Path, smtp: SmtpServer
) -> None:
    """A daily digest stands alone: no In-Reply-To to a message that was never sent."""
    root = write_definitions(tmp_path / "defs")
    _run_days(sessions, root, [dt.date(2026, 3, 20), dt.date(2026, 3, 30)], smtp, tmp_path)
    assert smtp.recorder.messages
    assert all(m["In-Reply-To"] is None and m["References"] is None for m in smtp.recorder.messages)


def test_subject_prefix_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """PLANFLOW_MAIL_SUBJECT_PREFIX sets the prefix; empty means none; a bad one is refused."""
    assert mail_config(load_settings()).subject_prefix == "[planflow]"
    monkeypatch.setenv("PLANFLOW_MAIL_SUBJECT_PREFIX", "[VP UBND xã Lộc Tấn]")
    assert mail_config(load_settings()).subject_prefix == "[VP UBND xã Lộc Tấn]"
    monkeypatch.setenv("PLANFLOW_MAIL_SUBJECT_PREFIX", "")
    assert mail_config(load_settings()).subject_prefix == ""
    with pytest.raises(MailConfigError) as raised:
        load_mail_config(tmp_path, None, None, "x" * 41)
    assert str(raised.value) == (
        f"PLANFLOW_MAIL_SUBJECT_PREFIX '{'x' * 41}' không hợp lệ: một dòng, tối đa 40 ký tự, "
        "vd. [VP UBND xã Lộc Tấn]"
    )


def _month(root: Path, tmp_path: Path, first: dt.date) -> list[SimulatedDay]:
    """A month over every example plan from ``first``, the first day a first run."""
    config = load_mail_config(tmp_path, None, None)
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    return simulate(load_definitions(root), None, first, last, config=config)


@pytest.mark.parametrize(
    "first",
    [
        dt.date(2025, 10, 1),  # the 2025 plans starting: ladders begin, few catch-ups
        dt.date(2026, 3, 1),  # mid-way: many occurrences long overdue on the first run
    ],
)
def test_simulated_month_of_the_example_plans(first: dt.date, tmp_path: Path) -> None:
    """A month of every example plan: each message a clear digest, one per recipient and
    day; no flood on day one: at most one step per occurrence a day."""
    days = _month(REPO / "definitions", tmp_path, first)
    assert sum(d.messages for d in days) > 0 and days[0].skipped > 0
    for day in days:
        for mail in day.mail:
            assert_clear_digest(mail.subject, mail.text)
            assert mail.references == []
        assert len({m.recipient for m in day.mail}) == len(day.mail)
        steps = Counter((str(n["occurrence"]), str(n["recipient"])) for n in day.notices)
        assert max(steps.values(), default=1) == 1, day.day
        per_occurrence = {(str(n["occurrence"]), str(n["step"])) for n in day.notices}
        assert len(per_occurrence) == len({o for o, _ in per_occurrence}), day.day


def test_simulated_month_without_digests_keeps_one_subject(tmp_path: Path) -> None:
    """The same month with one message per occurrence: every message about an occurrence to
    one recipient carries the same subject, whatever the step."""
    root = tmp_path / "defs"
    shutil.copytree(REPO / "definitions", root)
    for plan in (root / "plans").glob("*.yaml"):
        plan.write_text(plan.read_text(encoding="utf-8") + "\ndigest: false\n", encoding="utf-8")
    subjects: dict[tuple[str, str], set[str]] = {}
    days = _month(root, tmp_path, dt.date(2025, 10, 1))
    for day in days:
        for mail in day.mail:
            assert len(mail.occurrences) == 1 and "Bước" not in mail.text
            subjects.setdefault((mail.occurrences[0], mail.recipient), set()).add(mail.subject)
    assert any(len(d.mail) > 1 for d in days)
    assert all(len(found) == 1 for found in subjects.values()), subjects


def test_a_unit_is_never_asked_to_urge_itself(tmp_path: Path) -> None:
    """loc-tan-2025's standing unit (Phòng Văn hóa - Xã hội) leads the online contest due
    09/10/2025: its +3w step (to the standing unit) reads as an overdue notice to the owner,
    not as "chỉ đạo, đôn đốc đơn vị chủ trì"; the signer's +7w still asks for direction."""
    config = load_mail_config(tmp_path, None, None)
    days = simulate(load_definitions(REPO / "definitions"), None, dt.date(2025, 10, 1), dt.date(2025, 10, 20),
                    config=config, plan_ids=["loc-tan-2025"])  # fmt: skip
    by_day = {(d.day, m.recipient): m for d in days for m in d.mail}
    own = by_day[(dt.date(2025, 10, 14), "unit:loc-tan/phong-vhxh")]
    assert "Chủ trì: Phòng Văn hóa - Xã hội xã Lộc Tấn" in own.text
    assert "Đề nghị khẩn trương thực hiện và cập nhật tiến độ." in own.text
    assert "chỉ đạo, đôn đốc" not in own.text
    signer = by_day[(dt.date(2025, 10, 20), "signer:loc-tan-2025")]
    assert "Kính đề nghị chỉ đạo, đôn đốc đơn vị chủ trì thực hiện." in signer.text
