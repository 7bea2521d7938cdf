"""The weekly digest to leadership, from the example plans, mailed to a real SMTP server."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from planflow.check.plans import official_title
from planflow.loader import load_definitions
from planflow.notifications.config import load_mail_config
from planflow.notifications.leadership import iso_week, run_leadership_digest
from planflow.notifications.notices import send_outbox
from planflow.sync.definitions import sync_definitions
from tests.conftest import REPO
from tests.smtp import SmtpServer

ICT = dt.timezone(dt.timedelta(hours=7))


def test_leaders_get_one_digest_a_week(
    sessions: sessionmaker[Session], smtp: SmtpServer, tmp_path: Path
) -> None:
    config = load_mail_config(tmp_path, smtp.url, "planflow <planflow@loctan.example>")
    monday = dt.datetime(2025, 10, 27, 7, 30, tzinfo=ICT)
    with sessions() as s, s.begin():
        sync_definitions(load_definitions(REPO / "definitions"), None, session=s, now=monday)
    ids = ["dai-phuoc-2025", "loc-tan-2025"]
    first = run_leadership_digest(sessions, monday, config=config, plan_ids=ids, now=lambda: monday)
    assert first["queued"] == len(first["leaders"]) == 2  # the two plans have different signers
    by_name = {d["name"]: d for d in first["leaders"]}
    assert by_name["Phó Chủ tịch Nguyễn Sĩ Quân"]["plans"] == ["loc-tan-2025"]
    assert by_name["Phó Chủ tịch Nguyễn Sĩ Quân"]["week"] == iso_week(monday.date()) == "2025-W44"
    assert by_name["Phó Chủ tịch Nguyễn Sĩ Quân"]["overdue"] > 0

    again = run_leadership_digest(sessions, monday + dt.timedelta(hours=3), config=config, plan_ids=ids,
                                  now=lambda: monday)  # fmt: skip
    assert again["queued"] == 0, "once per week and leader, however often it runs"
    report = send_outbox(sessions, config, now=lambda: monday)
    assert (report.sent, report.failed) == (2, 0)

    quan = next(m for m in smtp.recorder.messages if "Nguyễn Sĩ Quân" in str(m["To"]))
    assert quan["Subject"].startswith(
        "[planflow] Tình hình thực hiện kế hoạch tuần từ 27/10 đến 02/11/2025: 1 kế hoạch"
    )
    text = quan.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    assert "Kính gửi: Phó Chủ tịch Nguyễn Sĩ Quân" in text
    assert "Ngày Chuyển đổi số Quốc gia" in text
    assert "quá hạn" in text
    html = quan.get_body(preferencelist=("html",)).get_content()  # type: ignore[union-attr]
    assert "<table" in html and "Hoàn thành" in html

    next_week = monday + dt.timedelta(days=7)
    later = run_leadership_digest(sessions, next_week, config=config, plan_ids=ids, now=lambda: next_week)
    assert later["queued"] == 2


def test_dry_run_queues_nothing(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    config = load_mail_config(tmp_path, None, "planflow <planflow@loctan.example>")
    monday = dt.datetime(2025, 10, 27, 7, 30, tzinfo=ICT)
    with sessions() as s, s.begin():
        sync_definitions(load_definitions(REPO / "definitions"), None, session=s, now=monday)
    result = run_leadership_digest(sessions, monday, config=config, dry_run=True, now=lambda: monday)
    assert result["queued"] == 0 and result["leaders"]
    assert run_leadership_digest(sessions, monday, config=config, now=lambda: monday)["queued"] == len(
        result["leaders"]
    )


@pytest.mark.parametrize(
    ("title", "written"),
    [
        ("PHÓ CHỦ TỊCH", "Phó Chủ tịch"),  # a signature block's capitals, as the seeds write them
        ("CHỦ TỊCH", "Chủ tịch"),
        ("PHÓ GIÁM ĐỐC", "Phó Giám đốc"),
        ("Phó Chủ tịch", "Phó Chủ tịch"),  # already as officials write it
        ("trưởng phòng", "Trưởng phòng"),
    ],
)
def test_signer_titles_as_officials_write_them(title: str, written: str) -> None:
    """Salutations name the signer as officials write it: "Kính gửi: Phó Chủ tịch …"."""
    assert official_title(title) == written
