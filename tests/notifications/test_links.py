"""Reminder and escalation e-mails carry signed links when the web app is configured."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from planflow.loader import load_definitions
from planflow.notifications.notices import mail_config, notices_due, queue_notices
from planflow.settings import Settings
from planflow.sync.definitions import sync_definitions
from planflow.web.tokens import Tokens

ICT = dt.timezone(dt.timedelta(hours=7))
SECRET = "k" * 40


def _bodies(sessions: sessionmaker[Session], root: Path, settings: Settings) -> dict[str, str]:
    """Recipient id → text body of the digests queued on 24/03/2026."""
    now = dt.datetime(2026, 3, 24, 7, tzinfo=ICT)
    defs = load_definitions(root)
    with sessions() as s, s.begin():
        sync_definitions(defs, None, session=s, now=now)
        plan = notices_due(defs, sorted(defs.plans), now, session=s)
        rows = queue_notices(plan, session=s, now=now, config=mail_config(settings))
        return {r.recipient: r.body_text for r in rows}


def test_digests_carry_signed_links(sessions: sessionmaker[Session], defs_root: Path, tmp_path: Path) -> None:
    """A unit's line links to its own progress form (signed for that unit); others' lines link to the board."""
    settings = Settings(home=tmp_path, secret=SECRET, public_url="https://planflow.demo.example/")  # type: ignore[arg-type]
    bodies = _bodies(sessions, defs_root, settings)
    kt = bodies["unit:demo/kt"]
    found = re.search(
        r"Cập nhật tiến độ: https://planflow\.demo\.example/p/(\S+)/o/(demo-2026/bao-cao-quy/2026-Q1/kt)\n",
        kt,
    )
    assert found, kt
    scope = Tokens(SECRET).read_progress_link(found.group(1), dt.datetime(2026, 3, 24, tzinfo=ICT))
    assert (scope.plan_id, scope.unit_id) == ("demo-2026", "kt")
    assert scope.expires == dt.datetime(2026, 4, 23, 0, tzinfo=dt.UTC)  # 30 days after the run
    standing = bodies["unit:demo/vhxh"]  # its own tasks (the overdue ones went to the signer)
    assert "Cập nhật tiến độ: https://planflow.demo.example/p/" in standing
    signer = bodies["signer:demo-2026"]
    assert "/p/" not in signer and "Xem bảng theo dõi:" in signer


def test_no_links_without_public_url_or_secret(
    sessions: sessionmaker[Session], defs_root: Path, tmp_path: Path
) -> None:
    """Half-configured (no public URL, or no secret): messages carry no link rather than a broken one."""
    assert mail_config(Settings(home=tmp_path, public_url="https://x.example")).links is None
    bodies = _bodies(sessions, defs_root, Settings(home=tmp_path, secret=SECRET))  # type: ignore[arg-type]
    assert bodies and not any("http" in b for b in bodies.values())
