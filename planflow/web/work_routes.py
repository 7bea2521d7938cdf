"""Work views on the board: a plan's work list (filters, tone-blind search, grouping,
sorting, saved views) and an officer's "my items" across the plans of its commune.

Everything is a GET form or a link, so the pages work without JavaScript; a view is its
query string, which is what a saved view keeps.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from planflow.accounts import Role, Viewer
from planflow.check.plans import plan_status
from planflow.errors import AccessError
from planflow.intake.forms import urgency
from planflow.status import Status
from planflow.store import repo
from planflow.store.accounts import delete_view, save_view, saved_views
from planflow.web.access import current_viewer, reachable_plan
from planflow.web.board import SUMMARY_ORDER
from planflow.web.board_routes import checked_form, common, finish, visible_status
from planflow.web.context import WebState, state
from planflow.web.pages import error_page, page
from planflow.web.worklist import GROUPS, SORTS, WorkFilter, fold, grouped, select, unit_counts, work_items

router = APIRouter()
MAX_VIEW_NAME = 120
FORM_LINK_LIFETIME = dt.timedelta(hours=12)  # the form links "my items" hands out: one working day


@router.get("/board/{plan_id}/items")
def work_list(plan_id: str, request: Request) -> Response:
    """The plan's occurrences as one list, as the query string filters, groups and sorts them."""
    web = state(request)
    viewer = current_viewer(request, web)
    if isinstance(viewer, Response):
        return viewer
    plan = reachable_plan(viewer, web, plan_id)
    view = WorkFilter.from_query(parse_qs(request.url.query))
    names = web.unit_names(plan)
    with web.factory() as session:
        status = visible_status(viewer, plan_status(plan_id, web.clock(), session=session))
        views = saved_views(viewer.username, plan_id, session=session) if viewer.account else []
    items = work_items(status, plan, names, lambda _: True)
    today = status.as_of.day
    shown = select(items, view, today)
    context = {
        **common(request, web, viewer),
        "plan": plan, "view": view, "as_of": today, "groups": grouped(shown, view.group), "count": len(shown),
        "total": len(items), "units": unit_counts(select(items, view, today, skip_unit=True), names),
        "unit_names": names, "statuses": list(SUMMARY_ORDER), "group_names": GROUPS, "sort_names": SORTS,
        "sections": sorted({i.section for i in items}, key=fold),
        "periods": sorted({i.period for i in items if i.period}),
        "saved": views, "query": view.query(),
    }  # fmt: skip
    return finish(request, web, page("items.html.j2", context))


@router.post("/board/{plan_id}/views")
async def add_view(plan_id: str, request: Request) -> Response:
    """Save the current work-list view under a name, for this account only."""
    web = state(request)
    viewer = current_viewer(request, web)
    if isinstance(viewer, Response):
        return viewer
    reachable_plan(viewer, web, plan_id)
    fields = await checked_form(request, web)
    if isinstance(fields, Response):
        return fields
    if not viewer.account:
        raise AccessError(
            "đăng nhập chung không lưu được bộ lọc; hãy dùng tài khoản riêng (planflow user add)"
        )
    name = " ".join(fields.get("name", "").split())[:MAX_VIEW_NAME]
    view = WorkFilter.from_query(parse_qs(fields.get("query", "")))  # only a query the list can read
    if not name:
        return error_page(
            400, "Chưa đặt tên bộ lọc", "Hãy ghi tên cho bộ lọc cần lưu.", "Quay lại trang trước."
        )
    with web.factory() as session, session.begin():
        save_view(viewer.username, plan_id, name, view.query(), session=session, now=web.clock())
    return RedirectResponse(f"/board/{plan_id}/items?{view.query()}", status_code=303)


@router.post("/board/{plan_id}/views/{view_id}/delete")
async def remove_view(plan_id: str, view_id: int, request: Request) -> Response:
    """Delete one of this account's saved views."""
    web = state(request)
    viewer = current_viewer(request, web)
    if isinstance(viewer, Response):
        return viewer
    fields = await checked_form(request, web)
    if isinstance(fields, Response):
        return fields
    with web.factory() as session, session.begin():
        delete_view(viewer.username, view_id, session=session)
    return RedirectResponse(f"/board/{plan_id}/items", status_code=303)


def _my_plan(web: WebState, viewer: Viewer, plan_id: str) -> dict[str, Any]:
    """One plan's part of "my items": the unit's items, open ones first, each open item the
    unit leads with the link to its progress form."""
    plan = web.defs.plan(plan_id)
    names = web.unit_names(plan)
    with web.factory() as session:
        status = visible_status(viewer, plan_status(plan_id, web.clock(), session=session))
    token = web.config.tokens.progress_link(plan_id, viewer.unit_id or "", web.clock() + FORM_LINK_LIFETIME)
    rows_by_key = {r.key: r for r in work_items(status, plan, names, lambda _: True)}
    ordered = sorted(status.items, key=urgency)
    forms = {i.key: f"/p/{token}/o/{i.key}" for i in ordered
             if viewer.unit_id in i.facts.lead and not i.status.is_done}  # fmt: skip
    open_count = sum(1 for i in status.items if not i.status.is_done)
    overdue = sum(1 for i in status.items if i.status is Status.OVERDUE)
    items = [rows_by_key[i.key] for i in ordered]
    return {"plan": plan, "work": items, "forms": forms, "open": open_count, "overdue": overdue}


@router.get("/me")
def my_items(request: Request) -> Response:
    """A unit officer's items in every plan of its commune; other roles go to the board."""
    web = state(request)
    viewer = current_viewer(request, web)
    if isinstance(viewer, Response):
        return viewer
    if viewer.role is not Role.OFFICER:
        return RedirectResponse("/board", status_code=303)
    with web.factory() as session:
        ids = [p for p in repo.plan_ids(session=session) if p in web.defs.plans]
    plans = [_my_plan(web, viewer, p) for p in ids if viewer.sees_plan(web.defs.plan(p), web.defs)]
    unit = next((web.unit_names(p["plan"]).get(viewer.unit_id or "") for p in plans), viewer.unit_id)
    context = {**common(request, web, viewer), "plans": plans, "unit": unit}
    return finish(request, web, page("me.html.j2", context))
