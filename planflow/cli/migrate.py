"""``planflow migrate``: bring the store's schema to this version of planflow (Alembic)."""

from __future__ import annotations

from planflow.cli.common import console, handled, settings
from planflow.store.db import create_store_engine, current_revision
from planflow.store.db import migrate as upgrade


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
