"""Two read-only views of the board: a plan's timeline (``/board/<plan>/timeline``, zoom and
grouping chosen by links, so it needs no script) and the province's table of its communes'
plans (``/province``), each cell classed Xanh / Vàng / Đỏ by planflow.monitor's rule."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request
from starlette.responses import Response

from planflow.errors import PlanflowError
from planflow.service import plan_status
from planflow.web.access import current_viewer, reachable_plan
from planflow.web.board_routes import board_moment, common, finish, visible_status
from planflow.web.context import state
from planflow.web.pages import page
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
