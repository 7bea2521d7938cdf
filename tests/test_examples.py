"""The example definitions (the seed plans, transcribed): they validate, compile, and give
hand-checked due dates and statuses through the real store."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session, sessionmaker

from planflow.check.plans import plan_status
from planflow.compiler import check_plan
from planflow.loader import Definitions, load_definitions
from planflow.store.db import opened_store
from planflow.sync.definitions import compile_definition, sync_definitions
from planflow.units import UnitIndex
from tests.conftest import REPO

D = dt.date
SEED_PLANS = ["dai-phuoc-2025", "lang-son-2025", "loc-tan-2025", "loc-tan-2026", "thach-ha-2025"]
# Not a seed: the province plan both Đồng Nai communes implement, written for the roll-up.
PARENT_PLANS = ["dong-nai-99-2025"]


@pytest.fixture(scope="module")
def defs() -> Definitions:
    return load_definitions(REPO / "definitions")


@pytest.fixture(scope="module")
def store(defs: Definitions, tmp_path_factory: pytest.TempPathFactory) -> Iterator[sessionmaker[Session]]:
    """Every example plan synced into one SQLite store, no progress recorded."""
    with opened_store(f"sqlite:///{tmp_path_factory.mktemp('examples') / 'store.db'}") as factory:
        with factory() as s, s.begin():
            sync_definitions(defs, None, session=s, now=dt.datetime(2025, 9, 1, tzinfo=dt.UTC))
        yield factory


def _statuses(store: sessionmaker[Session], plan_id: str, day: dt.date) -> dict[str, tuple[str, int | None]]:
    with store() as s:
        report = plan_status(plan_id, day, session=s)
    return {i.key.split("/", 1)[1]: (i.status.value, i.days_overdue or i.days_left) for i in report.items}


def test_every_seed_plan_is_defined(defs: Definitions) -> None:
    """Each plan of ../shared/seeds has its definition; the only other is the parent plan."""
    assert sorted(defs.plans) == sorted(SEED_PLANS + PARENT_PLANS)
    assert {defs.plan(p).parent_plan for p in ("loc-tan-2025", "dai-phuoc-2025")} == {"dong-nai-99-2025"}


def test_every_definition_file_loads(defs: Definitions) -> None:
    """Every file in definitions/ is a valid plan or unit directory."""
    files = sorted(p.name for p in (REPO / "definitions").rglob("*.yaml"))
    loaded = sorted([f"{p}.yaml" for p in defs.plans] + [f"{d}.yaml" for d in defs.directories])
    assert files == loaded


@pytest.mark.parametrize("plan_id", SEED_PLANS)
def test_example_compiles_without_issues(defs: Definitions, plan_id: str) -> None:
    """Every example plan passes the reference checks and compiles."""
    plan = defs.plan(plan_id)
    assert check_plan(plan, UnitIndex(defs.directory_for(plan))) == []
    assert compile_definition(defs, plan_id).occurrences


def test_dai_phuoc_due_dates(defs: Definitions) -> None:
    """Seed 001: 'trước ngày 05/10/2025' is a Sunday; this plan's day_off rule is 'previous'."""
    due = {o.key.split("/", 1)[1]: o.due for o in compile_definition(defs, "dai-phuoc-2025").occurrences}
    assert due["to-ho-tro-truc-tuyen-dvc"] == D(2025, 10, 3)
    assert due["bao-cao-ket-qua"] == D(2025, 10, 29)  # "trước 30/10/2025": by the day before
    # unit inputs: 5 working days before the report
    assert due["bao-cao-ket-qua/once/phong-kinh-te"] == D(2025, 10, 22)
    assert due["hoi-nghi-chuong-trinh-hanh-dong-cds"] == D(2025, 11, 10)  # "đầu tháng 11/2025"


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2025, 10, 5), {
            "binh-dan-hoc-vu-so": ("overdue", 5),  # 30/9/2025
            "tap-huan-to-cnscd-dvc": ("overdue", 3),  # Ngày 02/10/2025
            "to-ho-tro-truc-tuyen-dvc": ("overdue", 2),  # due Friday 03/10
            "tap-huan-khoi-nghiep": ("upcoming", 4),  # Dự kiến ngày 09/10/2025
            "tro-ly-ai-hanh-chinh-cong": ("ongoing", None),
            "doan-tham-gia-hoat-dong-tinh": ("waiting_event", None),
            "bao-cao-ket-qua": ("not_started", 24),  # trước 30/10/2025: due 29/10
        }),
        (D(2025, 10, 24), {
            "bao-cao-ket-qua/once/cac-ap": ("overdue", 2),  # 5 working days before 29/10: 22/10
            "bao-cao-ket-qua": ("blocked", 5),  # its inputs are overdue
        }),
        (D(2025, 11, 1), {
            "thong-tin-tuyen-truyen": ("upcoming", 0),  # due today, 01/11, not yet overdue
            "chien-dich-pho-cap-ky-nang-so": ("overdue", 1),  # Trong tháng 10/2025
            "bao-cao-ket-qua": ("overdue", 3),
        }),
    ],
)  # fmt: skip
def test_dai_phuoc_status(
    store: sessionmaker[Session], day: dt.date, expected: dict[str, tuple[str, int | None]]
) -> None:
    """Seed 001 at hand-checked as-of dates."""
    statuses = _statuses(store, "dai-phuoc-2025", day)
    assert {k: statuses[k] for k in expected} == expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2025, 10, 8), {
            "ky-so-ket-qua-tthc": ("upcoming", 2),  # 06/10 - 10/10/2025
            "chien-dich-ky-nang-so": ("upcoming", 2),  # trong 10 ngày (01/10/2025 - 10/10/2025)
            "truyen-thong": ("not_started", 23),  # từ ngày 29/9 - 31/10/2025
            "thay-doi-avatar": ("ongoing", None),  # từ tháng 10/2025
            "lan-toa-thong-diep": ("waiting_event", None),
        }),
        (D(2025, 12, 20), {
            "bao-cao-ket-qua/2025/ubnd-xa-phuong": ("overdue", 2),  # 5 working days before 25/12
            "bao-cao-ket-qua/2025": ("blocked", 5),
        }),
    ],
)  # fmt: skip
def test_lang_son_status(
    store: sessionmaker[Session], day: dt.date, expected: dict[str, tuple[str, int | None]]
) -> None:
    """Seed 004 at hand-checked as-of dates."""
    statuses = _statuses(store, "lang-son-2025", day)
    assert {k: statuses[k] for k in expected} == expected


