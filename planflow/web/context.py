"""What every route needs: the app's state (settings, definitions, store, clock), the CSRF
cookie and form tokens, and reading a form within the body limit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.orm import Session, sessionmaker
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response

from planflow.errors import BodyTooLarge
from planflow.loader import Definitions
from planflow.schema import Plan
from planflow.units import UnitIndex, monitor_names
from planflow.web.config import WebConfig
from planflow.web.pages import too_large_page
from planflow.web.security import CSRF_COOKIE
from planflow.web.signin import LoginThrottle
from planflow.web.tokens import new_nonce

FORM_LIFETIME = dt.timedelta(hours=12)


@dataclass(frozen=True)
class WebState:
    config: WebConfig
    defs: Definitions
    factory: sessionmaker[Session]
    clock: Callable[[], dt.datetime]
    throttle: LoginThrottle = field(default_factory=LoginThrottle)

    def unit_names(self, plan: Plan) -> dict[str, str]:
        return {u.id: u.name for u in self.defs.directory_for(plan).units}

    def monitors(self, plan: Plan) -> dict[str, list[str]]:
        """Task id → its monitoring bodies' names (``monitor:``)."""
        return monitor_names(plan, self.defs.directory_for(plan))

    def standing(self, plan: Plan) -> str:
        return UnitIndex(self.defs.directory_for(plan)).resolve(plan.standing_unit).id


def state(request: Request) -> WebState:
    web: WebState = request.app.state.web
    return web


@dataclass(frozen=True)
class Csrf:
    """The form token to put in a page, and the cookie to set when the browser had none."""

    token: str
    new_nonce: str | None

    def apply(self, response: Response, secure: bool) -> Response:
        if self.new_nonce is not None:
            response.set_cookie(CSRF_COOKIE, self.new_nonce, httponly=True, samesite="lax", secure=secure,
                                max_age=int(FORM_LIFETIME.total_seconds()))  # fmt: skip
        return response


def csrf_for(request: Request, web: WebState) -> Csrf:
    nonce = request.cookies.get(CSRF_COOKIE)
    fresh = None if nonce else new_nonce()
    token = web.config.tokens.form_token(nonce or fresh or "", web.clock() + FORM_LIFETIME)
    return Csrf(token, fresh)


def check_csrf(request: Request, web: WebState, fields: dict[str, str]) -> None:
    """LinkError unless the form carries a token minted for this browser's cookie."""
    web.config.tokens.check_form_token(fields.get("csrf", ""), request.cookies.get(CSRF_COOKIE), web.clock())


@dataclass(frozen=True)
class Submitted:
    """A form's text fields, and the one file it may carry as (file name, content)."""

    fields: dict[str, str]
    upload: tuple[str, bytes] | None


async def read_form(request: Request, web: WebState, file_field: str | None = None) -> Submitted | Response:
    """The submitted form (its spooled files closed), or the page to answer with when the
    body is too large."""
    try:
        form = await request.form(max_files=1, max_fields=200, max_part_size=64 * 1024)
    except BodyTooLarge:
        return too_large_page(web.config.upload_max_bytes)
    try:
        upload = None
        value = form.get(file_field) if file_field else None
        if isinstance(value, UploadFile) and value.filename:
            upload = (value.filename, await value.read())
        fields = {k: v for k, v in form.multi_items() if isinstance(v, str)}
    finally:
        await form.close()
    return Submitted(fields, upload)
