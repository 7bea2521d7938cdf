"""Corrections, history, comments and work-list exports through the board's HTTP API, for
every role: the standing unit corrects with a reason and the history shows both events; an
officer works only on its unit's items and events; leaders and reviewers only read."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from html import escape
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from planflow.accounts import Role
from planflow.notifications.config import load_mail_config
from planflow.notifications.notices import run_check
from planflow.status import Status
from planflow.store.models import AccountRow, CommentRow, NoticeRow, OutboxRow, ProgressEventRow
from planflow.web.export_routes import CSV_HEADERS, work_csv
from planflow.web.worklist import WorkItem
from tests.factories import DEMO_UNITS
from tests.web.conftest import NOW
from tests.web.test_accounts import Board, serve, three_directories

TET = "demo-2026/tet"  # led by hcc, overdue on 24/03/2026
HISTORY = f"/board/demo-2026/item/{TET}"


@pytest.fixture
def site(sessions: sessionmaker[Session], tmp_path: Path) -> Iterator[Board]:
    with serve(sessions, three_directories(tmp_path / "definitions"), tmp_path / "home") as site:
        yield site


ACCOUNTS = {"vanphong": (Role.STANDING, "demo", None), "hcc": (Role.OFFICER, "demo", "hcc"),
            "kt": (Role.OFFICER, "demo", "kt"), "lanhdao": (Role.LEADER, "demo", None),
            "so": (Role.REVIEWER, "tinh", None)}  # fmt: skip


def as_user(site: Board, name: str) -> None:
    """Sign in as ``name`` (its account made on first use: hashing every one costs time)."""
    with site.sessions() as s:
        known = s.get(AccountRow, name) is not None
    if not known:
        site.add(name, *ACCOUNTS[name])
    site.client.cookies.clear()
    assert site.login(name) == 303


def post(site: Board, path: str, page: str = HISTORY, **fields: str) -> tuple[int, str]:
    """POST a board form with the CSRF token of ``page`` (any page the user may read)."""
    token = re.search(r'name="csrf" value="([^"]+)"', site.client.get("/board").text)
    assert token
    response = site.client.post(path, data={"csrf": token.group(1), **fields}, follow_redirects=False)
    return response.status_code, response.text


def events(site: Board) -> list[ProgressEventRow]:
    with site.sessions() as s:
        return list(s.scalars(select(ProgressEventRow).order_by(ProgressEventRow.id)))


def record(site: Board, status: str = "done", key: str = TET, day: str = "2026-02-20") -> int:
    code, text = post(site, "/board/demo-2026/events", key=key, status=status, day=day)
    assert code == 303, text
    return events(site)[-1].id


def test_standing_unit_corrects_with_a_reason_and_the_history_shows_both(site: Board) -> None:
    """Record done, correct it to in progress with a reason: both events, the link and the reason show."""
    as_user(site, "vanphong")
    first = record(site)
    code, text = post(site, f"/board/demo-2026/events/{first}/correct", key=TET, status="in_progress",
                      percent="40", day="2026-02-20", reason="Chưa có biên bản nghiệm thu")  # fmt: skip
    assert code == 303, text
    old, new = events(site)
    assert (new.supersedes, new.reason, new.recorded_by, new.by_unit) == (
        first, "Chưa có biên bản nghiệm thu", "vanphong", "vhxh")  # fmt: skip
    assert (old.status, new.status, new.percent) == ("done", "in_progress", 40)
    code, page = site.get(HISTORY)
    assert code == 200
    assert f"Đã được thay bằng lần ghi #{new.id}" in page
    assert f"Sửa lần ghi #{first}<br>Lý do: Chưa có biên bản nghiệm thu" in page
    assert "Quá hạn" in page  # corrected to not done: overdue again
    code, listing = site.get("/board/demo-2026/items?status=overdue&unit=hcc")
    assert "Rà soát trước Tết" in listing and f'href="{HISTORY}"' in listing


def test_withdraw_needs_a_reason_and_then_counts_for_nothing(site: Board) -> None:
    """A blank reason is refused with a message; with a reason the event is withdrawn and stops counting."""
    as_user(site, "vanphong")
    first = record(site)
    code, text = post(site, f"/board/demo-2026/events/{first}/withdraw", key=TET, reason="  ")
    assert code == 400 and "Chưa ghi lý do: mỗi lần sửa hay rút lại một lần ghi tiến độ cần lý do." in text
    assert len(events(site)) == 1
    code, _ = post(site, f"/board/demo-2026/events/{first}/withdraw", key=TET, reason="Ghi nhầm việc")
    assert code == 303 and events(site)[-1].status == "withdrawn"
    code, again = post(site, f"/board/demo-2026/events/{first}/correct", key=TET, status="done", reason="x")
    assert code == 400 and f"đã được thay bằng lần ghi #{events(site)[-1].id}" in again
    assert "Rút lại lần ghi #" in site.get(HISTORY)[1]


def test_officer_corrects_its_own_units_events_only(site: Board) -> None:
    """An officer records and corrects on its unit's item, but not an event the standing unit recorded."""
    as_user(site, "vanphong")
    standing_event = record(site)
    as_user(site, "hcc")
    assert site.get(HISTORY)[0] == 200
    code, text = post(site, f"/board/demo-2026/events/{standing_event}/withdraw", key=TET, reason="sai")
    assert code == 403 and "do đơn vị khác ghi" in text
    own = record(site, status="in_progress", day="2026-03-24")
    code, _ = post(site, f"/board/demo-2026/events/{own}/correct", key=TET, status="done", reason="Đã xong")
    assert code == 303 and events(site)[-1].recorded_by == "hcc" and events(site)[-1].by_unit == "hcc"


