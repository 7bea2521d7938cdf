"""Whom a commune writes to and whose names its messages carry: two communes with the same
unit ids in one store, the relation of each unit to the issuer, coordination requests."""

from __future__ import annotations

import datetime as dt
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from planflow.loader import load_definitions
from planflow.notifications.config import load_mail_config
from planflow.notifications.notices import run_check
from planflow.relations import unit_relations
from planflow.schema import UnitDirectory, UnitRelation
from planflow.sync.readiness import readiness
from tests.factories import write_yaml
from tests.smtp import SmtpServer

ICT = dt.timezone(dt.timedelta(hours=7))
SENDER = "planflow <planflow@vp.example>"
COMMUNES = {"an-phu": "An Phú", "binh-minh": "Bình Minh"}
"""Two communes of two provinces; every unit id of one is also a unit id of the other."""
PROVINCE = {"an-phu": "Đồng Nai", "binh-minh": "Hà Tĩnh"}
OUTSIDE_UNITS = ("so-khcn", "ubnd-tinh", "vnpt", "ubmttq")


def directory(commune: str) -> dict[str, Any]:
    name, province, mail = COMMUNES[commune], PROVINCE[commune], f"{commune}.example"
    return {"id": commune, "name": f"Xã {name}", "units": [
        {"id": "ubnd-xa", "name": f"Ủy ban nhân dân xã {name}", "kind": "peoples_committee",
         "emails": [f"ubnd@{mail}"]},
        {"id": "phong-vhxh", "name": f"Phòng Văn hóa - Xã hội xã {name}", "parent": "ubnd-xa",
         "emails": [f"vhxh@{mail}"], "head": {"name": f"Trưởng phòng VH-XH xã {name}", "email": f"tp@{mail}"}},
        {"id": "phong-kinh-te", "name": f"Phòng Kinh tế xã {name}", "parent": "ubnd-xa",
         "emails": [f"kt@{mail}"]},
        {"id": "ubnd-tinh", "name": f"Ủy ban nhân dân tỉnh {province}", "kind": "peoples_committee",
         "emails": [f"ubnd-tinh@{mail}"]},
        {"id": "so-khcn", "name": f"Sở Khoa học và Công nghệ tỉnh {province}", "kind": "province_department",
         "parent": "ubnd-tinh", "emails": [f"sokhcn@{mail}"]},
        {"id": "vnpt", "name": f"Viễn thông VNPT {name}", "kind": "enterprise", "emails": [f"vnpt@{mail}"]},
        {"id": "ubmttq", "name": f"Ủy ban MTTQ Việt Nam xã {name}", "kind": "front",
         "emails": [f"mttq@{mail}"]},
    ]}  # fmt: skip


def plan(commune: str, **changes: Any) -> dict[str, Any]:
    name = COMMUNES[commune]
    task = lambda tid, title, lead, when, support=(): {  # noqa: E731
        "id": tid,
        "title": f"{title} xã {name}",
        "lead": lead,
        "support": list(support),
        "when": when,
    }
    data = {
        "id": f"{commune}-2026", "title": f"Kế hoạch chuyển đổi số xã {name} năm 2026",
        "issuer": f"UBND xã {name}", "place": name,
        "signer": {"authority": "KT. CHỦ TỊCH", "title": "PHÓ CHỦ TỊCH", "name": f"Lê Văn {name}",
                   "email": f"pct@{commune}.example"},
        "period": {"start": "2026-01-01", "end": "2026-12-31"}, "units": commune,
        "standing_unit": "phong-vhxh",
        "tasks": [
            task("hoi-nghi", "Tổ chức hội nghị", ["phong-vhxh"], "ngày 10/03/2026", ["so-khcn"]),
            task("so-hoa", "Số hóa hồ sơ", ["phong-kinh-te"], "ngày 20/03/2026", ["vnpt"]),
            task("huong-dan", "Hướng dẫn chuyên môn", ["so-khcn"], "ngày 05/03/2026"),
            task("ha-tang", "Nâng cấp hạ tầng mạng", ["vnpt"], "ngày 25/03/2026"),
            task("phe-duyet", "Phê duyệt danh mục", ["ubnd-tinh", "phong-kinh-te"], "ngày 06/03/2026"),
            task("tuyen-truyen", "Tuyên truyền", ["ubmttq"], "ngày 24/03/2026", ["phong-vhxh"]),
        ],
    }  # fmt: skip
    data.update(changes)
    return data


def two_communes(root: Path, **changes: Any) -> Path:
    for commune in COMMUNES:
        write_yaml(root / "units" / f"{commune}.yaml", directory(commune))
        write_yaml(root / "plans" / f"{commune}-2026.yaml", plan(commune, **changes))
    return root


