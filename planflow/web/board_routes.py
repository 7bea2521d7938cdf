"""The board's side: login, the overview of the plans in the viewer's reach, one plan's
board, evidence downloads. Who signs in and what they reach is planflow.web.access:
accounts with roles (or, while the store has none, the shared PLANFLOW_BOARD_USER login);
sessions kept on the server and revoked at logout; wrong passwords slowed down per account
and address. An officer's board shows only its unit's items."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.responses import FileResponse, RedirectResponse, Response

from planflow.accounts import Viewer
from planflow.check.plans import PlanStatus, plan_status
from planflow.errors import EvidenceError, LinkError
from planflow.status import parse_as_of, resolve_as_of
from planflow.store import repo
from planflow.units import NOBODY_ACCOUNTABLE, unaccountable_leads
from planflow.web.access import accounts_mode, board_off, check_password, current_viewer, reachable_plan
from planflow.web.board import build_board, build_overview
from planflow.web.context import WebState, check_csrf, csrf_for, read_form, state
from planflow.web.evidence import KINDS, locate
from planflow.web.links import base_url, feed_token
from planflow.web.pages import error_page, page
from planflow.web.security import SESSION_COOKIE
from planflow.web.signin import SESSION_LIFETIME, end_session, start_session
from planflow.web.timeline import board_views

router = APIRouter()


def _safe_next(target: str) -> str:
    """Only a path of this site: never ``//evil.example`` or an absolute URL."""
    if target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/board"


def _login_page(request: Request, web: WebState, next_url: str, error: str | None, code: int) -> Response:
    csrf = csrf_for(request, web)
    context = {"csrf": csrf.token, "next": next_url, "error": error}
    return csrf.apply(page("login.html.j2", context, code), web.config.secure_cookies)


@router.get("/login")
def login_form(request: Request, next: str = "/board") -> Response:
    web = state(request)
    if accounts_mode(web) is None:
        return board_off()
    return _login_page(request, web, _safe_next(next), None, 200)


@router.post("/login")
async def login(request: Request) -> Response:
    web = state(request)
    if accounts_mode(web) is None:
        return board_off()
    form = await read_form(request, web)
    if isinstance(form, Response):
        return form
    next_url = _safe_next(form.fields.get("next") or "/board")
    try:
        check_csrf(request, web, form.fields)
    except LinkError:
        return _login_page(request, web, next_url, "Biểu mẫu đã hết hạn; hãy đăng nhập lại.", 403)
    client = request.client.host if request.client else "?"
    user, password = form.fields.get("user", ""), form.fields.get("password", "")
    until = web.throttle.locked_until(user, client)
    if until is not None:
        return _login_page(request, web, next_url, web.throttle.message(until), 429)
    viewer = await run_in_threadpool(check_password, web, user, password)
    if viewer is None:
        web.throttle.failed(user, client)
        return _login_page(request, web, next_url, "Sai tên đăng nhập hoặc mật khẩu.", 401)
    web.throttle.succeeded(user, client)
    key = await run_in_threadpool(start_session, web.factory, viewer.username)
    response = RedirectResponse(next_url, status_code=303)
    lifetime = int(SESSION_LIFETIME.total_seconds())
    response.set_cookie(SESSION_COOKIE, key, httponly=True, samesite="lax",
                        secure=web.config.secure_cookies, max_age=lifetime)  # fmt: skip
    return response


async def checked_form(request: Request, web: WebState) -> dict[str, str] | Response:
    """The fields of a board form whose CSRF token matches, or the page that refuses it."""
    form = await read_form(request, web)
    if isinstance(form, Response):
        return form
    try:
        check_csrf(request, web, form.fields)
    except LinkError:
        return error_page(403, "Biểu mẫu không hợp lệ", "Mã bảo vệ biểu mẫu không khớp.", "Tải lại trang.")
    return form.fields


@router.post("/logout")
async def logout(request: Request) -> Response:
    web = state(request)
    fields = await checked_form(request, web)
    if isinstance(fields, Response):
        return fields
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        await run_in_threadpool(end_session, web.factory, cookie)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, secure=web.config.secure_cookies, httponly=True, samesite="lax")
    return response


def board_moment(web: WebState, text: str | None) -> dt.date | dt.datetime:
    """The moment a board page shows: its ``as_of`` query, else now."""
    return parse_as_of(text) if text else web.clock()


