"""``planflow user``: board accounts (add, list, disable, reset). Passwords are asked for
twice without echo; the store keeps only their Argon2 hash."""

from __future__ import annotations

from typing import Annotated

import typer

from planflow.accounts import Role, disable_account, new_account, reset_password
from planflow.cli.common import (
    DefinitionsOption,
    JsonOption,
    console,
    definitions,
    handled,
    now,
    print_json,
    session,
    settings,
)
from planflow.store.accounts import all_accounts

users_app = typer.Typer(
    help="Tài khoản bảng theo dõi: thêm, liệt kê, khoá, đặt lại mật khẩu.", no_args_is_help=True
)

ROLE_HELP = "; ".join(f"{r.value} ({r.label})" for r in Role) + "."
"""What ``--role`` takes, each value with the label the board shows for it."""

PasswordOption = Annotated[
    str,
    typer.Option("--password", prompt="Mật khẩu", hide_input=True, confirmation_prompt=True,
                 help="Mật khẩu (ít nhất 10 ký tự); bỏ trống để được hỏi, không hiện trên màn hình."),
]  # fmt: skip


@users_app.command("add")
def add(
    username: Annotated[str, typer.Argument(help="Tên đăng nhập (một từ).")],
    role: Annotated[Role, typer.Option("--role", help=ROLE_HELP)],
    directory: Annotated[str, typer.Option("--directory", help="Danh mục đơn vị (xã hoặc tỉnh).")],
    password: PasswordOption,
    unit: Annotated[str | None, typer.Option("--unit", help="Đơn vị của cán bộ (vai trò officer).")] = None,
    name: Annotated[str, typer.Option("--name", help="Họ tên hiển thị.")] = "",
    definitions_dir: DefinitionsOption = None,
) -> None:
    """Thêm một tài khoản bảng theo dõi, gắn với một danh mục đơn vị.

    Vai trò: officer (cán bộ một đơn vị: thấy và cập nhật nhiệm vụ của đơn vị mình), standing
    (cơ quan thường trực), leader (lãnh đạo, chỉ xem), reviewer (chuyên viên cấp tỉnh, chỉ xem
    kế hoạch của tỉnh và của các xã thực hiện). Khi đã có tài khoản, đăng nhập chung
    PLANFLOW_BOARD_USER không còn dùng được.

    Ví dụ: planflow user add lan.vhxh --role officer --directory loc-tan --unit "Phòng VH-XH"
    """
    with handled():
        config = settings(definitions_dir)
        defs = definitions(config)
        with session(config) as s:
            row = new_account(username, name, role, directory, unit, password, defs, session=s, now=now())
        where = f", đơn vị {row.unit_id}" if row.unit_id else ""
        console.print(f"Đã thêm tài khoản {row.username} ({role.label}, danh mục {row.directory_id}{where}).")


@users_app.command("list")
def list_(json_output: JsonOption = False) -> None:
    """Liệt kê các tài khoản bảng theo dõi (không bao giờ in mật khẩu hay mã băm).

    Ví dụ: planflow user list --json
    """
    with handled(), session(settings()) as s:
        rows = [
            {"username": r.username, "name": r.display_name, "role": r.role, "directory": r.directory_id,
             "unit": r.unit_id, "active": r.disabled_at is None}
            for r in all_accounts(session=s)
        ]  # fmt: skip
    if json_output:
        print_json(rows)
        return
    if not rows:
        console.print("Chưa có tài khoản nào (bảng theo dõi dùng đăng nhập chung PLANFLOW_BOARD_USER).")
    for r in rows:
        state = "" if r["active"] else " — đã khoá"
        unit = f" / {r['unit']}" if r["unit"] else ""
        console.print(
            f"{r['username']}: {r['name']}, {Role(str(r['role'])).label}, {r['directory']}{unit}{state}"
        )


@users_app.command("disable")
def disable(username: Annotated[str, typer.Argument(help="Tên đăng nhập.")]) -> None:
    """Khoá một tài khoản và kết thúc ngay mọi phiên đăng nhập của nó.

    Ví dụ: planflow user disable lan.vhxh
    """
    with handled(), session(settings()) as s:
        ended = disable_account(username, session=s, now=now())
    console.print(f"Đã khoá tài khoản {username.strip().casefold()}; kết thúc {ended} phiên đăng nhập.")


@users_app.command("reset")
def reset(username: Annotated[str, typer.Argument(help="Tên đăng nhập.")], password: PasswordOption) -> None:
    """Đặt lại mật khẩu (mở khoá nếu tài khoản đang bị khoá); các phiên cũ kết thúc.

    Ví dụ: planflow user reset lan.vhxh
    """
    with handled(), session(settings()) as s:
        ended = reset_password(username, password, session=s, now=now())
    console.print(f"Đã đặt lại mật khẩu của {username.strip().casefold()}; kết thúc {ended} phiên đăng nhập.")
