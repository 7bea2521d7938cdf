"""The province's view of its communes: one row per commune, one column per province plan
its communes implement (``parent_plan``), each cell the commune's plan classed Xanh / Vàng /
Đỏ at a day by planflow.check.monitor's rule, with the share that is green. Who may see which
cells is decided here too, so the page and its tests read one rule."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from planflow.accounts import Role, Viewer
from planflow.check.monitor import Colour, classify, green_share
from planflow.errors import AccessError
from planflow.loader import Definitions
from planflow.schema import Plan
from planflow.status import OccurrenceStatus

ROLES = (Role.REVIEWER, Role.STANDING)


@dataclass(frozen=True)
class Cell:
    plan_id: str
    colour: Colour
    late: int
    soon: int
    linked: bool  # the viewer may open the commune's board


@dataclass(frozen=True)
class CommuneRow:
    directory_id: str
    name: str
    cells: list[list[Cell]]  # one list per column: the commune's plans under that province plan

    @property
    def green_share(self) -> str:
        return share([c for cell in self.cells for c in cell])


@dataclass(frozen=True)
class ProvinceView:
    day: dt.date
    columns: list[Plan]
    rows: list[CommuneRow]

    @property
    def green_share(self) -> str:
        return share([c for r in self.rows for cell in r.cells for c in cell])

    def column_share(self, index: int) -> str:
        return share([c for r in self.rows for c in r.cells[index]])


def share(cells: Sequence[Cell]) -> str:
    return green_share([c.colour for c in cells])


def reach(viewer: Viewer, defs: Definitions) -> dict[str, list[Plan]]:
    """Province plan id → the communes' plans under it that the viewer may see classed.

    A reviewer or the standing unit of the province sees every commune under the province's
    plans; a commune's standing unit sees its own plans' cells; other roles see nothing."""
    if viewer.role not in ROLES:
        raise AccessError(f"tài khoản {viewer.username} ({viewer.role.label}) không xem được bảng các xã")
    found: dict[str, list[Plan]] = {}
    for plan_id in sorted(defs.plans):
        child = defs.plan(plan_id)
        parent_id = child.parent_plan
        if parent_id is None or parent_id not in defs.plans:
            continue
        if viewer.sees_plan(defs.plan(parent_id), defs) or viewer.sees_plan(child, defs):
            found.setdefault(parent_id, []).append(child)
    return found


def build_province(
    defs: Definitions, viewer: Viewer, day: dt.date, statuses: Mapping[str, Sequence[OccurrenceStatus]]
) -> ProvinceView:
    """The table at ``day``; ``statuses`` holds each reached commune plan's items (none stored: empty)."""
    plans = reach(viewer, defs)
    columns = [defs.plan(p) for p in plans]
    communes: dict[str, dict[str, list[Cell]]] = {}
    for parent_id, children in plans.items():
        for child in children:
            _, _, _, late, soon, colour = classify(statuses.get(child.id, []), day)
            cell = Cell(child.id, colour, late, soon, viewer.sees_plan(child, defs))
            communes.setdefault(child.units, {}).setdefault(parent_id, []).append(cell)
    rows = [
        CommuneRow(d, _name(defs, d), [cells.get(p.id, []) for p in columns])
        for d, cells in sorted(communes.items(), key=lambda kv: _name(defs, kv[0]))
    ]
    return ProvinceView(day, columns, rows)


def _name(defs: Definitions, directory_id: str) -> str:
    return defs.directories[directory_id].name if directory_id in defs.directories else directory_id