def _check(factory: sessionmaker[Session], root: Path, home: Path, url: str, day: dt.date) -> None:
    at = dt.datetime.combine(day, dt.time(7), tzinfo=ICT)
    run_check(load_definitions(root), factory, day, config=load_mail_config(home, url, SENDER),
              now=lambda: at)  # fmt: skip


def _text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


def _addresses(message: EmailMessage) -> list[str]:
    return [a.addr_spec for h in ("To", "Cc") if message[h] for a in message[h].addresses]


def test_two_communes_each_message_names_its_own_units(
    sessions: sessionmaker[Session], smtp: SmtpServer, tmp_path: Path
) -> None:
    """Both communes call their culture office 'phong-vhxh': every mail of the daily check
    (reminders, overdue notices, escalations to the signer) names only units of its own
    commune and goes only to its own commune's addresses."""
    root = two_communes(tmp_path / "definitions")
    for day in (dt.date(2026, 3, 9), dt.date(2026, 3, 12), dt.date(2026, 3, 16), dt.date(2026, 3, 20)):
        _check(sessions, root, tmp_path / "home", smtp.url, day)
    messages = smtp.recorder.messages
    assert len(messages) >= 8
    seen = set()
    for message in messages:
        addresses = _addresses(message)
        communes = {a.rsplit("@", 1)[1].removesuffix(".example") for a in addresses}
        assert len(communes) == 1, addresses
        own = communes.pop()
        other = next(c for c in COMMUNES if c != own)
        text = _text(message) + str(message["Subject"])
        assert COMMUNES[own] in text
        assert COMMUNES[other] not in text and PROVINCE[other] not in text, (own, text)
        seen.add(own)
        seen.update(u["name"] for u in directory(own)["units"] if u["name"] in text)
    assert set(COMMUNES) <= seen  # both communes got mail
    assert "Phòng Văn hóa - Xã hội xã An Phú" in seen and "Phòng Kinh tế xã Bình Minh" in seen


def test_superiors_and_outside_bodies_are_never_chased(
    sessions: sessionmaker[Session], smtp: SmtpServer, tmp_path: Path
) -> None:
    """Over the month, no reminder, overdue notice or escalation goes to, or copies, the
    Sở, the UBND tỉnh, an enterprise or the Mặt trận, though they lead or support items;
    the commune's own units still get theirs."""
    root = two_communes(tmp_path / "definitions")
    day = dt.date(2026, 2, 20)
    while day <= dt.date(2026, 4, 10):
        _check(sessions, root, tmp_path / "home", smtp.url, day)
        day += dt.timedelta(days=1)
    reached = {a for m in smtp.recorder.messages for a in _addresses(m)}
    never = {f"{local}@{c}.example" for c in COMMUNES for local in ("sokhcn", "ubnd-tinh", "vnpt", "mttq")}
    assert reached & never == set()
    assert {"vhxh@an-phu.example", "kt@binh-minh.example", "pct@an-phu.example"} <= reached
    for message in smtp.recorder.messages:
        assert "phối hợp" not in str(message["Subject"])


def test_coordination_requests_when_the_plan_asks(
    sessions: sessionmaker[Session], smtp: SmtpServer, tmp_path: Path
) -> None:
    """With ``coordination: true`` each superior or outside unit that leads or supports an
    item gets one courteous request per item before it is due (never an overdue notice, never
    a second time), copied to the standing unit only; the ladder is unchanged."""
    root = two_communes(tmp_path / "definitions", coordination=True)
    home = tmp_path / "home"
    for day in (dt.date(2026, 2, 20), *(dt.date(2026, 3, d) for d in (2, 9, 16, 23, 30))):
        _check(sessions, root, home, smtp.url, day)
    outside = [m for m in smtp.recorder.messages if "Đề nghị phối hợp" in str(m["Subject"])]
    by_unit: dict[str, list[str]] = {}
    for message in outside:
        to = [a.addr_spec for a in message["To"].addresses]
        commune = to[0].split("@")[1]
        assert len(to) == 1 and [a.addr_spec for a in message["Cc"].addresses] == [f"vhxh@{commune}"]
        text = _text(message)
        assert "quá hạn" not in text.lower() and "khẩn trương" not in text
        assert "trân trọng đề nghị" in text and "trân trọng cảm ơn sự quan tâm, phối hợp" in text
        by_unit.setdefault(to[0], []).append(text)
    # an-phu: the Sở (leads huong-dan 05/03, supports hoi-nghi 10/03), VNPT (ha-tang 25/03,
    # supports so-hoa 20/03), UBND tỉnh (phe-duyet 06/03), the Mặt trận (tuyen-truyen 24/03)
    assert sorted(by_unit) == sorted(f"{u}@{c}.example" for c in COMMUNES
                                     for u in ("sokhcn", "vnpt", "ubnd-tinh", "mttq"))  # fmt: skip
    sokhcn = "\n".join(by_unit["sokhcn@an-phu.example"])
    assert "Hướng dẫn chuyên môn xã An Phú" in sokhcn and "Tổ chức hội nghị xã An Phú" in sokhcn
    assert "Đề nghị: phối hợp với Phòng Văn hóa - Xã hội xã An Phú" in sokhcn
    assert "Đề nghị: chủ trì thực hiện" in sokhcn
    items = sum(t.count("Thời hạn theo kế hoạch") for texts in by_unit.values() for t in texts)
    assert items == 2 * 6  # each (item, unit) once: 6 per commune
    assert all("Bình Minh" not in t for a, texts in by_unit.items() if "an-phu" in a for t in texts)


