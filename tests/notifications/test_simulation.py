"""Day-by-day simulations over example plans: each ladder step fires once, on its day,
to the right people, across weekends and Tết."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pytest

from planflow.compiler import compile_plan
from planflow.loader import Definitions, load_definitions
from planflow.notifications.config import load_mail_config
from planflow.notifications.simulate import SimulatedDay, simulate
from planflow.relations import unit_relations
from planflow.units import UnitIndex
from tests.conftest import REPO

D = dt.date


# every example plan together over their periods: one replay (~20 CPU-s, 468 days) that the
# tests of the whole period share, each reading its own plan's notices from it
EVERY_PLAN = (D(2025, 9, 20), D(2026, 12, 31))


@pytest.fixture(scope="module")
def every_plan(tmp_path_factory: pytest.TempPathFactory) -> tuple[Definitions, list[SimulatedDay]]:
    defs = load_definitions(REPO / "definitions")
    config = load_mail_config(tmp_path_factory.mktemp("mail"), None, None)
    return defs, simulate(defs, None, *EVERY_PLAN, config=config)


def _fired(
    plan_id: str, start: dt.date, end: dt.date, tmp_path: Path
) -> dict[tuple[str, str, str], list[str]]:
    """(occurrence, step, recipient) → the days it fired on, the plan simulated alone."""
    days = simulate(load_definitions(REPO / "definitions"), None, start, end,
                    config=load_mail_config(tmp_path, None, None), plan_ids=[plan_id])  # fmt: skip
    return _days_fired(days, plan_id)


def _days_fired(days: list[SimulatedDay], plan_id: str) -> dict[tuple[str, str, str], list[str]]:
    """(occurrence, step, recipient) → the days it fired on, for one plan's occurrences."""
    fired: dict[tuple[str, str, str], list[str]] = {}
    for day in days:
        for n in (n for n in day.notices if str(n["occurrence"]).startswith(f"{plan_id}/")):
            fired.setdefault((str(n["occurrence"]), str(n["step"]), str(n["recipient"])), []).append(
                day.day.isoformat()
            )
    return fired


def test_ladder_across_tet(tmp_path: Path) -> None:
    """The February 2026 hamlet report (due Monday 02/03: 28/02 is a Saturday): its
    7-working-day reminder counts back over the Tết week (16-20/02) to Thursday 12/02."""
    fired = _fired("loc-tan-2026", D(2026, 2, 1), D(2026, 3, 20), tmp_path)
    key = "loc-tan-2026/bao-cao-hoat-dong-ap/2026-02"
    assert {(s, r): days for (k, s, r), days in fired.items() if k == key} == {
        ("-7w", "unit:loc-tan/cac-ap"): ["2026-02-12"],
        ("-1w", "unit:loc-tan/cac-ap"): ["2026-02-27"],
        ("+1w", "unit:loc-tan/cac-ap"): ["2026-03-03"],
        ("+3w", "unit:loc-tan/phong-vhxh"): ["2026-03-05"],
        ("+7w", "signer:loc-tan-2026"): ["2026-03-11"],
    }
    assert all(len(days) == 1 for days in fired.values())  # every step fires once


def test_month_of_loc_tan_2025(tmp_path: Path) -> None:
    """Seed 000 through October and November 2025: the expected notices, step by step.

    - hoi-nghi-nq57 (ngày 08/10/2025, Wednesday): -7w on 29/09 is before the simulated
      period, so it fires on 01/10 (caught up); -1w on 07/10; +1w 09/10; +3w 13/10; +7w 17/10.
    - the report (trước ngày 30/10/2025: due by the day before, Wednesday 29/10): -7w 20/10,
      -1w 28/10 to Phòng VH-XH; overdue from 30/10: +1w 30/10, +3w 03/11 (standing = the
      same unit), +7w 07/11 to the signer.
    """
    fired = _fired("loc-tan-2025", D(2025, 10, 1), D(2025, 11, 30), tmp_path)
    conference = {s: d for (k, s, _), d in fired.items() if k == "loc-tan-2025/hoi-nghi-nq57"}
    assert conference == {"-7w": ["2025-10-01"], "-1w": ["2025-10-07"], "+1w": ["2025-10-09"],
                          "+3w": ["2025-10-13"], "+7w": ["2025-10-17"]}  # fmt: skip
    report = {(s, r): d for (k, s, r), d in fired.items() if k == "loc-tan-2025/bao-cao-ket-qua"}
    assert report == {
        ("-7w", "unit:loc-tan/phong-vhxh"): ["2025-10-20"],
        ("-1w", "unit:loc-tan/phong-vhxh"): ["2025-10-28"],
        ("+1w", "unit:loc-tan/phong-vhxh"): ["2025-10-30"],
        ("+3w", "unit:loc-tan/phong-vhxh"): ["2025-11-03"],
        ("+7w", "signer:loc-tan-2025"): ["2025-11-07"],
    }
    steps = Counter(s for (_, s, _) in fired)
    assert all(len(days) == 1 for days in fired.values())
    assert steps == Counter({"-7w": 13, "-1w": 13, "+1w": 13, "+3w": 11, "+7w": 11})


