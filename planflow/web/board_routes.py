"""The standing unit's side: login, the overview of all plans, one plan's board, evidence
downloads. Read-only; one configured account (PLANFLOW_BOARD_USER and
PLANFLOW_BOARD_PASSWORD), sessions kept on the server and revoked at logout, repeated wrong
passwords slowed down."""

from __future__ import annotations

import datetime as dt
import hmac
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import FileResponse, RedirectResponse, Response

from planflow.errors import LinkError
from planflow.service import plan_status
from planflow.status import parse_as_of, resolve_as_of
from planflow.store import repo
from planflow.web.board import build_board, build_overview
from planflow.web.context import WebState, check_csrf, csrf_for, read_form, state
from planflow.web.evidence import KINDS, EvidenceError, locate
from planflow.web.links import base_url, feed_token
from planflow.web.pages import error_page, page
from planflow.web.security import SESSION_COOKIE
from planflow.web.signin import SESSION_LIFETIME, end_session, session_user, start_session

router = APIRouter()


def _safe_next(target: str) -> str:
    """Only a path of this site: never ``//evil.example`` or an absolute URL."""
    if target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/board"


def _board_off() -> Response:
    return error_page(
        503,
        "Bảng theo dõi chưa bật",
        "Máy chủ chưa có tài khoản của cơ quan thường trực.",
        "Người quản trị đặt PLANFLOW_BOARD_PASSWORD (và PLANFLOW_BOARD_USER) rồi khởi động lại planflow web.",
    )


def board_user(request: Request, web: WebState) -> str | Response:
    """The signed-in user, or the response to send instead (login page, board off)."""
    if web.config.board_password is None:
        return _board_off()
    cookie = request.cookies.get(SESSION_COOKIE)
    user = session_user(web.factory, cookie) if cookie else None
    if user is not None:
        return user
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(target)}", status_code=303)


def _login_page(request: Request, web: WebState, next_url: str, error: str | None, code: int) -> Response:
    csrf = csrf_for(request, web)
    context = {"csrf": csrf.token, "next": next_url, "error": error}
    return csrf.apply(page("login.html.j2", context, code), web.config.secure_cookies)


@router.get("/login")
def login_form(request: Request, next: str = "/board") -> Response:
    web = state(request)
    if web.config.board_password is None:
        return _board_off()
    return _login_page(request, web, _safe_next(next), None, 200)


@router.post("/login")
async def login(request: Request) -> Response:
    web = state(request)
    if web.config.board_password is None:
        return _board_off()
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
    good_user = hmac.compare_digest(user.encode(), web.config.board_user.encode())
    good_password = hmac.compare_digest(password.encode(), web.config.board_password.encode())
    if not (good_user and good_password):
        web.throttle.failed(user, client)
        return _login_page(request, web, next_url, "Sai tên đăng nhập hoặc mật khẩu.", 401)
    web.throttle.succeeded(user, client)
    key = await run_in_threadpool(start_session, web.factory, user)
    response = RedirectResponse(next_url, status_code=303)
    lifetime = int(SESSION_LIFETIME.total_seconds())
    response.set_cookie(SESSION_COOKIE, key, httponly=True, samesite="lax",
                        secure=web.config.secure_cookies, max_age=lifetime)  # fmt: skip
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    web = state(request)
    form = await read_form(request, web)
    if isinstance(form, Response):
        return form
    try:
        check_csrf(request, web, form.fields)
    except LinkError:
        return error_page(403, "Biểu mẫu không hợp lệ", "Mã bảo vệ biểu mẫu không khớp.", "Tải lại trang.")
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        await run_in_threadpool(end_session, web.factory, cookie)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, secure=web.config.secure_cookies, httponly=True, samesite="lax")
    return response


def _as_of(web: WebState, text: str | None) -> dt.date | dt.datetime:
    return parse_as_of(text) if text else web.clock()


def _common(request: Request, web: WebState, user: str) -> dict[str, Any]:
    csrf = csrf_for(request, web)
    request.state.csrf = csrf
    return {"user": user, "csrf": csrf.token}


def _finish(request: Request, web: WebState, response: Response) -> Response:
    result: Response = request.state.csrf.apply(response, web.config.secure_cookies)
    return result


@router.get("/board")
def overview(request: Request, as_of: str | None = None) -> Response:
    """Every live plan: counts per status, done share, overdue items."""
    web = state(request)
    user = board_user(request, web)
    if isinstance(user, Response):
        return user
    moment = _as_of(web, as_of)
    with web.factory() as session:
        ids = [p for p in repo.plan_ids(session=session) if p in web.defs.plans]
        statuses = [plan_status(p, moment, session=session) for p in ids]
    cards = build_overview(statuses)
    day = statuses[0].as_of.day if statuses else resolve_as_of(moment, "Asia/Ho_Chi_Minh").day
    context = {**_common(request, web, user), "cards": cards, "as_of": day, "as_of_text": as_of or ""}
    return _finish(request, web, page("overview.html.j2", context))


@router.get("/board/{plan_id}")
def plan_board(plan_id: str, request: Request, as_of: str | None = None) -> Response:
    """One plan: tasks by section with status colours, targets, budget, the timeline."""
    web = state(request)
    user = board_user(request, web)
    if isinstance(user, Response):
        return user
    plan = web.defs.plan(plan_id)
    moment = _as_of(web, as_of)
    with web.factory() as session:
        status = plan_status(plan_id, moment, session=session)
        events = repo.progress_events(plan_id, session=session, until=status.as_of.instant)
    prefix = f"evidence/{plan_id}/"
    evidence = {e.occurrence_key: e.evidence[len(prefix):] for e in events
                if e.evidence and e.evidence.startswith(prefix)}  # fmt: skip
    board = build_board(status, plan, web.unit_names(plan), evidence)
    calendar = f"{base_url(request, web)}/ics/{feed_token(web, plan, None)}.ics"
    context = {**_common(request, web, user), "board": board, "as_of_text": as_of or "", "calendar": calendar}
    return _finish(request, web, page("board.html.j2", context))


@router.get("/board/{plan_id}/evidence/{name}")
def evidence_file(plan_id: str, name: str, request: Request) -> Response:
    """An evidence file, as a download (never rendered inline)."""
    web = state(request)
    user = board_user(request, web)
    if isinstance(user, Response):
        return user
    web.defs.plan(plan_id)
    try:
        path, original = locate(web.config.evidence_root, plan_id, name)
    except EvidenceError:
        return error_page(404, "Không tìm thấy", "Không có tệp minh chứng này.")
    media = KINDS[name.rsplit(".", 1)[-1]][0]
    return FileResponse(path, media_type=media, filename=original, content_disposition_type="attachment")
