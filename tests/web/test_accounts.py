"""Board accounts and roles over three unit directories: the demo commune, another commune
and the province whose plan the demo commune's plan implements (parent_plan)."""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from planflow.accounts import Role, disable_account, new_account
from planflow.loader import Definitions, load_definitions
from planflow.store.models import ProgressEventRow
from planflow.sync.definitions import sync_definitions
from planflow.web.app import create_app
from planflow.web.config import web_config
from tests.factories import DEMO_UNITS, demo_plan, write_definitions, write_yaml
from tests.web.conftest import NOW, PASSWORD, settings_for

SECRET_WORD = "mat-khau-rieng-123"


def three_directories(root: Path) -> Path:
    """The demo commune (plan demo-2026 under the province's tinh-2026), a second commune
    'khac' and the province 'tinh', each with its own plan."""
    write_definitions(root, demo_plan(parent_plan="tinh-2026"))
    for directory, plan_id, title in (("khac", "khac-2026", "Kế hoạch của xã Khác"),
                                      ("tinh", "tinh-2026", "Kế hoạch của tỉnh")):  # fmt: skip
        units = copy.deepcopy(DEMO_UNITS)
        units["id"] = directory
        write_yaml(root / "units" / f"{directory}.yaml", units)
        write_yaml(root / "plans" / f"{plan_id}.yaml", demo_plan(id=plan_id, units=directory, title=title))
    return root


@dataclass
class Board:
    client: TestClient
    sessions: sessionmaker[Session]
    defs: Definitions

    def add(self, name: str, role: Role, directory: str, unit: str | None = None) -> None:
        with self.sessions() as s, s.begin():
            new_account(name, "", role, directory, unit, SECRET_WORD, self.defs, session=s, now=NOW)

    def login(self, user: str, password: str = SECRET_WORD) -> int:
        page = self.client.get("/login")
        token = re.search(r'name="csrf" value="([^"]+)"', page.text)
        assert token, page.text
        done = self.client.post("/login", data={"csrf": token.group(1), "user": user, "password": password},
                                follow_redirects=False)  # fmt: skip
        return done.status_code

    def get(self, path: str) -> tuple[int, str]:
        response = self.client.get(path, follow_redirects=False)
        return response.status_code, response.text


@contextmanager
def serve(sessions: sessionmaker[Session], definitions: Path, home: Path) -> Iterator[Board]:
    """The web app over ``definitions`` (synced at NOW), with a client and the store."""
    defs = load_definitions(definitions)
    with sessions() as s, s.begin():
        sync_definitions(defs, None, session=s, now=NOW)
    app = create_app(web_config(settings_for(home)), defs, sessions, clock=lambda: NOW)
    with TestClient(app, base_url="http://127.0.0.1") as client:
        yield Board(client, sessions, defs)


@pytest.fixture
def board(sessions: sessionmaker[Session], tmp_path: Path) -> Iterator[Board]:
    with serve(sessions, three_directories(tmp_path / "definitions"), tmp_path / "home") as site:
        yield site


def test_shared_login_works_until_the_first_account(board: Board) -> None:
    """With no account the shared login opens every plan; the first account ends it and its sessions."""
    assert board.login("thuongtruc", PASSWORD) == 303
    code, text = board.get("/board")
    assert code == 200 and {"demo-2026", "khac-2026", "tinh-2026"} <= set(
        re.findall(r"/board/([a-z0-9-]+)\"", text)
    )
    board.add("vanphong", Role.STANDING, "demo")
    code, text = board.get("/board")
    assert code == 303
    assert board.login("thuongtruc", PASSWORD) == 401


def test_officer_sees_only_its_unit_and_commune(board: Board) -> None:
    """A unit officer reads its unit's items of its commune's plans, and nothing of another unit or commune."""
    board.add("lan", Role.OFFICER, "demo", "Phòng VH-XH")
    assert board.login("LAN") == 303  # names are not case-sensitive
    code, text = board.get("/board")
    assert code == 200 and "/board/demo-2026" in text
    assert "/board/khac-2026" not in text and "/board/tinh-2026" not in text
    code, text = board.get("/board/khac-2026")
    assert code == 403 and "Kế hoạch &#39;khac-2026&#39; không thuộc phạm vi tài khoản lan." in text
    code, text = board.get("/board/khac-2026/items")
    assert code == 403
    code, text = board.get("/board/demo-2026")
    assert code == 200 and "Ban hành kế hoạch" in text and "Rà soát trước Tết" not in text
    code, text = board.get("/board/demo-2026/items")
    assert code == 200 and "Đăng tin" in text and "Rà soát trước Tết" not in text and "Duy trì" not in text


