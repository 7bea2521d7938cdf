"""Security at the edge of every request: response headers, a cap on the request body, the
cookies planflow issues (checked for shape before any route reads them), and the CSRF
cookie that form tokens are bound to.

The pages use no script and no inline style, so the Content-Security-Policy can forbid
both; Referrer-Policy ``no-referrer`` keeps a progress link (a capability in its URL)
from leaking to any site a page links to.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from planflow.errors import BodyTooLarge

CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}
CSRF_COOKIE = "pf_csrf"
SESSION_COOKIE = "pf_board"
# Both cookies hold a random URL-safe key: anything else was not issued by planflow. The dot
# lets a signed session cookie of earlier versions lead to the login rather than to a refusal.
COOKIE_SHAPE = re.compile(r"[A-Za-z0-9_.-]{20,200}")


class SecurityHeaders:
    """Adds the security headers to every response, error pages and static files included;
    pages other than static files are never cached (they carry personal links)."""

    def __init__(self, app: ASGIApp, *, hsts: bool) -> None:
        self.app = app
        self.hsts = hsts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = str(scope.get("path", "")).startswith("/static/")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in HEADERS.items():
                    headers[name] = value
                if self.hsts:
                    headers["Strict-Transport-Security"] = "max-age=31536000"
                if not static:
                    headers["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, with_headers)


class BodyLimit:
    """Refuses bodies over ``limit`` bytes: at once when Content-Length says so, otherwise
    by raising BodyTooLarge from ``receive`` once that many bytes have arrived (the form
    reader turns it into a page)."""

    def __init__(self, app: ASGIApp, *, limit: int, too_large: Response) -> None:
        self.app = app
        self.limit = limit
        self.too_large = too_large

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Request(scope).headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.limit:
            await self.too_large(scope, receive, send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise BodyTooLarge
            return message

        await self.app(scope, counted, send)


class CookieGuard:
    """Refuses a request whose planflow cookie could not have been issued by planflow
    (non-ASCII, quoted, too long …) with the ``refused`` page, which also drops the bad
    cookies, so that no route ever compares or looks up such a value. Static files are
    served whatever the cookies: the refusal page needs its style sheet."""

    def __init__(self, app: ASGIApp, *, refused: Callable[[], Response], secure: bool) -> None:
        self.app = app
        self.refused = refused
        self.secure = secure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or str(scope.get("path", "")).startswith("/static/"):
            await self.app(scope, receive, send)
            return
        cookies = Request(scope).cookies
        bad = [
            n
            for n in (CSRF_COOKIE, SESSION_COOKIE)
            if n in cookies and not COOKIE_SHAPE.fullmatch(cookies[n])
        ]
        if not bad:
            await self.app(scope, receive, send)
            return
        response = self.refused()
        for name in bad:
            response.delete_cookie(name, secure=self.secure, httponly=True, samesite="lax")
        await response(scope, receive, send)
