"""``planflow notices``, ``outbox``, ``send`` and ``simulate``: the notices and their mail."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import typer
from rich.table import Table
from sqlalchemy.orm import Session, sessionmaker

from planflow import vnformat as vn
from planflow.cli.common import (
    AsOfOption,
    DefinitionsOption,
    JsonOption,
    add_columns,
    as_of_value,
    console,
    definitions,
    exit_with_error,
    handled,
    now,
    print_json,
    settings,
)
from planflow.cli.status import PlanArgument
from planflow.errors import PlanflowError
from planflow.notifications.delivery import backlog, failed_recipients, outbox_rows, requeue_dead
from planflow.notifications.notices import mail_config, run_check, send_outbox
from planflow.notifications.render import NOTICE_HEADINGS
from planflow.notifications.simulate import simulate as simulate_days
from planflow.settings import Settings
from planflow.status import parse_as_of
from planflow.store.db import opened_store
from planflow.store.models import OutboxRow
from planflow.store.notices import skipped_count


def _notice_table(title: str, notices: list[dict[str, Any]], send_examples: bool) -> Table:
    """The notices as their messages word them: the heading they stand under, the item
    (a report as a request), its due day and lateness in calendar days."""
    table = Table(title=title)
    add_columns(table, "Người nhận", "Mục", "Nội dung", "Hạn", "Địa chỉ")
    for n in notices:
        due = vn.day(dt.date.fromisoformat(str(n["due"]))) if n["due"] else vn.MISSING
        when = f"{due} ({n['lateness']})" if n["lateness"] else due
        address = ", ".join(n["emails"]) or "[red]không có địa chỉ[/]"
        if n["example"] and not send_examples:
            address += " [dim](ví dụ: không gửi)[/]"
        table.add_row(str(n["recipient_name"]), str(n["heading"]), str(n["item"]), when, address)
    return table


def print_muted(notices: list[dict[str, Any]], send_examples: bool) -> None:
    """One line naming the example plans whose notices are shown but not sent."""
    muted = sorted({str(n["plan"]) for n in notices if n["example"]})
    if muted and not send_examples:
        count = sum(1 for n in notices if n["example"])
        console.print(f"{count} thông báo của kế hoạch ví dụ {', '.join(muted)}: không gửi "
                      "(PLANFLOW_SEND_EXAMPLES=true để gửi).")  # fmt: skip


def headings_line(notices: list[dict[str, Any]]) -> str:
    """ "Quá hạn: 4, Sắp đến hạn: 9": the notices counted under the headings of the messages."""
    counts = Counter(str(n["heading"]) for n in notices)
    order = list(NOTICE_HEADINGS.values())
    return ", ".join(f"{h}: {counts[h]}" for h in sorted(counts, key=order.index)) or "không có"


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
        with opened_store(config.effective_database_url) as factory:
            outcome = run_check(definitions(config), factory, as_of_value(as_of), config=mail_config(config),
                                plan_ids=[plan_id] if plan_id else None, dry_run=True, now=now)  # fmt: skip
        data = outcome.plan.notices_json()
        if as_json:
            print_json({"as_of": outcome.plan.as_of.isoformat(), "notices": data,
                        "skipped": len(outcome.plan.skipped)})  # fmt: skip
            return
        console.print(_notice_table(f"Thông báo đến hạn ngày {vn.day(outcome.plan.as_of)}", data,
                                    config.send_examples))  # fmt: skip
        recipients = len({n["recipient"] for n in data})
        console.print(f"{len(data)} thông báo cho {recipients} người nhận (chưa gửi): {headings_line(data)}.")
        print_muted(data, config.send_examples)
        if outcome.plan.skipped:
            skipped = len(outcome.plan.skipped)
            console.print(f"{skipped} bước trước đó sẽ được bỏ qua (chạy bù: chỉ gửi bước mới nhất).")


ICT = ZoneInfo("Asia/Ho_Chi_Minh")


def _outbox_json(row: OutboxRow, attempts: int) -> dict[str, Any]:
    return {"id": row.id, "status": row.status, "recipient": row.recipient,
            "to": [a for _, a in row.to_addrs], "subject": row.subject, "attempts": attempts,
            "last_error": row.last_error,
            "next_attempt_at": row.next_attempt_at.isoformat() if row.next_attempt_at else None,
            "failed_recipients": failed_recipients(row), "message_id": row.message_id}  # fmt: skip


def _when(text: str | None) -> str:
    return vn.clock(dt.datetime.fromisoformat(text), ICT) if text else ""


def outbox(
    failed: Annotated[
        bool, typer.Option("--failed", help="Chỉ thư thất bại (thư chết, người nhận bị từ chối).")
    ] = False,
    retry: Annotated[
        bool, typer.Option("--retry", help="Gửi lại các thư thất bại (sau khi đã sửa nguyên nhân).")
    ] = False,
    ids: Annotated[
        list[int] | None, typer.Option("--id", help="Chỉ thư số này (dùng với --retry; lặp lại được).")
    ] = None,
    definitions_dir: DefinitionsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Hộp thư đi: thư chờ gửi, chờ gửi lại (kèm giờ gửi lại) và thất bại (kèm trả lời của máy chủ).

    --retry gửi lại các thư thất bại (sai mật khẩu SMTP, máy chủ từ chối…) sau khi đã sửa nguyên nhân.

    Ví dụ: planflow outbox --failed; planflow outbox --retry
    """
    with handled():
        config = settings(definitions_dir)
        with opened_store(config.effective_database_url) as factory:
            if retry:
                with factory() as session, session.begin():
                    armed, unaddressed = requeue_dead(session, ids=ids or ())
                if not as_json:
                    console.print(f"Gửi lại {armed} thư thất bại.")
                    if unaddressed:
                        console.print(
                            f"{unaddressed} thư không có địa chỉ e-mail: "
                            "bổ sung địa chỉ trong danh bạ đơn vị."
                        )
                _deliver_and_report(config, factory, as_json)
                return
            with factory() as session:
                data = [_outbox_json(row, count) for row, count in outbox_rows(session, failed_only=failed)]
                skipped = skipped_count(session=session)
        if as_json:
            print_json(data)
            return
        table = Table(title="Hộp thư đi")
        add_columns(table, "#", "Tình trạng", "Người nhận", "Tiêu đề", "Lần thử", "Gửi lại lúc", "Lỗi")
        for d in data:
            table.add_row(str(d["id"]), vn.OUTBOX_LABELS.get(d["status"], d["status"]),
                          ", ".join(d["to"]) or str(d["recipient"]), str(d["subject"]), str(d["attempts"]),
                          _when(d["next_attempt_at"]), str(d["last_error"] or ""))  # fmt: skip
        console.print(table)
        console.print(f"{len(data)} thư.")
        if skipped:
            console.print(f"{skipped} bước nhắc việc được bỏ qua khi chạy bù (đã ghi nhận, không gửi).")


