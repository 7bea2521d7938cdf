"""``planflow reports`` and ``planflow report build|send|template``."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from planflow import vnformat as vn
from planflow.cli.common import (
    AsOfOption,
    DefinitionsOption,
    JsonOption,
    add_columns,
    as_of_value,
    console,
    definitions,
    err_console,
    handled,
    keep_whole,
    now,
    print_json,
    session,
    settings,
)
from planflow.cli.status import PlanArgument
from planflow.errors import PlanflowError
from planflow.flows.results import AssembleReportsResult
from planflow.reports.cycle import ReportState
from planflow.reports.duties import ReportDuty, report_duties, split_report_ref
from planflow.status import resolve_as_of
from planflow.store.db import opened_store
from planflow.store.repo import plan_ids
from planflow.sync.definitions import sync_definitions

report_app = typer.Typer(
    help="Báo cáo bắt buộc: lập dự thảo, xuất file, ghi nhận đã gửi.",
    no_args_is_help=True,
)

ReportRef = Annotated[
    str, typer.Argument(metavar="PLAN/REPORT", help="Kế hoạch/báo cáo, ví dụ loc-tan-2026/bao-cao-dinh-ky.")
]
PeriodOption = Annotated[
    str | None,
    typer.Option("--period", help="Kỳ báo cáo: 2026-Q1, 2026-H1, 2026, 2026-03 (bỏ qua nếu chỉ có một kỳ)."),
]

STATE_CHOICES = "; ".join(f"{s.value} ({s.label})" for s in ReportState)
"""What ``--state`` takes, each value with the label the table shows for it."""

STATE_STYLE = {
    ReportState.SENT: "green",
    ReportState.SENT_LATE: "yellow",
    ReportState.OVERDUE: "bold red",
    ReportState.ASSEMBLING: "cyan",
}


def reports(
    plan_id: PlanArgument = None,
    as_of: AsOfOption = None,
    definitions_dir: DefinitionsOption = None,
    as_json: JsonOption = False,
    state: Annotated[
        str | None,
        typer.Option("--state", help="Chỉ trạng thái này: " + STATE_CHOICES + "."),
    ] = None,
) -> None:
    """Các kỳ báo cáo bắt buộc: kỳ, ngày bắt đầu lập dự thảo, hạn gửi, trạng thái.

    Ví dụ: planflow reports loc-tan-2026 --as-of 2026-04-07
    """
    with handled():
        config = settings(definitions_dir)
        defs = definitions(config)
        moment = as_of_value(as_of)
        with session(config) as s:
            sync_definitions(defs, [plan_id] if plan_id else None, session=s, now=now())
            ids = [plan_id] if plan_id else plan_ids(session=s)
            duties = report_duties(defs, ids, moment, session=s)
        if state is not None:
            if state not in {s.value for s in ReportState}:
                raise PlanflowError(f"--state '{state}' không hợp lệ; chọn: {STATE_CHOICES}")
            duties = [d for d in duties if d.state.value == state]
        if as_json:
            print_json({"reports": [d.as_json() for d in duties]})
            return
        console.print(_table(duties))


def _table(duties: list[ReportDuty]) -> Table:
    table = Table(title="Báo cáo bắt buộc")
    add_columns(table, "Báo cáo", "Kỳ", "Số liệu", "Lập từ", "Hạn gửi", "Đơn vị gửi", "Trạng thái", "Bản")
    keep_whole(table, 0, (f"{d.plan.id}/{d.report.id}" for d in duties))
    for d in duties:
        w = d.window
        inputs = f"{d.inputs_received}/{d.inputs_total}" if d.inputs_total else "—"
        if d.inputs_state is not None and d.inputs_received < d.inputs_total:
            inputs += f" ({d.inputs_state.label.lower()})"  # the worst input, as the board shows it
        style = STATE_STYLE.get(d.state, "")
        state = f"[{style}]{d.state.label}[/]" if style else d.state.label
        versions = f"{d.latest_version or 0}" + (f" (gửi bản {d.final_version})" if d.final_version else "")
        table.add_row(
            f"{d.plan.id}/{d.report.id}", vn.cycle_label(d.item.facts.period, d.item.facts.timing),
            f"{vn.day(w.data_from)}–{vn.day(w.data_to)}", vn.day(w.assemble_from), vn.day(w.due),
            inputs, state, versions,
        )  # fmt: skip
    return table


@report_app.command("build")
def build(
    ref: ReportRef,
    period: PeriodOption = None,
    as_of: AsOfOption = None,
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="md, html, docx hoặc pdf (cần LibreOffice).")
    ] = "md",
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="File kết quả (mặc định: in ra màn hình, trừ docx và pdf)."),
    ] = None,
    template: Annotated[
        Path | None, typer.Option("--template", help="Mẫu Word (.docx) thay cho mẫu mặc định.")
    ] = None,
    unit: Annotated[
        str | None,
        typer.Option("--unit", help="Báo cáo riêng của một đơn vị gửi cho báo cáo này (id hoặc tên)."),
    ] = None,
    definitions_dir: DefinitionsOption = None,
) -> None:
    """Lập một báo cáo tại thời điểm xét, không lưu và không gửi.

    Ví dụ: planflow report build loc-tan-2026/bao-cao-dinh-ky --period 2026-Q1 --as-of 2026-04-07 \
    --format pdf -o bc-quy1.pdf
    """
    from planflow.reports.assembly import build_files

    with handled():
        if fmt not in ("md", "html", "docx", "pdf"):
            raise PlanflowError(f"--format '{fmt}' không hỗ trợ; chọn md, html, docx hoặc pdf")
        if fmt in ("docx", "pdf") and output is None:
            raise PlanflowError(f"bản {fmt} cần --output, ví dụ -o bao-cao.{fmt}")
        if template is not None and not template.is_file():
            raise PlanflowError(f"không thấy mẫu Word '{template}'")
        config = settings(definitions_dir)
        defs = definitions(config)
        plan_id, report_id = split_report_ref(ref)
        with opened_store(config.effective_database_url) as factory:
            moment = as_of_value(as_of)
            files = build_files(defs, factory, plan_id, report_id, period, moment, [fmt], template, unit)
        content = files[0][1]
        if output is None:
            print(content.decode(), end="")
            return
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_bytes(content)
        err_console.print(f"Đã ghi {output} ({vn.number(len(content))} byte).")


@report_app.command("send")
def send(
    ref: ReportRef,
    period: PeriodOption = None,
    at: Annotated[
        str | None, typer.Option("--at", help="Ngày gửi (mặc định: bây giờ), cũng là lúc chốt nội dung.")
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help="Ghi chú: số văn bản, người ký…")] = None,
    no_deliver: Annotated[bool, typer.Option("--no-deliver", help="Chỉ xếp thư vào hàng đợi.")] = False,
    definitions_dir: DefinitionsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Ghi nhận báo cáo đã hoàn thiện và gửi: bản cuối được lưu, gửi e-mail kèm file cho nơi nhận,
    và báo cáo ra khỏi thang nhắc việc.

    Ví dụ: planflow report send loc-tan-2026/bao-cao-dinh-ky --period 2026-Q1 --at 2026-04-09 \
    --note "Số 12/BC-UBND"
    """
    from planflow.notifications.notices import mail_config
    from planflow.reports.assembly import send_report

    with handled():
        config = settings(definitions_dir)
        defs = definitions(config)
        plan_id, report_id = split_report_ref(ref)
        with opened_store(config.effective_database_url) as factory:
            result, delivery = send_report(
                defs, factory, plan_id, report_id, period, as_of_value(at), config=mail_config(config),
                now=now, note=note, deliver_now=not no_deliver,
            )  # fmt: skip
        if as_json:
            print_json({"report": result.as_json(), "delivery": delivery.as_json() if delivery else None})
            return
        console.print(f"Đã ghi nhận gửi {result.key} (bản {result.version}).")
        if delivery is not None:
            console.print(f"Thư: đã gửi {delivery.sent}, thử lại {delivery.retried}, lỗi {delivery.failed}.")


