"""Downloads of the work list as the page shows it: the same query string (filters, search,
sort) gives the same rows in the same order.

- ``items.xlsx``: the appendix layout of ``planflow export`` (``planflow.exports.xlsx``),
  so the file can be filled in and read back with ``planflow import-progress``;
- ``items.csv``: UTF-8 with a byte-order mark (Excel then reads the Vietnamese right),
  Vietnamese headers; a cell that a spreadsheet would run as a formula starts with ``'``.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from collections.abc import Sequence
from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from starlette.responses import Response

from planflow.accounts import Role
from planflow.check.plans import plan_status
from planflow.errors import NotFoundError
from planflow.exports.xlsx import export_workbook
from planflow.web.access import current_viewer, reachable_plan
from planflow.web.board_routes import visible_status
from planflow.web.context import state
from planflow.web.worklist import WorkFilter, WorkItem, select, work_items

router = APIRouter()
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_HEADERS = (
    "TT",
    "Nhiệm vụ",
    "Mục",
    "Đơn vị chủ trì",
    "Đơn vị phối hợp",
    "Kỳ",
    "Hạn",
    "Tình trạng",
    "Tiến độ (%)",
    "Mã (không sửa)",
)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_START) else text


def work_csv(items: Sequence[WorkItem]) -> bytes:
    """The rows as CSV for Excel: BOM, comma-separated, CRLF line ends."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADERS)
    for n, i in enumerate(items, start=1):
        percent = "" if i.percent is None else str(i.percent)
        row = (
            i.label or str(n),
            i.title,
            i.section,
            i.lead,
            i.support,
            i.period,
            i.due_text,
            i.text,
            percent,
            i.key,
        )
        writer.writerow([_cell(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _download(body: bytes, media: str, name: str) -> Response:
    return Response(body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/board/{plan_id}/items.{fmt}")
def export_items(plan_id: str, fmt: str, request: Request) -> Response:
    """The work list's rows for the query string, as xlsx or csv."""
    web = state(request)
    viewer = current_viewer(request, web)
    if isinstance(viewer, Response):
        return viewer
    plan = reachable_plan(viewer, web, plan_id)
    if fmt not in ("xlsx", "csv"):
        raise NotFoundError(f"không có danh sách dạng '.{fmt}'; tải items.xlsx hoặc items.csv")
    view = WorkFilter.from_query(parse_qs(request.url.query))
    names = web.unit_names(plan)
    with web.factory() as session:
        status = visible_status(viewer, plan_status(plan_id, web.clock(), session=session))
    shown = select(work_items(status, plan, names, lambda _: True), view, status.as_of.day)
    name = f"{plan_id}-{status.as_of.day:%Y%m%d}-danh-sach-viec.{fmt}"
    if fmt == "csv":
        return _download(work_csv(shown), "text/csv; charset=utf-8", name)
    by_key = {i.key: i for i in status.items}
    chosen = dataclasses.replace(status, items=[by_key[i.key] for i in shown])
    unit = viewer.unit_id if viewer.role is Role.OFFICER else None
    book = export_workbook(chosen, plan, names, unit_id=unit, now=web.clock())
    buffer = io.BytesIO()
    book.save(buffer)
    return _download(buffer.getvalue(), XLSX, name)
