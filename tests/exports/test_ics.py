"""The calendar export, parsed back with the icalendar package: one event per due date,
reminders on the days the escalation ladder fires."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from icalendar import Calendar, Event
from sqlalchemy.orm import Session, sessionmaker

from planflow.check.plans import plan_status
from planflow.exports.ics import plan_calendar, uid
from planflow.intake.progress import ProgressRequest, record_progress
from planflow.loader import load_definitions
from planflow.status import ProgressStatus
from planflow.sync.definitions import sync_definitions
from tests.cli.runner import run_cli

pytestmark = pytest.mark.quick  # in `make quick` (CONTRIBUTING.md)

ICT = dt.timezone(dt.timedelta(hours=7))
NOW = dt.datetime(2026, 1, 5, 9, tzinfo=ICT)
D = dt.date


def _feed(
    sessions: sessionmaker[Session], root: Path, unit: str | None, done: tuple[str, ...] = ()
) -> Calendar:
    defs = load_definitions(root)
    plan = defs.plan("demo-2026")
    with sessions() as s, s.begin():
        sync_definitions(defs, None, session=s, now=NOW)
        for item in done:
            record_progress(
                ProgressRequest("demo-2026", item, ProgressStatus.DONE, by="vhxh", at=NOW),
                defs,
                session=s,
                now=NOW,
            )
        status = plan_status("demo-2026", NOW, session=s)
    names = {u.id: u.name for u in defs.directory_for(plan).units}
    return Calendar.from_ical(plan_calendar(status, plan, names, unit_id=unit, standing="vhxh", now=NOW))


def _events(cal: Calendar) -> dict[str, Event]:
    return {str(e["uid"]): e for e in cal.walk("VEVENT")}


def _alarms(event: Event) -> list[dt.datetime]:
    """The moments an event's alarms go off (DTSTART of an all-day event is local midnight)."""
    start = dt.datetime.combine(event.decoded("dtstart"), dt.time())
    return sorted(start + alarm.decoded("trigger") for alarm in event.walk("VALARM"))


def test_one_event_per_due_date_with_the_ladder(sessions: sessionmaker[Session], defs_root: Path) -> None:
    """Every dated occurrence is an all-day event; its alarms fall at 08:00 on each ladder day."""
    cal = _feed(sessions, defs_root, None)
    events = _events(cal)
    assert str(cal["x-wr-calname"]) == "Kế hoạch chuyển đổi số năm 2026"
    # 3 one-off tasks, 12 monthly news items, 4 reports (Q1, H1, Q3, year) and 8 unit inputs
    assert len(events) == 3 + 12 + 4 + 8
    plan_event = events[uid("demo-2026/ke-hoach")]
    assert plan_event.decoded("dtstart") == D(2026, 3, 31) and plan_event.decoded("dtend") == D(2026, 4, 1)
    assert str(plan_event["summary"]) == "Hạn: Ban hành kế hoạch"
    at8 = lambda d: dt.datetime.combine(d, dt.time(8))  # noqa: E731
    # -7w, -1w, +1w, +3w, +7w working days from Tuesday 31/03/2026
    assert _alarms(plan_event) == [at8(D(2026, 3, 20)), at8(D(2026, 3, 30)), at8(D(2026, 4, 1)),
                                   at8(D(2026, 4, 3)), at8(D(2026, 4, 9))]  # fmt: skip
    # "trước ngày 17/02/2026" is due Friday 13/02: 7 working days before is Wednesday 04/02, and
    # the Tết week (16-20/02/2026) is not counted: one working day after is Monday 23/02
    tet = events[uid("demo-2026/tet")]
    assert _alarms(tet)[:3] == [at8(D(2026, 2, 4)), at8(D(2026, 2, 12)), at8(D(2026, 2, 23))]
    # the alarms count calendar days, as the mails do, whatever days the ladder counts
    assert [str(a["description"]).split(":", 2)[:2] for a in tet.walk("VALARM")][:3] == [
        ["Nhắc việc", " còn 9 ngày đến hạn"], ["Nhắc việc", " còn 1 ngày đến hạn"], ["Quá hạn 10 ngày", " Rà soát trước Tết"],
    ]  # fmt: skip
    description = str(tet["description"])
    assert "Chủ trì: Trung tâm Phục vụ hành chính công" in description and "Mã: demo-2026/tet" in description
    assert str(events[uid("demo-2026/bao-cao-quy/2026-Q1/kt")]["summary"]).startswith(
        "Hạn: Báo cáo gửi Phòng Văn hóa - Xã hội"
    )


def test_done_items_keep_their_event_without_alarms(sessions: sessionmaker[Session], defs_root: Path) -> None:
    """What is done by the as-of time is still shown, ticked, and no longer rings."""
    events = _events(_feed(sessions, defs_root, None, done=("ke-hoach",)))
    done = events[uid("demo-2026/ke-hoach")]
    assert str(done["summary"]) == "✓ Hạn: Ban hành kế hoạch"
    assert _alarms(done) == []


def test_one_units_feed(sessions: sessionmaker[Session], defs_root: Path) -> None:
    """Phòng Kinh tế's feed: what it leads or supports, and only the ladder steps addressed to it."""
    events = _events(_feed(sessions, defs_root, "kt"))
    keys = {k for k in events}
    assert uid("demo-2026/so-hoa") in keys and uid("demo-2026/tet") not in keys
    assert len(events) == 1 + 4  # so-hoa (support) and its four report inputs; 'thuong-xuyen' has no due date
    assert (
        _alarms(events[uid("demo-2026/so-hoa")]) == []
    )  # no step of the default ladder goes to supporting units
    q1 = events[uid("demo-2026/bao-cao-quy/2026-Q1/kt")]
    assert len(_alarms(q1)) == 4  # -7w, -1w, +1w (to the lead), +3w (copied to the lead); not +7w (signer)


def test_cli_writes_the_file(defs_root: Path, tmp_path: Path) -> None:
    """planflow ics writes a file calendar apps (and the icalendar parser) read."""
    path = tmp_path / "kt.ics"
    code, out, err = run_cli(
        "ics",
        "demo-2026",
        "--unit",
        "Phòng Kinh tế",
        "--as-of",
        "2026-01-05",
        "-o",
        str(path),
        "-d",
        str(defs_root),
    )
    assert code == 0, err
    assert out.strip() == f"Đã ghi lịch {path} (5 hạn)."
    assert len(Calendar.from_ical(path.read_bytes()).walk("VEVENT")) == 5
    code, _, err = run_cli(
        "ics", "demo-2026", "--unit", "Phòng Tư pháp", "-o", str(path), "-d", str(defs_root)
    )
    assert code == 1 and "đơn vị 'Phòng Tư pháp' không có trong danh mục 'demo'" in err