@report_app.command("template")
def template_cmd(
    output: Annotated[Path, typer.Option("--output", "-o", help="Nơi ghi bản sao mẫu Word.")],
) -> None:
    """Chép mẫu báo cáo Word mặc định để sửa trong Word; đặt bản đã sửa tại
    <định nghĩa>/templates/report.docx để dùng cho mọi báo cáo.

    Ví dụ: planflow report template -o definitions/templates/report.docx
    """
    from planflow.reports.docx_template import PACKAGED

    with handled():
        output.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(PACKAGED, output)
        err_console.print(f"Đã chép mẫu vào {output}.")


@report_app.command("assemble")
def assemble(
    plan_id: PlanArgument = None,
    as_of: AsOfOption = None,
    definitions_dir: DefinitionsOption = None,
    as_json: JsonOption = False,
    verbose: Annotated[bool, typer.Option("--verbose", help="Hiện nhật ký Prefect.")] = False,
) -> None:
    """Lập dự thảo các báo cáo đã đến kỳ (luồng Prefect assemble_reports): lưu phiên bản mới khi
    nội dung đổi, gửi dự thảo kèm file cho đơn vị tổng hợp.

    Ví dụ: planflow report assemble --as-of 2026-04-07
    """
    from planflow.cli.check import flow_result, local_prefect

    with handled():
        config = settings(definitions_dir)
        params_as_of = as_of_value(as_of)
        with local_prefect(config, verbose, plan_id) as runs:
            from planflow.flows.assemble_reports import AssembleReportsParams, assemble_reports

            params = AssembleReportsParams(
                as_of=params_as_of, definitions=str(config.definitions), plans=[plan_id] if plan_id else []
            )
            state = assemble_reports(params, return_state=True)
            result = flow_result(state, runs, "assemble_reports", AssembleReportsResult)
        if as_json:
            print_json(result.model_dump(mode="json"))
            return
        print_assembled(result)


