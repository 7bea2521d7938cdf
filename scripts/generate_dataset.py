"""Generate a synthetic, deterministic dataset of plans at a chosen scale.

The output is a definitions folder that ``planflow validate`` accepts, plus the
progress history of its occurrences::

    DIR/units/<province>.yaml          a province's departments (Sở …)
    DIR/units/<commune>.yaml           a commune's units, with the aliases plans use
    DIR/plans/<commune>-<nn>-<year>.yaml
    DIR/progress.csv                   progress events up to --as-of (on time, late, never)
    DIR/dataset.json                   the parameters and the counts

Plans take the shapes of the example plans in definitions/: one-off days, windows,
deadlines, months and quarters (written in the documents' own words), recurring duties
("Hàng tháng", "≥ 2 tin/tháng", "Hàng quý"), ongoing and event-driven items,
dependencies, targets, custom escalation ladders, and mandatory reports with unit inputs.
Everything is a function of ``--seed`` and the scale parameters: the same command
writes the same bytes.

Usage (from the repository root)::

    .venv/bin/python scripts/generate_dataset.py generate --communes 100 \
        --plans-per-commune 10 --tasks-per-plan 40 --seed 7 -o /tmp/province
    .venv/bin/python scripts/generate_dataset.py load /tmp/province \
        --database-url sqlite:////tmp/province.db
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
import sys
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from planflow.compiler import Occurrence, compile_plan
from planflow.errors import PlanflowError
from planflow.loader import load_definitions
from planflow.schema import Plan, UnitDirectory
from planflow.status import resolve_as_of
from planflow.store.db import open_store
from planflow.store.models import ProgressEventRow
from planflow.store.states import rebuild_states
from planflow.sync.definitions import sync_definitions
from planflow.units import UnitIndex

TIMEZONE = "Asia/Ho_Chi_Minh"
ICT = dt.timezone(dt.timedelta(hours=7))
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
PROGRESS_FIELDS = ("occurrence_key", "plan_id", "status", "percent", "values", "by_unit", "effective_at")

_FIRST = (
    "An",
    "Bình",
    "Tân",
    "Phú",
    "Long",
    "Hòa",
    "Thạnh",
    "Phước",
    "Xuân",
    "Đông",
    "Tây",
    "Nam",
    "Bắc",
    "Trung",
    "Vĩnh",
    "Hưng",
    "Thái",
    "Quảng",
    "Gia",
    "Mỹ",
    "Lộc",
    "Đại",
    "Thuận",
    "Hiệp",
)
_SECOND = (
    "Bình",
    "Lợi",
    "Hòa",
    "Thành",
    "Phú",
    "Lộc",
    "Tiến",
    "Hưng",
    "Thịnh",
    "An",
    "Điền",
    "Sơn",
    "Lâm",
    "Hải",
    "Giang",
    "Khánh",
    "Nghĩa",
    "Thuận",
    "Đức",
    "Phong",
    "Tân",
    "Mỹ",
    "Hà",
    "Xuyên",
)
_PROVINCES = (
    "Đồng Nai",
    "Bình Dương",
    "Lạng Sơn",
    "Hà Tĩnh",
    "Quảng Ninh",
    "Cần Thơ",
    "Nghệ An",
    "Thanh Hóa",
    "Đắk Lắk",
    "Lâm Đồng",
    "Khánh Hòa",
    "Tây Ninh",
)
_ACTIVITIES = (
    "Tuyên truyền về chuyển đổi số trên đài truyền thanh và trang thông tin điện tử",
    "Tập huấn kỹ năng số cho cán bộ, công chức",
    "Rà soát, số hóa hồ sơ thủ tục hành chính",
    "Hướng dẫn người dân cài đặt, kích hoạt tài khoản VNeID",
    "Tổ chức hội nghị quán triệt Nghị quyết số 57-NQ/TW",
    "Kiểm tra hạ tầng mạng, wifi công cộng tại các ấp",
    "Triển khai chương trình \u201cBình dân học vụ số\u201d",
    "Hỗ trợ hộ kinh doanh mở tài khoản thanh toán không dùng tiền mặt",
    "Cập nhật dữ liệu dân cư, đất đai lên hệ thống dùng chung",
    "Tổ chức Ngày hội chuyển đổi số cấp xã",
    "Đánh giá mức độ hài lòng của người dân với dịch vụ công trực tuyến",
    "Xây dựng chuyên mục chuyển đổi số trên Trang thông tin điện tử xã",
)
_TARGETS = (
    ("Tỷ lệ hồ sơ thủ tục hành chính xử lý trực tuyến", 100, "%"),
    ("Tỷ lệ người dân trưởng thành có VNeID", 80, "%"),
    ("Số người được tập huấn kỹ năng số", 200, "người"),
    ("Số tin bài về chuyển đổi số", 24, "tin"),
)


def ascii_slug(text: str) -> str:
    """``Lộc Tấn`` → ``loc-tan``: ids are ASCII slugs."""
    bare = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    bare = "".join(c for c in bare if unicodedata.category(c) != "Mn").lower()
    return "-".join("".join(c if c.isalnum() else " " for c in bare).split())


# --- unit directories ------------------------------------------------------------------------


@dataclass(frozen=True)
class Commune:
    id: str
    name: str
    province: str
    province_id: str
    hamlets: int


def _unit(
    uid: str,
    name: str,
    domain: str,
    *,
    kind: str = "department",
    aliases: Sequence[str] = (),
    parent: str | None = "ubnd-xa",
    **extra: Any,
) -> dict[str, Any]:
    unit: dict[str, Any] = {"id": uid, "name": name}
    if aliases:
        unit["aliases"] = list(aliases)
    unit["kind"] = kind
    if kind != "group":
        unit["emails"] = [f"{uid}@{domain}"]
    if parent:
        unit["parent"] = parent
    unit.update(extra)
    return unit


def commune_directory(commune: Commune) -> dict[str, Any]:
    """The units of one commune, named the many ways plans write them."""
    n, domain = commune.name, f"{commune.id}.example"
    hamlets = [
        _unit(f"ap-{k}", f"Ấp {k}", domain, kind="hamlet", aliases=[f"Ban ấp {k}"])
        for k in range(1, commune.hamlets + 1)
    ]
    offices = [
        _unit(
            "vp-hdnd-ubnd",
            f"Văn phòng HĐND và UBND xã {n}",
            domain,
            kind="office",
            aliases=["Văn phòng HĐND và UBND", "Văn phòng HĐND-UBND xã", "Văn phòng UBND và HĐND"],
        ),
        _unit(
            "phong-vhxh",
            f"Phòng Văn hóa - Xã hội xã {n}",
            domain,
            aliases=["Phòng Văn hóa - Xã hội", "Phòng Văn hoá – Xã hội", "Phòng VH-XH", "VHXH"],
            head={
                "name": "Trưởng phòng Văn hóa - Xã hội",
                "title": "Trưởng phòng",
                "email": f"truongphong.vhxh@{domain}",
            },
        ),
        _unit("phong-kinh-te", f"Phòng Kinh tế xã {n}", domain, aliases=["Phòng Kinh tế", "Phòng KT"]),
        _unit(
            "ttpvhcc",
            "Trung tâm Phục vụ hành chính công",
            domain,
            kind="center",
            aliases=["Trung tâm phục vụ hành chính công xã", "TTPVHCC"],
        ),
        _unit("ttdvth", "Trung tâm Dịch vụ tổng hợp", domain, kind="center", aliases=["TT DVTH"]),
        _unit("cong-an", "Công an xã", domain, kind="police", aliases=[f"Công an xã {n}"]),
        _unit("quan-su", "Ban Chỉ huy Quân sự xã", domain, kind="military", aliases=["BCH Quân sự xã"]),
        _unit(
            "mttq",
            "Ủy ban Mặt trận Tổ quốc Việt Nam xã",
            domain,
            kind="front",
            aliases=["UBMTTQVN xã", "UB MTTQ Việt Nam xã"],
        ),
        _unit("doan-tn", "Đoàn Thanh niên", domain, kind="mass_organisation", aliases=["Xã Đoàn"]),
        _unit(
            "hoi-phu-nu", "Hội Liên hiệp Phụ nữ xã", domain, kind="mass_organisation", aliases=["Hội Phụ nữ"]
        ),
        _unit("tram-y-te", "Trạm Y tế xã", domain, kind="health"),
        _unit("truong-thcs", f"Trường THCS {n}", domain, kind="school", aliases=["Trường THCS"]),
    ]
    groups = [
        _unit(
            "cac-ap",
            "Các ấp trên địa bàn xã",
            domain,
            kind="group",
            aliases=["Các Ấp", "các ấp"],
            members=[h["id"] for h in hamlets],
        ),
        _unit(
            "cac-co-quan",
            "Các cơ quan, đơn vị",
            domain,
            kind="group",
            aliases=["Các cơ quan, đơn vị thuộc xã"],
            members=[u["id"] for u in offices[:8]],
        ),
    ]
    ubnd = _unit(
        "ubnd-xa",
        f"Ủy ban nhân dân xã {n}",
        domain,
        kind="peoples_committee",
        aliases=[f"UBND xã {n}", "UBND xã", "Ủy ban nhân dân xã"],
        parent=None,
        head={
            "name": f"Chủ tịch UBND xã {n}",
            "title": "Chủ tịch Ủy ban nhân dân xã",
            "email": f"chutich@{domain}",
        },
        escalation={
            "name": "Phó Chủ tịch phụ trách",
            "title": "Phó Chủ tịch Ủy ban nhân dân xã",
            "email": f"pct@{domain}",
        },
    )
    return {"id": commune.id, "name": f"Xã {n}", "units": [ubnd, *offices, *hamlets, *groups]}


def province_directory(province_id: str, name: str) -> dict[str, Any]:
    domain = f"{province_id}.example"
    units = [
        _unit(
            "ubnd-tinh",
            f"Ủy ban nhân dân tỉnh {name}",
            domain,
            kind="peoples_committee",
            aliases=["UBND tỉnh"],
            parent=None,
        ),
        _unit(
            "so-khcn",
            f"Sở Khoa học và Công nghệ tỉnh {name}",
            domain,
            kind="province_department",
            aliases=["Sở KH&CN", "Sở Khoa học và Công nghệ"],
            parent="ubnd-tinh",
        ),
        _unit("so-noi-vu", f"Sở Nội vụ tỉnh {name}", domain, kind="province_department", parent="ubnd-tinh"),
    ]
    return {"id": province_id, "name": f"Tỉnh {name}", "units": units}


def communes(count: int, provinces: int, seed: int) -> list[Commune]:
    """``count`` communes spread over ``provinces`` provinces, with unique ids and names."""
    rng = random.Random(f"{seed}:communes")
    out: list[Commune] = []
    for i in range(count):
        p = i % provinces
        province = _PROVINCES[p % len(_PROVINCES)] + (
            f" {p // len(_PROVINCES) + 1}" if p >= len(_PROVINCES) else ""
        )
        name = f"{_FIRST[(i // len(_SECOND)) % len(_FIRST)]} {_SECOND[i % len(_SECOND)]}"
        cycle = i // (len(_FIRST) * len(_SECOND))
        if cycle:
            name += f" {cycle + 1}"
        province_id = f"t{p + 1:02d}"
        # the two word lists hold distinct ASCII words, so (first, second, cycle) gives unique ids
        cid = f"{province_id}-{ascii_slug(name)}"
        out.append(Commune(cid, name, province, province_id, rng.randint(4, 12)))
    return out


# --- plans --------------------------------------------------------------------------------------


def _day(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=rng.randint(0, (last - first).days))


def _ref(rng: random.Random, directory: dict[str, Any], uid: str) -> str:
    """How a plan names a unit: its id, its name or one of its aliases."""
    unit = next(u for u in directory["units"] if u["id"] == uid)
    return rng.choice([uid, unit["name"], *unit.get("aliases", [])])


def _when(rng: random.Random, year: int) -> tuple[str, Any]:
    """A time expression in one of the shapes of the example plans: (shape, when)."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    shape = rng.choices(
        [
            "day",
            "window",
            "deadline",
            "month",
            "quarter",
            "monthly",
            "quarterly",
            "yearly",
            "ongoing",
            "event",
        ],
        weights=[10, 12, 12, 10, 8, 5, 5, 3, 12, 3],
    )[0]
    d = _day(rng, first, last - dt.timedelta(days=40))
    e = d + dt.timedelta(days=rng.randint(3, 40))
    texts: dict[str, list[Any]] = {
        "day": [f"ngày {d:%d/%m/%Y}", f"Dự kiến ngày {d:%d/%m/%Y}", {"date": d}],
        "window": [
            f"Từ ngày {d:%d/%m/%Y} - {e:%d/%m/%Y}",
            f"từ ngày {d.day}/{d.month} - {e:%d/%m/%Y}",
            f"Từ ngày {d:%d/%m/%Y} - {e:%d/%m/%Y} và thường xuyên",
            {"from": d, "to": e},
        ],
        "deadline": [
            f"trước ngày {e:%d/%m/%Y}",
            {"by": e},
            f"Thành lập Tổ trước ngày {e:%d/%m/%Y}; hoạt động liên tục, thường xuyên",
        ],
        "month": [
            f"Trong tháng {d.month}/{year}",
            f"đầu tháng {d.month}/{year}",
            f"Trong tháng {d.month}/{year} và thường xuyên",
            {"month": f"{year}-{d.month:02d}"},
        ],
        "quarter": [f"Quý {ROMAN[(d.month - 1) // 3 + 1]}/{year}", f"Quý {ROMAN[(d.month - 1) // 3 + 1]}"],
        "monthly": ["Hàng tháng", "≥ 2 tin/tháng"],
        "quarterly": ["Hàng quý", {"every": "quarter", "due": "last_week"}],
        "yearly": ["2-3 đợt/năm", "Hàng năm"],
        "ongoing": [
            "Thường xuyên",
            "Thực hiện thường xuyên trong năm.",
            "ongoing",
            {"ongoing": {"from": d}, "text": f"từ tháng {d.month}/{year}"},
        ],
        "event": [
            {"event": "Theo Kế hoạch và Giấy mời từng sự kiện"},
            {"event": "Theo các chương trình đào tạo, tập huấn do cấp trên tổ chức"},
        ],
    }
    return shape, rng.choice(texts[shape])


