"""The province's view of its communes' plans: ``/monitor/<parent plan>`` shows each child plan
and its lead units as Xanh / Vàng / Đỏ at a date (rule in ``planflow.check.monitor``), with the share
that is green; ``?format=csv`` and ``?format=xlsx`` download the same table. Behind the
board's sign-in, read-only."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from planflow.check.monitor import HEADERS, WARN_DAYS, monitor, to_csv, to_xlsx
from planflow.errors import PlanflowError
from planflow.status import parse_as_of, resolve_as_of
from planflow.web.access import current_viewer, reachable_plan
from planflow.web.board_routes import common, finish
from planflow.web.context import state
from planflow.web.pages import page

router = APIRouter()
# The board's status badges, reused: green as done on time, yellow as upcoming, red as overdue.
BADGES = {"xanh": "st-done-on-time", "vang": "st-upcoming", "do": "st-overdue"}
DOWNLOADS = {
    "csv": ("text/csv; charset=utf-8", to_csv),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", to_xlsx),
}


@router.get("/monitor/{plan_id}")
def monitor_page(plan_id: str, request: Request, date: str | None = None, format: str = "html") -> Response:
    """Xanh / Vàng / Đỏ of a parent plan's child plans at ``date`` (default: today)."""
    web = state(request)
    viewer = current_viewer(request, web)
    if isinstance(viewer, Response):
        return viewer
    if format != "html" and format not in DOWNLOADS:
        raise PlanflowError(f"định dạng '{format}' không hỗ trợ; chọn html, csv hoặc xlsx")
    plan = reachable_plan(viewer, web, plan_id)
    day = resolve_as_of(parse_as_of(date) if date else web.clock(), plan.timezone).day
    with web.factory() as session:
        view = monitor(web.defs, plan_id, day, session=session)
    if format in DOWNLOADS:
        media, render = DOWNLOADS[format]
        name = f"phan-loai-{plan_id}-{day.isoformat()}.{format}"
        return Response(render(view), media_type=media,
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})  # fmt: skip
    context = {**common(request, web, viewer), "m": view, "headers": HEADERS, "warn_days": WARN_DAYS,
               "badges": BADGES, "date_text": date or ""}  # fmt: skip
    return finish(request, web, page("monitor.html.j2", context))