def common(request: Request, web: WebState, viewer: Viewer) -> dict[str, Any]:
    """What every board page's navigation needs."""
    csrf = csrf_for(request, web)
    request.state.csrf = csrf
    return {"user": viewer.username, "viewer": viewer, "csrf": csrf.token}


def finish(request: Request, web: WebState, response: Response) -> Response:
    result: Response = request.state.csrf.apply(response, web.config.secure_cookies)
    return result


def visible_status(viewer: Viewer, status: PlanStatus) -> PlanStatus:
    """The plan's status with only the items the viewer may see."""
    return dataclasses.replace(status, items=[i for i in status.items if viewer.sees_item(i)])


def _evidence(session: Session, status: PlanStatus) -> dict[str, str]:
    """Occurrence key → stored name of its latest evidence file, for the status's items."""
    plan_id, keys = status.plan.id, {i.key for i in status.items}
    prefix = f"evidence/{plan_id}/"
    events = repo.progress_events(plan_id, session=session, until=status.as_of.instant, evidence_only=True)
    return {e.occurrence_key: e.evidence[len(prefix):] for e in events
            if e.evidence and e.evidence.startswith(prefix) and e.occurrence_key in keys}  # fmt: skip


@router.get("/board")
def overview(request: Request, as_of: str | None = None) -> Response:
    """Every live plan: counts per status, done share, overdue items."""
    web = state(request)
    viewer = current_viewer(request, web)
    if isinstance(viewer, Response):
        return viewer
    moment = board_moment(web, as_of)
    with web.factory() as session:
        ids = [p for p in repo.plan_ids(session=session) if p in web.defs.plans]
        ids = [p for p in ids if viewer.sees_plan(web.defs.plan(p), web.defs)]
        statuses = [visible_status(viewer, plan_status(p, moment, session=session)) for p in ids]
    cards = build_overview(statuses)
    day = statuses[0].as_of.day if statuses else resolve_as_of(moment, "Asia/Ho_Chi_Minh").day
    context = {**common(request, web, viewer), "cards": cards, "as_of": day, "as_of_text": as_of or ""}
    return finish(request, web, page("overview.html.j2", context))


@router.get("/board/{plan_id}")
def plan_board(plan_id: str, request: Request, as_of: str | None = None) -> Response:
    """One plan: tasks by section with status colours, targets, budget, the timeline."""
    web = state(request)
    viewer = current_viewer(request, web)
    if isinstance(viewer, Response):
        return viewer
    plan = reachable_plan(viewer, web, plan_id)
    moment = board_moment(web, as_of)
    with web.factory() as session:
        status = visible_status(viewer, plan_status(plan_id, moment, session=session))
        evidence = _evidence(session, status)
    names = web.unit_names(plan)
    nobody = unaccountable_leads(plan, web.defs.directory_for(plan))
    board = build_board(status, plan, names, evidence, web.monitors(plan), nobody)
    calendar = f"{base_url(request, web)}/ics/{feed_token(web, plan, None)}.ics"
    context = {
        **common(request, web, viewer),
        "board": board,
        "nobody_mark": NOBODY_ACCOUNTABLE,
        "timeline_views": board_views(plan.id, as_of or ""),
        "as_of_text": as_of or "",
        "calendar": calendar,
    }
    return finish(request, web, page("board.html.j2", context))


@router.get("/board/{plan_id}/evidence/{name}")
def evidence_file(plan_id: str, name: str, request: Request) -> Response:
    """An evidence file, as a download (never rendered inline)."""
    web = state(request)
    viewer = current_viewer(request, web)
    if isinstance(viewer, Response):
        return viewer
    reachable_plan(viewer, web, plan_id)
    with web.factory() as session:
        status = visible_status(viewer, plan_status(plan_id, web.clock(), session=session))
        if name not in _evidence(session, status).values():  # an officer: only its unit's files
            return error_page(404, "Không tìm thấy", "Không có tệp minh chứng này.")
    try:
        path, original = locate(web.config.evidence_root, plan_id, name)
    except EvidenceError:
        return error_page(404, "Không tìm thấy", "Không có tệp minh chứng này.")
    media = KINDS[name.rsplit(".", 1)[-1]][0]
    return FileResponse(path, media_type=media, filename=original, content_disposition_type="attachment")