@pytest.mark.parametrize(
    ("unit", "level", "expected"),
    [
        # a commune's own office and its departments
        ({"id": "vp", "name": "Văn phòng HĐND và UBND xã X", "kind": "office", "parent": "ubnd"}, None, "own"),
        ({"id": "kt", "name": "Phòng Kinh tế", "parent": "ubnd"}, None, "subordinate"),
        # a Sở is above a commune and under its province
        ({"id": "so", "name": "Sở Tài chính tỉnh Y", "kind": "province_department"}, None, "superior"),
        ({"id": "so", "name": "Sở Tài chính tỉnh Y", "kind": "province_department"}, "province", "subordinate"),
        # the province's People's Committee, by its name
        ({"id": "tinh-2", "name": "Ủy ban nhân dân tỉnh Z", "kind": "peoples_committee"}, None, "superior"),
        # the Party committee oversees; enterprises, banks, the Front are partners
        ({"id": "du", "name": "Đảng ủy xã X", "kind": "party"}, None, "superior"),
        ({"id": "dn", "name": "Công ty A", "kind": "enterprise"}, None, "outside"),
        ({"id": "nh", "name": "Các chi nhánh Ngân hàng trên địa bàn", "kind": "group"}, None, "outside"),
        ({"id": "mt", "name": "Ủy ban MTTQ xã X", "kind": "front"}, None, "outside"),
        # a regional centre above the commune is not directed by it
        ({"id": "yt", "name": "Trung tâm Y tế khu vực", "kind": "health"}, None, "outside"),
        # a unit under a superior is on the superior's side
        ({"id": "tt", "name": "Trung tâm Khuyến nông", "kind": "center", "parent": "tinh"}, None, "superior"),
        # a group counts as its least directed member
        ({"id": "ld", "name": "Đảng ủy, HĐND, UBND xã", "kind": "group", "members": ["ubnd", "tinh"]}, None,
         "superior"),
        # what the directory says wins
        ({"id": "dn", "name": "Công ty A", "kind": "enterprise", "relation": "subordinate"}, None, "subordinate"),
    ],
)  # fmt: skip
def test_default_relation_by_kind(unit: dict[str, Any], level: str | None, expected: str) -> None:
    """The relation of a unit to the body of its directory, when the directory does not say."""
    units = [{"id": "ubnd", "name": "UBND xã X", "kind": "peoples_committee"},
             {"id": "tinh", "name": "Ủy ban nhân dân tỉnh Y", "kind": "peoples_committee"}, unit]  # fmt: skip
    found = unit_relations(
        UnitDirectory.model_validate({"id": "x", "name": "Xã X", "level": level, "units": units})
    )
    assert found[unit["id"]] is UnitRelation(expected)
    assert found["ubnd"] is UnitRelation.OWN


def test_readiness_asks_no_address_of_bodies_never_written_to(tmp_path: Path) -> None:
    """A Sở without an e-mail is no obstacle while the plan sends it nothing; with
    coordination requests it needs one."""
    root = tmp_path / "definitions"
    units = directory("an-phu")
    units["units"][4].pop("emails")
    write_yaml(root / "units" / "an-phu.yaml", units)
    write_yaml(root / "plans" / "an-phu-2026.yaml", plan("an-phu"))
    assert readiness(load_definitions(root), "an-phu-2026") == []
    write_yaml(root / "plans" / "an-phu-2026.yaml", plan("an-phu", coordination=True))
    problems = [p.message for p in readiness(load_definitions(root), "an-phu-2026")]
    # the first place the plan names the Sở: hoi-nghi's support, line 21
    assert problems == [
        "units[4]: đơn vị 'so-khcn' (Sở Khoa học và Công nghệ tỉnh Đồng Nai) chưa có e-mail mà kế hoạch "
        f"'an-phu-2026' cần đến ({root / 'plans' / 'an-phu-2026.yaml'}:21): thêm 'emails:' cho đơn vị này"
    ]