@pytest.mark.parametrize(
    ("user", "path", "fields"),
    [
        # an officer of another unit: hcc's item is out of its reach
        ("kt", "/board/demo-2026/events", {"key": TET, "status": "done"}),
        ("kt", "/board/demo-2026/events/{event}/correct", {"key": TET, "status": "done", "reason": "sai"}),
        ("kt", "/board/demo-2026/events/{event}/withdraw", {"key": TET, "reason": "sai"}),
        ("kt", "/board/demo-2026/comments", {"key": TET, "body": "xin ý kiến"}),
        # an officer on another commune's plan
        ("hcc", "/board/khac-2026/events", {"key": "khac-2026/tet", "status": "done"}),
        ("hcc", "/board/khac-2026/comments", {"key": "khac-2026/tet", "body": "xin ý kiến"}),
        # read-only roles write nothing, even in their reach
        ("lanhdao", "/board/demo-2026/events", {"key": TET, "status": "done"}),
        (
            "lanhdao",
            "/board/demo-2026/events/{event}/correct",
            {"key": TET, "status": "done", "reason": "sai"},
        ),
        ("lanhdao", "/board/demo-2026/events/{event}/withdraw", {"key": TET, "reason": "sai"}),
        ("lanhdao", "/board/demo-2026/comments", {"key": TET, "body": "đồng ý"}),
        ("so", "/board/demo-2026/events", {"key": TET, "status": "done"}),
        ("so", "/board/demo-2026/events/{event}/withdraw", {"key": TET, "reason": "sai"}),
        ("so", "/board/demo-2026/comments", {"key": TET, "body": "đồng ý"}),
    ],
)
def test_forbidden_writes_change_nothing(site: Board, user: str, path: str, fields: dict[str, str]) -> None:
    """Each forbidden write is a 403 page and leaves the events and comments as they were."""
    as_user(site, "vanphong")
    event = record(site)
    as_user(site, user)
    code, text = post(site, path.format(event=event), **fields)
    assert code == 403 and "Không thuộc phạm vi tài khoản" in text, text
    with site.sessions() as s:
        assert s.scalar(select(func.count()).select_from(CommentRow)) == 0
    assert [e.id for e in events(site)] == [event]


@pytest.mark.parametrize(
    ("user", "path", "code"),
    [
        ("kt", HISTORY, 403),  # another unit's item
        ("hcc", "/board/khac-2026/item/khac-2026/tet", 403),  # another commune's plan
        ("hcc", "/board/khac-2026/items.csv", 403),
        ("so", "/board/khac-2026/items.xlsx", 403),  # a reviewer: not a commune of its province
        ("lanhdao", "/board/tinh-2026/item/tinh-2026/tet", 403),
        ("hcc", "/board/demo-2026/item/demo-2026/khong-co", 404),
        ("lanhdao", HISTORY, 200),
        ("so", HISTORY, 200),
    ],
)
def test_who_reads_what(site: Board, user: str, path: str, code: int) -> None:
    """History and exports answer only within the account's reach; read-only roles get no forms."""
    as_user(site, user)
    got, text = site.get(path)
    assert got == code, text
    if code == 200:
        assert (
            'action="/board/demo-2026/events' not in text and 'action="/board/demo-2026/comments' not in text
        )


def test_a_form_without_its_csrf_token_is_refused(site: Board) -> None:
    """The board's CSRF protection covers these forms: no token, no write."""
    as_user(site, "vanphong")
    sent = site.client.post(
        "/board/demo-2026/events", data={"key": TET, "status": "done"}, follow_redirects=False
    )
    assert sent.status_code == 403 and events(site) == []


def test_signed_out_goes_to_the_login_page(site: Board) -> None:
    """Without a sign-in the history redirects to the login page and a write records nothing."""
    assert site.get(HISTORY)[0] == 303
    assert (
        site.client.post("/board/demo-2026/events", data={"key": TET}, follow_redirects=False).status_code
        == 303
    )


def test_comments_are_escaped_and_name_their_author(site: Board) -> None:
    """A comment shows its author and time, and markup in it is shown as text."""
    as_user(site, "hcc")
    code, _ = post(
        site, "/board/demo-2026/comments", key=TET, body="Đã gửi <script>alert(1)</script>\nDòng hai"
    )
    assert code == 303
    as_user(site, "lanhdao")
    page = site.get(HISTORY)[1]
    assert "hcc — 24/03/2026 09:00" in page
    assert "Đã gửi &lt;script&gt;alert(1)&lt;/script&gt;</p><p>Dòng hai" in page and "<script>" not in page


