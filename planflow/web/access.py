"""Who is asking: the board's sign-in turned into a Viewer, and the checks of what that
viewer may reach.

Accounts (``planflow user add``) replace the shared login of earlier versions: while the
store has no active account, PLANFLOW_BOARD_USER / PLANFLOW_BOARD_PASSWORD still sign in
(as the standing unit over every plan), so an existing installation keeps its board; from
the first account on, only accounts sign in and the shared login's sessions stop opening
anything. The board is off when there is neither a shared password nor an account.
"""

from __future__ import annotations

import hmac
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from planflow.accounts import Viewer, active_viewer, authenticate, shared_viewer
from planflow.errors import AccessError
from planflow.schema import Plan
from planflow.store.accounts import any_active_account
from planflow.web.context import WebState
from planflow.web.pages import error_page
from planflow.web.security import SESSION_COOKIE
from planflow.web.signin import session_user


def board_off() -> Response:
    return error_page(
        503,
        "Bảng theo dõi chưa bật",
        "Máy chủ chưa có tài khoản nào cho bảng theo dõi.",
        "Người quản trị tạo tài khoản bằng lệnh planflow user add (hoặc đặt PLANFLOW_BOARD_PASSWORD "
        "cho đăng nhập chung) rồi tải lại trang.",
    )


def accounts_mode(web: WebState) -> bool | None:
    """True when accounts sign in, False for the shared login, None when the board is off."""
    with web.factory() as session:
        if any_active_account(session=session):
            return True
    return False if web.config.board_password is not None else None


def viewer_for(web: WebState, user: str, accounts: bool | None = None) -> Viewer | None:
    """The viewer a live session's user stands for under the current mode (``accounts``,
    when the caller knows it already, else looked up)."""
    if accounts is None:
        accounts = accounts_mode(web) is True
    if accounts:
        with web.factory() as session:
            return active_viewer(user, session=session)
    if web.config.board_password is not None and user == web.config.board_user:
        return shared_viewer(user)
    return None


def current_viewer(request: Request, web: WebState) -> Viewer | Response:
    """The signed-in viewer, or the response to send instead (login page, board off)."""
    mode = accounts_mode(web)
    if mode is None:
        return board_off()
    cookie = request.cookies.get(SESSION_COOKIE)
    user = session_user(web.factory, cookie) if cookie else None
    viewer = viewer_for(web, user, mode) if user is not None else None
    if viewer is not None:
        return viewer
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(target)}", status_code=303)


def check_password(web: WebState, user: str, password: str) -> Viewer | None:
    """The viewer these credentials sign in, else None (blocking: Argon2 takes a moment)."""
    with web.factory() as session:
        if any_active_account(session=session):
            return authenticate(user, password, session=session)
    if web.config.board_password is None:
        return None
    good_user = hmac.compare_digest(user.encode(), web.config.board_user.encode())
    good_password = hmac.compare_digest(password.encode(), web.config.board_password.encode())
    return shared_viewer(web.config.board_user) if good_user and good_password else None


def reachable_plan(viewer: Viewer, web: WebState, plan_id: str) -> Plan:
    """The plan, if the viewer may see it; NotFoundError or AccessError otherwise."""
    plan = web.defs.plan(plan_id)
    if not viewer.sees_plan(plan, web.defs):
        raise AccessError(f"kế hoạch '{plan_id}' không thuộc phạm vi tài khoản {viewer.username}")
    return plan