def test_officer_my_items_and_writes_name_the_account(board: Board) -> None:
    """ "My items" lists the unit's work with form links, and a progress event sent from it names the account."""
    board.add("lan", Role.OFFICER, "demo", "vhxh")
    board.login("lan")
    code, text = board.get("/me")
    assert code == 200 and "Việc của tôi — Phòng Văn hóa - Xã hội" in text
    assert "Rà soát trước Tết" not in text
    form_url = re.search(r'href="(/p/[^"]+/o/demo-2026/ke-hoach)"', text)
    assert form_url, text
    form = board.client.get(form_url.group(1))
    csrf = re.search(r'name="csrf" value="([^"]+)"', form.text)
    assert csrf
    sent = board.client.post(form_url.group(1), data={"csrf": csrf.group(1), "status": "done"},
                             follow_redirects=False)  # fmt: skip
    assert sent.status_code == 303, sent.text
    with board.sessions() as s:
        (event,) = s.scalars(select(ProgressEventRow))
    assert (event.by_unit, event.recorded_by, event.status) == ("vhxh", "lan", "done")


def test_a_report_input_sent_while_signed_in_names_the_account(board: Board) -> None:
    """A unit's part of a report sent from "my items" is recorded with the officer's account as its author."""
    board.add("hung", Role.OFFICER, "demo", "kt")
    board.login("hung")
    text = board.get("/me")[1]
    form_url = re.search(r'href="(/p/[^"]+/o/demo-2026/bao-cao-quy/2026-Q1/kt)"', text)
    assert form_url, text
    csrf = re.search(r'name="csrf" value="([^"]+)"', board.client.get(form_url.group(1)).text)
    assert csrf
    sent = board.client.post(form_url.group(1), data={"csrf": csrf.group(1), "text": "Quý I: duy trì hệ thống."},
                             follow_redirects=False)  # fmt: skip
    assert sent.status_code == 303, sent.text
    with board.sessions() as s:
        (event,) = s.scalars(select(ProgressEventRow))
    assert (event.occurrence_key, event.by_unit, event.recorded_by) == (
        "demo-2026/bao-cao-quy/2026-Q1/kt",
        "kt",
        "hung",
    )


def test_a_link_alone_records_no_account(board: Board) -> None:
    """A signed link used without a sign-in records the unit as before, and no account."""
    board.add("vanphong", Role.STANDING, "demo")
    token = board.client.app.state.web.config.tokens.progress_link(
        "demo-2026", "vhxh", NOW + dt.timedelta(days=3)
    )
    form_url = f"/p/{token}/o/demo-2026/ke-hoach"
    csrf = re.search(r'name="csrf" value="([^"]+)"', board.client.get(form_url).text)
    assert csrf
    board.client.post(form_url, data={"csrf": csrf.group(1), "status": "done"})
    with board.sessions() as s:
        (event,) = s.scalars(select(ProgressEventRow))
    assert (event.by_unit, event.recorded_by) == ("vhxh", None)


@pytest.mark.parametrize("role", [Role.LEADER, Role.STANDING])
def test_commune_roles_see_all_its_items_only(board: Board, role: Role) -> None:
    """The standing unit and a leader see every item of their commune's plans and no other commune's."""
    board.add("nguoi", role, "demo")
    board.login("nguoi")
    code, text = board.get("/board/demo-2026/items")
    assert code == 200 and "Rà soát trước Tết" in text and "Đăng tin" in text
    assert board.get("/board/khac-2026")[0] == 403
    assert board.get("/board/tinh-2026")[0] == 403


def test_read_only_roles_get_no_way_to_write(board: Board) -> None:
    """A leader and a reviewer get no progress form: no form link on any page, "my items" sends them to the board."""
    board.add("lanhdao", Role.LEADER, "demo")
    board.add("so", Role.REVIEWER, "tinh")
    for name in ("lanhdao", "so"):
        board.client.cookies.clear()
        board.login(name)
        for path in ("/board", "/board/demo-2026", "/board/demo-2026/items"):
            code, text = board.get(path)
            assert code == 200 and "/p/" not in text, (name, path)
        assert board.get("/me") == (303, "")


def test_reviewer_reads_its_province_and_its_communes(board: Board) -> None:
    """A province reviewer reads the province's plan and the plans implementing it, not another commune's."""
    board.add("so", Role.REVIEWER, "tinh")
    board.login("so")
    assert board.get("/board/tinh-2026")[0] == 200
    assert board.get("/board/demo-2026")[0] == 200
    code, text = board.get("/board/khac-2026")
    assert code == 403 and "Không thuộc phạm vi tài khoản" in text


def test_disable_ends_the_session_at_once(board: Board) -> None:
    """Disabling an account revokes its live sign-in: the next request goes to the login page."""
    board.add("lan", Role.OFFICER, "demo", "vhxh")
    board.login("lan")
    assert board.get("/board")[0] == 200
    with board.sessions() as s, s.begin():
        assert disable_account("lan", session=s, now=NOW) == 1
    code, _ = board.get("/board")
    assert code == 303
    assert board.login("lan") == 401


