"""Rendering pages: one Jinja environment (autoescaped, strict), and the error pages every
route shares. A page never shows a traceback: errors become a Vietnamese explanation of
what happened and what to do."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from starlette.responses import HTMLResponse

from planflow import vnformat as vn


def field_id(name: str) -> str:
    """An HTML id for a form field name such as ``t:ty-le`` or ``f:so-hoa/ty-le``."""
    return re.sub(r"[^A-Za-z0-9_-]", "-", name)


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("planflow.web", "templates"),
        autoescape=select_autoescape(["html.j2", "svg.j2"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(vn.FILTERS)
    env.filters["fid"] = field_id
    return env


def page(name: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
    html = environment().get_template(name).render(context)
    return HTMLResponse(html, status_code=status)


def error_page(status: int, heading: str, message: str, advice: str = "") -> HTMLResponse:
    return page("error.html.j2", {"heading": heading, "message": message, "advice": advice}, status)


LINK_ADVICE = (
    "Hãy mở lại đúng liên kết trong thư nhắc việc mới nhất (liên kết có thể bị cắt mất một phần "
    "khi sao chép), hoặc đề nghị cơ quan thường trực của kế hoạch gửi liên kết mới."
)
EXPIRED_ADVICE = (
    "Liên kết trong thư chỉ dùng được một thời gian. Hãy mở thư nhắc việc mới nhất, hoặc đề nghị "
    "cơ quan thường trực của kế hoạch gửi liên kết mới."
)


def sentence(message: str) -> str:
    """An error message as a sentence on a page: capital first letter, a full stop."""
    message = message.strip()
    return message[:1].upper() + message[1:] + ("" if message.endswith((".", "?", "!")) else ".")


def link_error_page(message: str, *, expired: bool) -> HTMLResponse:
    if expired:
        return error_page(410, "Liên kết đã hết hạn", sentence(message), EXPIRED_ADVICE)
    return error_page(403, "Liên kết không hợp lệ", sentence(message), LINK_ADVICE)


def too_large_page(limit_bytes: int) -> HTMLResponse:
    return error_page(
        413,
        "Tệp gửi lên quá lớn",
        f"Nội dung gửi lên vượt quá {limit_bytes // 1048576} MB.",
        "Hãy nén hoặc chụp lại tệp minh chứng với dung lượng nhỏ hơn rồi gửi lại.",
    )


def server_error_page() -> HTMLResponse:
    return error_page(
        500,
        "Máy chủ gặp lỗi",
        "Yêu cầu chưa được xử lý; không có gì bị ghi dở.",
        "Thử lại sau ít phút; nếu vẫn lỗi, báo cho cơ quan thường trực.",
    )
