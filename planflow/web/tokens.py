"""Signed, expiring tokens: progress links, calendar feeds and form (CSRF) tokens.

A token is URL-safe JSON signed with HMAC-SHA256 under the server secret
(``PLANFLOW_SECRET``) by ``itsdangerous``. Each use has its own salt, so a token minted
for one purpose (a calendar feed) is refused for another (a progress link). Expiry is a
field of the payload, checked against an explicit ``now`` (the app's clock, which
``--as-of`` can fix), never against the wall clock behind the caller's back.

No JavaScript: everything a link or a form needs to be trusted is in its signed token.
Board sign-ins are the exception: they are kept on the server (``planflow.web.signin``) so
that logout can revoke them.
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from itsdangerous import BadSignature, URLSafeSerializer

from planflow import vnformat as vn
from planflow.errors import LinkError


class Purpose(StrEnum):
    """What a token may be used for; also the signing salt."""

    PROGRESS = "planflow.progress-link"
    CALENDAR = "planflow.calendar-feed"
    CSRF = "planflow.form"


@dataclass(frozen=True)
class LinkScope:
    """What a progress link lets its holder do: report for ``unit_id`` on its open
    occurrences of ``plan_id``, until ``expires``."""

    plan_id: str
    unit_id: str
    expires: dt.datetime


@dataclass(frozen=True)
class FeedScope:
    """A calendar feed: one plan, for one unit or (``unit_id`` None) for every unit."""

    plan_id: str
    unit_id: str | None


def _stamp(moment: dt.datetime) -> int:
    if moment.tzinfo is None:
        raise ValueError("token times must be aware datetimes")
    return int(moment.timestamp())


class Tokens:
    """Issues and reads every kind of token under one secret."""

    def __init__(self, secret: str) -> None:
        self._serializers = {p: URLSafeSerializer(secret, salt=p.value) for p in Purpose}

    def issue(self, purpose: Purpose, data: dict[str, Any], expires: dt.datetime) -> str:
        return str(self._serializers[purpose].dumps({**data, "exp": _stamp(expires)}))

    def read(self, purpose: Purpose, token: str, now: dt.datetime) -> dict[str, Any]:
        """The payload of a valid token; LinkError when it is forged, altered, meant for
        another purpose, or expired at ``now``."""
        try:
            data = self._serializers[purpose].loads(token)
        except BadSignature:
            raise LinkError("liên kết không hợp lệ (sai chữ ký hoặc bị sửa)") from None
        if not isinstance(data, dict) or not isinstance(data.get("exp"), int):
            raise LinkError("liên kết không hợp lệ (nội dung lạ)")
        if data["exp"] < _stamp(now):
            expired = dt.datetime.fromtimestamp(data["exp"], dt.UTC)
            raise LinkError(f"liên kết đã hết hạn từ {vn.moment(expired)} UTC", expired=True)
        return data

    # --- progress links -----------------------------------------------------------------

    def progress_link(self, plan_id: str, unit_id: str, expires: dt.datetime) -> str:
        return self.issue(Purpose.PROGRESS, {"p": plan_id, "u": unit_id}, expires)

    def read_progress_link(self, token: str, now: dt.datetime) -> LinkScope:
        data = self.read(Purpose.PROGRESS, token, now)
        plan_id, unit_id = data.get("p"), data.get("u")
        if not isinstance(plan_id, str) or not isinstance(unit_id, str):
            raise LinkError("liên kết không hợp lệ (thiếu kế hoạch hoặc đơn vị)")
        return LinkScope(plan_id, unit_id, dt.datetime.fromtimestamp(data["exp"], dt.UTC))

    # --- calendar feeds ----------------------------------------------------------------

    def calendar_feed(self, plan_id: str, unit_id: str | None, expires: dt.datetime) -> str:
        return self.issue(Purpose.CALENDAR, {"p": plan_id, "u": unit_id}, expires)

    def read_calendar_feed(self, token: str, now: dt.datetime) -> FeedScope:
        data = self.read(Purpose.CALENDAR, token, now)
        plan_id, unit_id = data.get("p"), data.get("u")
        if not isinstance(plan_id, str) or not (unit_id is None or isinstance(unit_id, str)):
            raise LinkError("liên kết lịch không hợp lệ")
        return FeedScope(plan_id, unit_id)

    # --- CSRF ------------------------------------------------------------------------------

    def form_token(self, nonce: str, expires: dt.datetime) -> str:
        """A form token bound to the browser's CSRF cookie ``nonce`` (double submit, signed)."""
        return self.issue(Purpose.CSRF, {"n": nonce}, expires)

    def check_form_token(self, token: str, nonce: str | None, now: dt.datetime) -> None:
        """LinkError unless ``token`` is a valid form token minted for this cookie."""
        if not token or not nonce:
            raise LinkError("thiếu mã bảo vệ biểu mẫu")
        bound = self.read(Purpose.CSRF, token, now).get("n")
        if not isinstance(bound, str) or not hmac.compare_digest(bound, nonce):
            raise LinkError("mã bảo vệ biểu mẫu không khớp với trình duyệt này")


def new_nonce() -> str:
    return secrets.token_urlsafe(24)
