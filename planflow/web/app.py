"""The FastAPI application: ``create_app`` wires state, routes, error pages and the security
layers; ``planflow web`` serves it with uvicorn.

Error handling is part of the product: a forged or expired link, another unit's task, an
unknown plan, a bad date or an unexpected failure each get a Vietnamese page with the
right status code, never a stack trace. Unexpected errors are logged for the operator.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from sqlalchemy.orm import Session, sessionmaker
from starlette.exceptions import HTTPException
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from planflow.errors import AccessError, BodyTooLarge, LinkError, NotFoundError, PlanflowError, ProgressError
from planflow.loader import Definitions
from planflow.web import board_routes, export_routes, item_routes, links, monitor, view_routes, work_routes
from planflow.web.config import WebConfig
from planflow.web.context import WebState
from planflow.web.pages import error_page, link_error_page, sentence, server_error_page, too_large_page
from planflow.web.security import BodyLimit, CookieGuard, SecurityHeaders

log = logging.getLogger("planflow.web")
FORM_OVERHEAD = 512 * 1024  # the text fields that travel with an evidence file

HTTP_PAGES = {
    400: ("Yêu cầu không hợp lệ", "Trình duyệt gửi một yêu cầu máy chủ không đọc được."),
    404: ("Không tìm thấy", "Không có trang này."),
    405: ("Không được phép", "Trang này không nhận kiểu yêu cầu đó."),
}

BAD_COOKIE = (
    "Cookie không hợp lệ",
    "Trình duyệt gửi một cookie không do planflow cấp (có thể đã bị sửa).",
    "Tải lại trang: cookie hỏng đã được xoá. Nếu vẫn gặp trang này, xoá cookie của trang web này "
    "trong cài đặt trình duyệt rồi mở lại liên kết.",
)
OUT_OF_ACCOUNT = (
    "Mỗi tài khoản chỉ thấy kế hoạch và nhiệm vụ trong phạm vi vai trò của mình; "
    "cần thêm quyền, hãy hỏi người quản trị."
)
OUT_OF_SCOPE = "Liên kết này chỉ dùng cho các nhiệm vụ đơn vị mình chủ trì và chưa hoàn thành."


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class ErrorPages:
    """Innermost safety net: an unexpected exception becomes a plain 500 page (logged), a
    body that grew past the limit a 413 page; the security headers still apply."""

    def __init__(self, app: ASGIApp, *, too_large: Response) -> None:
        self.app = app
        self.too_large = too_large

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = False

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracked)
        except BodyTooLarge:
            if not started:
                await self.too_large(scope, receive, send)
        except Exception:
            log.exception("lỗi không lường trước khi xử lý %s", scope.get("path"))
            if not started:
                await server_error_page()(scope, receive, send)


def _handlers(app: FastAPI) -> None:
    async def link_error(request: Request, exc: Exception) -> Response:
        expired = isinstance(exc, LinkError) and exc.expired
        return link_error_page(str(exc), expired=expired)

    async def not_found(request: Request, exc: Exception) -> Response:
        return error_page(404, "Không tìm thấy", sentence(str(exc)))

    async def refused(request: Request, exc: Exception) -> Response:
        return error_page(403, "Không thuộc phạm vi của liên kết", sentence(str(exc)), OUT_OF_SCOPE)

    async def out_of_reach(request: Request, exc: Exception) -> Response:
        return error_page(403, "Không thuộc phạm vi tài khoản", sentence(str(exc)), OUT_OF_ACCOUNT)

    async def planflow_error(request: Request, exc: Exception) -> Response:
        return error_page(400, "Yêu cầu không hợp lệ", sentence(str(exc)))

    async def http_error(request: Request, exc: Exception) -> Response:
        code = exc.status_code if isinstance(exc, HTTPException) else 400
        heading, message = HTTP_PAGES.get(code, ("Yêu cầu không hợp lệ", "Không xử lý được yêu cầu."))
        return error_page(code, heading, message)

    async def invalid(request: Request, exc: Exception) -> Response:
        return error_page(400, "Yêu cầu không hợp lệ", "Địa chỉ có tham số không đọc được.")

    app.add_exception_handler(LinkError, link_error)
    app.add_exception_handler(NotFoundError, not_found)
    app.add_exception_handler(ProgressError, refused)
    app.add_exception_handler(AccessError, out_of_reach)
    app.add_exception_handler(PlanflowError, planflow_error)
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(RequestValidationError, invalid)


def create_app(
    config: WebConfig,
    defs: Definitions,
    factory: sessionmaker[Session],
    *,
    clock: Callable[[], dt.datetime] = _utc_now,
) -> FastAPI:
    """The app over a checked config, loaded definitions and a store. ``clock`` is the
    app's "now" (links, forms, the board's default as-of); tests and demos fix it."""
    app = FastAPI(title="planflow", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.web = WebState(config, defs, factory, clock)
    app.include_router(links.router)
    app.include_router(board_routes.router)
    app.include_router(monitor.router)  # Xanh/Vàng/Đỏ of child plans (reports feature)
    app.include_router(work_routes.router)
    app.include_router(item_routes.router)  # history, corrections, comments of one item
    app.include_router(export_routes.router)  # the work list as xlsx and csv
    app.include_router(view_routes.router)  # timeline, province table
    app.mount("/static", StaticFiles(packages=[("planflow.web", "static")]), name="static")

    @app.get("/")
    def home() -> Response:
        return RedirectResponse("/board", status_code=303)

    @app.get("/healthz")
    def health() -> Response:
        return PlainTextResponse("ok")

    _handlers(app)
    too_large = too_large_page(config.upload_max_bytes)
    app.add_middleware(ErrorPages, too_large=too_large)
    app.add_middleware(BodyLimit, limit=config.upload_max_bytes + FORM_OVERHEAD, too_large=too_large)
    app.add_middleware(
        CookieGuard, refused=lambda: error_page(403, *BAD_COOKIE), secure=config.secure_cookies
    )
    app.add_middleware(SecurityHeaders, hsts=config.secure_cookies)
    if config.trusted_proxies:  # outermost: every layer sees the browser's address and scheme
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=list(config.trusted_proxies))
    return app
