"""The province's table of its communes: who may see it, which communes each viewer sees,
the Xanh / Vàng / Đỏ cells (planflow.check.monitor's rule) and the drill-down to a commune's board."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from html import unescape
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from planflow.accounts import Role
from tests.factories import DEMO_UNITS, demo_plan, write_definitions, write_yaml
from tests.web.test_accounts import Board, serve


def two_provinces(root: Path) -> Path:
    """Province 'tinh' (plan tinh-2026) with the demo commune under it; province 'tinh2'
    (tinh2-2026) with the commune 'khac' under it."""
    write_definitions(root, demo_plan(parent_plan="tinh-2026"))
    for directory, name, plan_id, parent in (("khac", "Xã Khác", "khac-2026", "tinh2-2026"),
                                             ("tinh", "Tỉnh Một", "tinh-2026", None),
                                             ("tinh2", "Tỉnh Hai", "tinh2-2026", None)):  # fmt: skip
        units = copy.deepcopy(DEMO_UNITS)
        units.update(id=directory, name=name)
        write_yaml(root / "units" / f"{directory}.yaml", units)
        plan = demo_plan(id=plan_id, units=directory, title=f"Kế hoạch {name}")
        if parent:
            plan["parent_plan"] = parent
        write_yaml(root / "plans" / f"{plan_id}.yaml", plan)
    return root


@pytest.fixture
def board(sessions: sessionmaker[Session], tmp_path: Path) -> Iterator[Board]:
    with serve(sessions, two_provinces(tmp_path / "definitions"), tmp_path / "home") as site:
        yield site


def _cells(text: str) -> list[tuple[str, str]]:
    """(badge class, badge text) of every cell, in table order."""
    return re.findall(r'<p class="cell">.*?<span class="badge (st-[a-z-]+)">([^<]+)</span>', unescape(text))


def test_reviewer_sees_only_its_communes_and_drills_down(board: Board) -> None:
    """A province reviewer sees its commune red (overdue items at 24/03), not the other province's, and opens its board."""
    board.add("so", Role.REVIEWER, "tinh")
    assert board.login("so") == 303
    code, text = board.get("/province")
    assert code == 200
    page = unescape(text)
    assert "Xã Demo" in page and "Xã Khác" not in page and "khac-2026" not in page
    assert _cells(text) == [("st-overdue", "Đỏ — 3 việc quá hạn")]
    assert "Tỷ lệ xanh: <strong>0/1 (0%)</strong>" in page
    assert 'href="/board/demo-2026"' in page and 'href="/monitor/tinh-2026"' in page
    assert board.get("/board/demo-2026")[0] == 200
    assert board.get("/board/khac-2026")[0] == 403
    assert '<a href="/province">Các xã</a>' in unescape(board.get("/board")[1])


def test_the_cells_follow_the_monitor_rule_at_a_date(board: Board) -> None:
    """Before anything is due the commune is green, a week before a due date yellow; the date rides along in the links."""
    board.add("so", Role.REVIEWER, "tinh")
    board.login("so")
    code, text = board.get("/province?date=2026-01-05")
    assert code == 200 and _cells(text) == [("st-done-on-time", "Xanh")]
    assert "Tỷ lệ xanh: <strong>1/1 (100%)</strong>" in unescape(text)
    assert 'href="/board/demo-2026?as_of=2026-01-05"' in text
    soon = _cells(board.get("/province?date=2026-01-26")[1])  # January's news item falls due on 31/01
    assert soon == [("st-upcoming", "Vàng — 1 việc sắp đến hạn")]


def test_the_standing_unit_sees_the_table(board: Board) -> None:
    """The province's standing unit sees its communes' classes; a commune's standing unit sees its own row only."""
    board.add("tt-tinh", Role.STANDING, "tinh")
    board.login("tt-tinh")
    code, text = board.get("/province")
    assert code == 200 and "Xã Demo" in unescape(text) and "Xã Khác" not in unescape(text)
    assert 'href="/board/demo-2026"' not in text  # the province's standing unit reads no commune board
    board.client.cookies.clear()
    board.add("tt-khac", Role.STANDING, "khac")
    board.login("tt-khac")
    code, text = board.get("/province")
    assert code == 200 and "Xã Khác" in unescape(text) and "Xã Demo" not in unescape(text)
    assert 'href="/board/khac-2026"' in text


@pytest.mark.parametrize(
    ("role", "directory", "unit"),
    [
        (Role.OFFICER, "demo", "vhxh"),  # a unit officer works on its items, not on the province's view
        (Role.LEADER, "demo", None),  # a commune's leaders read their own plans only
        (Role.LEADER, "tinh", None),
    ],
)
def test_other_roles_are_refused(board: Board, role: Role, directory: str, unit: str | None) -> None:
    """Officers and leaders get a 403 page that names the account, never the table."""
    board.add("nguoi", role, directory, unit)
    board.login("nguoi")
    code, text = board.get("/province")
    assert code == 403 and "Xã Demo" not in unescape(text)
    assert f"Tài khoản nguoi ({role.label}) không xem được bảng các xã." in unescape(text)
    assert '<a href="/province">' not in board.get("/board")[1]


def test_signed_out_goes_to_login(board: Board) -> None:
    """Without a session the page sends to the login, and back after it."""
    board.add("so", Role.REVIEWER, "tinh")
    response = board.client.get("/province?date=2026-01-05", follow_redirects=False)
    assert (
        response.status_code == 303
        and response.headers["location"] == "/login?next=/province%3Fdate%3D2026-01-05"
    )
