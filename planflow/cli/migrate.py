"""``planflow migrate``: bring the store's schema to this version of planflow (Alembic);
``planflow rebuild-state``: recompute the current state from the event log."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

import typer

from planflow import vnformat as vn
from planflow.cli.common import console, handled, session, settings
from planflow.errors import NotFoundError
from planflow.store.db import create_store_engine, current_revision
from planflow.store.db import migrate as upgrade
from planflow.store.models import PlanRow
from planflow.store.states import rebuild_states


def migrate() -> None:
    """Nâng cấp lược đồ cơ sở dữ liệu (Alembic) lên phiên bản của planflow đang cài.

    Lệnh nào mở cơ sở dữ liệu cũng tự nâng cấp; lệnh này làm việc đó một lần, rõ ràng, trước
    khi khởi động lại các worker. Chạy nhiều lần không sao.

    Ví dụ: planflow migrate
    """
    with handled():
        engine = create_store_engine(settings().effective_database_url)
        try:
            before = current_revision(engine)
            upgrade(engine)
            after = current_revision(engine)
        finally:
            engine.dispose()
        url = engine.url.render_as_string(hide_password=True)
        if before == after:
            console.print(f"{url}: lược đồ đã ở phiên bản mới nhất ({after}).")
        else:
            console.print(f"{url}: đã nâng cấp lược đồ {before or '(trống)'} → {after}.")


def rebuild_state(
    plan_id: Annotated[
        str | None, typer.Argument(metavar="[PLAN]", help="Id kế hoạch; bỏ trống: mọi kế hoạch.")
    ] = None,
) -> None:
    """Tính lại trạng thái hiện tại của từng lần thực hiện từ nhật ký tiến độ.

    Nhật ký tiến độ (chỉ thêm) là gốc; trạng thái hiện tại được ghi cùng lúc với mỗi lần
    ghi tiến độ và mỗi lần đồng bộ. Lệnh này dựng lại nó (một kế hoạch hoặc tất cả), chẳng
    hạn sau khi nạp tiến độ bằng công cụ khác. Chạy nhiều lần không sao.

    Ví dụ: planflow rebuild-state loc-tan-2025
    """
    with handled(), session(settings()) as s:
        if plan_id is not None and s.get(PlanRow, plan_id) is None:
            raise NotFoundError(
                f"kế hoạch '{plan_id}' chưa có trong cơ sở dữ liệu; chạy 'planflow sync' trước"
            )
        done = rebuild_states(None if plan_id is None else [plan_id], session=s)
        scope = f"kế hoạch {plan_id}" if plan_id is not None else f"{_n(done.plans)} kế hoạch"
        console.print(
            f"Đã tính lại trạng thái hiện tại của {_n(done.rows)} lần thực hiện thuộc {scope} "
            f"từ nhật ký tiến độ: {_n(done.changed)} dòng khác với trước"
            + (" (đã đúng, không có gì thay đổi)." if done.changed == 0 else ", đã sửa.")
        )


def _n(count: int) -> str:
    return vn.number(Decimal(count))