def test_thach_ha_status(store: sessionmaker[Session]) -> None:
    """Seed 002 on 15/10/2025: year-less dates took the plan year."""
    statuses = _statuses(store, "thach-ha-2025", D(2025, 10, 15))
    assert statuses["le-phat-dong-tap-huan"] == ("overdue", 5)  # 06/10 - 10/10
    assert statuses["chien-dich-truyen-thong"] == ("upcoming", 5)  # 07/10 - 20/10
    assert statuses["phat-dong-cuoc-thi"] == ("not_started", 16)  # 10/10 - 31/10
    assert statuses["bao-cao-thon-to-cds"] == ("waiting_event", None)


def test_loc_tan_2026_due_dates_move_off_holidays(defs: Definitions) -> None:
    """Seed 003: monthly hamlet reports due at month end move past weekends and holidays."""
    due = {o.key.split("/", 1)[1]: o.due for o in compile_definition(defs, "loc-tan-2026").occurrences}
    assert due["bao-cao-hoat-dong-ap/2026-01"] == D(2026, 2, 2)  # 31/01 is a Saturday
    assert due["bao-cao-hoat-dong-ap/2026-04"] == D(2026, 5, 4)  # 30/4 and 1/5 holidays, weekend
    assert due["bao-cao-hoat-dong-ap/2026-08"] == D(2026, 9, 3)  # 31/8 swapped day off, 1-2/9 National Day
    # quarterly / 6-month / annual by the 10th of the month after; units in the quarter's last week
    assert due["bao-cao-dinh-ky/2026-Q1"] == D(2026, 4, 10)
    assert due["bao-cao-dinh-ky/2026-H1"] == D(2026, 7, 10)
    assert due["bao-cao-dinh-ky/2026-Q1/phong-kinh-te"] == D(2026, 3, 31)
    assert "bao-cao-dinh-ky/2026-Q2" not in due  # superseded by the 6-month report
    # "Quý VI/2026" (Appendix I row 12) is read as Quý IV, and the doubt stays on the task
    assert due["pl1-12-so-hoa-ho-so"] == D(2026, 12, 31)
    review = defs.plan("loc-tan-2026").tasks
    assert "Quý VI/2026" in (next(t for t in review if t.id == "pl1-12-so-hoa-ho-so").review or "")


def test_loc_tan_2026_models_each_reporting_duty_once(defs: Definitions) -> None:
    """Seed 003's Phụ lục I rows 2, 10 and 31 are reports (the quarterly report, the spending
    report, the hamlets' monthly reports): no task restates them with other due dates."""
    plan = defs.plan("loc-tan-2026")
    labels = {part.strip() for t in plan.tasks for part in (t.label or "").split(";")}
    assert not labels & {"PL I.2", "PL I.10", "PL I.31"}
    assert {r.id for r in plan.reports} == {"bao-cao-dinh-ky", "bao-cao-hoat-dong-ap", "bao-cao-chi-tieu-cds"}
    titles = [t.title.casefold() for t in plan.tasks]
    assert not [t for t in titles if t.startswith("báo cáo")]


