"""What every command shares: options, settings, the store, errors turned into exit codes."""

from __future__ import annotations

import datetime as dt
import errno
import json
import sys
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn
from zoneinfo import ZoneInfo

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from planflow import vnformat as vn
from planflow.cli.terminal import no_color
from planflow.errors import DefinitionError, PlanflowError
from planflow.settings import Settings, load_settings
from planflow.status import parse_as_of, resolve_as_of
from planflow.store.db import opened_store, store_error

if TYPE_CHECKING:
    from planflow.loader import Definitions
    from planflow.schema import Plan


def make_console(*, stderr: bool = False, width: int | None = None) -> Console:
    """A rich console for the CLI's output; plain text when ``NO_COLOR`` is set."""
    plain = no_color()
    return Console(
        stderr=stderr,
        highlight=False,
        soft_wrap=True,
        width=width,
        no_color=plain,
        color_system=None if plain else "auto",
    )


console = make_console(width=None if sys.stdout.isatty() else 200)
err_console = make_console(stderr=True)

# The longest id kept on one line in a narrow table; a longer one folds onto the next line.
ID_WIDTH = 32


def add_columns(table: Table, *headers: str, right: Collection[str] = ()) -> None:
    """Add columns that fold or wrap their text rather than cut it with '…': a cut id
    (``loc-…``) no longer tells loc-tan-2025 from loc-tan-2026."""
    for header in headers:
        table.add_column(
            header, justify="right" if header in right else "left", overflow="fold", no_wrap=False
        )


def keep_whole(table: Table, index: int, ids: Iterable[str]) -> None:
    """Keep column ``index``'s ids (plan ids, occurrence keys, unit ids) on one line when the
    table must shrink: the other columns wrap instead (ids longer than ``ID_WIDTH`` fold)."""
    longest = max((len(i) for i in ids), default=0)
    table.columns[index].min_width = min(longest, ID_WIDTH) or None


DefinitionsOption = Annotated[
    Path | None,
    typer.Option(
        "--definitions",
        "-d",
        help="Thư mục định nghĩa (mặc định: PLANFLOW_DEFINITIONS hoặc ./definitions).",
        show_default=False,
    ),
]
AsOfOption = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help="Thời điểm xét: 2025-10-20, 20/10/2025 hoặc 2025-10-20T08:00 (mặc định: bây giờ).",
        show_default=False,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="In JSON (ổn định, cho máy đọc).")]


def exit_with_error(message: str, code: int = 1) -> NoReturn:
    err_console.print(f"[bold red]Lỗi:[/] {message}", markup=True)
    raise typer.Exit(code)


@contextmanager
def handled() -> Iterator[None]:
    """Turn planflow's errors into a message and exit code: never a traceback. This is the
    one place where the database's refusals (``store_error``) and the file system's become
    a message too, whichever command met them."""
    try:
        yield
    except DefinitionError as exc:
        for problem in exc.problems:
            err_console.print(str(problem), markup=False)
        raise typer.Exit(1) from None
    except PlanflowError as exc:
        exit_with_error(str(exc))
    except DBAPIError as exc:
        exit_with_error(str(store_error(exc, load_settings().effective_database_url)))
    except OSError as exc:
        exit_with_error(_os_message(exc))


def _os_message(exc: OSError) -> str:
    where = f" {exc.filename}" if exc.filename else ""
    if exc.errno == errno.ENOSPC:
        return f"không ghi được{where}: đĩa đầy; giải phóng chỗ trống rồi chạy lại"
    if exc.errno == errno.EROFS:
        return f"không ghi được{where}: ổ đĩa chỉ đọc; chọn thư mục khác hoặc đặt PLANFLOW_HOME"
    return f"không đọc/ghi được{where} ({exc.strerror or exc}); kiểm tra đường dẫn và quyền truy cập"


def settings(definitions: Path | None = None) -> Settings:
    return load_settings(definitions=definitions)


def definitions(config: Settings) -> Definitions:
    # The loader (YAML, the definition models) is imported by the commands that read
    # definitions, not by those that only read the store (``status --no-sync``).
    from planflow.loader import load_definitions

    return load_definitions(config.definitions, strict=config.strict)


@contextmanager
def session(config: Settings) -> Iterator[Session]:
    """A session on the store; committed when the block ends without error."""
    with opened_store(config.effective_database_url) as factory, factory() as s, s.begin():
        yield s


def as_of_value(text: str | None) -> dt.date | dt.datetime:
    return parse_as_of(text) if text else dt.datetime.now(dt.UTC)


def event_moment(text: str | None, plan: Plan, option: str = "--at") -> dt.datetime | None:
    """When a progress event given on the command line happened: a bare date means noon
    of that day (it happened that day). A day still to come, or more than a year before
    the plan's period (a mistyped year: 2100, 1900), is refused."""
    if not text:
        return None
    try:
        value = parse_as_of(text)
    except PlanflowError:
        raise PlanflowError(
            f"{option} '{text.strip()}' không hợp lệ; ghi dạng 2025-10-08, 08/10/2025 hoặc 2025-10-08T14:30"
        ) from None
    day = value.date() if isinstance(value, dt.datetime) else value
    today = now().astimezone(ZoneInfo(plan.timezone)).date()
    if day > today + dt.timedelta(days=1):
        raise PlanflowError(
            f"{option} '{text.strip()}': ngày {vn.day(day)} chưa tới; tiến độ chỉ ghi việc đã xảy ra "
            f"(hôm nay là {vn.day(today)})"
        )
    if day < plan.period.start - dt.timedelta(days=366):
        raise PlanflowError(
            f"{option} '{text.strip()}': ngày {vn.day(day)} trước kỳ kế hoạch hơn một năm (kế hoạch "
            f"bắt đầu {vn.day(plan.period.start)}); kiểm tra lại năm"
        )
    moment = resolve_as_of(value, plan.timezone).instant
    if len(text.strip()) <= 10:
        moment = moment.replace(hour=12, minute=0, second=0, microsecond=0)
    return moment


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2, default=str))