def print_assembled(result: AssembleReportsResult) -> None:
    """The reports an assembly run drafted: due day, state (the duty's label), versions."""
    table = Table(title="Lập dự thảo báo cáo (luồng Prefect assemble_reports)")
    add_columns(table, "Báo cáo", "Hạn gửi", "Trạng thái", "Bản", "Bản mới", "Đã gửi thư", "Lỗi")
    keep_whole(table, 0, (r.key for r in result.reports))
    for r in result.reports:
        due = dt.date.fromisoformat(r.due) if r.due else None
        table.add_row(r.key, vn.day(due), r.state, str(r.version or "—"), "có" if r.new_version else "không",
                      "có" if r.mailed else "không", r.error or "")  # fmt: skip
    console.print(table)
    if not result.reports:
        console.print("Không có báo cáo nào đến kỳ lập dự thảo.")


@report_app.command("monitor")
def monitor_cmd(
    plan_id: Annotated[str, typer.Argument(metavar="PLAN", help="Kế hoạch cấp trên (có kế hoạch cấp dưới).")],
    as_of: AsOfOption = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, csv hoặc xlsx.")] = "table",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File kết quả (bắt buộc với xlsx).")
    ] = None,
    definitions_dir: DefinitionsOption = None,
) -> None:
    """Phân loại Xanh/Vàng/Đỏ các kế hoạch cấp dưới và đơn vị chủ trì tại một ngày, và tỷ lệ xanh.

    Ví dụ: planflow report monitor dong-nai-99-2025 --as-of 2025-10-31 -f xlsx -o phan-loai.xlsx
    """
    from planflow.check.monitor import monitor, to_csv, to_xlsx

    with handled():
        if fmt not in ("table", "csv", "xlsx"):
            raise PlanflowError(f"--format '{fmt}' không hỗ trợ; chọn table, csv hoặc xlsx")
        if fmt == "xlsx" and output is None:
            raise PlanflowError("bản xlsx cần --output, ví dụ -o phan-loai.xlsx")
        config = settings(definitions_dir)
        defs = definitions(config)
        moment = as_of_value(as_of)
        ids = [i for i in sorted(defs.plans) if i == plan_id or defs.plan(i).parent_plan == plan_id]
        with session(config) as s:
            sync_definitions(defs, ids, session=s, now=now())
            day = resolve_as_of(moment, defs.plan(plan_id).timezone).day
            view = monitor(defs, plan_id, day, session=s)
        if fmt == "table":
            table = Table(title=f"Phân loại ngày {vn.day(view.day)} — tỷ lệ xanh {view.green_share}")
            add_columns(table, "Kế hoạch", "Đơn vị", "Đến hạn", "Hoàn thành", "Quá hạn", "Phân loại")
            keep_whole(table, 0, (r.plan_id for r in view.rows if not r.unit))
            for r in view.rows:
                table.add_row(r.plan_id if not r.unit else "", r.unit or r.issuer, str(r.due), str(r.done),
                              str(r.late), r.colour.label)  # fmt: skip
            console.print(table)
            return
        content = to_csv(view) if fmt == "csv" else to_xlsx(view)
        if output is None:
            print(content.decode("utf-8-sig"), end="")
            return
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_bytes(content)
        err_console.print(f"Đã ghi {output} ({vn.number(len(content))} byte).")
