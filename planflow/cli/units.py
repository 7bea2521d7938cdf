"""``planflow units``: bring many communes' unit directories in from one spreadsheet."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from planflow.cli.common import DefinitionsOption, console, handled, settings
from planflow.onboarding.directories import DirectoryChange, plan_import, write_changes
from planflow.onboarding.sheet import read_rows
from planflow.onboarding.template import write_template

units_app = typer.Typer(
    help="Danh mục đơn vị: nhập nhiều xã từ một bảng tính, tạo bảng tính mẫu.",
    no_args_is_help=True,
    add_completion=False,
)

_STATES = {"created": "tạo mới", "updated": "cập nhật", "unchanged": "không đổi"}


@units_app.command("import")
def import_units(
    path: Annotated[Path, typer.Argument(metavar="FILE", help="Bảng tính .xlsx hoặc .csv (UTF-8).")],
    definitions_dir: DefinitionsOption = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Chỉ cho xem những gì sẽ thay đổi, không ghi file nào.")
    ] = False,
) -> None:
    """Tạo hoặc cập nhật danh mục đơn vị (definitions/units/<xã>.yaml) của nhiều xã từ một
    bảng tính: mỗi dòng một đơn vị (xã, mã, tên, loại, quan hệ, người đứng đầu, e-mail,
    tên khác).

    Kiểm tra mọi ô trước, báo lỗi theo ô (Đơn vị!E7); có lỗi thì không ghi file nào. Đơn vị
    đã có mà bảng không nhắc tới được giữ nguyên; ô trống không thay đổi giá trị đã có.

    Ví dụ: planflow units import don-vi.xlsx --dry-run
    """
    with handled():
        config = settings(definitions_dir)
        _, rows = read_rows(path)
        changes = plan_import(rows, config.definitions, str(path))
        for change in changes:
            console.print(_line(change), markup=False)
            for detail in change.details:
                console.print(f"  {detail}", markup=False)
        if dry_run:
            console.print("Chạy thử (--dry-run): chưa ghi file nào; bỏ --dry-run để ghi.")
            return
        written = write_changes(changes)
        if written:
            console.print(f"Đã ghi {written} file trong {config.definitions / 'units'}.")
        else:
            console.print("Không có gì thay đổi; không ghi file nào.")


@units_app.command("template")
def template(
    output: Annotated[Path, typer.Option("--output", "-o", help="File .xlsx sẽ ghi.")] = Path(
        "mau-don-vi.xlsx"
    ),
) -> None:
    """Ghi bảng tính mẫu để nhập danh mục đơn vị: trang "Đơn vị" (tiêu đề cột, hai dòng ví
    dụ) và trang "Hướng dẫn" (mỗi cột ghi gì, các loại đơn vị và quan hệ).

    Ví dụ: planflow units template -o mau-don-vi.xlsx
    """
    with handled():
        write_template(output)
        console.print(f"Đã ghi {output}")


def _line(change: DirectoryChange) -> str:
    parts = []
    if change.added:
        parts.append(f"{len(change.added)} đơn vị mới ({', '.join(change.added)})")
    if change.changed:
        parts.append(f"{len(change.changed)} đơn vị sửa ({', '.join(change.changed)})")
    if change.kept:
        parts.append(f"{change.kept} giữ nguyên")
    detail = f": {'; '.join(parts)}" if parts else ""
    return f"{change.name} ({change.directory_id}, {change.path}): {_STATES[change.state]}{detail}"