def test_work_list_filters_search_and_groups(board: Board) -> None:
    """The standing unit filters to overdue items, to one unit, and finds "Rà soát" typed without tone marks."""
    board.add("vanphong", Role.STANDING, "demo")
    board.login("vanphong")
    code, text = board.get("/board/demo-2026")
    assert 'href="/board/demo-2026/items?status=overdue"' in text
    code, text = board.get("/board/demo-2026/items?status=overdue")
    assert (
        code == 200 and "Rà soát trước Tết" in text and "Đăng tin" in text and "Ban hành kế hoạch" not in text
    )
    unit_link = re.search(r'href="\?([^"]*unit=hcc[^"]*)"', text)
    assert unit_link, text
    code, text = board.get("/board/demo-2026/items?" + unit_link.group(1).replace("&amp;", "&"))
    assert "Rà soát trước Tết" in text and "Đăng tin" not in text
    code, text = board.get("/board/demo-2026/items?q=ra+soat+TET")
    assert "Rà soát trước Tết" in text and "Đăng tin" not in text
    code, text = board.get("/board/demo-2026/items?group=lead")
    assert "Trung tâm Phục vụ hành chính công (" in text
    code, text = board.get("/board/demo-2026/items?due_within=abc")
    assert (
        code == 400
        and "Số ngày đến hạn &#39;abc&#39; (due_within) không đọc được: ghi số nguyên từ 0 đến 3660." in text
    )


def test_saved_views_belong_to_one_account(board: Board) -> None:
    """A saved view comes back for the account that saved it and for no other."""
    board.add("vanphong", Role.STANDING, "demo")
    board.add("lanhdao", Role.LEADER, "demo")
    board.login("vanphong")
    _, text = board.get("/board/demo-2026/items?status=overdue&unit=hcc")
    csrf = re.search(r'name="csrf" value="([^"]+)"', text)
    assert csrf
    saved = board.client.post("/board/demo-2026/views", follow_redirects=False,
                              data={"csrf": csrf.group(1), "name": "Quá hạn HCC", "query": "status=overdue&unit=hcc"})  # fmt: skip
    assert saved.status_code == 303
    _, text = board.get("/board/demo-2026/items")
    assert '<a href="?status=overdue&amp;unit=hcc">Quá hạn HCC</a>' in text
    board.client.cookies.clear()
    board.login("lanhdao")
    assert "Quá hạn HCC" not in board.get("/board/demo-2026/items")[1]


def test_views_cannot_be_saved_out_of_reach_or_without_an_account(board: Board) -> None:
    """An officer cannot save a view on another commune's plan, and the shared login cannot save one at all."""
    board.add("lan", Role.OFFICER, "demo", "vhxh")
    board.login("lan")
    csrf = re.search(r'name="csrf" value="([^"]+)"', board.get("/board/demo-2026/items")[1])
    assert csrf
    refused = board.client.post(
        "/board/khac-2026/views", data={"csrf": csrf.group(1), "name": "x", "query": ""}
    )
    assert refused.status_code == 403
    with board.sessions() as s, s.begin():
        disable_account("lan", session=s, now=NOW)  # no active account: the shared login is back
    board.client.cookies.clear()
    assert board.login("thuongtruc", PASSWORD) == 303
    text = board.get("/board/demo-2026/items")[1]
    assert "Lưu bộ lọc" not in text
    csrf = re.search(r'name="csrf" value="([^"]+)"', text)
    assert csrf
    refused = board.client.post(
        "/board/demo-2026/views", data={"csrf": csrf.group(1), "name": "x", "query": ""}
    )
    assert refused.status_code == 403 and "Đăng nhập chung không lưu được bộ lọc" in refused.text


def test_an_officer_cannot_download_another_units_evidence(board: Board) -> None:
    """Evidence recorded on another unit's item is not found for an officer, and is for the standing unit."""
    token = board.client.app.state.web.config.tokens.progress_link(
        "demo-2026", "hcc", NOW + dt.timedelta(days=3)
    )
    form_url = f"/p/{token}/o/demo-2026/tet"
    csrf = re.search(r'name="csrf" value="([^"]+)"', board.client.get(form_url).text)
    assert csrf
    pdf = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
    sent = board.client.post(form_url, data={"csrf": csrf.group(1), "status": "done"},
                             files={"evidence": ("ra-soat.pdf", pdf, "application/pdf")}, follow_redirects=False)  # fmt: skip
    assert sent.status_code == 303, sent.text
    with board.sessions() as s:
        (event,) = s.scalars(select(ProgressEventRow))
    name = event.evidence.rsplit("/", 1)[-1] if event.evidence else ""
    board.add("lan", Role.OFFICER, "demo", "vhxh")
    board.add("vanphong", Role.STANDING, "demo")
    board.login("lan")
    assert board.get(f"/board/demo-2026/evidence/{name}")[0] == 404
    board.client.cookies.clear()
    board.login("vanphong")
    assert board.get(f"/board/demo-2026/evidence/{name}")[0] == 200
