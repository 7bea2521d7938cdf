"""The ``planflow`` command line.

Each command's module is imported when that command runs, not before: ``planflow status``
must start in well under a second, and importing every command (the web server, the
document importer, the Excel and Word libraries, the mail templates) costs more than
that. ``planflow --help`` imports them all, to show each one's help.
"""

from __future__ import annotations

import importlib
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from planflow.cli import vi
from planflow.cli.terminal import apply_no_color
from planflow.errors import PlanflowError
from planflow.logs import cli_level, configure_cli

# One line per command: its name and where it is defined ("module:function", or a Typer
# app for a group of subcommands). Listed in this order by ``planflow --help``.
COMMANDS = {
    "validate": "planflow.cli.definitions:validate",
    "compile": "planflow.cli.definitions:compile_",
    "schema": "planflow.cli.schema:schema",
    "sync": "planflow.cli.status:sync",
    "migrate": "planflow.cli.migrate:migrate",
    "rebuild-state": "planflow.cli.migrate:rebuild_state",
    "status": "planflow.cli.status:status",
    "progress": "planflow.cli.progress:progress",
    "check": "planflow.cli.check:check",
    "serve": "planflow.cli.serve:serve",
    "notices": "planflow.cli.mail:notices",
    "simulate": "planflow.cli.mail:simulate",
    "outbox": "planflow.cli.mail:outbox",
    "send": "planflow.cli.mail:send",
    "reports": "planflow.cli.reports:reports",
    "report": "planflow.cli.reports:report_app",
    "import": "planflow.cli.importer:import_",
    "web": "planflow.cli.web:web",
    "link": "planflow.cli.web:link",
    "export": "planflow.cli.exports:export",
    "import-progress": "planflow.cli.exports:import_progress",
    "ics": "planflow.cli.exports:ics",
    "user": "planflow.cli.users:users_app",
    "units": "planflow.cli.units:units_app",
}


class LazyCommands(TyperGroup):
    """The commands of ``COMMANDS``, each imported the first time it is asked for.

    (``ctx`` and the commands are typer's click objects: typer now carries its own copy of
    click, and other versions use click's, hence ``Any``.)"""

    def list_commands(self, ctx: Any) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: Any, name: str) -> Any:
        if name not in COMMANDS:
            return None
        if name not in self.commands:
            self.add_command(load_command(name, COMMANDS[name]), name)
        return self.commands[name]

    def main(self, *args: Any, **kwargs: Any) -> Any:
        apply_no_color()
        vi.apply()
        return super().main(*args, **kwargs)


def load_command(name: str, target: str) -> Any:
    """The command typer builds for ``module:attribute`` (a function or a Typer app)."""
    module, _, attribute = target.partition(":")
    found = getattr(importlib.import_module(module), attribute)
    if isinstance(found, typer.Typer):
        group = typer.main.get_group(found)  # not get_command: no completion options on a subgroup
        group.name = name
        return group
    single = typer.Typer(add_completion=False)
    single.command(name)(found)
    return typer.main.get_command(single)


app = typer.Typer(
    name="planflow",
    cls=LazyCommands,
    help="planflow: biến Kế hoạch thành nhiệm vụ có chủ trì, có hạn; kiểm tra, nhắc việc, báo cáo.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _planflow(
    verbose: Annotated[
        int,
        typer.Option(
            "--verbose",
            "-v",
            count=True,
            help="Ghi nhật ký hoạt động ra stderr (-v: INFO, -vv: DEBUG); mặc định theo PLANFLOW_LOG_LEVEL, "
            "không có thì chỉ cảnh báo.",
        ),
    ] = 0,
) -> None:
    """The group's own option: how much of the library's log to show (every other option
    belongs to a command)."""
    try:
        configure_cli(cli_level(verbose))
    except PlanflowError as exc:  # as exit_with_error says it, without importing the commands' helpers
        typer.echo(f"Lỗi: {exc}", err=True)
        raise typer.Exit(1) from None


def main() -> None:
    app()