_DATED = {"day", "window", "deadline", "month", "quarter"}
_CUSTOM_LADDER = {
    "steps": [
        {"offset": -5, "to": ["lead"]},
        {"offset": 2, "to": ["lead"], "cc": ["standing"], "template": "overdue"},
        {"offset": 5, "to": ["head"], "cc": ["standing"], "template": "escalation"},
    ]
}


def plan_definition(
    commune: Commune, directory: dict[str, Any], number: int, tasks: int, year: int, seed: int
) -> dict[str, Any]:
    """One plan of one commune: ``tasks`` tasks, two or three mandatory reports."""
    plan_id = f"{commune.id}-{number:02d}-{year}"
    rng = random.Random(f"{seed}:{plan_id}")
    units = [u["id"] for u in directory["units"] if u["id"] != "ubnd-xa"]
    hamlets = [u for u in units if u.startswith("ap-")]
    offices = [u for u in units if not u.startswith("ap-")]
    items: list[dict[str, Any]] = []
    dated: list[str] = []
    for t in range(1, tasks + 1):
        shape, when = _when(rng, year)
        task: dict[str, Any] = {
            "id": f"nv-{t:02d}",
            "label": f"{(t - 1) // 10 + 1}.{(t - 1) % 10 + 1}",
            "title": f"{rng.choice(_ACTIVITIES)} (đợt {t})",
            "lead": [_ref(rng, directory, u) for u in rng.sample(offices, rng.choice([1, 1, 1, 2]))],
            "when": when,
        }
        if rng.random() < 0.4:
            task["support"] = [_ref(rng, directory, u) for u in rng.sample(units, rng.randint(1, 2))]
        if shape in _DATED and dated and rng.random() < 0.3:
            task["depends_on"] = [rng.choice(dated)]
        if rng.random() < 0.15:
            metric, value, unit = rng.choice(_TARGETS)
            task["targets"] = [
                {"id": f"ct-{t:02d}", "metric": metric, "comparator": "≥", "value": value, "unit": unit}
            ]
        if rng.random() < 0.05:
            task["escalation"] = _CUSTOM_LADDER
        if shape in _DATED:
            dated.append(task["id"])
        items.append(task)
    inputs = rng.sample(offices, rng.randint(3, 6))
    reports: list[dict[str, Any]] = [
        {
            "id": "bao-cao-dinh-ky",
            "title": f"Báo cáo tình hình thực hiện Kế hoạch số {number:02d} (định kỳ quý, 6 tháng, năm)",
            "compiler": _ref(rng, directory, "phong-vhxh"),
            "recipients": [
                {"unit": "ubnd-xa"},
                {
                    "name": f"Sở Khoa học và Công nghệ tỉnh {commune.province}",
                    "emails": [f"so-khcn@{commune.province_id}.example"],
                },
            ],
            "when": "Định kỳ hàng quý, 6 tháng, năm (chậm nhất vào ngày mùng 10 của tháng)",
            "inputs": [
                {
                    "units": [_ref(rng, directory, u) for u in inputs],
                    "when": {"every": "quarter", "due": "last_week"},
                }
            ],
        },
        {
            "id": "bao-cao-tong-ket",
            "title": f"Báo cáo tổng kết Kế hoạch số {number:02d}",
            "kind": "thematic",
            "compiler": "phong-vhxh",
            "recipients": [{"unit": "ubnd-xa"}],
            "when": f"trước ngày 15/12/{year}",
            "inputs": [{"units": [_ref(rng, directory, u) for u in inputs[:2]], "lead_days": 5}],
        },
    ]
    if hamlets and rng.random() < 0.5:
        reports.append(
            {
                "id": "bao-cao-ap",
                "title": "Báo cáo hoạt động của ấp",
                "compiler": "Các ấp",
                "recipients": [{"unit": "ubnd-xa"}, {"unit": "phong-vhxh"}],
                "when": "Hàng tháng",
            }
        )
    plan: dict[str, Any] = {
        "id": plan_id,
        "document_number": f"{rng.randint(10, 400)}/KH-UBND",
        "title": f"Kế hoạch số {number:02d} về chuyển đổi số trên địa bàn xã {commune.name} năm {year}",
        "issuer": f"Ủy ban nhân dân xã {commune.name}",
        "place": commune.name,
        "issued": dt.date(year, 1, 1) - dt.timedelta(days=rng.randint(5, 40)),
        "signer": {
            "authority": "KT. CHỦ TỊCH",
            "title": "PHÓ CHỦ TỊCH",
            "name": "Nguyễn Văn An",
            "email": f"pct@{commune.id}.example",
        },
        "period": {"start": dt.date(year, 1, 1), "end": dt.date(year, 12, 31)},
        "units": commune.id,
        "standing_unit": _ref(rng, directory, "phong-vhxh"),
        "legal_bases": ["Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị"],
        "objectives": ["Đẩy mạnh chuyển đổi số, nâng cao hiệu quả chính quyền số."],
        "budget_total": str(rng.randint(1, 9)) + "." + f"{rng.randint(0, 999):03d}",
        "distribution": ["UBND tỉnh", "Các cơ quan, đơn vị thuộc xã", "Lưu: VT, VHXH."],
        "tasks": items,
        "reports": reports,
    }
    if rng.random() < 0.1:
        plan["escalation"] = _CUSTOM_LADDER
    return plan


