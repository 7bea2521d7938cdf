"""Notices are keyed by what they are about: an amended deadline or a new role re-arms the
ladder, and the notices sent before stay in the history."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from planflow.loader import load_definitions
from planflow.notifications.config import load_mail_config
from planflow.notifications.notices import run_check
from planflow.store.models import NoticeRow
from tests.conftest import REPO
from tests.factories import demo_plan, write_definitions

ICT = dt.timezone(dt.timedelta(hours=7))
TASK = "loc-tan-2025/thi-truc-tuyen-cds-cchc"
WHEN = 'when: "Từ ngày 01/10/2025 - 09/10/2025."'
VHXH = "unit:loc-tan/phong-vhxh"


def _days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


def _check_days(
    factory: sessionmaker[Session], root: Path, days: list[dt.date], plan: str, key: str
) -> list[tuple[str, str, str, str, str]]:
    """Run the check of ``plan`` on each day; the notices about ``key`` each day recorded,
    as (day, due, step, recipient, role)."""
    found = []
    config = load_mail_config(root.parent / "home", None, "planflow <planflow@demo.example>")
    for day in days:
        at = dt.datetime.combine(day, dt.time(7), tzinfo=ICT)
        outcome = run_check(load_definitions(root), factory, day, config=config, plan_ids=[plan],
                            deliver_now=False, now=lambda at=at: at)  # fmt: skip
        found += [
            (f"{day:%d/%m}", f"{n.due:%d/%m}", n.key[2], n.recipient.id, n.role)
            for n in outcome.plan.notices
            if n.item.key == key
        ]
    return found


def _amend(plan_file: Path, old: str, new: str) -> None:
    text = plan_file.read_text(encoding="utf-8")
    assert text.count(old) == 1
    plan_file.write_text(text.replace(old, new), encoding="utf-8")


def test_amended_deadline_rearms_the_ladder(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    """A real plan's deadline moved from 15/10 to 20/11 after +1w and +3w fired: the ladder
    fires again from 20/11 (reminders, +1w, +3w, +7w) and the first notices stay recorded."""
    root = tmp_path / "definitions"
    shutil.copytree(REPO / "definitions", root)
    plan_file = root / "plans" / "loc-tan-2025.yaml"
    _amend(plan_file, WHEN, 'when: "Từ ngày 01/10/2025 - 15/10/2025."')
    before = _check_days(
        sessions, root, _days(dt.date(2025, 10, 1), dt.date(2025, 10, 22)), "loc-tan-2025", TASK
    )
    _amend(plan_file, 'when: "Từ ngày 01/10/2025 - 15/10/2025."', 'when: "Từ ngày 01/10/2025 - 20/11/2025."')
    after = _check_days(
        sessions, root, _days(dt.date(2025, 10, 23), dt.date(2025, 12, 5)), "loc-tan-2025", TASK
    )
    signer = "signer:loc-tan-2025"
    # 15/10/2025 is a Wednesday: -7w on Mon 06/10, -1w on 14/10, +1w on 16/10, +3w on Mon 20/10;
    # its +7w (Fri 24/10) never fires: by then the deadline is 20/11.
    assert before == [
        ("06/10", "15/10", "-7w", VHXH, "lead"),
        ("14/10", "15/10", "-1w", VHXH, "lead"),
        ("16/10", "15/10", "+1w", VHXH, "lead"),
        ("20/10", "15/10", "+3w", VHXH, "lead"),  # the standing unit leads this task
    ]
    # 20/11/2025 is a Thursday: -7w on Tue 11/11, -1w on 19/11, +1w on 21/11, +3w on Tue 25/11,
    # +7w on Mon 01/12.
    assert after == [
        ("11/11", "20/11", "-7w", VHXH, "lead"),
        ("19/11", "20/11", "-1w", VHXH, "lead"),
        ("21/11", "20/11", "+1w", VHXH, "lead"),
        ("25/11", "20/11", "+3w", VHXH, "lead"),
        ("01/12", "20/11", "+7w", signer, "signer"),
    ]
    with sessions() as s:
        history = s.execute(
            select(NoticeRow.due, NoticeRow.step)
            .where(NoticeRow.occurrence_key == TASK)
            .order_by(NoticeRow.fire_date)
        ).all()
    assert [(f"{d:%d/%m}", step) for d, step in history] == [(d, step) for _, d, step, _, _ in before + after]


def test_new_role_rearms_the_ladder(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    """A support unit that becomes the lead (and the lead that becomes support) is told
    again in its new role; the same day again records nothing."""
    plan = demo_plan(escalation={"steps": [{"offset": 1, "to": ["lead", "support"], "template": "overdue"}]})
    root = write_definitions(tmp_path / "definitions", plan)
    key = "demo-2026/so-hoa"
    first = _check_days(sessions, root, [dt.date(2026, 7, 1)], "demo-2026", key)
    assert first == [("01/07", "30/06", "+1w", "unit:demo/hcc", "lead"),
                     ("01/07", "30/06", "+1w", "unit:demo/kt", "support")]  # fmt: skip
    plan["tasks"][2].update(lead=["kt"], support=["hcc"])
    write_definitions(root, plan)
    again = _check_days(sessions, root, [dt.date(2026, 7, 2), dt.date(2026, 7, 3)], "demo-2026", key)
    assert again == [("02/07", "30/06", "+1w", "unit:demo/kt", "lead"),
                     ("02/07", "30/06", "+1w", "unit:demo/hcc", "support")]  # fmt: skip
