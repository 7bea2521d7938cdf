"""``planflow notices``, ``outbox``, ``send`` and ``simulate``: the notices and their mail."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Annotated, Any

import typer
from rich.table import Table

from planflow.cli.common import (
    AsOfOption,
    DefinitionsOption,
    JsonOption,
    as_of_value,
    console,
    definitions,
    handled,
    now,
    print_json,
    settings,
)
from planflow.cli.status import PlanArgument
from planflow.errors import PlanflowError
from planflow.notifications.outbox import failed_or_pending
from planflow.notifications.service import mail_config, run_check, send_outbox
from planflow.notifications.simulate import simulate as simulate_days
from planflow.status import parse_as_of
from planflow.store.db import open_store


def _notice_table(title: str, notices: list[dict[str, Any]]) -> Table:
    table = Table(title=title)
    for column in ("Người nhận", "Nhiệm vụ / báo cáo", "Hạn", "Bước", "Địa chỉ"):
        table.add_column(column)
    for n in notices:
        due = dt.date.fromisoformat(str(n["due"])).strftime("%d/%m/%Y") if n["due"] else "—"
        address = ", ".join(n["emails"]) or "[red]không có địa chỉ[/]"
        table.add_row(str(n["recipient_name"]), str(n["title"]), due, str(n["step_label"]), address)
    return table


def notices(
    plan_id: PlanArgument = None,
    as_of: AsOfOption = None,
    definitions_dir: DefinitionsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Các thông báo nhắc việc / báo quá hạn sẽ gửi tại một thời điểm (không gửi, không ghi).

    Ví dụ: planflow notices --as-of 2025-10-24
    """
    with handled():
        config = settings(definitions_dir)
        factory = open_store(config.effective_database_url)
        outcome = run_check(definitions(config), factory, as_of_value(as_of), config=mail_config(config),
                            plan_ids=[plan_id] if plan_id else None, dry_run=True, now=now)  # fmt: skip
        data = outcome.plan.notices_json()
        if as_json:
            print_json({"as_of": outcome.plan.as_of.isoformat(), "notices": data})
            return
        console.print(_notice_table(f"Thông báo đến hạn ngày {outcome.plan.as_of:%d/%m/%Y}", data))
        recipients = len({n["recipient"] for n in data})
        console.print(f"{len(data)} thông báo cho {recipients} người nhận (chưa gửi).")


def outbox(
    failed: Annotated[bool, typer.Option("--failed", help="Chỉ thư gửi thất bại.")] = False,
    definitions_dir: DefinitionsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Hộp thư đi: thư chờ gửi, chờ gửi lại và thất bại (kèm trả lời của máy chủ).

    Ví dụ: planflow outbox --failed
    """
    with handled():
        config = settings(definitions_dir)
        factory = open_store(config.effective_database_url)
        with factory() as session:
            rows = failed_or_pending(session, failed_only=failed)
        data: list[dict[str, Any]] = [
            {"id": r.id, "status": r.status, "recipient": r.recipient, "to": [a for _, a in r.to_addrs],
             "subject": r.subject, "attempts": r.attempts, "last_error": r.last_error,
             "next_attempt_at": r.next_attempt_at.isoformat() if r.next_attempt_at else None,
             "message_id": r.message_id}
            for r in rows
        ]  # fmt: skip
        if as_json:
            print_json(data)
            return
        table = Table(title="Hộp thư đi")
        for column in ("#", "Tình trạng", "Người nhận", "Tiêu đề", "Lần thử", "Lỗi"):
            table.add_column(column)
        for d in data:
            table.add_row(str(d["id"]), str(d["status"]), ", ".join(d["to"]) or str(d["recipient"]),
                          str(d["subject"]), str(d["attempts"]), str(d["last_error"] or ""))  # fmt: skip
        console.print(table)
        console.print(f"{len(data)} thư.")


def send(definitions_dir: DefinitionsOption = None, as_json: JsonOption = False) -> None:
    """Gửi các thư đang chờ trong hộp thư đi (và thư đến lượt gửi lại).

    Không có PLANFLOW_SMTP_URL thì thư được ghi thành file .eml trong PLANFLOW_HOME/outbox.

    Ví dụ: planflow send
    """
    with handled():
        config = settings(definitions_dir)
        mail = mail_config(config)
        report = send_outbox(open_store(config.effective_database_url), mail, now=now)
        if as_json:
            print_json({**report.as_json(), "destination": mail.describe()})
            return
        console.print(f"Đã gửi {report.sent} thư, chờ gửi lại {report.retried}, thất bại {report.failed} "
                      f"— qua {mail.describe()}.")  # fmt: skip


def simulate(
    plan_id: PlanArgument = None,
    start: Annotated[str, typer.Option("--from", help="Ngày đầu, vd. 2025-10-01.")] = "",
    end: Annotated[str, typer.Option("--to", help="Ngày cuối, vd. 2025-10-31.")] = "",
    definitions_dir: DefinitionsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Chạy thử từng ngày trên một bản sao tạm của dữ liệu: in mọi thông báo sẽ gửi mỗi ngày.

    Không ghi gì vào cơ sở dữ liệu thật, không gửi thư.

    Ví dụ: planflow simulate loc-tan-2025 --from 2025-10-01 --to 2025-10-31
    """
    with handled():
        config = settings(definitions_dir)
        first, last = _day(start, "--from"), _day(end, "--to")
        if first > last:
            raise PlanflowError(
                f"--from {first:%d/%m/%Y} sau --to {last:%d/%m/%Y}; ngày đầu phải trước hoặc bằng ngày cuối"
            )
        if (last - first).days >= _SIMULATE_MAX_DAYS:
            raise PlanflowError(
                f"từ --from {first:%d/%m/%Y} đến --to {last:%d/%m/%Y} là {(last - first).days + 1} ngày; "
                f"mỗi lần chạy thử tối đa {_SIMULATE_MAX_DAYS} ngày"
            )
        days = simulate_days(definitions(config), open_store(config.effective_database_url), first, last,
                             config=mail_config(config), plan_ids=[plan_id] if plan_id else None)  # fmt: skip
        if as_json:
            print_json(
                [{"day": d.day.isoformat(), "messages": d.messages, "notices": d.notices} for d in days]
            )
            return
        for d in days:
            if d.notices:
                console.print(_notice_table(f"{d.day:%d/%m/%Y}: {d.messages} thư", d.notices))
        steps = Counter(str(n["step"]) for d in days for n in d.notices)
        total = sum(d.messages for d in days)
        by_step = dict(sorted(steps.items()))
        console.print(f"Từ {first:%d/%m/%Y} đến {last:%d/%m/%Y}: {total} thư, "
                      f"{sum(steps.values())} thông báo; theo bước: {by_step}")  # fmt: skip


_SIMULATE_MAX_DAYS = 731
"""Two years of days: each simulated day runs a whole check."""


def _day(text: str, option: str) -> dt.date:
    if not text:
        raise PlanflowError(f"thiếu {option} (vd. 2025-10-01)")
    try:
        value = parse_as_of(text)
    except PlanflowError:
        raise PlanflowError(
            f"{option} '{text.strip()}' không hợp lệ; ghi dạng 2025-10-01 hoặc 01/10/2025"
        ) from None
    return value.date() if isinstance(value, dt.datetime) else value