# --- progress history ---------------------------------------------------------------------------


def _at(day: dt.date, rng: random.Random) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(rng.randint(8, 16), rng.choice((0, 15, 30, 45))), tzinfo=ICT)


def progress_events(
    occurrences: Sequence[Occurrence],
    targets: dict[str, list[dict[str, Any]]],
    as_of: dt.date,
    rng: random.Random,
) -> Iterator[dict[str, Any]]:
    """Events up to ``as_of``: most items due by then done on time, some late, some never."""
    limit = resolve_as_of(as_of, TIMEZONE).instant
    for occ in occurrences:
        by = occ.lead[0] if occ.lead else None
        events: list[tuple[str, int | None, dt.datetime]] = []
        r = rng.random()
        if occ.due is not None and occ.due <= as_of:
            begun = occ.start or occ.due - dt.timedelta(days=10)
            if r < 0.55:  # on time, often after a started event
                done = _day(rng, max(begun, occ.due - dt.timedelta(days=5)), occ.due)
                if rng.random() < 0.5:
                    events.append(("in_progress", rng.choice((20, 50, 80)), _at(begun, rng)))
                events.append(("done", None, _at(done, rng)))
            elif r < 0.75:  # late: done some days after, if that day has come
                done = occ.due + dt.timedelta(days=rng.randint(1, 30))
                events.append(
                    ("done", None, _at(done, rng)) if done <= as_of else ("in_progress", 50, _at(begun, rng))
                )
            elif r < 0.85:  # started, never finished
                events.append(("in_progress", rng.choice((10, 30, 60)), _at(begun, rng)))
        elif occ.due is not None:
            if r < 0.2 and occ.start is not None and occ.start <= as_of:
                events.append(("in_progress", rng.choice((10, 40)), _at(_day(rng, occ.start, as_of), rng)))
            elif r < 0.25:
                events.append(("done", None, _at(as_of - dt.timedelta(days=rng.randint(0, 20)), rng)))
        elif occ.timing.value == "ongoing" and r < 0.5 and (occ.start is None or occ.start <= as_of):
            events.append(("in_progress", None, _at(_day(rng, occ.start or as_of, as_of), rng)))
        elif occ.timing.value == "event" and r < 0.3:
            events.append(("done", None, _at(as_of - dt.timedelta(days=rng.randint(1, 60)), rng)))
        for status, percent, at in events:
            if at > limit:
                continue
            values = {}
            if status == "done" and occ.item_id in targets:
                values = {t["id"]: str(t["value"] + rng.randint(-10, 10)) for t in targets[occ.item_id]}
            yield {
                "occurrence_key": occ.key,
                "plan_id": occ.plan_id,
                "status": status,
                "percent": "" if percent is None else percent,
                "values": json.dumps(values, ensure_ascii=False) if values else "",
                "by_unit": by or "",
                "effective_at": at.isoformat(),
            }


