"""Xanh / Vàng / Đỏ of a province plan's two commune plans at three dates, checked by hand
against the rule in planflow/check/monitor.py, through the CLI (table, CSV, xlsx) and the web page."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy.orm import Session, sessionmaker

from planflow.loader import load_definitions
from planflow.sync.definitions import sync_definitions
from planflow.web.app import create_app
from planflow.web.config import web_config
from tests.cli.runner import run_cli
from tests.factories import DEMO_UNITS, write_yaml
from tests.web.conftest import PASSWORD, settings_for

SIGNER = {"authority": "KT. CHỦ TỊCH", "title": "PHÓ CHỦ TỊCH", "name": "Nguyễn Văn A"}


def _plan(
    plan_id: str, issuer: str, tasks: list[dict[str, Any]], parent: str | None = None
) -> dict[str, Any]:
    plan = {"id": plan_id, "title": f"Chuyển đổi số năm 2026 của {issuer}", "issuer": issuer, "place": "Demo",
            "signer": SIGNER, "period": {"start": "2026-01-01", "end": "2026-12-31"}, "units": "demo",
            "standing_unit": "vhxh", "tasks": tasks}  # fmt: skip
    if parent:
        plan["parent_plan"] = parent
    return plan


def _task(task_id: str, lead: str, due: str) -> dict[str, Any]:
    return {"id": task_id, "title": f"Nhiệm vụ {task_id}", "lead": [lead], "when": f"trước ngày {due}"}


def _cli(*args: str) -> str:
    code, out, err = run_cli(*args)
    assert code == 0, err
    return out


@pytest.fixture
def province(tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Commune A: a1 (VH-XH) due 10/03, done 08/03; a2 (Kinh tế) due 20/03, done 19/03.
    Commune B: b1 (HCC) due 05/03, done late on 24/03."""
    monkeypatch.setenv("PLANFLOW_DATABASE_URL", database_url)
    root = tmp_path / "definitions"
    write_yaml(root / "units" / "demo.yaml", DEMO_UNITS)
    write_yaml(root / "plans" / "tinh-2026.yaml", _plan("tinh-2026", "UBND tỉnh Demo", [_task("t1", "vhxh", "31/12/2026")]))  # fmt: skip
    write_yaml(root / "plans" / "xa-a-2026.yaml", _plan("xa-a-2026", "UBND xã A", [_task("a1", "vhxh", "10/03/2026"), _task("a2", "kt", "20/03/2026")], "tinh-2026"))  # fmt: skip
    write_yaml(root / "plans" / "xa-b-2026.yaml", _plan("xa-b-2026", "UBND xã B", [_task("b1", "hcc", "05/03/2026")], "tinh-2026"))  # fmt: skip
    d = ["-d", str(root)]
    _cli("progress", "xa-a-2026", "a1", "--status", "done", "--by", "vhxh", "--at", "2026-03-08", *d)
    _cli("progress", "xa-a-2026", "a2", "--status", "done", "--by", "kt", "--at", "2026-03-19", *d)
    _cli("progress", "xa-b-2026", "b1", "--status", "done", "--by", "hcc", "--at", "2026-03-24", *d)
    return root


def _classes(root: Path, day: str) -> list[list[str]]:
    out = _cli("report", "monitor", "tinh-2026", "--as-of", day, "-f", "csv", "-d", str(root))
    rows = list(csv.reader(io.StringIO(out)))
    return [[r[0], r[2], r[-1]] for r in rows[1:]]