def test_loc_tan_2026_keeps_its_contradictions_visible(defs: Definitions) -> None:
    """VI.1 ("chậm nhất vào ngày mùng 10") against the closing paragraph ("tuần cuối của tháng
    cuối trong quý"): the chosen reading is a review note on the report duty; Phụ lục I's
    column is the monitoring body (``monitor``); PL I.3 names no implementer."""
    plan = defs.plan("loc-tan-2026")
    report = next(r for r in plan.reports if r.id == "bao-cao-dinh-ky")
    assert report.review and "mùng 10" in report.review and "tuần cuối" in report.review
    tasks = {t.id: t for t in plan.tasks}
    assert tasks["pl1-13-vneid"].monitor == ["Công an xã"]
    assert tasks["pl1-03-chu-ky-so-cbccvc"].monitor == ["Phòng VH-XH"]
    assert tasks["pl1-03-chu-ky-so-cbccvc"].lead == ["Các cơ quan, đơn vị thuộc xã"]


def test_lang_son_item_5_is_led_by_the_coordinating_department(defs: Definitions) -> None:
    """Seed 004 item 5: "Đơn vị chủ trì phối hợp: Sở Khoa học và Công nghệ" leads; the
    "Đơn vị thực hiện" support it."""
    task = next(t for t in defs.plan("lang-son-2025").tasks if t.id == "chien-dich-ky-nang-so")
    assert task.lead == ["Sở Khoa học và Công nghệ"]
    assert task.support == ["các sở, ban, ngành", "UBND các xã, phường"]


def test_the_province_plan_is_a_marked_example(defs: Definitions) -> None:
    """dong-nai-99-2025 is no seed (assumed deadline and signer): marked, described, and the
    only example; every seed plan is a real one."""
    examples = [p for p in defs.plans if defs.plan(p).example]
    assert examples == ["dong-nai-99-2025"]
    assert "Ví dụ minh họa" in (defs.plan("dong-nai-99-2025").description or "")


def test_before_day_x_is_due_the_day_before_in_every_seed(defs: Definitions) -> None:
    """ "trước ngày 30/10/2025" (seeds 000, 001) is due 29/10: no plan overrides the default."""
    for plan_id in ("loc-tan-2025", "dai-phuoc-2025"):
        due = {o.key.split("/", 1)[1]: o.due for o in compile_definition(defs, plan_id).occurrences}
        assert due["bao-cao-ket-qua"] == D(2025, 10, 29), plan_id


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2025, 10, 20), {
            "thong-tin-tuyen-truyen": ("ongoing", None),  # trọng tâm từ 10/2025 và thường xuyên
            "ngay-khong-in-giay": ("not_started", 19),  # cao điểm … đến 08/11/2025
            "thi-truc-tuyen-cds-cchc": ("overdue", 11),  # 01/10/2025 - 09/10/2025
            "hoi-nghi-nq57": ("overdue", 12),  # ngày 08/10/2025
            "van-dong-doanh-nghiep-trung-bay": ("waiting_event", None),
            "bao-cao-ket-qua/once/phong-kinh-te": ("upcoming", 2),  # 5 working days before 29/10
            "bao-cao-ket-qua": ("not_started", 9),  # trước ngày 30/10/2025: by the day before
        }),
        (D(2025, 10, 24), {
            "bao-cao-ket-qua/once/ttpvhcc": ("overdue", 2),
            "bao-cao-ket-qua": ("blocked", 5),
        }),
    ],
)  # fmt: skip
def test_loc_tan_2025_status(
    store: sessionmaker[Session], day: dt.date, expected: dict[str, tuple[str, int | None]]
) -> None:
    """Seed 000 at hand-checked as-of dates."""
    statuses = _statuses(store, "loc-tan-2025", day)
    assert {k: statuses[k] for k in expected} == expected


def test_loc_tan_2026_status(store: sessionmaker[Session]) -> None:
    """Seed 003 on 05/04/2026: Q1 unit inputs are late, so the Q1 report is blocked."""
    statuses = _statuses(store, "loc-tan-2026", D(2026, 4, 5))
    assert statuses["bao-cao-dinh-ky/2026-Q1/phong-kinh-te"] == ("overdue", 5)
    assert statuses["bao-cao-dinh-ky/2026-Q1"] == ("blocked", 5)
    assert statuses["bao-cao-hoat-dong-ap/2026-03"] == ("overdue", 5)
    assert statuses["bao-cao-hoat-dong-ap/2026-04"] == ("not_started", 29)
    assert statuses["pl1-12-so-hoa-ho-so"] == ("not_started", 270)
