"""``planflow web`` (serve the web app with uvicorn) and ``planflow link`` (hand out a signed
progress link). FastAPI and uvicorn are imported only when ``web`` runs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated

import typer

from planflow import vnformat as vn
from planflow.cli.common import (
    AsOfOption,
    DefinitionsOption,
    JsonOption,
    console,
    definitions,
    err_console,
    handled,
    now,
    print_json,
    settings,
)
from planflow.errors import PlanflowError
from planflow.settings import Settings
from planflow.status import parse_as_of
from planflow.store.db import open_store
from planflow.sync.definitions import sync_definitions
from planflow.units import UnitIndex
from planflow.web.config import LinkMaker, link_maker, web_config

LOCAL_TIME = dt.timezone(dt.timedelta(hours=7))  # Asia/Ho_Chi_Minh has no daylight saving


def fixed_clock(text: str) -> Callable[[], dt.datetime]:
    """``--as-of`` for a server: a date means noon of that day (local time), so what is
    recorded lands inside that day; a datetime is taken as is."""
    value = parse_as_of(text)
    if isinstance(value, dt.datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=LOCAL_TIME)
    else:
        moment = dt.datetime.combine(value, dt.time(12), tzinfo=LOCAL_TIME)
    return lambda: moment


def web(
    host: Annotated[str, typer.Option("--host", help="Địa chỉ lắng nghe.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Cổng.", min=1, max=65535)] = 8000,
    as_of: AsOfOption = None,
    no_sync: Annotated[
        bool, typer.Option("--no-sync", help="Không đồng bộ định nghĩa khi khởi động.")
    ] = False,
    definitions_dir: DefinitionsOption = None,
) -> None:
    """Chạy ứng dụng web: biểu mẫu cập nhật tiến độ qua liên kết đã ký, bảng theo dõi, lịch hạn.

    Mặc định chỉ nghe trên 127.0.0.1. Trên địa chỉ khác phải đặt PLANFLOW_SECRET (ít nhất 32
    ký tự). Bảng theo dõi cần PLANFLOW_BOARD_PASSWORD. --as-of cố định "bây giờ" của máy chủ
    (để tập huấn, chạy thử).

    Ví dụ: planflow web --host 0.0.0.0 --port 8080
    """
    import uvicorn

    from planflow.web.app import create_app

    with handled():
        config = settings(definitions_dir)
        web_settings = web_config(config, host)
        defs = definitions(config)
        factory = open_store(config.effective_database_url)
        if not no_sync:
            with factory() as session, session.begin():
                sync_definitions(defs, None, session=session, now=now())
        clock = fixed_clock(as_of) if as_of else now
        app = create_app(web_settings, defs, factory, clock=clock)
        if web_settings.ephemeral_secret:
            err_console.print(
                "Chú ý: chưa đặt PLANFLOW_SECRET; dùng khóa tạm, liên kết trong thư sẽ không mở được."
            )
        if web_settings.board_password is None:
            err_console.print("Chú ý: chưa đặt PLANFLOW_BOARD_PASSWORD; bảng theo dõi tắt.")
        console.print(f"planflow web: http://{host}:{port}/ (dừng: Ctrl+C)")
    try:
        # X-Forwarded-* are read by the app, from PLANFLOW_TRUSTED_PROXIES only: uvicorn's own
        # default would believe any process on this machine.
        uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False, proxy_headers=False)
    finally:
        factory.kw["bind"].dispose()


def _maker(config: Settings) -> LinkMaker:
    """Links as e-mails carry them; without PLANFLOW_PUBLIC_URL, for a local server."""
    maker = link_maker(config)
    if maker is None:
        if config.secret is None:
            raise PlanflowError("chưa đặt PLANFLOW_SECRET: không ký được liên kết (xem docs/guide/web.md)")
        base = "http://127.0.0.1:8000"
        maker = link_maker(config.model_copy(update={"public_url": base}))
    if maker is None:
        raise PlanflowError("không tạo được liên kết: kiểm tra PLANFLOW_SECRET và PLANFLOW_PUBLIC_URL")
    return maker


def link(
    plan_id: Annotated[str, typer.Argument(metavar="PLAN", help="Id kế hoạch.")],
    unit: Annotated[str, typer.Option("--unit", help="Đơn vị (id hoặc tên) được cập nhật tiến độ.")],
    as_of: AsOfOption = None,
    definitions_dir: DefinitionsOption = None,
    as_json: JsonOption = False,
) -> None:
    """In liên kết đã ký để một đơn vị cập nhật tiến độ các nhiệm vụ mình chủ trì (không cần tài khoản).

    Liên kết dùng được PLANFLOW_LINK_DAYS ngày (mặc định 30), chỉ cho đơn vị đó và kế hoạch đó.
    Cần PLANFLOW_SECRET giống máy chủ web; địa chỉ lấy từ PLANFLOW_PUBLIC_URL.

    Ví dụ: planflow link loc-tan-2026 --unit phong-kinh-te
    """
    with handled():
        config = settings(definitions_dir)
        defs = definitions(config)
        plan = defs.plan(plan_id)
        found = UnitIndex(defs.directory_for(plan)).resolve(unit)
        unit_id = found.id
        maker = _maker(config)
        issued = fixed_clock(as_of)() if as_of else now()
        url = maker.progress(plan_id, unit_id, issued)
        expires = issued + dt.timedelta(days=maker.days)
        if as_json:
            print_json({"plan": plan_id, "unit": unit_id, "url": url, "expires": expires.isoformat()})
            return
        console.print(url, soft_wrap=True, markup=False)
        err_console.print(f"Dùng được đến {vn.moment(expires, LOCAL_TIME)} cho {found.name} ({unit_id}).")
