"""Two read-only views of the board: a plan's timeline (``/board/<plan>/timeline``, zoom and
grouping chosen by links, so it needs no script) and the province's table of its communes'
plans (``/province``), each cell classed Xanh / Vàng / Đỏ by planflow.check.monitor's rule."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request
from starlette.responses import Response

from planflow.check.monitor import WARN_DAYS
from planflow.check.plans import plan_status
from planflow.errors import PlanflowError
from planflow.status import parse_as_of, resolve_as_of
from planflow.store import repo
from planflow.web.access import current_viewer, reachable_plan
from planflow.web.board_routes import board_moment, common, finish, visible_status
from planflow.web.context import state
from planflow.web.monitor import BADGES
from planflow.web.pages import page
from planflow.web.province import build_province, reach
from planflow.web.timeline import build_timeline, timeline_links

router = APIRouter()


def parse_day(text: str | None, name: str) -> dt.date | None:
    """A day given as YYYY-MM-DD in the query, or a message naming the parameter."""
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        message = f"ngày '{text}' ở tham số {name} không hợp lệ; viết theo dạng 2026-03-24"
        raise PlanflowError(message) from exc


@router.get("/board/{plan_id}/timeline")
def timeline_page(plan_id: str, request: Request, zoom: str = "year", group: str = "section",
                  at: str | None = None, as_of: str | None = None) -> Response:  # fmt: skip
    """The plan's timeline over its period, a quarter or a month, by section or by lead unit."""
    web = state(request)
    viewer = current_viewer(request, web)
    if isinstance(viewer, Response):
        return viewer
    plan = reachable_plan(viewer, web, plan_id)
    with web.factory() as session:
        status = visible_status(viewer, plan_status(plan_id, board_moment(web, as_of), session=session))
    tl = build_timeline(status, plan, web.unit_names(plan), zoom=zoom, group=group, at=parse_day(at, "at"))
    context = {**common(request, web, viewer), "plan": plan, "tl": tl, "as_of": status.as_of.day,
               "tl_links": timeline_links(tl, as_of or ""), "as_of_text": as_of or ""}  # fmt: skip
    return finish(request, web, page("timeline.html.j2", context))


@router.get("/province")
def province_page(request: Request, date: str | None = None) -> Response:
    """Communes × province plans, each cell Xanh / Vàng / Đỏ at ``date`` (default: today)."""
    web = state(request)
    viewer = current_viewer(request, web)
    if isinstance(viewer, Response):
        return viewer
    children = [c for plans in reach(viewer, web.defs).values() for c in plans]
    day = resolve_as_of(parse_as_of(date) if date else web.clock(), "Asia/Ho_Chi_Minh").day
    with web.factory() as session:
        stored = set(repo.plan_ids(session=session))
        statuses = {c.id: plan_status(c.id, day, session=session).items for c in children if c.id in stored}
    view = build_province(web.defs, viewer, day, statuses)
    context = {**common(request, web, viewer), "p": view, "badges": BADGES, "warn_days": WARN_DAYS,
               "date_text": date or ""}  # fmt: skip
    return finish(request, web, page("province.html.j2", context))