def send(definitions_dir: DefinitionsOption = None, as_json: JsonOption = False) -> None:
    """Gửi mọi thư đang chờ trong hộp thư đi (và thư đến lượt gửi lại), từng đợt đến hết.

    Không có PLANFLOW_SMTP_URL thì thư được ghi thành file .eml trong PLANFLOW_HOME/outbox.
    Mã thoát 1 khi không gửi được thư nào.

    Ví dụ: planflow send
    """
    with handled():
        config = settings(definitions_dir)
        with opened_store(config.effective_database_url) as factory:
            _deliver_and_report(config, factory, as_json)


def _deliver_and_report(config: Settings, factory: sessionmaker[Session], as_json: bool) -> None:
    mail = mail_config(config)
    if not as_json:
        print_backlog(factory)
    report = send_outbox(factory, mail, now=now).as_json()
    if as_json:
        print_json({**report, "destination": mail.describe()})
    else:
        console.print(delivery_line(report, mail.describe()))
    fail_if_nothing_delivered(report)


def print_backlog(factory: sessionmaker[Session]) -> None:
    """Before a run: the messages earlier runs left waiting (a killed run's included)."""
    with factory() as session:
        left = backlog(session, now())
    if left.waiting:
        flight = (
            f" ({left.in_flight} thư đang gửi dở khi một lần chạy trước bị ngắt)" if left.in_flight else ""
        )
        console.print(f"Hộp thư đi còn {left.waiting} thư chờ gửi từ trước{flight}: gửi trong lần này.")
    if left.dead:
        console.print(
            f"{left.dead} thư thất bại (xem: planflow outbox --failed; gửi lại: planflow outbox --retry)."
        )


def delivery_line(report: Mapping[str, Any], where: str) -> str:
    partial = f" ({report['partial']} thư có người nhận bị từ chối)" if report.get("partial") else ""
    return (f"Đã gửi {report['sent']} thư{partial}, hoãn gửi lại {report['retried']}, "
            f"thất bại {report['failed']}, còn chờ {report['waiting']} — qua {where}.")  # fmt: skip


def fail_if_nothing_delivered(report: Mapping[str, Any]) -> None:
    """Exit 1 with one line when messages were tried and none got through."""
    tried = report["sent"] + report["retried"] + report["failed"]
    if not tried or report["sent"]:
        return
    then = ("sửa nguyên nhân rồi chạy 'planflow outbox --retry'" if report["failed"]
            else "thư sẽ được gửi lại tự động khi đến lượt ('planflow send')")  # fmt: skip
    exit_with_error(f"không gửi được thư nào trong {tried} thư: {report['cause']}; {then}.")


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
                f"--from {vn.day(first)} sau --to {vn.day(last)}; ngày đầu phải trước hoặc bằng ngày cuối"
            )
        if (last - first).days >= _SIMULATE_MAX_DAYS:
            raise PlanflowError(
                f"từ --from {vn.day(first)} đến --to {vn.day(last)} là {(last - first).days + 1} ngày; "
                f"mỗi lần chạy thử tối đa {_SIMULATE_MAX_DAYS} ngày"
            )
        with opened_store(config.effective_database_url) as factory:
            days = simulate_days(definitions(config), factory, first, last, config=mail_config(config),
                                 plan_ids=[plan_id] if plan_id else None)  # fmt: skip
        if as_json:
            print_json(
                [{"day": d.day.isoformat(), "messages": d.messages, "notices": d.notices} for d in days]
            )
            return
        for d in days:
            if d.notices:
                console.print(_notice_table(f"{vn.day(d.day)}: {d.messages} thư", d.notices,
                                            config.send_examples))  # fmt: skip
        every = [n for d in days for n in d.notices]
        total = sum(d.messages for d in days)
        console.print(f"Từ {vn.day(first)} đến {vn.day(last)}: {total} thư, "
                      f"{len(every)} thông báo ({headings_line(every)}); "
                      f"bước nhắc bỏ qua khi chạy bù: {sum(d.skipped for d in days)}.")  # fmt: skip
        print_muted(every, config.send_examples)


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