# Hand-checked: (plan, unit, class) at each date.
@pytest.mark.parametrize(
    ("day", "expected"),
    [
        # 01/03: A has nothing due and nothing within 7 days → Xanh; B's b1 falls due on 05/03,
        # within 7 days, not done → Vàng.
        ("2026-03-01", [["xa-a-2026", "", "Xanh"], ["xa-b-2026", "", "Vàng"],
                        ["xa-b-2026", "Trung tâm Phục vụ hành chính công", "Vàng"]]),
        # 15/03: a1 done on time, a2 due 20/03 (within 7 days) not done yet → A Vàng (Kinh tế
        # Vàng, VH-XH Xanh); b1 due 05/03 not done → B Đỏ.
        ("2026-03-15", [["xa-a-2026", "", "Vàng"], ["xa-a-2026", "Phòng Văn hóa - Xã hội", "Xanh"],
                        ["xa-a-2026", "Phòng Kinh tế", "Vàng"], ["xa-b-2026", "", "Đỏ"],
                        ["xa-b-2026", "Trung tâm Phục vụ hành chính công", "Đỏ"]]),
        # 25/03: A all done on time → Xanh; b1 done on 24/03, after its due date → B Vàng.
        ("2026-03-25", [["xa-a-2026", "", "Xanh"], ["xa-a-2026", "Phòng Văn hóa - Xã hội", "Xanh"],
                        ["xa-a-2026", "Phòng Kinh tế", "Xanh"], ["xa-b-2026", "", "Vàng"],
                        ["xa-b-2026", "Trung tâm Phục vụ hành chính công", "Vàng"]]),
    ],
)  # fmt: skip
def test_classes_at_three_dates(province: Path, day: str, expected: list[list[str]]) -> None:
    """Each child plan and lead unit gets the class the rule gives by hand."""
    assert _classes(province, day) == expected


def test_table_and_xlsx_show_the_share_of_green(province: Path, tmp_path: Path) -> None:
    """The table heads with the share of green; the workbook holds the same rows, coloured."""
    table = _cli("report", "monitor", "tinh-2026", "--as-of", "2026-03-25", "-d", str(province))
    assert "tỷ lệ xanh 1/2 (50%)" in table
    target = tmp_path / "phan-loai.xlsx"
    _cli("report", "monitor", "tinh-2026", "--as-of", "2026-03-15", "-f", "xlsx", "-o", str(target),
         "-d", str(province))  # fmt: skip
    sheet = load_workbook(target).active
    assert sheet is not None
    assert sheet["A2"].value == "Tỷ lệ xanh: 0/2 (0%)"
    assert [c.value for c in sheet[4]] == ["xa-a-2026", "UBND xã A", None, 1, 1, 0, 0, 1, "Vàng"]
    assert sheet["I7"].value == "Đỏ" and sheet["I7"].fill.start_color.rgb.endswith("FFC7CE")


def test_web_page_and_downloads(province: Path, sessions: sessionmaker[Session], tmp_path: Path) -> None:
    """The signed-in standing unit sees the classes and downloads CSV and xlsx."""
    defs = load_definitions(province)
    now = dt.datetime(2026, 3, 25, 9, tzinfo=dt.UTC)
    with sessions() as s, s.begin():
        sync_definitions(defs, None, session=s, now=now)
    app = create_app(web_config(settings_for(tmp_path / "home")), defs, sessions, clock=lambda: now)
    with TestClient(app, base_url="http://127.0.0.1") as client:
        assert client.get("/monitor/tinh-2026", follow_redirects=False).status_code == 303  # sign in first
        login = client.get("/login")
        token = login.text.split('name="csrf" value="')[1].split('"')[0]
        client.post("/login", data={"csrf": token, "user": "thuongtruc", "password": PASSWORD})
        page = client.get("/monitor/tinh-2026?date=2026-03-15")
        assert page.status_code == 200 and "Tỷ lệ xanh: <strong>0/2 (0%)</strong>" in page.text
        assert page.text.count("<strong>Đỏ</strong>") == 2
        download = client.get("/monitor/tinh-2026?date=2026-03-25&format=csv")
        assert (
            download.headers["content-disposition"]
            == 'attachment; filename="phan-loai-tinh-2026-2026-03-25.csv"'
        )
        assert download.content.decode("utf-8-sig").splitlines()[1] == "xa-a-2026,UBND xã A,,2,2,0,0,0,Xanh"
        xlsx = client.get("/monitor/tinh-2026?format=xlsx")
        assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")