def test_exports_follow_the_filtered_view(site: Board) -> None:
    """CSV and xlsx of a filtered, sorted view hold the page's rows in the page's order."""
    as_user(site, "vanphong")
    query = "status=overdue&unit=vhxh&sort=title"
    page = site.get(f"/board/demo-2026/items?{query}")[1]
    keys = [k for k in re.findall(r'href="/board/demo-2026/item/([^"]+)"', page)]
    assert keys and f'href="/board/demo-2026/items.csv?{query.replace("&", "&amp;")}"' in page
    response = site.client.get(f"/board/demo-2026/items.csv?{query}")
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert (
        response.content.startswith(b"\xef\xbb\xbf")
        and "attachment" in response.headers["content-disposition"]
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert tuple(rows[0]) == CSV_HEADERS and [r[-1] for r in rows[1:]] == keys
    assert all(r[3] == "Phòng Văn hóa - Xã hội" and r[7].startswith("Quá hạn") for r in rows[1:])
    book = load_workbook(io.BytesIO(site.client.get(f"/board/demo-2026/items.xlsx?{query}").content))
    sheet = book["Tiến độ"]
    assert [sheet.cell(4, c).value for c in range(1, 3)] == ["TT", "Nhiệm vụ"]
    assert [sheet.cell(r, sheet.max_column).value for r in range(5, sheet.max_row + 1)] == keys
    assert site.get("/board/demo-2026/items.pdf")[0] == 404


def test_an_officers_export_holds_its_unit_only(site: Board) -> None:
    """An officer's export, unfiltered, lists only the items its unit leads or supports."""
    as_user(site, "hcc")
    rows = list(
        csv.reader(io.StringIO(site.client.get("/board/demo-2026/items.csv").content.decode("utf-8-sig")))
    )
    assert rows[1:] and TET in {r[-1] for r in rows[1:]}
    assert all("Trung tâm Phục vụ hành chính công" in (r[3] + r[4]) for r in rows[1:])


def test_history_lists_the_notices_about_the_item(site: Board, tmp_path: Path) -> None:
    """The reminders the daily check queued about an item show on its history, each with its recipient and state."""
    config = load_mail_config(tmp_path / "mail-home", None, "planflow <planflow@demo.example>")
    outcome = run_check(site.defs, site.sessions, NOW, config=config, plan_ids=["demo-2026"], deliver_now=False,
                        now=lambda: NOW)  # fmt: skip
    assert outcome.queued
    with site.sessions() as s:
        about = list(s.execute(select(NoticeRow.recipient, OutboxRow.subject)
                               .join(OutboxRow, OutboxRow.id == NoticeRow.outbox_id)
                               .where(NoticeRow.occurrence_key == TET)))  # fmt: skip
    assert about
    as_user(site, "lanhdao")
    section = site.get(HISTORY)[1].split('id="thong-bao"')[1].split("</section>")[0]
    with site.sessions() as s:
        skipped = s.scalar(select(func.count()).select_from(NoticeRow)
                           .where(NoticeRow.occurrence_key == TET, NoticeRow.state == "skipped"))  # fmt: skip
    # the steps a first run passed over show too, as skipped, not as waiting to be queued
    assert skipped and section.count("<li>") == len(about) + skipped
    assert section.count("bỏ qua khi chạy bù") == skipped and "chưa xếp gửi" not in section
    # each by its recipient's name and its step in words (the ladder's keys, +7w, stay in the store)
    names = {u["id"]: u["name"] for u in DEMO_UNITS["units"]}
    for recipient, subject in about:
        name = (
            "Phó Chủ tịch Nguyễn Văn A"
            if recipient.startswith("signer:")
            else names[recipient.rsplit("/")[-1]]
        )
        assert f"cho {escape(name)} (" in section and escape(subject) in section
    assert "chờ gửi" in section and "ngày làm việc sau hạn cho" in section
    assert not re.search(r"[+-]\d+[wd]\b|unit:|signer:|head:", section), section


def test_csv_cells_never_run_as_formulas() -> None:
    """A cell a spreadsheet would run as a formula (=, +, -, @) is written as text, with a leading quote."""
    item = WorkItem(key="k", item_id="i", label="", title='=HYPERLINK("http://x")', section="-1", lead_ids=(),
                    lead="+a", support="@b", period="", due=None, due_text="—", status=Status.OVERDUE,
                    text="Quá hạn", css="overdue", percent=None, rank=(), haystack="")  # fmt: skip
    rows = list(csv.reader(io.StringIO(work_csv([item]).decode("utf-8-sig"))))
    assert rows[1][:5] == ["1", '\'=HYPERLINK("http://x")', "'-1", "'+a", "'@b"]


def test_the_board_links_each_item_to_its_history(site: Board) -> None:
    """From the board itself, not only from the work list: the one-off item's title opens its history."""
    as_user(site, "vanphong")
    code, board = site.get("/board/demo-2026")
    assert code == 200
    assert f'href="{HISTORY}"' in board
    code, page = site.get(HISTORY)
    assert code == 200 and "Rà soát trước Tết" in page