# --- the folder -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scale:
    """What to generate: communes × plans × tasks, spread over provinces."""

    communes: int = 10
    plans_per_commune: int = 10
    tasks_per_plan: int = 40
    provinces: int = 1
    year: int = 2026
    as_of: dt.date = dt.date(2026, 6, 30)
    seed: int = 1


@dataclass(frozen=True)
class Generated:
    root: Path
    plans: int
    occurrences: int
    events: int


def _dump(path: Path, data: Any) -> None:
    text = yaml.dump(data, Dumper=yaml.CSafeDumper, allow_unicode=True, sort_keys=False, width=120)
    path.write_text(text, encoding="utf-8")


def generate(scale: Scale, root: Path) -> Generated:
    """Write the definitions and progress history of ``scale`` under ``root``."""
    (root / "units").mkdir(parents=True, exist_ok=True)
    (root / "plans").mkdir(parents=True, exist_ok=True)
    places = communes(scale.communes, scale.provinces, scale.seed)
    plans = occurrences = events = 0
    with (root / "progress.csv").open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=PROGRESS_FIELDS)
        writer.writeheader()
        for province_id, name in sorted({(c.province_id, c.province) for c in places}):
            _dump(root / "units" / f"{province_id}.yaml", province_directory(province_id, name))
        for commune in places:
            data = commune_directory(commune)
            _dump(root / "units" / f"{commune.id}.yaml", data)
            index = UnitIndex(UnitDirectory.model_validate(data))
            for number in range(1, scale.plans_per_commune + 1):
                raw = plan_definition(commune, data, number, scale.tasks_per_plan, scale.year, scale.seed)
                _dump(root / "plans" / f"{raw['id']}.yaml", raw)
                compiled = compile_plan(Plan.model_validate(raw, context={"year": scale.year}), index)
                targets = {t["id"]: t["targets"] for t in raw["tasks"] if "targets" in t}
                rng = random.Random(f"{scale.seed}:{raw['id']}:progress")
                rows = list(progress_events(compiled.occurrences, targets, scale.as_of, rng))
                writer.writerows(rows)
                plans += 1
                occurrences += len(compiled.occurrences)
                events += len(rows)
    summary = {
        **asdict(scale),
        "as_of": scale.as_of.isoformat(),
        "plans": plans,
        "occurrences": occurrences,
        "events": events,
    }
    (root / "dataset.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return Generated(root, plans, occurrences, events)


def load_progress(csv_path: Path, *, session: Session, batch: int = 20_000) -> int:
    """Append the events of ``progress.csv`` to the store (the occurrences must be synced),
    then rebuild the current state of the plans they touch (a bulk load: hundreds of
    thousands of events at once, where ``repo.add_progress_event`` writes one)."""
    count = 0
    rows: list[dict[str, Any]] = []
    with csv_path.open(encoding="utf-8", newline="") as source:
        for record in csv.DictReader(source):
            at = dt.datetime.fromisoformat(record["effective_at"])
            rows.append(
                {
                    "occurrence_key": record["occurrence_key"],
                    "plan_id": record["plan_id"],
                    "status": record["status"],
                    "percent": int(record["percent"]) if record["percent"] else None,
                    "values": json.loads(record["values"]) if record["values"] else {},
                    "by_unit": record["by_unit"] or None,
                    "effective_at": at,
                    "recorded_at": at,
                }
            )
            if len(rows) >= batch:
                session.execute(insert(ProgressEventRow), rows)
                count += len(rows)
                rows = []
    if rows:
        session.execute(insert(ProgressEventRow), rows)
        count += len(rows)
    touched = session.scalars(select(ProgressEventRow.plan_id).distinct())
    rebuild_states(sorted(touched), session=session)
    return count


# --- command line ------------------------------------------------------------------------------------

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Sinh bộ dữ liệu tổng hợp (đơn vị, kế hoạch, lịch sử tiến độ) để đo hiệu năng.",
)