@pytest.mark.parametrize(
    ("plan_id", "by_step", "item", "ladder"),
    [
        # seed 001: the report "trước 30/10/2025" (due Wednesday 29/10, the day before) climbs
        # the whole ladder (2 items led only by outside bodies get no step at all: the commune
        # neither chases them nor asks its signer to "chỉ đạo, đôn đốc" a body it does not direct)
        ("dai-phuoc-2025", {"-7w": 18, "-1w": 18, "+1w": 18, "+3w": 15, "+7w": 15}, "bao-cao-ket-qua",
         {("-7w", "unit:dai-phuoc/phong-vhxh"): ["2025-10-20"], ("-1w", "unit:dai-phuoc/phong-vhxh"): ["2025-10-28"],
          ("+1w", "unit:dai-phuoc/phong-vhxh"): ["2025-10-30"], ("+3w", "unit:dai-phuoc/phong-vhxh"): ["2025-11-03"],
          ("+7w", "signer:dai-phuoc-2025"): ["2025-11-07"]}),
        # seed 004: the annual report due 25/12/2025; its +7w step (06/01/2026, after 1/1) is past the
        # period. Item 5 is led by Sở KH&CN alone ("Đơn vị chủ trì phối hợp"): one lead reminded.
        ("lang-son-2025", {"-7w": 7, "-1w": 7, "+1w": 7, "+3w": 5, "+7w": 4}, "bao-cao-ket-qua/2025",
         {("-7w", "unit:lang-son/so-khcn"): ["2025-12-16"], ("-1w", "unit:lang-son/so-khcn"): ["2025-12-24"],
          ("+1w", "unit:lang-son/so-khcn"): ["2025-12-26"], ("+3w", "unit:lang-son/so-khcn"): ["2025-12-30"]}),
        # seed 002: "06/10 - 10/10" with two lead units: the commune's own is reminded, the Sở never
        ("thach-ha-2025", {"-7w": 8, "-1w": 8, "+1w": 8, "+3w": 8, "+7w": 8}, "le-phat-dong-tap-huan",
         {("-7w", "unit:thach-ha/ubnd-xa"): ["2025-10-01"],
          ("-1w", "unit:thach-ha/ubnd-xa"): ["2025-10-09"],
          ("+1w", "unit:thach-ha/ubnd-xa"): ["2025-10-13"],
          ("+3w", "unit:thach-ha/phong-vhxh"): ["2025-10-15"], ("+7w", "signer:thach-ha-2025"): ["2025-10-21"]}),
    ],
)  # fmt: skip
def test_plan_period_simulation(
    plan_id: str,
    by_step: dict[str, int],
    item: str,
    ladder: dict[tuple[str, str], list[str]],
    every_plan: tuple[Definitions, list[SimulatedDay]],
) -> None:
    """Over the whole plan period (20/09 to 31/12/2025), with no progress recorded: the
    notices per step, each fired once, and one item's ladder day by day (read from the
    replay of every example plan together, which starts on the same day)."""
    _, days = every_plan
    fired = _days_fired([d for d in days if d.day <= D(2025, 12, 31)], plan_id)
    assert all(len(days) == 1 for days in fired.values())
    assert Counter(s for (_, s, _) in fired) == Counter(by_step)
    key = f"{plan_id}/{item}"
    assert {(s, r): d for (k, s, r), d in fired.items() if k == key} == ladder


def test_examples_write_only_to_units_they_direct_with_their_own_names(
    every_plan: tuple[Definitions, list[SimulatedDay]],
) -> None:
    """Every example plan together, day by day over their periods: no notice goes to or
    copies a superior or an outside body, and every unit name a mail carries is one of its
    own plan's directory (several communes share unit ids such as ``phong-vhxh``)."""
    defs, days = every_plan
    assert [d.day for d in days] == [
        EVERY_PLAN[0] + dt.timedelta(days=n) for n in range((EVERY_PLAN[1] - EVERY_PLAN[0]).days + 1)
    ]
    directory_of = {p: defs.directory_for(defs.plan(p)) for p in defs.plans}
    relations = {d.id: unit_relations(d) for d in directory_of.values()}
    names = {d.id: {u.name for u in d.units} for d in directory_of.values()}
    emails = {d.id: {e: u.id for u in d.units for e in u.emails} for d in directory_of.values()}
    every_name = set().union(*names.values())
    mails = [m for day in days for m in day.mail]
    assert len(mails) > 100
    for mail in mails:
        kind, _, rest = mail.recipient.partition(":")
        directory = directory_of[rest].id if kind == "signer" else rest.split("/")[0]
        if kind in ("unit", "head"):
            assert relations[directory][rest.split("/")[1]].directed, mail.recipient
        for address in mail.cc:  # copies go to the directory's directed units (or heads)
            unit = emails[directory].get(address)
            assert unit is None or relations[directory][unit].directed, (mail.recipient, address)
        own = [n for n in names[directory] if n in mail.text]
        foreign = [
            n for n in every_name - names[directory] if n in mail.text and not any(n in o for o in own)
        ]
        assert foreign == [], (mail.recipient, mail.subject)
    # nor is an item led only by superiors or outside bodies followed up at all: no reminder,
    # no escalation asking the signer to direct a body the commune does not direct
    leads = {
        o.key: (directory_of[p].id, o.lead)
        for p in defs.plans
        for o in compile_plan(defs.plan(p), UnitIndex(directory_of[p])).occurrences
    }
    ladder = [n for day in days for n in day.notices if n["kind"] == "ladder"]
    assert ladder
    for notice in ladder:
        directory, lead = leads[str(notice["occurrence"])]
        assert not lead or any(relations[directory][u].directed for u in lead), notice