@app.command("generate")
def generate_command(
    output: Annotated[Path, typer.Option("-o", "--output", help="Thư mục ghi ra (sẽ tạo nếu chưa có).")],
    communes_: Annotated[int, typer.Option("--communes", min=1, help="Số xã.")] = 10,
    plans_per_commune: Annotated[
        int, typer.Option("--plans-per-commune", min=1, help="Số kế hoạch mỗi xã.")
    ] = 10,
    tasks_per_plan: Annotated[
        int, typer.Option("--tasks-per-plan", min=1, max=99, help="Số nhiệm vụ mỗi kế hoạch.")
    ] = 40,
    provinces: Annotated[int, typer.Option("--provinces", min=1, help="Số tỉnh (các xã chia đều).")] = 1,
    year: Annotated[int, typer.Option("--year", min=2000, max=2100, help="Năm của các kế hoạch.")] = 2026,
    as_of: Annotated[str, typer.Option("--as-of", help="Lịch sử tiến độ đến ngày này (YYYY-MM-DD).")] = "",
    seed: Annotated[
        int, typer.Option("--seed", help="Hạt giống: cùng tham số, cùng hạt giống → cùng dữ liệu.")
    ] = 1,
) -> None:
    """Sinh thư mục định nghĩa (units/, plans/) và progress.csv, xác định theo --seed.

    Ví dụ: python scripts/generate_dataset.py generate --communes 100 --plans-per-commune 10 \
    --tasks-per-plan 40 --seed 7 -o /tmp/tinh
    """
    try:
        history = dt.date.fromisoformat(as_of) if as_of else dt.date(year, 6, 30)
    except ValueError:
        typer.echo(f"Lỗi: --as-of '{as_of}' không phải ngày dạng 2026-06-30", err=True)
        raise typer.Exit(1) from None
    if (output / "plans").exists() and any((output / "plans").iterdir()):
        typer.echo(
            f"Lỗi: {output}/plans đã có file; chọn thư mục trống (-o) để không trộn hai bộ dữ liệu", err=True
        )
        raise typer.Exit(1)
    scale = Scale(communes_, plans_per_commune, tasks_per_plan, provinces, year, history, seed)
    made = generate(scale, output)
    typer.echo(
        f"Đã sinh {made.plans} kế hoạch, {made.occurrences} lần thực hiện, {made.events} sự kiện tiến độ "
        f"trong {output}"
    )


@app.command("load")
def load_command(
    folder: Annotated[Path, typer.Argument(help="Thư mục do lệnh generate sinh ra.")],
    database_url: Annotated[str, typer.Option("--database-url", help="URL SQLAlchemy của kho dữ liệu.")],
) -> None:
    """Đồng bộ định nghĩa của thư mục vào kho dữ liệu rồi nạp progress.csv.

    Ví dụ: python scripts/generate_dataset.py load /tmp/tinh --database-url sqlite:////tmp/tinh.db
    """
    try:
        factory = open_store(database_url)
        with factory() as session, session.begin():
            now = dt.datetime.now(dt.UTC)
            results = sync_definitions(load_definitions(folder), None, session=session, now=now)
            events = load_progress(folder / "progress.csv", session=session)
        factory.kw["bind"].dispose()
    except (PlanflowError, OSError) as exc:
        typer.echo(f"Lỗi: {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"Đã đồng bộ {len(results)} kế hoạch và nạp {events} sự kiện tiến độ.")


if __name__ == "__main__":
    sys.exit(app())
